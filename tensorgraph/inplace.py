"""In-place ops (``add_``, ``copy_``, ``x[i] = v``, ...): the write into the buffer and,
when recording, the graph rewiring that keeps gradients right afterwards (as torch).

``Tensor``'s in-place methods call ``write`` with the out-of-place computation, so
each in-place op is one line in ``tensor.py``.

- On a tensor that is not a view, the tensor takes the new node as its ``grad_fn``;
  nodes recorded earlier keep sending gradient to the old one (``rebased_from``).
- On a view (basic indexing, reshape, transpose, expand, ...) of a tensor ``base``,
  ``base`` gets a ``CopySlices`` node (its old history outside the view's region,
  the new value inside) and the view becomes an ``AsStrided`` view of that history.
  Other views of ``base`` are rebuilt the same way when next used
  (:func:`refresh_views`).
- A node that saved the old values raises in backward: every alias shares one
  version counter, which each write bumps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from . import ops as P
from .autograd.function import view_error
from .autograd.grad_mode import counters, get_mode, no_grad
from .tensor import Tensor
from .tensor_functions import where


def positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (which aliases ``base``'s memory), its index in
    ``base.reshape(-1)`` (C order), found from memory addresses as torch's as_strided."""

    def addresses(a: np.ndarray) -> np.ndarray:
        addr = np.full(a.shape, a.__array_interface__["data"][0], dtype=np.int64)
        for d, (n, stride) in enumerate(zip(a.shape, a.strides)):
            step = np.arange(n, dtype=np.int64) * stride
            addr = addr + step.reshape((n,) + (1,) * (a.ndim - d - 1))
        return addr

    flat = addresses(base).reshape(-1)
    order = np.argsort(flat, kind="stable")
    return order[np.searchsorted(flat[order], addresses(view))]


def _with_history(t: Tensor) -> Tensor:
    """A copy of ``t``'s values carrying ``t``'s current history (the input of the node
    an in-place op records: the buffer itself is about to be overwritten)."""
    old = Tensor.from_array(t.array.copy(), t.requires_grad)
    old.grad_fn = t.grad_fn
    return old


def _as_view_of_base(t: Tensor, mark: int) -> None:
    """Give view ``t`` the grad_fn of a view of its base's current history."""
    base = t._view[0]
    node = P.AsStrided.apply(base, positions=positions(t.array, base.array)).grad_fn
    if node is not None:
        node.rebased_from = (mark, t.grad_fn)
        t.grad_fn, t.requires_grad = node, True
    t._view = (base, base.grad_fn, t._view[2])


def refresh_views(inputs: tuple) -> None:
    """Rebuild the grad_fn of each input that is a view whose base's history changed
    since the view was made (an in-place op on the base or another view of it)."""
    for t in inputs:
        view = t._view
        if view is None:
            continue
        meta = view[2]
        if (meta is not None and t._vc[0] != meta.version
                and (t.grad_fn is not None or view[0].requires_grad)):
            raise view_error(t, meta, indirect=True)
        if view[0].grad_fn is not view[1]:
            _as_view_of_base(t, counters.inplace_ops)


def _check_allowed(x: Tensor, op: str, recording: bool) -> None:
    if recording and x._view is not None and x._view[2] is not None:
        raise view_error(x, x._view[2], indirect=False)
    if recording and x.requires_grad and x.grad_fn is None and x._view is None:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({op} on a tensor of shape {tuple(x.shape)}). Wrap it in "
            "`with tg.no_grad():` (as optimizers do) or use the out-of-place form "
            "(x = x + y)."
        )
    base = None if x._view is None else x._view[0]
    if recording and base is not None and base.requires_grad and base.grad_fn is None:
        raise RuntimeError(
            f"a view of a leaf Variable that requires grad is being used in an in-place "
            f"operation ({op} on a view of shape {tuple(x.shape)} of a leaf of shape "
            f"{tuple(base.shape)}). Wrap it in `with tg.no_grad():` or clone() the leaf."
        )
    if not x.array.flags.writeable:
        raise RuntimeError(
            f"{op}: this tensor (shape {tuple(x.shape)}) is a read-only view (from expand "
            "or broadcasting), so it can't be written in place; clone() it first."
        )


