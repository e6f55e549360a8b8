"""Shape and indexing primitives: reshape, permute, expand, index, index_add, cat."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function, ViewFunction


class Reshape(ViewFunction):
    """y = reshape(x, shape);  dx = reshape(g, x.shape)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class Permute(ViewFunction):
    """y = transpose(x, axes);  dx = transpose(g, inverse(axes))"""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, g):
        return ctx.xp.permute(g, tuple(np.argsort(ctx.axes).tolist()))


class Expand(ViewFunction):
    """y = broadcast_to(x, shape);  dx = g summed back to x.shape (by the engine)"""

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g


class GetItem(ViewFunction):
    """y = x[index];  dx = zeros_like(x) with g added at index (repeats accumulate)"""

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        if is_basic(index):
            # With a trailing ``...`` numpy returns a view even when every dim is
            # indexed by an int (x[0] of a 1-D x), as torch does.
            index = (index if isinstance(index, tuple) else (index,))
            ctx.grad_index = index  # the engine may write dx in place (see Function)
            if Ellipsis not in index:
                return x[index + (Ellipsis,)]
        return np.asarray(x[index])

    @staticmethod
    def backward(ctx, g):
        return ctx.xp.index_add(g, ctx.shape, ctx.index)


_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def is_basic(index: Any) -> bool:
    """True when the index has no arrays (numpy basic indexing: a view, no repeats)."""
    if not isinstance(index, tuple):
        return isinstance(index, _BASIC)
    return all(isinstance(i, _BASIC) for i in index)


def index_add_array(g: np.ndarray, shape: tuple, index: Any, accumulate: bool = True
                    ) -> np.ndarray:
    """zeros(shape) with ``g`` added at ``index`` (repeats accumulate unless told not)."""
    out = np.zeros(shape, dtype=g.dtype)
    if not accumulate or is_basic(index):
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
        return index_add_array(g, shape, index, accumulate)

    @staticmethod
    def backward(ctx, dy):
        return dy[ctx.index]


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


# ---------------------------------------------------------------- in-place on views
class AsStrided(Function):
    """y = x.flatten()[positions];  dx = zeros(x.size) with g added at positions

    A view rebuilt on its base's history after an in-place op changed that history
    (torch's AsStridedBackward): ``positions`` are the view's elements in the base.
    """

    @staticmethod
    def forward(ctx, x, positions):
        ctx.shape = x.shape
        return x.reshape(-1)[positions]

    @staticmethod
    def backward(ctx, g):
        size = int(np.prod(ctx.shape))
        return ctx.xp.index_add(g, (size,), ctx.kwargs["positions"]).reshape(ctx.shape)


class CopySlices(Function):
    """y = x with y.flatten()[positions] = src;  dx = g with 0 at positions,
    dsrc = g.flatten()[positions]

    The new history of a tensor after an in-place op on one of its views (torch's
    CopySlices): the view's region now comes from ``src``, the rest from ``x``.
    """

    @staticmethod
    def forward(ctx, x, src, positions):
        y = np.array(x, copy=True, order="C")
        y.reshape(-1)[positions] = src
        region = np.zeros(x.size, dtype=bool)
        region[positions] = True
        ctx.region = region.reshape(x.shape)
        return y

    @staticmethod
    def backward(ctx, g):
        dx = ctx.xp.where(ctx.region, 0, g) if ctx.needs_input_grad[0] else None
        dsrc = g.reshape(-1)[ctx.kwargs["positions"]] if ctx.needs_input_grad[1] else None
        return dx, dsrc
