"""Module hooks, as torch: forward pre-hooks, forward hooks, full backward (pre-)hooks.

``Module`` inherits :class:`ModuleHooks`. A hook-free module never comes here (one
flag check in ``Module.__call__``).

Backward hooks see all the gradients of a module's tensor inputs (``grad_input``) and
outputs (``grad_output``) at once, as torch's do: the hooked tensors pass through one
:class:`~tensorgraph.ops.pack.Pack` node on each side, whose gradient is the whole set.
Gradients of outputs that received none, and a None returned by a hook, become zeros
(torch passes None on).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import RemovableHandle
from ..autograd import is_grad_enabled
from ..tensor_functions import cat
from ..ops.pack import Pack, split_flat
from ..tensor import Tensor


class _Hook:
    """One registered hook and its options (the list entry a handle removes)."""

    __slots__ = ("always_call", "fn", "with_kwargs")

    def __init__(self, fn: Callable, with_kwargs: bool = False, always_call: bool = False):
        self.fn, self.with_kwargs, self.always_call = fn, with_kwargs, always_call


# Hooks of every module (torch.nn.modules.module.register_module_forward_hook ...):
# GLOBAL_HOOKS holds all their entries, so Module.__call__ tests one list's truth.
GLOBAL_HOOKS: list[_Hook] = []
_GLOBAL_PRE: list[_Hook] = []
_GLOBAL_POST: list[_Hook] = []


class _GlobalHandle(RemovableHandle):
    def __init__(self, hooks: list, entry: _Hook) -> None:
        super().__init__(hooks, entry)
        self._entry = entry

    def remove(self) -> None:
        super().remove()
        if self._entry in GLOBAL_HOOKS:
            GLOBAL_HOOKS.remove(self._entry)


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(module, args)`` before the forward of EVERY module (before the
    module's own pre-hooks); it may return replacement args. As torch's global hook."""
    entry = _Hook(hook)
    _GLOBAL_PRE.append(entry)
    GLOBAL_HOOKS.append(entry)
    return _GlobalHandle(_GLOBAL_PRE, entry)


def register_module_forward_hook(hook: Callable, *, always_call: bool = False
                                 ) -> RemovableHandle:
    """Call ``hook(module, args, output)`` after the forward of EVERY module (before the
    module's own forward hooks); it may return a new output. As torch's global hook.

    Example:
        >>> h = tg.nn.modules.module.register_module_forward_hook(
        ...     lambda m, args, out: print(type(m).__name__))
        >>> model(x); h.remove()
    """
    entry = _Hook(hook, always_call=always_call)
    _GLOBAL_POST.append(entry)
    GLOBAL_HOOKS.append(entry)
    return _GlobalHandle(_GLOBAL_POST, entry)


class HookHandle(RemovableHandle):
    """A module hook's handle, as torch's: ``id`` is its key in the module's registry
    (``module._forward_hooks[handle.id]`` is the hook); ``remove()`` deletes that key
    there and in the option dicts (``_forward_hooks_with_kwargs``, ...)."""

    next_id = 0

    def __init__(self, hooks: dict, *extra: dict) -> None:
        super().__init__([], None)
        self.hooks_dict, self.extra_dicts = hooks, extra
        self.id = HookHandle.next_id
        HookHandle.next_id += 1

    def remove(self) -> None:
        for d in (self.hooks_dict, *self.extra_dicts):
            d.pop(self.id, None)

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _add(module: Any, registry: str, fn: Callable, prepend: bool,
         **options: bool) -> RemovableHandle:
    """Register ``fn`` under a new handle id (first when ``prepend``); each true option
    ``x`` also records the id in ``module.<registry>_x`` (torch's layout)."""
    d = module.__dict__
    hooks = d[registry]
    extra = [d[f"{registry}_{name}"] for name in options]
    handle = HookHandle(hooks, *extra)
    hooks[handle.id] = fn
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    for (name, on), flags in zip(options.items(), extra):
        if on:
            flags[handle.id] = True
    d["_hooked"] = True
    return handle


def _entries(module: Any, registry: str, shared: list[_Hook] = ()) -> list[_Hook]:
    """The hooks to run now: ``shared`` (the global ones), then the module's own."""
    d = module.__dict__
    kw = d.get(registry + "_with_kwargs", {})
    always = d.get(registry + "_always_called", {})
    return [*shared, *(_Hook(fn, hid in kw, hid in always) for hid, fn in d[registry].items())]


