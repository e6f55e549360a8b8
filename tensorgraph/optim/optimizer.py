"""Optimizer: the base class of every update rule (param groups, state, checkpoints).

Subclasses write one method, ``_update(p, grad, state, group)``, which changes the numpy
array ``p.data`` in place from ``grad`` (``p.grad.data``), the per-parameter ``state``
dict and the group's hyperparameters. Updates work on the raw arrays with ``out=`` into
preallocated state buffers and a shared scratch workspace, so a step allocates nothing
and a float32 model never meets a float64 temporary (hyperparameters are Python floats,
which numpy casts to the array's dtype).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd import enable_grad
from ..autograd.grad_mode import counters
from ..nn.utils import zero_grads
from ..tensor import Tensor
from .state_checks import check_same_kind
from .steps import SCALAR_KEYS, is_scalar, scalar_state

__all__ = ["Optimizer"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


class Optimizer:
    """Base class of all optimizers, with PyTorch's interface.

    Args:
        params: an iterable of Tensors (e.g. ``model.parameters()``), of ``(name, Tensor)``
            pairs (``model.named_parameters()``), or of dicts, each a *param group*:
            ``{"params": [...], "lr": 0.01, ...}``; a key a group leaves out takes the
            optimizer's default.
        defaults: the default hyperparameters of every group.

    Attributes:
        param_groups: list of dicts, each with ``"params"`` and its hyperparameters;
            change ``group["lr"]`` to change the learning rate (schedulers do this).
        state: per-parameter state (``state[p]`` is a dict of Tensors and step counts).

    Example:
        >>> opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> for x, y in loader:
        ...     opt.zero_grad()
        ...     loss_fn(model(x), y).backward()
        ...     opt.step()
    """

    # The per-parameter state keys a subclass keeps (all of them, and those every non-empty
    # entry has); load_state_dict uses them to refuse another optimizer's state dict.
    state_keys: frozenset[str] | None = None
    required_state_keys: frozenset[str] = frozenset()

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._workspace: dict[np.dtype, np.ndarray] = {}
        self._scratch_views: dict[tuple, tuple] = {}  # (shape, dtype, count) -> (buf, views)
        self._step_calls = 0  # lets a scheduler warn when it is stepped before the optimizer
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params should be an iterable of Tensors or dicts, but got a single "
                f"Tensor (shape {tuple(params.shape)}); wrap it in a list: {name}([w], ...)."
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE.format(name=name))
        groups = list(params)  # a generator is consumed once, here
        if not groups:
            raise ValueError(
                f"{name}: optimizer got an empty parameter list. Pass the tensors to train, "
                "e.g. model.parameters() on a model that has layers, or [w, b] for tensors "
                "made with requires_grad=True."
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)
        every = [p for g in self.param_groups for p in g["params"]]
        if every and not any(p.requires_grad for p in every):
            raise ValueError(
                f"{name}: none of the {len(every)} parameters requires grad, so backward() "
                "never gives them a gradient and step() would change nothing. Create them "
                "with requires_grad=True (or call w.requires_grad_()), or use "
                "tg.nn.Parameter."
            )

    # ------------------------------------------------------------ param groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (e.g. when unfreezing
        layers during fine-tuning); keys it leaves out take the optimizer's defaults.

        Example:
            >>> opt.add_param_group({"params": model.head.parameters(), "lr": 1e-3})
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a param group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a param group needs a 'params' entry, got keys "
                             f"{sorted(param_group)}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE.format(name=name))
        params = list(params)
        named = [isinstance(p, tuple) for p in params]
        if any(named):
            if not all(named):
                raise ValueError(f"{name}: give all params with names, (name, tensor) "
                                 "pairs, or all without; this group mixes both.")
            group["param_names"] = [n for n, _ in params]
            params = [p for _, p in params]
        if not params:
            raise ValueError(f"{name}: optimizer got an empty parameter list (param group "
                             f"{len(self.param_groups)} has no tensors).")
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: the optimizer can only optimize Tensors, but "
                                f"param {i} is a {type(p).__name__}.")
            if p.grad_fn is not None:
                raise ValueError(
                    f"{name}: can't optimize a non-leaf Tensor: param {i} (shape {tuple(p.shape)}) "
                    f"was computed by {type(p.grad_fn).__name__}, so an update would not "
                    "reach the tensor it came from. Optimize that leaf instead, or make "
                    "this one a leaf with t = t.detach().requires_grad_()."
                )
            if p.array.dtype.kind != "f":
                raise TypeError(f"{name}: param {i} has dtype {p.dtype}; only floating "
                                "point tensors can be optimized.")
        group["params"] = params
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        self._check_hyperparameters(group)
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: param group {len(self.param_groups)} lists the same "
                             "tensor twice; pass each parameter once.")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter "
                             "group; each tensor may belong to one group only.")
        if self.param_groups and ("param_names" in group) != ("param_names" in
                                                               self.param_groups[0]):
            raise ValueError(f"{name}: all param groups should be with names or all "
                             "without; this one differs from the first.")
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Raise ValueError for an invalid hyperparameter of ``group`` (subclasses)."""
        check_nonneg(self, group, "lr", "learning rate")

    # ------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors.

        Args:
            set_to_none: drop each ``.grad`` (the default: saves memory, and the next
                backward stores its gradient without an add); with False, fill the
                existing gradients with zeros in place.
        """
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient (those with ``.grad is None`` are
        skipped) by the optimizer's rule.

        Args:
            closure: optional function that zeroes the gradients, recomputes the loss,
                calls ``backward()`` and returns the loss; it runs first.

        Returns:
            The closure's loss, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                g = grad.array
                if g.shape != p.array.shape or g.dtype != p.array.dtype:
                    raise RuntimeError(
                        f"{type(self).__name__}.step: a parameter of shape {tuple(p.shape)} and "
                        f"dtype {p.dtype} has a gradient of shape {tuple(g.shape)} and dtype "
                        f"{g.dtype}; they must match (was .grad set by hand?)."
                    )
                self._update(p.array, g, self.state[p], group)
                # p._version += 1 (as PyTorch: a graph that saved p sees it changed),
                # without the property calls; the one inplace_ops bump below marks them all.
                vc = p._vc
                if vc is None:
                    p._vc = [1]
                else:
                    vc[0] += 1
                    if len(vc) > 1:  # a split/chunk/unbind output's memory (refresh_views)
                        counters.view_rebases += 1
        counters.inplace_ops += 1
        self._step_calls += 1
        return loss

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        """Update the array ``p`` in place from ``grad``, its ``state`` and ``group``."""
        raise NotImplementedError

    def _scratch(self, like: np.ndarray, count: int) -> tuple[np.ndarray, ...]:
        """``count`` scratch arrays shaped like ``like``, views of one shared buffer per
        dtype (updates run one parameter at a time, so all can share it). The views are
        kept per shape: each step asks again for every parameter."""
        key = (like.shape, like.dtype, count)
        buf = self._workspace.get(like.dtype)
        hit = self._scratch_views.get(key)
        if hit is not None and hit[0] is buf:
            return hit[1]
        n = like.size
        if buf is None or buf.size < n * count:
            largest = max([p.array.size for g in self.param_groups for p in g["params"]
                           if p.array.dtype == like.dtype] + [n])
            buf = self._workspace[like.dtype] = np.empty(largest * count, like.dtype)
        views = tuple(buf[i * n:(i + 1) * n].reshape(like.shape) for i in range(count))
        self._scratch_views[key] = (buf, views)
        return views

    # ------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as PyTorch lays it out, with copies of every buffer.

        Returns:
            ``{"state": {index: {"step": tensor(12.), "exp_avg": Tensor, ...}},
            "param_groups": [{"lr": ..., ..., "params": [index, ...]}]}``, where a
            parameter's index is its position counting through the groups in order.
            ``tg.save`` can write it.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, entry in self.state.items():
            if id(p) in index and entry:
                state[index[id(p)]] = {k: _copy_value(v) for k, v in entry.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (from this optimizer type, same groups and
        parameter counts); values are copied, buffers cast to their parameter's dtype.

        Raises:
            ValueError: the group count, a group's parameter count or a buffer's shape
                does not match, or the dict is not an optimizer state dict.
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            keys = sorted(map(str, state_dict)) if isinstance(state_dict, dict) else None
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' (from "
                             f"optimizer.state_dict()), got {type(state_dict).__name__}"
                             + (f" with keys {keys}" if keys is not None else ""))
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}: loaded state dict has {len(saved_groups)} parameter "
                             f"groups but the optimizer has {len(self.param_groups)}.")
        check_same_kind(self, state_dict, name)
        id_map: dict[Any, Tensor] = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}: loaded parameter group {i} has {len(saved['params'])} "
                    f"parameters but the optimizer's group {i} has {len(group['params'])}; "
                    "build the optimizer over the same parameters, in the same order."
                )
            id_map.update(zip(saved["params"], group["params"]))
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, entry in state_dict["state"].items():
            if key not in id_map:
                raise ValueError(f"{name}: state for parameter {key!r}, but the saved "
                                 f"groups list only {sorted(id_map, key=str)}.")
            p = id_map[key]
            state[p] = {k: scalar_state(v) if k in SCALAR_KEYS and is_scalar(v)
                        else _cast_value(v, p, f"{name}: state[{key!r}][{k!r}]")
                        for k, v in entry.items()}
        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
            for key, default in self.defaults.items():
                new.setdefault(key, default)
            groups.append(new)
        self.state, self.param_groups = state, groups

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


_SET_MESSAGE = ("{name}: optimizer parameters must be an ordered collection, but a set's "
                "order changes between runs (and with it which state belongs to which "
                "tensor in a checkpoint); use a list.")


def _copy_value(value: Any) -> Any:
    if isinstance(value, Tensor):
        return Tensor.from_array(value.array.copy(), False)
    return copy.deepcopy(value)


def _cast_value(value: Any, p: Tensor, where: str) -> Any:
    """A loaded state value as the optimizer keeps it: a fresh Tensor of ``p``'s dtype
    (floating buffers, shape-checked) or a Python number (step counts)."""
    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        arr = np.asarray(value.array if isinstance(value, Tensor) else value)
        if arr.ndim == 0:
            number = arr.item()
            return int(number) if float(number).is_integer() else number
        if arr.shape != p.shape:
            raise ValueError(f"{where} has shape {arr.shape} but its parameter has shape "
                             f"{tuple(p.shape)}; the checkpoint belongs to a different model.")
        dtype = p.dtype if arr.dtype.kind == "f" else arr.dtype
        return Tensor.from_array(np.array(arr, dtype=dtype, copy=True), False)
    return copy.deepcopy(value)


def check_nonneg(opt: Optimizer, group: dict[str, Any], key: str, what: str) -> None:
    value = group[key]
    if not isinstance(value, (int, float, np.number)) or not value >= 0:
        raise ValueError(f"{type(opt).__name__}: invalid {what} {key}={value!r}; it must be "
                         "a number >= 0.")


def buffer(state: dict[str, Any], key: str, p: np.ndarray) -> np.ndarray:
    """The array of state buffer ``key``, created as zeros on first use (also when an
    option such as momentum is switched on mid-training)."""
    t = state.get(key)
    if t is None:
        t = state[key] = Tensor.from_array(np.zeros_like(p), False)
    return t.array


def direction(p: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool,
              out: np.ndarray) -> np.ndarray:
    """The gradient an update follows: ``(-grad if maximize else grad) + wd * p``.

    Returns ``grad`` itself when there is nothing to add (never written to), else ``out``.
    """
    if weight_decay != 0:
        np.multiply(p, weight_decay, out=out)
        # -g + wd*p and wd*p - g round identically, so maximize needs no extra pass.
        return np.subtract(out, grad, out=out) if maximize else np.add(grad, out, out=out)
    return np.negative(grad, out=out) if maximize else grad


def lerp_(a: np.ndarray, end: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """``a += weight * (end - a)`` in place, in PyTorch's two-sided form (``torch.lerp``
    picks the formula by weight, for accuracy near both ends)."""
    np.subtract(end, a, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        a += tmp
    else:
        tmp *= 1.0 - weight
        np.subtract(end, tmp, out=a)
