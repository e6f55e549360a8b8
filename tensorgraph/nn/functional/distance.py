"""Norms, similarities and divergences for ``tensorgraph.nn.functional`` (composites):
``normalize``, ``cosine_similarity``, ``pairwise_distance``, ``kl_div`` and
``cosine_embedding_loss``, ``pdist``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...checks import check_finite_loss
from ...shapes import one_dim
from ...tensor_functions import where
from ...tensor import Tensor
from .check import as_tensor, floating, legacy_reduction, same_dtype
from .check import reduce as apply_reduction

__all__ = ["cosine_embedding_loss", "cosine_similarity", "kl_div", "normalize",
           "pairwise_distance", "pdist"]


def vector_norm(x: Tensor, p: float, dim: int, keepdim: bool = False,
                floor: float = 0.0) -> Tensor:
    """``max(||x||_p, floor)`` along ``dim``, with torch's gradients: 0 (not NaN) where
    the norm is 0 or below ``floor``, sign(x) * |x|^(p-1) / ||x||^(p-1) elsewhere."""
    if p == math.inf:
        return x.abs().amax(dim, keepdim=keepdim).clamp(min=floor)
    if p == 0:  # the count of non-zeros: no gradient
        n = (x.array != 0).sum(axis=dim, keepdims=keepdim).astype(x.dtype)
        return Tensor.from_array(np.maximum(n, floor).astype(x.dtype), False)
    s = (x * x).sum(dim, keepdim=keepdim) if p == 2 else (x.abs() ** p).sum(dim, keepdim=keepdim)
    # Below the floor (or at 0) the result is a constant: keep root's gradient out of it.
    low = s.array <= max(floor, 0.0) ** p
    safe = where(low, np.ones((), x.dtype), s)
    root = safe.sqrt() if p == 2 else safe ** (1.0 / p)
    return where(low, np.asarray(floor if floor > 0 else 0.0, x.dtype), root)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``: unit vectors (zero vectors stay zero).

    Example:
        >>> F.normalize(tg.tensor([[3.0, 4.0]]), dim=1)
        tensor([[0.6, 0.8]])
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor.")
    x = floating(as_tensor(input, "normalize"), "normalize")
    d = one_dim(dim, x.shape, "normalize")
    return x / vector_norm(x, float(p), d, keepdim=True, floor=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``sum(x1 * x2, dim) / (max(||x1||, eps) * max(||x2||, eps))`` (x1, x2 broadcast).

    Each input is divided by its own (clamped) norm first, as torch does, so large
    inputs do not overflow the product of norms.

    Example:
        >>> F.cosine_similarity(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    a = floating(as_tensor(x1, "cosine_similarity", "x1"), "cosine_similarity", "x1")
    b = same_dtype(floating(as_tensor(x2, "cosine_similarity", "x2"), "cosine_similarity",
                            "x2"), a)
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(
            f"cosine_similarity: x1 {tuple(a.shape)} and x2 {tuple(b.shape)} cannot be broadcast to one "
            "shape."
        ) from None
    a, b = a.expand(*shape), b.expand(*shape)
    d = one_dim(dim, a.shape, "cosine_similarity")
    if a.ndim == 0:
        a, b = a.reshape(1), b.reshape(1)
    na = vector_norm(a, 2.0, d, keepdim=True, floor=eps)
    nb = vector_norm(b, 2.0, d, keepdim=True, floor=eps)
    return ((a / na) * (b / nb)).sum(d)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dim (rows of a batch, broadcast)."""
    a = floating(as_tensor(x1, "pairwise_distance", "x1"), "pairwise_distance", "x1")
    b = same_dtype(as_tensor(x2, "pairwise_distance", "x2"), a)
    diff = a - b + eps
    if diff.ndim == 0:
        diff = diff.reshape(1)
    return vector_norm(diff, float(p), diff.ndim - 1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """``||x_i - x_j||_p`` for every pair of rows ``i < j`` of an ``(N, M)`` input, in
    row-major order: the ``N (N - 1) / 2`` upper-triangle entries of ``cdist(x, x)``."""
    x = floating(as_tensor(input, "pdist"), "pdist")
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D (shape "
                           f"{tuple(x.shape)}); pass an (N, M) batch of row vectors")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got {p}")
    i, j = np.triu_indices(x.shape[0], 1)
    return vector_norm(x[i] - x[j], float(p), 1)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``target * (log(target) - input)``, pointwise.

    ``input`` is log-probabilities (``log_softmax``); ``target`` probabilities (or
    log-probabilities with ``log_target=True``). Terms with ``target == 0`` are 0.

    Args:
        reduction: ``'batchmean'`` (sum / batch size: the true KL divergence),
            ``'sum'``, ``'mean'`` (over all elements, with torch's warning) or ``'none'``.

    Example:
        >>> F.kl_div(F.log_softmax(logits, 1), probs, reduction="batchmean")
    """
    op = "kl_div"
    if reduction == "batchmean" and size_average is None and reduce is None:
        how = "batchmean"
    else:
        how = legacy_reduction(size_average, reduce, reduction, op)
        if how == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the "
                "support size.'batchmean' divides only by the batch size, and aligns with "
                "the KL div math definition.'mean' will be changed to behave the same as "
                "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    x = floating(as_tensor(input, op), op)
    t = same_dtype(floating(as_tensor(target, op, "target"), op, "target"), x)
    if log_target:
        loss = t.exp() * (t - x)
    else:
        # xlogy: 0 where target is 0; log(1) there keeps the unused branch finite.
        pos = t.array > 0
        t_log = where(pos, t, np.ones((), t.dtype)).log()
        loss = t * (t_log - x)
    if how == "batchmean":
        total = loss.sum()
        return check_finite_loss(total / loss.shape[0] if loss.ndim else total, op)
    return check_finite_loss(apply_reduction(loss, how), op)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target == 1``; ``max(0, cos(x1, x2) - margin)`` where
    ``target == -1`` (cosine along dim 1, or dim 0 for unbatched 1-D inputs)."""
    op = "cosine_embedding_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    a = floating(as_tensor(input1, op, "input1"), op, "input1")
    y = as_tensor(target, op, "target").array
    dim = 1 if a.ndim == 2 else 0
    cos = cosine_similarity(a, input2, dim, eps=1e-8)  # torch's EPSILON on the norms
    if y.shape != cos.shape:
        raise RuntimeError(f"{op}: target shape {tuple(y.shape)} must be the batch shape "
                           f"{tuple(cos.shape)} of the inputs {tuple(a.shape)}.")
    pos = np.asarray(y == 1)
    loss = where(pos, 1 - cos, (cos - margin).clamp(min=0))
    loss = loss * Tensor.from_array(np.asarray((y == 1) | (y == -1), a.dtype), False)
    return check_finite_loss(apply_reduction(loss, how), op)
