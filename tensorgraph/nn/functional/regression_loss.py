"""Smooth L1 and Huber losses for ``tensorgraph.nn.functional`` (composites).

Both are quadratic near zero and linear beyond a cut-off; the branch is a constant
mask of ``|input - target|``, so the gradient is exactly torch's on each side.
"""

from __future__ import annotations

from ...checks import check_finite_loss
from ...tensor_functions import where
from ...tensor import Tensor
from .check import as_tensor, float_pair, legacy_reduction, same_dtype
from .check import reduce as apply_reduction

__all__ = ["huber_loss", "smooth_l1_loss"]


def _robust(op: str, input, target, cut: float, scale_quadratic: bool) -> Tensor:
    x, y = float_pair(op, input, target)
    if cut < 0:
        raise RuntimeError(f"{op}: {'beta' if scale_quadratic else 'delta'} must be "
                           f"non-negative, got {cut}.")
    d = x - y
    ad = d.abs()
    if cut == 0:
        return ad  # both are the L1 loss at a zero cut-off
    small = ad.array < cut
    if scale_quadratic:  # smooth L1: 0.5 d^2 / beta  |  |d| - beta / 2
        return where(small, d * d * (0.5 / cut), ad - 0.5 * cut)
    # Huber: 0.5 d^2  |  delta (|d| - delta / 2)
    return where(small, d * d * 0.5, (ad - 0.5 * cut) * cut)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (d = input - target).

    Args:
        input, target: same shape, floating point.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.
        beta: where the quadratic part ends (0 gives the L1 loss).

    Example:
        >>> F.smooth_l1_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    how = legacy_reduction(size_average, reduce, reduction, "smooth_l1_loss")
    loss = _robust("smooth_l1_loss", input, target, float(beta), True)
    return check_finite_loss(apply_reduction(loss, how), "smooth_l1_loss")


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    Args:
        input, target: same shape, floating point.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.
        delta: where the quadratic part ends (must be positive).
        weight: optional per-element weights (broadcast to the input), as torch.

    Example:
        >>> F.huber_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]), delta=2.0)
        tensor(2.0625)
    """
    how = legacy_reduction(None, None, reduction, "huber_loss")
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, "
                           f"got {delta}.")
    loss = _robust("huber_loss", input, target, float(delta), False)
    if weight is not None:
        loss = loss * same_dtype(as_tensor(weight, "huber_loss", "weight"), loss)
    return check_finite_loss(apply_reduction(loss, how), "huber_loss")