# In-place arithmetic keeps the tensor's dtype only where torch may cast the result to
# it; writes (copy_, fill_, x[i] = v, masked_fill_, ...) always cast.
_ARITHMETIC = frozenset({"add_", "sub_", "mul_", "div_", "clamp_", "pow_", "remainder_",
                         "floor_divide_"})


def _check_shape(result: Tensor, x: Tensor, op: str) -> None:
    """An in-place result must fit the tensor it is written into (torch: no resizing)."""
    shape, out = tuple(result.shape), tuple(x.shape)
    if shape != out and (len(shape) > len(out) or any(
            r not in (1, o) for r, o in zip(shape[::-1], out[::-1]))):
        raise RuntimeError(
            f"output with shape {list(out)} doesn't match the broadcast shape {list(shape)} "
            f"({op} writes into the tensor itself, so the other operand must broadcast to "
            f"its shape {out}; use the out-of-place form)")


def write(
    x: Tensor, op: str, compute: Callable[[Tensor], Tensor], other: Any = None
) -> Tensor:
    """Write ``compute(old)`` into ``x``'s buffer (aliases see it, as in PyTorch) and,
    when recording, rewire the graph (see the module docstring)."""
    other_grad = isinstance(other, Tensor) and other.requires_grad
    recording = get_mode("grad_enabled") and (
        x.requires_grad or other_grad or (x._view is not None and x._view[0].requires_grad))
    _check_allowed(x, op, recording)
    if not recording:
        with no_grad():
            result = compute(x.detach())
        if op in _ARITHMETIC and result.array.dtype != x.array.dtype:
            dtypes.check_cast(result.array.dtype, x.array.dtype, op)
        _check_shape(result, x, op)
        np.copyto(x.array, result.array, casting="unsafe")
        x._version += 1
        return x
    if counters.view_rebases:
        refresh_views((x,))
    result = compute(_with_history(x))
    _check_shape(result, x, op)
    if result.dtype != x.dtype:
        if op in _ARITHMETIC:
            dtypes.check_cast(result.array.dtype, x.array.dtype, op)
        result = result.to(x.dtype)
    base = None if x._view is None else x._view[0]
    if base is not None:
        new_base = P.CopySlices.apply(_with_history(base), result,
                                      positions=positions(x.array, base.array))
    np.copyto(x.array, result.array)
    x._version += 1  # bumps counters.inplace_ops: the mark of this in-place op
    mark = counters.inplace_ops
    if base is None:
        result.grad_fn.rebased_from = (mark, x.grad_fn)
        x.grad_fn, x.requires_grad = result.grad_fn, True
    else:
        new_base.grad_fn.rebased_from = (mark, base.grad_fn)
        base.grad_fn, base.requires_grad = new_base.grad_fn, True
        _as_view_of_base(x, mark)
    if x._vc is not None:
        counters.view_rebases += 1  # x may have views whose grad_fn is now stale
    return x


def write_item(x: Tensor, idx: Any, v: Tensor) -> None:
    """``x[idx] = v`` while recording: ``where(region, v scattered, x)``."""

    def put(t: Tensor) -> Tensor:
        region = np.zeros(t.shape, dtype=bool)
        region[idx] = True
        target = np.asarray(t.array[idx]).shape
        vals = v.to(t.dtype).expand(target) if v.shape != target else v.to(t.dtype)
        return where(region, P.IndexAdd.apply(vals, shape=t.shape, index=idx,
                                              accumulate=False), t)

    write(x, "__setitem__", put, v)


__all__ = ["positions", "refresh_views", "write", "write_item"]
