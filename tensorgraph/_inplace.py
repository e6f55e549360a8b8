"""In-place ops (``add_``, ``copy_``, ``x[i] = v``, ...): the write into the buffer and,
when recording, the graph rewiring that keeps gradients right afterwards.

``Tensor``'s in-place methods call ``write`` with the out-of-place computation, so
each in-place op is one line in ``tensor.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops as P
from ._grad_mode import _State, no_grad
from .functions import where
from .tensor import Tensor


def write(
    x: Tensor, op: str, compute: Callable[[Tensor], Tensor], other: Any = None
) -> Tensor:
    """Write ``compute(old)`` into ``x``'s buffer (aliases see it, as in PyTorch).

    When recording, ``x`` also takes the new node as its ``grad_fn``; that node's
    input is a copy holding the old value and history. Nodes recorded earlier keep
    sending gradient to the old ``grad_fn`` (``Function.rebased_from``), and a node
    that saved the old buffer raises in backward (the version counter).
    """
    other_grad = isinstance(other, Tensor) and other.requires_grad
    recording = _State.grad_enabled and (x.requires_grad or other_grad)
    if recording and x.grad_fn is None and x.requires_grad:
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {x.shape}) is used in "
            "an in-place operation. Wrap it in `with tg.no_grad():` (as optimizers "
            "do) or use the out-of-place form (x = x + y)."
        )
    if not x.array.flags.writeable:
        raise RuntimeError(
            f"{op}: this tensor (shape {x.shape}) is a read-only view (from expand "
            "or broadcasting), so it can't be written in place; clone() it first."
        )
    if recording and x.array.base is not None:
        # Its buffer belongs to another tensor whose graph would not see the write.
        raise RuntimeError(
            f"{op}: in-place on a view (from reshape, indexing or transpose) of "
            f"another tensor (shape {x.shape}) is not supported while recording "
            "the graph; use the out-of-place form (x = x + y) or clone() it first."
        )
    _State.inplace_ops += 1
    if x.grad_fn is not None:
        x.grad_fn.out_modified = True
    if not recording:
        with no_grad():
            result = compute(x.detach())
        np.copyto(x.array, result.array, casting="unsafe")
        x._version += 1
        return x
    # A copy: the new node may save the old value, and the buffer is overwritten.
    old = Tensor._wrap(x.array.copy(), x.requires_grad)
    old.grad_fn, old._version = x.grad_fn, x._version
    result = compute(old)
    if result.dtype != x.dtype:
        result = result.to(x.dtype)
    np.copyto(x.array, result.array)
    result.grad_fn.rebased_from = (_State.inplace_ops, x.grad_fn)
    x.grad_fn, x.requires_grad = result.grad_fn, True
    x._version += 1
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
