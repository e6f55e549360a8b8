"""Scan primitives: cumulative sum and cumulative product along one axis.

Backward code runs on arrays and, under ``create_graph``, on Tensors: the few
operations whose spelling differs go through the small helpers below.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def _reverse_cumsum(g: Any, axis: int) -> Any:
    """``sum_{j >= i} g_j`` along ``axis``."""
    if _is_array(g):
        return np.flip(np.cumsum(np.flip(g, axis), axis), axis)
    return g.flip(axis).cumsum(axis).flip(axis)


def _cumprod(x: Any, axis: int) -> Any:
    return np.cumprod(x, axis) if _is_array(x) else x.cumprod(axis)


def _stack(parts: list, axis: int) -> Any:
    if _is_array(parts[0]):
        return np.stack(parts, axis)
    from ..tensor import stack

    return stack(parts, axis)


class CumSum(Function):
    """y_i = sum_{j <= i} x_j along axis;  dx_i = sum_{j >= i} g_j"""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis)

    @staticmethod
    def backward(ctx, g):
        return _reverse_cumsum(g, ctx.axis)


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
        axis = ctx.axis
        x_values = x if _is_array(x) else x.array
        if not (x_values == 0).any():
            return _reverse_cumsum(g * y, axis) / x
        n = x_values.shape[axis]
        take = (slice(None),) * axis
        xs = [x[take + (k,)] for k in range(n)]
        gs = [g[take + (k,)] for k in range(n)]
        s = [gs[-1]]
        for k in range(n - 2, -1, -1):  # s_k = g_k + x_{k+1} * s_{k+1}
            s.append(gs[k] + xs[k + 1] * s[-1])
        s.reverse()
        before = [xs[0] * 0 + 1] + xs[:-1]  # exclusive products: 1, x_0, x_0 x_1, ...
        return _cumprod(_stack(before, axis), axis) * _stack(s, axis)
