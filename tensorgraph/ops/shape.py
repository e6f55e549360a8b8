"""Shape and indexing primitives: reshape, permute, expand, index, index_add, cat."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function
from ._dual import permute


class Reshape(Function):
    """y = reshape(x, shape);  dx = reshape(g, x.shape)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class Permute(Function):
    """y = transpose(x, axes);  dx = transpose(g, inverse(axes))"""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, g):
        return permute(g, tuple(np.argsort(ctx.axes).tolist()))


class Expand(Function):
    """y = broadcast_to(x, shape);  dx = g summed back to x.shape (by the engine)"""

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g


_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def _is_basic(index: Any) -> bool:
    """True when the index has no arrays, so each element is picked at most once."""
    if not isinstance(index, tuple):
        return isinstance(index, _BASIC)
    return all(isinstance(i, _BASIC) for i in index)


class GetItem(Function):
    """y = x[index];  dx = zeros_like(x) with g added at index (repeats accumulate)"""

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return np.asarray(x[index])

    @staticmethod
    def backward(ctx, g):
        if isinstance(g, np.ndarray):
            return _index_add(g, ctx.shape, ctx.index)
        return IndexAdd.apply(g, shape=ctx.shape, index=ctx.index)


def _index_add(g: np.ndarray, shape: tuple, index: Any, accumulate: bool = True
               ) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if not accumulate or _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


class IndexAdd(Function):
    """y = zeros(shape) with g added at index;  dg = dy[index]   (GetItem's backward)

    With ``accumulate=False`` a repeated index keeps the last value (``y[index] = g``,
    what ``__setitem__`` needs); the gradient formula is the same, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, g, shape, index, accumulate=True):
        ctx.index = index
        return _index_add(g, shape, index, accumulate)

    @staticmethod
    def backward(ctx, dy):
        if isinstance(dy, np.ndarray):
            return np.asarray(dy[ctx.index])
        return GetItem.apply(dy, index=ctx.index)


class Cat(Function):
    """y = concatenate(xs, axis);  dx_i = g sliced back to x_i's extent along axis"""

    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        lead = (slice(None),) * ctx.axis
        b = ctx.bounds
        return tuple(
            g[lead + (slice(b[i], b[i + 1]),)] if need else None
            for i, need in enumerate(ctx.needs_input_grad)
        )
