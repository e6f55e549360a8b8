"""Reduction primitives: sum and max (min, mean, var, std are composites)."""

from __future__ import annotations

import numpy as np

from ..autograd import Function


def _keepdim_shape(shape: tuple, axes: tuple | None) -> tuple:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """y = sum(x, axes);  dx = broadcast(g) back to x's shape"""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False):
        ctx.shape, ctx.axes = x.shape, axes
        return np.asarray(x.sum(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        g = g.reshape(_keepdim_shape(ctx.shape, ctx.axes))
        return ctx.xp.expand(g, ctx.shape)


class Max(Function):
    """y = max(x, axes);  dx = g * [x == y] / (number of ties)   (ties share, as amax)"""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False, nan_ties=False):
        y = np.asarray(x.max(axis=axes, keepdims=True))
        mask = x == y
        if nan_ties and x.dtype.kind == "f":  # torch's max(): a NaN maximum is shared
            mask |= np.isnan(x) & np.isnan(y)  # by the NaNs (amax's stays NaN, as torch)
        # A constant: gradient goes evenly to every position holding the maximum.
        with np.errstate(invalid="ignore"):  # a NaN max without nan_ties: 0/0, as torch
            ctx.weights = mask / mask.sum(axis=axes, keepdims=True).astype(x.dtype)
        ctx.weights = ctx.weights.astype(x.dtype, copy=False)
        ctx.keep_shape = y.shape
        return y if keepdim else y.reshape(np.asarray(x.max(axis=axes)).shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.keep_shape) * ctx.weights
