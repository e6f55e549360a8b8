"""Normalisation: the fused ``BatchNorm`` and ``LayerNorm``, each next to its composite twin."""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from .fused import const

__all__ = ["BatchNorm", "LayerNorm", "batch_norm_composite", "layer_norm_composite"]


def _channel_shape(x_ndim: int, c: int) -> tuple:
    return (1, c) + (1,) * (x_ndim - 2)


class BatchNorm(Function):
    """y = xhat * w + b, xhat = (x - mean) / sqrt(var + eps) per channel (dim 1);
    dx = w / sqrt(var + eps) * (g - mean(g) - xhat * mean(g * xhat))  (training),
    dw = sum(g * xhat),  db = sum(g)

    training (mean, var of this batch, so they depend on x):
        dx = w / sqrt(var + eps) * (g - mean(g) - xhat * mean(g * xhat))
    eval (running statistics, constants):  dx = g * w / sqrt(var + eps)
    dw = sum(g * xhat),  db = sum(g)   (sums and means over every dim but 1)

    Fused for speed (one node and one backward formula instead of ~12 nodes) and so
    the normalised input is computed once and shared by forward and backward.
    """

    @staticmethod
    def forward(ctx, x, w, b, mean, var, eps, training):
        shape = _channel_shape(x.ndim, x.shape[1])
        invstd = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat = (x - mean.reshape(shape)) * invstd.reshape(shape)
        ctx.save_for_backward(x, w, b)
        ctx.xhat, ctx.invstd = xhat, invstd
        return xhat * w.reshape(shape) + b.reshape(shape)

    @staticmethod
    def composite(ctx, x, w, b):
        k = ctx.kwargs
        return batch_norm_composite(x, w, b, k["mean"], k["var"], k["eps"], k["training"])

    @staticmethod
    def backward(ctx, g):
        _, w, _ = ctx.saved_tensors
        need = ctx.needs_input_grad
        shape = _channel_shape(g.ndim, g.shape[1])
        axes = (0,) + tuple(range(2, g.ndim))
        xhat = ctx.xhat
        dx = dw = db = None
        if need[1] or need[0]:
            g_xhat = (g * xhat).sum(axis=axes)
            dw = g_xhat if need[1] else None
        if need[2] or (need[0] and ctx.kwargs["training"]):
            g_sum = g.sum(axis=axes)
            db = g_sum if need[2] else None
        if need[0]:
            scale = (w * ctx.invstd).reshape(shape)
            if ctx.kwargs["training"]:
                n = max(g.size // g.shape[1], 1)  # an empty batch: dx is empty anyway
                dx = (g - (g_sum / n).reshape(shape) - xhat * (g_xhat / n).reshape(shape))
                dx *= scale
            else:
                dx = g * scale
        return dx, dw, db


def batch_norm_composite(x: Tensor, w: Tensor, b: Tensor, mean: np.ndarray,
                         var: np.ndarray, eps: float, training: bool) -> Tensor:
    """batch_norm from primitives (the readable definition; used for create_graph)."""
    shape = _channel_shape(x.ndim, x.shape[1])
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        mu = x.mean(dim=axes, keepdim=True)
        d = x - mu
        v = (d * d).mean(dim=axes, keepdim=True)
    else:
        d = x - const(mean.reshape(shape))
        v = const(var.reshape(shape))
    return d * (v + eps) ** -0.5 * w.reshape(shape) + b.reshape(shape)


class LayerNorm(Function):
    """y = xhat * w + b, xhat = (x - mean) / sqrt(var + eps) over the trailing w.ndim dims;
    dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)), gw = g * w,  rstd = 1/sqrt(var + eps);
    dw = sum(g * xhat),  db = sum(g)   (means over the normalised dims, sums over the rest)

    Fused for speed: the composite records ~8 nodes, each with a temporary the size of
    x and its own backward; here forward keeps xhat and rstd and the backward is the
    closed form above (one node per LayerNorm of a transformer, ~2x faster measured on
    the shakespeare GPT's (32, 64, 128) activations).
    """

    @staticmethod
    def forward(ctx, x, w, b, eps):
        n = w.size
        x2 = x.reshape(-1, n)
        # Row sums by einsum: ~4x faster than x.mean(axis=1) on (2048, 128) rows. (Not
        # by x @ ones: OpenBLAS's multi-threaded GEMV is 10-100x slower on a busy machine.)
        xhat = x2 - np.einsum("ij->i", x2)[:, None] * (1 / n)
        var = np.einsum("ij,ij->i", xhat, xhat)[:, None]
        var *= 1 / n
        var += eps
        rstd = np.sqrt(var, out=var)
        np.divide(1, rstd, out=rstd)
        xhat *= rstd
        y = xhat * w.reshape(-1)
        y += b.reshape(-1)
        ctx.save_for_backward(x, w, b)
        ctx.xhat, ctx.rstd = xhat, rstd  # intermediates: the composite recomputes them
        return y.reshape(x.shape)

    @staticmethod
    def composite(ctx, x, w, b):
        return layer_norm_composite(x, w, b, ctx.kwargs["eps"])

    @staticmethod
    def backward(ctx, g):
        _, w, _ = ctx.saved_tensors
        need = ctx.needs_input_grad
        xhat, rstd = ctx.xhat, ctx.rstd
        n = w.size
        g2 = g.reshape(-1, n)
        dw = np.einsum("ij,ij->j", g2, xhat).reshape(w.shape) if need[1] else None
        db = g2.sum(axis=0).reshape(w.shape) if need[2] else None
        dx = None
        if need[0]:
            gw = g2 * w.reshape(-1)
            c1 = np.einsum("ij->i", gw)[:, None]  # n mean(gw), per row
            c2 = np.einsum("ij,ij->i", gw, xhat)[:, None]  # n mean(gw * xhat)
            c1 *= 1 / n
            c2 *= 1 / n
            gw -= c1
            gw -= xhat * c2
            gw *= rstd
            dx = gw.reshape(g.shape)
        return dx, dw, db


def layer_norm_composite(x: Tensor, w: Tensor, b: Tensor, eps: float) -> Tensor:
    """layer_norm from primitives (the readable definition; used for create_graph)."""
    dims = tuple(range(x.ndim - w.ndim, x.ndim))
    d = x - x.mean(dim=dims, keepdim=True)
    return d * ((d * d).mean(dim=dims, keepdim=True) + eps) ** -0.5 * w + b
