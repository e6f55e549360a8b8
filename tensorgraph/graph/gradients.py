"""Gradients for a traced graph: every tensor's d(root)/d(tensor) from the engine, each
edge's own term of the chain rule's sum, and a finite-difference check of each op.

Used by :func:`tensorgraph.graph.trace`; none of it changes any ``.grad``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import no_grad
from ..creation import ones_like
from ..tensor import Tensor

#: gradcheck: op inputs with more elements than this are not checked (cost).
CHECK_MAX_NUMEL = 256
#: gradcheck: a relative error above this marks an op's backward as wrong.
CHECK_TOLERANCE = 1e-5


def tensor_gradients(root: Tensor, reps: dict, order: list, want: bool
                     ) -> tuple[dict, str | None, bool]:
    """``{key: gradient array}``, a note when incomplete, and whether computed.

    ``reps`` maps a tensor node's key to a Tensor standing for it (see ``trace``).
    """
    # Only leaves and retain_grad() tensors hold a .grad (reading another's warns, as torch)
    existing = {k: t.grad.array for k, t in reps.items()
                if (t.is_leaf or t.retains_grad) and t.grad is not None}
    if not want:
        return existing, None, False
    if not root.requires_grad:
        return existing, "the root does not require grad: no gradients flow", False
    if any(fn.saved is None for fn in order):
        return existing, (
            "gradients of intermediate tensors are not shown: backward() already freed "
            "this graph. Call loss.backward(retain_graph=True), or trace before "
            "backward(); leaves show their .grad."), False
    targets = {k: t for k, t in reps.items() if t.requires_grad}
    seed = None if root.array.size == 1 else ones_like(root)
    # Our own pass must not fire user hooks (a retain_grad hook would add to .grad).
    hooks = [(fn, fn.pre_hooks) for fn in order if fn.pre_hooks]
    for fn, _ in hooks:
        fn.pre_hooks = None
    try:
        found = autograd.grad(root, list(targets.values()), grad_outputs=seed,
                              retain_graph=True, allow_unused=True)
    except RuntimeError as exc:  # e.g. detect_anomaly tripped on a NaN
        return existing, f"gradients could not be computed: {exc}", False
    finally:
        for fn, h in hooks:
            fn.pre_hooks = h
    note = None if seed is None else "the root is not a scalar: its gradient is all ones"
    grads = {k: g.array for k, g in zip(targets, found) if g is not None}
    return grads, note, True


def reduce_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast gradient down to an input's shape (the engine does the same)."""
    g = np.asarray(g)
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return (g.sum(axis=stretched, keepdims=True) if stretched else g).reshape(shape)


def op_input_gradients(fn: Any, g_out: np.ndarray) -> list:
    """What ``fn``'s own backward sends to each input for ``g_out`` (``None`` where
    nothing flows), reduced to the inputs' shapes: one term per edge."""
    with no_grad():
        found = type(fn).backward(fn, g_out)
    if not isinstance(found, tuple):
        found = (found,)
    out = []
    for t, need, g in zip(fn.inputs, fn.needs_input_grad, found):
        if not need or g is None:
            out.append(None)
            continue
        g = np.asarray(g.array if isinstance(g, Tensor) else g)
        out.append(reduce_to_shape(g, t.shape).astype(t.dtype, copy=False))
    return out


def finite_difference_error(fn: Any, g_out: np.ndarray, analytic: list,
                            eps: float = 1e-6) -> float | None:
    """Largest relative error between ``analytic`` (the op's backward along
    ``g_out``) and central differences of the op's forward; ``None`` when the op
    can't be checked (not float64, too big, or saved data changed)."""
    arrays = [t.array for t in fn.inputs]
    checked = [i for i, (a, g) in enumerate(zip(arrays, analytic))
               if g is not None and a.dtype == np.float64 and a.size <= CHECK_MAX_NUMEL]
    if not checked or np.asarray(g_out).dtype != np.float64:
        return None
    forward: Callable = type(fn).forward
    direction = np.asarray(g_out, dtype=np.float64)

    def f(xs: list) -> float:
        ctx = type(fn).__new__(type(fn))
        return float(np.sum(np.asarray(forward(ctx, *xs, **fn.kwargs)) * direction))

    worst = 0.0
    for i in checked:
        x = arrays[i]
        numeric = np.empty(x.shape)
        for j in np.ndindex(x.shape):
            xs = [a.copy() for a in arrays]
            xs[i][j] += eps
            up = f(xs)
            xs[i][j] -= 2 * eps
            numeric[j] = (up - f(xs)) / (2 * eps)
        ana = np.asarray(analytic[i], dtype=np.float64)
        scale = max(1.0, float(np.abs(numeric).max(initial=0)), float(np.abs(ana).max(initial=0)))
        worst = max(worst, float(np.abs(numeric - ana).max(initial=0)) / scale)
    return worst
