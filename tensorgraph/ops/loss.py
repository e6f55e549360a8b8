"""The two fused binary cross-entropies (on probabilities and on logits), each next to
its composite twin, and the loss reductions they share."""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..tensor import Tensor, where
from .fused import const

__all__ = [
    "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "bce_composite",
    "bce_logits_composite", "reduce",
]


def reduce(loss: Tensor, how: str) -> Tensor:
    """Apply a loss reduction to the per-element losses of a composite loss."""
    if how == "mean":
        return loss.mean()
    if how == "sum":
        return loss.sum()
    return loss


def reduce_array(loss: np.ndarray, how: str) -> np.ndarray:
    """The reduced loss of a fused loss op, as a numpy array in the loss's dtype."""
    if how == "none":
        return loss
    return np.asarray(loss.sum() if how == "sum" else loss.mean(), dtype=loss.dtype)


def grad_scale(g: np.ndarray, how: str, count: int) -> np.ndarray:
    """The incoming gradient as a per-element factor (broadcasts against the input)."""
    return g if how != "mean" else g * (1 / max(count, 1))


class BinaryCrossEntropy(Function):
    """l = -w (y log p + (1-y) log(1-p)), each log clamped at -100 (as torch);
    dp = g w (p - y) / max(p (1-p), 1e-12),  dy = g w (log(1-p) - log p)

    Fused so a probability of exactly 0 or 1 stays finite: the clamp keeps the loss
    at most 100 per element and the gradient's denominator is bounded away from 0,
    where the composite would give inf and NaN.
    """

    @staticmethod
    def forward(ctx, p, y, weight=None, reduction="mean"):
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped: intended
            logp = np.maximum(np.log(p), -100)
            log1mp = np.maximum(np.log1p(-p), -100)
        loss = -(y * logp + (1 - y) * log1mp)
        if weight is not None:
            loss *= weight
        ctx.save_for_backward(p, y)
        ctx.logs = (logp, log1mp)
        return reduce_array(loss, reduction)

    @staticmethod
    def composite(ctx, p, y):
        return bce_composite(p, y, ctx.kwargs.get("weight"), ctx.kwargs["reduction"])

    @staticmethod
    def backward(ctx, g):
        k = ctx.kwargs
        w = k.get("weight")
        p, y = ctx.saved_tensors
        gs = grad_scale(g, k["reduction"], p.size)
        if w is not None:
            gs = gs * w
        dp = gs * (p - y) / np.maximum(p * (1 - p), 1e-12) if ctx.needs_input_grad[0] else None
        dy = None
        if ctx.needs_input_grad[1]:
            dy = gs * (ctx.logs[1] - ctx.logs[0])
        return dp, dy


def bce_composite(p: Tensor, y: Tensor, w: np.ndarray | None, how: str) -> Tensor:
    """BCE from primitives (its readable definition; used for create_graph)."""
    loss = -(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100))
    if w is not None:
        loss = loss * const(w)
    return reduce(loss, how)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


class BinaryCrossEntropyWithLogits(Function):
    """l = w ((1-y) x + lw softplus(-x)),  lw = 1 + (pos_weight - 1) y,
    softplus(-x) = max(-x, 0) + log1p(exp(-|x|));
    dx = g w ((1-y) - lw sigmoid(-x)),  dy = g w ((pos_weight - 1) softplus(-x) - x)

    Fused for stability: exp only ever sees -|x| <= 0, so logits of +-1000 give a
    finite, exact loss (0 or 1000) and gradient, where log(sigmoid(x)) gives -inf.
    """

    @staticmethod
    def forward(ctx, x, y, weight=None, pos_weight=None, reduction="mean"):
        sp = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))  # softplus(-x)
        lw = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        loss = (1 - y) * x + lw * sp
        if weight is not None:
            loss *= weight
        ctx.save_for_backward(x, y)
        ctx.sp = sp
        return reduce_array(loss, reduction)

    @staticmethod
    def composite(ctx, x, y):
        k = ctx.kwargs
        return bce_logits_composite(x, y, k.get("weight"), k.get("pos_weight"), k["reduction"])

    @staticmethod
    def backward(ctx, g):
        k = ctx.kwargs
        w, pw = k.get("weight"), k.get("pos_weight")
        x, y = ctx.saved_tensors
        gs = grad_scale(g, k["reduction"], x.size)
        if w is not None:
            gs = gs * w
        dx = dy = None
        if ctx.needs_input_grad[0]:
            lw = 1 if pw is None else 1 + (pw - 1) * y
            dx = gs * ((1 - y) - lw * _sigmoid(-x))
        if ctx.needs_input_grad[1]:
            dy = gs * ((0 if pw is None else (pw - 1) * ctx.sp) - x)
        return dx, dy


def bce_logits_composite(x: Tensor, y: Tensor, w, pw, how: str) -> Tensor:
    """BCE-with-logits from primitives (readable definition; used for create_graph)."""
    # softplus(-x), split on the sign of x so exp never overflows and each branch is
    # smooth (a max/abs form would have a kink at 0 and a wrong second derivative there).
    pos = x.array >= 0
    xp, xn = where(pos, x, 0.0), where(pos, 0.0, x)
    sp = where(pos, ((-xp).exp() + 1).log(), (xn.exp() + 1).log() - xn)
    lw = 1 if pw is None else (y * const(pw - 1) + 1)
    loss = (1 - y) * x + lw * sp
    if w is not None:
        loss = loss * const(w)
    return reduce(loss, how)
