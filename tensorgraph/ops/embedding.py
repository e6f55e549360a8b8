"""Embedding lookup: rows of a weight table picked by integer indices."""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from .shape import IndexAdd


class Embedding(Function):
    """y = weight[idx];  dweight = zeros with g added at the rows idx (repeats add up;
    the padding_idx row gets none; scale_grad_by_freq divides by each row's count)

    A primitive rather than ``GetItem`` because the gradient has two twists of its own
    (padding row, frequency scaling) and the forward uses ``take`` (faster than fancy
    indexing for a table); the backward sums the rows of each index with one sort and
    ``np.add.reduceat`` (several times faster than ``np.add.at``; a stable sort keeps
    the order of the additions, so the sums are the same to the bit).
    """

    @staticmethod
    def forward(ctx, weight, idx, padding_idx=None, scale_grad_by_freq=False):
        ctx.rows = weight.shape[0]
        return weight.take(idx, axis=0)

    @staticmethod
    def backward(ctx, g):
        idx = ctx.kwargs["idx"].reshape(-1)
        padding_idx = ctx.kwargs.get("padding_idx")
        dim = g.shape[-1]
        g2 = g.reshape(-1, dim)
        scale = None
        if ctx.kwargs.get("scale_grad_by_freq"):
            counts = np.bincount(idx, minlength=ctx.rows).astype(g2.dtype)
            scale = (1 / counts[idx])[:, None]
        if padding_idx is not None:
            keep = (idx != padding_idx).astype(g2.dtype)[:, None]
            scale = keep if scale is None else scale * keep
        if scale is not None:
            g2 = g2 * scale
        if not isinstance(g, np.ndarray):  # create_graph: a recorded scatter-add
            return IndexAdd.apply(g2, shape=(ctx.rows, dim), index=idx)
        out = np.zeros((ctx.rows, dim), dtype=g2.dtype)
        if idx.size:
            order = np.argsort(idx, kind="stable")
            rows = idx[order]
            starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
            out[rows[starts]] = np.add.reduceat(g2[order], starts, axis=0)
        return out