class ModuleHooks:
    """The hook half of ``Module``: registration and the hooked call.

    No ``__slots__`` here: a lazy layer's ``__class__`` switch (``cls_to_become``) needs
    every class in the chain to lay instances out the same way.
    """

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before ``forward``.

        It may return replacement args (a tuple, or one value that becomes a 1-tuple);
        with ``with_kwargs=True`` it is ``hook(module, args, kwargs)`` and may return
        ``(args, kwargs)``. ``prepend`` runs it before the hooks already registered.
        Returns a handle whose ``remove()`` unregisters it.
        """
        return _add(self, "_forward_pre_hooks", hook, prepend, with_kwargs=with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after ``forward``; it may return a new output.

        With ``with_kwargs=True`` it is ``hook(module, args, kwargs, output)``;
        ``always_call=True`` runs it even when ``forward`` raised.

        Example:
            >>> shapes = []
            >>> h = model.fc1.register_forward_hook(lambda m, a, out: shapes.append(out.shape))
            >>> model(x); h.remove()
        """
        return _add(self, "_forward_hooks", hook, prepend, with_kwargs=with_kwargs,
                    always_called=always_call)

    def register_full_backward_pre_hook(self, hook: Callable,
                                        prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients of the outputs are known;
        it may return a replacement ``grad_output`` tuple."""
        return _add(self, "_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook: Callable,
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients of the
        module's tensor inputs are computed; it may return a replacement ``grad_input``.

        ``grad_input`` has one entry per positional Tensor argument (None for those that
        need no gradient); ``grad_output`` one per Tensor output.

        Example:
            >>> def show(m, gin, gout):
            ...     print(type(m).__name__, [g.shape for g in gout])
            >>> model.fc2.register_full_backward_hook(show)
        """
        return _add(self, "_backward_hooks", hook, prepend)

    # ------------------------------------------------------------ the hooked call
    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        d = self.__dict__
        for h in _entries(self, "_forward_pre_hooks", _GLOBAL_PRE):
            if h.with_kwargs:
                result = h.fn(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of "
                            f"(new_args, new_kwargs), but got {result!r}."
                        )
                    args, kwargs = result
            else:
                result = h.fn(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward = None
        if (d["_backward_hooks"] or d["_backward_pre_hooks"]) and is_grad_enabled():
            backward = _BackwardHooks(self)
            args = backward.wrap_inputs(args)
        try:
            out = self.forward(*args, **kwargs)
        except Exception:
            for h in _entries(self, "_forward_hooks", _GLOBAL_POST):
                if h.always_call:
                    try:
                        h.fn(self, args, kwargs, None) if h.with_kwargs else h.fn(self, args, None)
                    except Exception as hook_exc:  # noqa: BLE001  (forward's error wins)
                        warnings.warn(f"forward hook with always_call=True raised while "
                                      f"forward had failed: {hook_exc!r}", stacklevel=2)
            raise
        for h in _entries(self, "_forward_hooks", _GLOBAL_POST):
            result = h.fn(self, args, kwargs, out) if h.with_kwargs else h.fn(self, args, out)
            if result is not None:
                out = result
        if backward is not None:
            out = backward.wrap_outputs(out)
        return out


class _BackwardHooks:
    """One hooked call's backward side: packs inputs and outputs, runs the hooks."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.input_zeros: list = []  # per positional Tensor argument: a zero gradient
        self.input_slots: list[int] = []  # which of them need a gradient
        self.grad_output: tuple | None = None

    def wrap_inputs(self, args: tuple) -> tuple:
        tensors = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        # torch reports zeros (not None) for the inputs that need no gradient, as soon
        # as one input needs one.
        self.input_zeros = [lambda t=args[i]: Tensor.from_array(t.array * 0, False) for i in tensors]
        need = [i for i in tensors if args[i].requires_grad]
        self.input_slots = [tensors.index(i) for i in need]
        if not need:
            return args
        new = list(args)
        for i, t in zip(need, _repack([args[i] for i in need], self._on_grad_input)):
            new[i] = t
        return tuple(new)

    def wrap_outputs(self, out: Any) -> Any:
        outs = out if isinstance(out, tuple) else (out,)
        idx = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
        if not idx:
            return out
        new = list(outs)
        for i, t in zip(idx, _repack([outs[i] for i in idx], self._on_grad_output)):
            new[i] = t
        return tuple(new) if isinstance(out, tuple) else new[0]

    def _on_grad_output(self, grads: list) -> list:
        grad_output = tuple(grads)
        for h in _entries(self.module, "_backward_pre_hooks"):
            result = h.fn(self.module, grad_output)
            if result is not None:
                grad_output = _checked(result, len(grad_output), "backward pre-hook",
                                       "grad_output")
        self.grad_output = grad_output
        if not self.input_slots and self.module.__dict__["_backward_hooks"]:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients (as torch).",
                UserWarning, stacklevel=2,
            )
            self._run_full_hooks((None,) * len(self.input_zeros))
        return list(grad_output)

    def _on_grad_input(self, grads: list) -> list:
        grad_input: list = [None] * len(self.input_zeros)
        for i, zero in enumerate(self.input_zeros):
            if i not in self.input_slots:
                grad_input[i] = zero()
        for slot, g in zip(self.input_slots, grads):
            grad_input[slot] = g
        result = self._run_full_hooks(tuple(grad_input))
        return [result[slot] for slot in self.input_slots]

    def _run_full_hooks(self, grad_input: tuple) -> tuple:
        grad_output = self.grad_output if self.grad_output is not None else ()
        for h in _entries(self.module, "_backward_hooks"):
            result = h.fn(self.module, grad_input, grad_output)
            if result is not None:
                grad_input = _checked(result, len(grad_input), "backward hook", "grad_input")
        return grad_input


def _checked(result: Any, n: int, what: str, name: str) -> tuple:
    result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(result) != n:
        raise RuntimeError(
            f"{what} returned {len(result)} gradients but {name} has {n} entries; return "
            f"a tuple of the same length as {name} (None where unchanged), or None."
        )
    return result


def _repack(tensors: list[Tensor], on_grads: Callable[[list], list]) -> list[Tensor]:
    """``tensors`` read back through one Pack node whose gradient goes via ``on_grads``."""
    shapes = [t.shape for t in tensors]
    packed = Pack.apply(*tensors)

    def hook(g: Tensor) -> Tensor:
        pieces = split_flat(g, shapes)
        new = on_grads(pieces)
        if all(n is p for n, p in zip(new, pieces)):
            return None
        # A None from the user's hook means "no gradient" there, as in torch: zeros.
        flat = [(Tensor.from_array(np.zeros(p.shape, p.dtype), False) if n is None
                 else Tensor.as_operand(n, p)).reshape(-1)
                for n, p in zip(new, pieces)]
        return cat(flat)

    packed.grad_fn.register_prehook(hook)
    return [p if p.dtype == t.dtype else p.to(t.dtype)
            for p, t in zip(split_flat(packed, shapes), tensors)]
