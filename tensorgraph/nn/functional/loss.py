"""Element-wise losses for ``tensorgraph.nn.functional``: MSE, L1 (composites) and the
two binary cross-entropies (fused, in ``tensorgraph/ops/loss.py``: see their docstrings
for why)."""

from __future__ import annotations

import numpy as np

from ...checks import check_finite_loss
from ...ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, reduce
from ...tensor import Tensor
from .check import as_tensor, floating, same_dtype, same_shape
from .check import reduction as reduction_arg
from ...autograd.node_names import named

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "l1_loss", "mse_loss"]


def _input_target(op: str, input, target) -> tuple[Tensor, Tensor]:
    """input and target of an element-wise loss: float, same shape, same dtype."""
    x = floating(as_tensor(input, op), op)
    y = as_tensor(target, op, "target")
    if y.dtype.kind != "f":
        raise TypeError(
            f"{op}: target must be a floating point tensor, got {y.dtype} (shape "
            f"{tuple(y.shape)}). Convert it: target.float()."
        )
    same_shape(x, y, op)
    return x, same_dtype(y, x)


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
    x, y = _input_target("mse_loss", input, target)
    d = x - y
    out = reduce(d * d, how)
    return check_finite_loss(named(out, "MseLossBackward0") if how != "none" else out, "mse_loss")


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``, reduced (a composite; gradient sign(d)).

    Example:
        >>> F.l1_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0]))
        tensor(1.)
    """
    how = reduction_arg(reduction, "l1_loss")
    x, y = _input_target("l1_loss", input, target)
    return check_finite_loss(reduce((x - y).abs(), how), "l1_loss")



# ---------------------------------------------------------------- BCE on probabilities
def _weight_array(weight, x: Tensor, op: str, name: str = "weight") -> np.ndarray | None:
    if weight is None:
        return None
    w = as_tensor(weight, op, name)
    try:
        np.broadcast_shapes(w.shape, x.shape)
    except ValueError:
        raise ValueError(
            f"{op}: {name} of shape {tuple(w.shape)} does not broadcast to the input {tuple(x.shape)}."
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
    p, y = _input_target(op, input, target)
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
    x, y = _input_target(op, input, target)
    w = _weight_array(weight, x, op)
    pw = _weight_array(pos_weight, x, op, "pos_weight")
    out = BinaryCrossEntropyWithLogits.apply(x, y, weight=w, pos_weight=pw, reduction=how)
    return check_finite_loss(out, "binary_cross_entropy_with_logits")
