"""Margin and ranking losses for ``tensorgraph.nn.functional`` (composites, as torch
writes them): ``margin_ranking_loss``, ``hinge_embedding_loss``, ``soft_margin_loss``,
``multilabel_soft_margin_loss``, ``multi_margin_loss``, ``multilabel_margin_loss``,
``triplet_margin_loss`` and ``triplet_margin_with_distance_loss``.

Each hinge ``max(0, m - s)`` is a ``clamp(min=0)``, so its gradient is torch's on both
sides of the kink; which class or target a term belongs to is a constant mask.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...checks import check_finite_loss
from ...tensor import Tensor
from ...tensor_functions import where
from .check import as_tensor, floating, legacy_reduction, same_dtype
from .check import reduce as apply_reduction
from .distance import pairwise_distance
from .nonlinearity import logsigmoid, softplus

__all__ = ["hinge_embedding_loss", "margin_ranking_loss", "multi_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "soft_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss"]


def _float_input(x, op: str, name: str = "input") -> Tensor:
    return floating(as_tensor(x, op, name), op, name)


def _finish(loss: Tensor, how: str, op: str) -> Tensor:
    return check_finite_loss(apply_reduction(loss, how), op)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -y * (x1 - x2) + margin)``: ``y = 1`` ranks x1 above x2, ``-1`` below.

    Example:
        >>> F.margin_ranking_loss(tg.tensor([1.0]), tg.tensor([2.0]), tg.tensor([1.0]))
        tensor(1.)
    """
    op = "margin_ranking_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    a = _float_input(input1, op, "input1")
    b, y = as_tensor(input2, op, "input2"), as_tensor(target, op, "target")
    if not a.ndim == b.ndim == y.ndim:
        raise RuntimeError(f"{op}: All input tensors should have same dimension but got "
                           f"sizes: input1: {tuple(a.shape)}, input2: {tuple(b.shape)}, "
                           f"target: {tuple(y.shape)}; give them the same number of dims")
    return _finish((-same_dtype(y, a) * (a - same_dtype(b, a)) + margin).clamp(min=0), how, op)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """``x`` where ``y == 1``, ``max(0, margin - x)`` where ``y == -1`` (x: a distance)."""
    op = "hinge_embedding_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    x = _float_input(input, op)
    y = as_tensor(target, op, "target").array
    zero = np.zeros((), x.dtype)
    # as torch: a label that is neither 1 nor -1 takes both terms
    loss = where(np.asarray(y != 1), (margin - x).clamp(min=0), zero) + \
        where(np.asarray(y != -1), x, zero)
    return _finish(loss, how, op)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-y * x))``: the logistic loss of labels ``y`` in {1, -1}."""
    op = "soft_margin_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    x = _float_input(input, op)
    y = same_dtype(as_tensor(target, op, "target"), x)
    return _finish(softplus(-y * x), how, op)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """``-mean_c [y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c)]`` per sample (one
    binary cross-entropy per class, averaged over the last dim)."""
    op = "multilabel_soft_margin_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    x = _float_input(input, op)
    y = same_dtype(as_tensor(target, op, "target"), x)
    loss = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))
    if weight is not None:
        loss = loss * same_dtype(as_tensor(weight, op, "weight"), x)
    loss = loss.sum(x.ndim - 1) / x.shape[-1]
    return _finish(loss, how, op)


def _class_targets(x: Tensor, target, op: str) -> np.ndarray:
    """The class index of each sample, checked against ``x``'s ``(N, C)`` or ``(C,)``."""
    t = as_tensor(target, op, "target")
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected target of an integer dtype (class indices), got "
                           f"{t.dtype} (shape {tuple(t.shape)}); use target.long()")
    if x.ndim not in (1, 2) or t.ndim > 1 or t.numel() != (x.shape[0] if x.ndim == 2 else 1):
        raise RuntimeError(f"{op}: inconsistent target size {tuple(t.shape)} for input of "
                           f"size {tuple(x.shape)}; expected input (N, C) with target (N,), "
                           "or input (C,) with one target")
    idx = t.array.reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= x.shape[-1]):
        raise IndexError(f"{op}: target out of range: classes are 0..{x.shape[-1] - 1}, got "
                         f"{int(idx.min()) if idx.min() < 0 else int(idx.max())}")
    return idx.astype(np.int64)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` per sample (multi-class hinge),
    each term times ``weight[y]`` when given."""
    op = "multi_margin_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 supported, got p={p}")
    x = _float_input(input, op)
    idx = _class_targets(x, target, op)
    rows = x.reshape(-1, x.shape[-1])
    n, c = rows.shape
    picked = rows[np.arange(n), idx].unsqueeze(1)
    h = (margin - picked + rows).clamp(min=0)
    if p == 2:
        h = h * h
    if weight is not None:
        w = same_dtype(as_tensor(weight, op, "weight"), x)
        h = h * w[idx].unsqueeze(1)
    others = np.ones((n, c), x.array.dtype)
    others[np.arange(n), idx] = 0
    loss = (h * others).sum(1) / c
    return _finish(loss if x.ndim == 2 else loss.reshape(()), how, op)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``sum_{j in targets} sum_{i not in targets} max(0, 1 - (x[j] - x[i])) / C`` per
    sample; a row of ``target`` lists class indices and ends at the first -1."""
    op = "multilabel_margin_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    x = _float_input(input, op)
    t = as_tensor(target, op, "target")
    if t.shape != x.shape or x.ndim not in (1, 2) or t.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: inconsistent target {tuple(t.shape)} ({t.dtype}) for input "
                           f"{tuple(x.shape)}; target must be an integer tensor of the "
                           "input's shape, (N, C) or (C,)")
    rows, tt = x.reshape(-1, x.shape[-1]), t.array.reshape(-1, x.shape[-1]).astype(np.int64)
    n, c = rows.shape
    counts = np.zeros((n, c), x.array.dtype)  # how often class j is listed (before a -1)
    for r in range(n):
        listed = tt[r]
        stop = np.flatnonzero(listed < 0)
        listed = listed[:stop[0]] if stop.size else listed
        if listed.size and listed.max() >= c:
            raise IndexError(f"{op}: target index {int(listed.max())} out of range for "
                             f"{c} classes")
        np.add.at(counts[r], listed, 1)
    pairs = counts[:, :, None] * (counts == 0)[:, None, :].astype(x.array.dtype)
    hinge = (1 - rows.unsqueeze(2) + rows.unsqueeze(1)).clamp(min=0)  # [n, j, i]
    loss = (hinge * pairs).sum((1, 2)) / c
    return _finish(loss if x.ndim == 2 else loss.reshape(()), how, op)


def _triplet_inputs(op: str, anchor, positive, negative) -> tuple[Tensor, Tensor, Tensor]:
    a = _float_input(anchor, op, "anchor")
    p = same_dtype(as_tensor(positive, op, "positive"), a)
    n = same_dtype(as_tensor(negative, op, "negative"), a)
    if not a.ndim == p.ndim == n.ndim:
        raise RuntimeError(f"{op}: The anchor, positive, and negative tensors are expected to "
                           f"have the same number of dimensions, but got: anchor "
                           f"{tuple(a.shape)}, positive {tuple(p.shape)}, negative "
                           f"{tuple(n.shape)}")
    return a, p, n


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                        swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the ``pairwise_distance`` (``p``,
    ``eps``); ``swap`` uses ``min(d(a, n), d(p, n))`` as the negative distance."""
    op = "triplet_margin_loss"
    how = legacy_reduction(size_average, reduce, reduction, op)
    a, pos, neg = _triplet_inputs(op, anchor, positive, negative)
    d_pos = pairwise_distance(a, pos, p, eps)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(pos, neg, p, eps))
    return _finish((margin + d_pos - d_neg).clamp(min=0), how, op)


def triplet_margin_with_distance_loss(
        anchor: Tensor, positive: Tensor, negative: Tensor, *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))`` for any distance ``d`` (default
    ``pairwise_distance``); ``swap`` as in :func:`triplet_margin_loss`."""
    op = "triplet_margin_with_distance_loss"
    how = legacy_reduction(None, None, reduction, op)
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    a, pos, neg = _triplet_inputs(op, anchor, positive, negative)
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(a, pos), dist(a, neg)
    if swap:
        d_neg = d_neg.minimum(dist(pos, neg))
    return _finish((margin + d_pos - d_neg).clamp(min=0), how, op)
