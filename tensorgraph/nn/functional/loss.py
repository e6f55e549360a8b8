"""Element-wise losses for ``tensorgraph.nn.functional``: MSE, L1 (composites) and the
two binary cross-entropies (fused: see their docstrings for why)."""

from __future__ import annotations

import numpy as np

from ..._checks import check_finite_loss
from ...autograd import Function
from ...tensor import Tensor, where
from .check import as_tensor, floating, reduce, same_dtype, same_shape
from .check import reduction as reduction_arg
from .fused import composite_grad, const, is_array

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "l1_loss", "mse_loss"]


def _pair(op: str, input, target) -> tuple[Tensor, Tensor]:
    """input and target of an element-wise loss: float, same shape, same dtype."""
    x = floating(as_tensor(input, op), op)
    y = as_tensor(target, op, "target")
    if y.dtype.kind != "f":
        raise TypeError(
            f"{op}: target must be a floating point tensor, got {y.dtype} (shape "
            f"{y.shape}). Convert it: target.float()."
        )
    same_shape(x, y, op)
    return x, same_dtype(y, x)


def reduce_array(loss: np.ndarray, how: str) -> np.ndarray:
    """The reduced loss of a fused loss op, as a numpy array in the loss's dtype."""
    if how == "none":
        return loss
    return np.asarray(loss.sum() if how == "sum" else loss.mean(), dtype=loss.dtype)


def grad_scale(g: np.ndarray, how: str, count: int) -> np.ndarray:
    """The incoming gradient as a per-element factor (broadcasts against the input)."""
    return g if how != "mean" else g * (1 / max(count, 1))


# ---------------------------------------------------------------- composites
def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target)^2``, reduced (a composite).

    Args:
        input, target: same shape, floating point.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.

    Example:
        >>> F.mse_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0]))
        tensor(2.)
    """
    how = reduction_arg(reduction, "mse_loss")
    x, y = _pair("mse_loss", input, target)
    d = x - y
    return check_finite_loss(reduce(d * d, how), "mse_loss")


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``, reduced (a composite; gradient sign(d)).

    Example:
        >>> F.l1_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0]))
        tensor(1.)
    """
    how = reduction_arg(reduction, "l1_loss")
    x, y = _pair("l1_loss", input, target)
    return check_finite_loss(reduce((x - y).abs(), how), "l1_loss")



# ---------------------------------------------------------------- BCE on probabilities
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
    def backward(ctx, g):
        k = ctx.kwargs
        w = k.get("weight")
        if not is_array(g):
            return composite_grad(ctx, g, lambda p, y: bce_composite(p, y, w, k["reduction"]))
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


def _weight_array(weight, x: Tensor, op: str, name: str = "weight") -> np.ndarray | None:
    if weight is None:
        return None
    w = as_tensor(weight, op, name)
    try:
        np.broadcast_shapes(w.shape, x.shape)
    except ValueError:
        raise ValueError(
            f"{op}: {name} of shape {w.shape} does not broadcast to the input {x.shape}."
        ) from None
    return np.asarray(w.array, dtype=x.dtype)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Args:
        input: probabilities in [0, 1] (e.g. a sigmoid's output), any shape.
        target: same shape, values in [0, 1].
        weight: rescaling per element, broadcastable to the input, or None.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.

    Prefer :func:`binary_cross_entropy_with_logits` on raw scores: it is exact where
    this one has to clamp ``log`` at -100.

    Example:
        >>> F.binary_cross_entropy(tg.tensor([0.9, 0.2]), tg.tensor([1.0, 0.0]))
    """
    op = "binary_cross_entropy"
    how = reduction_arg(reduction, op)
    p, y = _pair(op, input, target)
    if p.array.size and (p.array.min() < 0 or p.array.max() > 1):
        raise ValueError(
            f"{op}: input must hold probabilities in [0, 1], got values in "
            f"[{p.array.min():.4g}, {p.array.max():.4g}]. Apply sigmoid first, or use "
            "binary_cross_entropy_with_logits on the raw scores (more stable)."
        )
    w = _weight_array(weight, p, op)
    return check_finite_loss(BinaryCrossEntropy.apply(p, y, weight=w, reduction=how),
                             "binary_cross_entropy")


# ---------------------------------------------------------------- BCE on logits
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
    def backward(ctx, g):
        k = ctx.kwargs
        w, pw = k.get("weight"), k.get("pos_weight")
        if not is_array(g):
            return composite_grad(ctx, g, lambda x, y: bce_logits_composite(
                x, y, w, pw, k["reduction"]))
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


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step, as torch.

    Args:
        input: raw scores (logits), any shape.
        target: same shape, values in [0, 1].
        weight: rescaling per element, broadcastable to the input, or None.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.
        pos_weight: weight of positive examples per class (broadcast along the last
            dim), e.g. ``n_negative / n_positive`` for imbalanced data.

    Example:
        >>> F.binary_cross_entropy_with_logits(tg.tensor([1000.0]), tg.tensor([1.0]))
        tensor(0.)
    """
    op = "binary_cross_entropy_with_logits"
    how = reduction_arg(reduction, op)
    x, y = _pair(op, input, target)
    w = _weight_array(weight, x, op)
    pw = _weight_array(pos_weight, x, op, "pos_weight")
    out = BinaryCrossEntropyWithLogits.apply(x, y, weight=w, pos_weight=pw, reduction=how)
    return check_finite_loss(out, "binary_cross_entropy_with_logits")
