"""Shared plumbing for the fused ops (linear, cross-entropy, batch_norm, conv2d, ...).

A fused op has a fast numpy backward. During ``backward(create_graph=True)`` the
gradient must itself be a recorded graph, so :func:`composite_grad` computes it another
way: it re-runs a *composite* of primitives that computes the same function on the
op's inputs and differentiates that with ``autograd.grad(..., create_graph=True)``.
Each fused op therefore has two definitions of its math (fast and readable), and the
tests check that both agree with PyTorch, including second derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import autograd
from ..autograd import Function
from ..tensor import Tensor


class _Alias(Function):
    """y = x;  dx = g   (the cut point that keeps composite_grad's inner backward local)"""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g


def composite_grad(ctx: Function, g: Any, composite: Callable[..., Tensor]) -> tuple:
    """Gradients of a fused op w.r.t. its inputs, as recorded Tensors (create_graph).

    Args:
        ctx: the fused op's node (its ``inputs`` and ``needs_input_grad`` are used).
        g: the incoming gradient, a Tensor shaped like the op's output.
        composite: ``composite(*inputs) -> Tensor`` computing the op's forward with
            primitives; it must not depend on state that forward changed.

    Returns:
        One gradient (Tensor or None) per input, as ``backward`` returns them.
    """
    # Each input that needs a gradient is seen through an _Alias node whose parent link
    # is cut while the inner autograd.grad runs: that pass then stops at the aliases
    # instead of walking (and firing hooks on) the whole graph upstream of the op.
    # Relinking afterwards lets a later derivative of the result reach the real inputs.
    args, aliases = [], []
    for t, need in zip(ctx.inputs, ctx.needs_input_grad):
        if need:
            a = _Alias.apply(t)
            a.grad_fn.inputs = ()
            aliases.append(a)
            args.append(a)
        else:
            args.append(t)
    try:
        out = composite(*args)
        found = autograd.grad(out, aliases, grad_outputs=g, create_graph=True,
                              allow_unused=True)
    finally:
        for a, t in zip(aliases, [t for t, n in zip(ctx.inputs, ctx.needs_input_grad) if n]):
            a.grad_fn.inputs = (t,)
    it = iter(found)
    return tuple(next(it) if need else None for need in ctx.needs_input_grad)


def is_array(g: Any) -> bool:
    """True in an ordinary backward (numpy arrays), False under create_graph."""
    return isinstance(g, np.ndarray)


def const(arr: np.ndarray) -> Tensor:
    """A constant (no-grad) Tensor around ``arr`` for use in a composite."""
    return Tensor._wrap(arr, False)
