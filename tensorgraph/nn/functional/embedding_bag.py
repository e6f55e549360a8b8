"""``embedding_bag`` (``torch.nn.functional.embedding_bag``): sums, means or maxima of
bags of embedding rows, without materialising the per-index ``(B, N, D)`` lookups first.

A composite of :func:`embedding` (the lookup), ``index_add`` (sum/mean) and a padded
``max`` (max), so gradients are those ops' own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor
from ...tensor_functions import cat, where
from .check import as_tensor
from .embedding import embedding

__all__ = ["embedding_bag"]


def _bags(idx: np.ndarray, offsets: Any, include_last_offset: bool) -> tuple:
    """(flat indices, bag id per index, number of bags) from torch's two input forms."""
    op = "embedding_bag"
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{type(offsets).__name__}")
        n, length = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(n), length), n
    if idx.ndim != 1:
        raise ValueError(f"{op}: input has to be 1D or 2D Tensor, but got Tensor of "
                         f"dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    off = np.asarray(offsets.array if isinstance(offsets, Tensor) else offsets).reshape(-1)
    if off.dtype.kind not in "iu":
        raise TypeError(f"{op}: offsets must be an integer tensor, got {off.dtype}.")
    if len(off) and off[0] != 0:
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
            f"start from position 0. However, got {int(off[0])}")
    if (np.diff(off) < 0).any() or (len(off) and off[-1] > len(idx)):
        raise RuntimeError(f"{op}: offsets must be non-decreasing and at most the number "
                           f"of indices ({len(idx)}), got {off.tolist()}.")
    n = len(off) - 1 if include_last_offset else len(off)
    ends = np.append(off[1:], len(idx)) if not include_last_offset else off[1:]
    bag = np.repeat(np.arange(n), ends[:n] - off[:n])
    return idx[:len(bag)], bag, n


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Reduce bags of embedding rows: ``(B, N)`` input (B bags of N indices) or a 1-D
    input cut into bags at ``offsets``.

    Args:
        mode: ``'sum'``, ``'mean'`` or ``'max'`` over each bag (an empty bag gives zeros).
        per_sample_weights: (``'sum'`` only) one weight per index, scaling its row.
        include_last_offset: ``offsets`` has B + 1 entries, the last one the end.
        padding_idx: indices equal to it are left out of their bag (and of its count).
        max_norm, norm_type, scale_grad_by_freq, sparse: as :func:`embedding`.

    Shape:
        Output: ``(B, embedding_dim)``.

    Example:
        >>> F.embedding_bag(tg.tensor([1, 2, 4, 5]), w, tg.tensor([0, 2]), mode="sum")
    """
    op = "embedding_bag"
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{op}: mode has to be one of sum, mean or max, got {mode!r}.")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
            "on GitHub.")
    w = as_tensor(weight, op, "weight")
    arr = as_tensor(input, op).array
    idx, bag, n = _bags(arr, offsets, include_last_offset)
    keep = np.ones(len(idx), dtype=bool)
    if padding_idx is not None:
        keep = idx != padding_idx % w.shape[0]
    psw = None
    if per_sample_weights is not None:
        psw = as_tensor(per_sample_weights, op, "per_sample_weights").reshape(-1)
        if psw.shape[0] != len(arr.reshape(-1)):
            raise ValueError(f"{op}: per_sample_weights must have one weight per index "
                             f"({arr.size}), got shape {tuple(per_sample_weights.shape)}.")
        psw = psw[Tensor.from_array(np.nonzero(keep[:psw.shape[0]])[0], False)]
    idx, bag = idx[keep], bag[keep]
    rows = embedding(Tensor.from_array(idx, False), w, None, max_norm, norm_type,
                     scale_grad_by_freq, sparse)
    dim = w.shape[1]
    if mode == "max":
        # Each bag's rows in a padded (B, longest, D) block, -inf beyond the bag's end.
        counts = np.bincount(bag, minlength=n)
        longest = max(int(counts.max(initial=0)), 1)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slot = np.arange(len(bag)) - starts[bag]
        where_row = np.full((n, longest), len(bag), dtype=np.int64)
        where_row[bag, slot] = np.arange(len(bag))
        fill = Tensor.from_array(np.full((1, dim), -np.inf, dtype=w.array.dtype), False)
        block = cat([rows, fill])[Tensor.from_array(where_row, False)]
        best = block.max(dim=1)[0]
        empty = Tensor.from_array((counts == 0)[:, None], False)
        return where(empty, Tensor.from_array(np.zeros((), w.array.dtype), False), best)
    if psw is not None:
        rows = rows * psw.unsqueeze(1)
    total = Tensor.from_array(np.zeros((n, dim), dtype=w.array.dtype), False).index_add(
        0, Tensor.from_array(bag, False), rows)
    if mode == "sum":
        return total
    counts = np.maximum(np.bincount(bag, minlength=n), 1).astype(w.array.dtype)
    return total / Tensor.from_array(counts[:, None], False)
