"""Regression losses for ``tensorgraph.nn.functional`` (composites): smooth L1 and Huber,
and the likelihood losses ``poisson_nll_loss`` and ``gaussian_nll_loss``.

Smooth L1 and Huber are quadratic near zero and linear beyond a cut-off; the branch is a
constant mask of ``|input - target|``, so the gradient is exactly torch's on each side.
"""

from __future__ import annotations

import math

import numpy as np

from ...checks import check_finite_loss
from ...tensor_functions import where
from ...tensor import Tensor
from .check import as_tensor, float_pair, floating, legacy_reduction, same_dtype
from .check import reduce as apply_reduction

__all__ = ["gaussian_nll_loss", "huber_loss", "poisson_nll_loss", "smooth_l1_loss"]


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


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood: ``exp(x) - y * x`` (``log_input``), else
    ``x - y * log(x + eps)``; ``full`` adds Stirling's ``y log y - y + 0.5 log(2 pi y)``
    where ``y > 1``.

    Example:
        >>> F.poisson_nll_loss(tg.tensor([0.0]), tg.tensor([2.0]))
        tensor(1.)
    """
    op = "poisson_nll_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    x = floating(as_tensor(input, op), op)
    y = same_dtype(as_tensor(target, op, "target"), x)
    loss = x.exp() - y * x if log_input else x - y * (x + eps).log()
    if full:
        big = y.array > 1  # Stirling's term is a constant of the target, 0 for y <= 1
        safe = np.where(big, y.array, 1).astype(x.array.dtype)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe)
        loss = loss + Tensor.from_array(np.where(big, stirling, 0).astype(x.array.dtype), False)
    return check_finite_loss(apply_reduction(loss, how), op)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Gaussian negative log-likelihood ``0.5 (log(max(var, eps)) + (x - y)^2 /
    max(var, eps))`` (+ ``0.5 log(2 pi)`` when ``full``); the clamp is not differentiated,
    as torch's (``var`` may drop the last dim, or have one dim of size 1, to share a
    variance).
    """
    op = "gaussian_nll_loss"
    how = legacy_reduction(None, None, reduction, op)
    x = floating(as_tensor(input, op), op)
    y = same_dtype(as_tensor(target, op, "target"), x)
    v = same_dtype(as_tensor(var, op, "var"), x)
    if isinstance(var, float):
        v = v.expand(*x.shape)
    if tuple(v.shape) != tuple(x.shape):
        if tuple(x.shape[:-1]) == tuple(v.shape):
            v = v.unsqueeze(-1)
        elif not (x.ndim == v.ndim and sum(b for a, b in zip(x.shape, v.shape) if a != b) == 1):
            raise ValueError(f"{op}: var is of incorrect size {tuple(v.shape)} for input "
                             f"{tuple(x.shape)}; give it the input's shape, or that shape "
                             "without its last dim (one variance per sample)")
    if (v.array < 0).any():
        raise ValueError(f"{op}: var has negative entry/entries; variances must be >= 0")
    # clamp the value only: the gradient passes to var as if unclamped (torch clamps a
    # copy in no_grad)
    v = v + Tensor.from_array(np.maximum(v.array, eps).astype(v.array.dtype) - v.array, False)
    d = x - y
    loss = 0.5 * (v.log() + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return check_finite_loss(apply_reduction(loss, how), op)
