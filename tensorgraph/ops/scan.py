"""Scan primitives: cumulative sum and cumulative product along one axis.

Backward code runs on arrays and, under ``create_graph``, on Tensors: the few
operations whose spelling differs go through ``ctx.xp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


def _reverse_cumsum(xp: Any, g: Any, axis: int) -> Any:
    """``sum_{j >= i} g_j`` along ``axis``."""
    return xp.flip(xp.cumsum(xp.flip(g, axis), axis), axis)


class CumSum(Function):
    """y_i = sum_{j <= i} x_j along axis;  dx_i = sum_{j >= i} g_j"""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis)

    @staticmethod
    def backward(ctx, g):
        return _reverse_cumsum(ctx.xp, g, ctx.axis)


class CumProd(Function):
    """y_i = prod_{j <= i} x_j along axis;  dx_k = sum_{i >= k} g_i * y_i / x_k

    Where x has a zero the division is undefined, so those slices use
    dx_k = (prod_{j < k} x_j) * s_k with s_k = g_k + x_{k+1} * s_{k+1} (exact with zeros,
    a loop along the axis), as torch's cumprod backward does.
    """

    @staticmethod
    def forward(ctx, x, axis):
        y = np.cumprod(x, axis)
        ctx.save_for_backward(x, y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        axis, xp = ctx.axis, ctx.xp
        x_values = xp.values(x)
        if not (x_values == 0).any():
            return _reverse_cumsum(xp, g * y, axis) / x
        n = x_values.shape[axis]
        take = (slice(None),) * axis
        xs = [x[take + (k,)] for k in range(n)]
        gs = [g[take + (k,)] for k in range(n)]
        s = [gs[-1]]
        for k in range(n - 2, -1, -1):  # s_k = g_k + x_{k+1} * s_{k+1}
            s.append(gs[k] + xs[k + 1] * s[-1])
        s.reverse()
        before = [xs[0] * 0 + 1] + xs[:-1]  # exclusive products: 1, x_0, x_0 x_1, ...
        return xp.cumprod(xp.stack(before, axis), axis) * xp.stack(s, axis)
