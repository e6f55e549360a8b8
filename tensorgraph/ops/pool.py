"""MaxPool2d (fused) with its composite twin, and the avg-pool composite."""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from .conv import (
    col2im,
    crop2d,
    empty_ordered,
    memory_order,
    out_size,
    pad2d,
    pad_tensor,
    shifted_slices,
    windows,
)
from .fused import const

__all__ = ["MaxPool2d", "avg_pool2d_composite", "flat_indices", "max_pool2d_indices"]


def is_tiling(k: tuple, s: tuple, p: tuple, d: tuple) -> bool:
    """Windows tile the image exactly (stride == kernel, no padding/dilation)."""
    return k == s and p == (0, 0) and d == (1, 1)


def _tile_slices(kernel: tuple, out_hw: tuple) -> list[tuple]:
    """Index of each kernel offset's strided view, in window (row-major) order."""
    (kh, kw), (ho, wo) = kernel, out_hw
    return [(slice(None), slice(None), slice(i, ho * kh, kh), slice(j, wo * kw, kw))
            for i in range(kh) for j in range(kw)]


def _tiled_max(ctx: MaxPool2d, x: np.ndarray, kernel: tuple) -> np.ndarray | None:
    """Max-pool when windows tile the image: an elementwise max of the k*k strided views
    (no copy of the input, no argmax over a short axis, 5-10x faster). Keeps one mask
    per offset marking where that offset is the window's FIRST maximum (torch's
    choice). Returns None (use the argmax path) when a NaN must propagate."""
    views = [x[sl] for sl in _tile_slices(kernel, ctx.out_hw)]
    y = views[0].copy(order="K")  # keeps x's memory order, as every array below
    for v in views[1:]:
        np.maximum(y, v, out=y)
    if np.isnan(y).any():
        return None
    taken, masks = None, []
    for v in views:
        m = v == y
        if taken is None:
            # order="K": a C-order copy made every &= below walk two layouts (4x slower)
            taken = m.copy(order="K")
        else:
            m &= ~taken
            taken |= m
        masks.append(m)
    ctx.masks = masks
    return y


class MaxPool2d(Function):
    """y = max over each window;  dx = g routed to the window's (first) argmax, as torch

    Fused for speed. When windows tile the image (stride == kernel) it is an
    elementwise max of the k*k strided views plus first-max masks (``_tiled_max``);
    otherwise the windows are gathered once (a strided view), argmax is taken once,
    and backward scatters g with one ``put_along_axis`` and the k*k strided adds of
    col2im.
    """

    masks = None  # per-offset first-max masks of the tiled fast path (_tiled_max)

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation):
        n, c, h, w = x.shape
        (kh, kw), (ph, pw) = kernel, padding
        ho = out_size(h, kh, stride[0], ph, dilation[0])
        wo = out_size(w, kw, stride[1], pw, dilation[1])
        ctx.in_shape, ctx.out_hw = x.shape, (ho, wo)
        ctx.order = memory_order(x)
        if is_tiling(kernel, stride, padding, dilation):
            y = _tiled_max(ctx, x, kernel)
            if y is not None:
                return y
            tiles = x[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
            win = tiles.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, kh * kw)
        else:
            xp = pad2d(x, ph, pw, -np.inf)
            ctx.padded_shape = xp.shape
            view = windows(xp, kernel, stride, dilation, (ho, wo))
            win = view.transpose(0, 1, 4, 5, 2, 3).reshape(n, c, ho, wo, kh * kw)
        # argmax picks the first maximum (and a NaN, which then propagates), as torch.
        ctx.arg = win.argmax(axis=-1)[..., None]
        return np.take_along_axis(win, ctx.arg, axis=-1)[..., 0]

    @staticmethod
    def composite(ctx, x):
        return gather_windows(x, flat_indices(ctx))

    @staticmethod
    def backward(ctx, g):
        k = ctx.kwargs
        if ctx.masks is not None:
            # dx in the input's memory order: the conv backward below reads it as is.
            dx = empty_ordered(ctx.in_shape, g.dtype, ctx.order)
            ho, wo = ctx.out_hw
            kh, kw = k["kernel"]
            if dx.shape[2:] != (ho * kh, wo * kw):  # rows/cols floor mode dropped: no grad
                dx[:, :, ho * kh:] = 0
                dx[:, :, :, wo * kw:] = 0
            if g.ndim == 4 and memory_order(g) != ctx.order:
                # One reordering copy (e.g. a Flatten's NCHW gradient against batch-last
                # masks) instead of k*k multiplies that each walk g against its layout.
                g_ordered = empty_ordered(g.shape, g.dtype, ctx.order)
                np.copyto(g_ordered, g)
                g = g_ordered
            for sl, m in zip(_tile_slices(k["kernel"], ctx.out_hw), ctx.masks):
                np.multiply(g, m, out=dx[sl])  # every tiled pixel is written exactly once
            return dx
        n, c, h, w = ctx.in_shape
        (kh, kw), (ho, wo) = k["kernel"], ctx.out_hw
        dwin = np.zeros((n, c, ho, wo, kh * kw), dtype=g.dtype)
        np.put_along_axis(dwin, ctx.arg, g[..., None], axis=-1)
        if is_tiling(k["kernel"], k["stride"], k["padding"], k["dilation"]):
            dx = dwin.reshape(n, c, ho, wo, kh, kw).transpose(0, 1, 2, 4, 3, 5)
            dx = dx.reshape(n, c, ho * kh, wo * kw)
            if dx.shape[2:] != (h, w):  # rows/cols the floor mode dropped get no gradient
                full = np.zeros(ctx.in_shape, dtype=g.dtype)
                full[:, :, :ho * kh, :wo * kw] = dx
                dx = full
            return dx
        # col2im's (C, kh, kw, Ho, Wo, N) with C = n*c planes and N = 1: the adds run in
        # dwin's own (n, c, ...) order.
        dcols = dwin.reshape(n, c, ho, wo, kh, kw).transpose(0, 1, 4, 5, 2, 3)
        dcols = dcols.reshape(n * c, kh, kw, ho, wo, 1)
        hp, wp = ctx.padded_shape[2:]
        dxp = col2im(dcols, (n * c, hp, wp, 1), k["stride"], k["dilation"])
        return crop2d(dxp.reshape(n, c, hp, wp), *k["padding"])


def flat_indices(ctx: MaxPool2d) -> np.ndarray:
    """Index into each (H*W) plane of the input of every output's argmax (torch's indices)."""
    k = ctx.kwargs
    kw, (ho, wo), w = k["kernel"][1], ctx.out_hw, ctx.in_shape[3]
    if ctx.masks is not None:  # the tiled fast path keeps masks, not argmax
        ctx.arg = sum(i * m for i, m in enumerate(ctx.masks))[..., None]
    arg = ctx.arg[..., 0]
    oy = np.arange(ho).reshape(-1, 1)
    ox = np.arange(wo)
    row = oy * k["stride"][0] + (arg // kw) * k["dilation"][0] - k["padding"][0]
    col = ox * k["stride"][1] + (arg % kw) * k["dilation"][1] - k["padding"][1]
    return (row * w + col).astype(np.int64)


def max_pool2d_indices(out: Tensor, x: Tensor, **kwargs) -> np.ndarray:
    """torch's ``return_indices`` of ``out = MaxPool2d.apply(x, **kwargs)``."""
    if out.grad_fn is None:  # nothing recorded: recompute the node's bookkeeping
        ctx = MaxPool2d.__new__(MaxPool2d)
        ctx.kwargs = kwargs
        MaxPool2d.forward(ctx, x.array, **kwargs)
    else:
        ctx = out.grad_fn
    return flat_indices(ctx)


def gather_windows(x: Tensor, idx: np.ndarray) -> Tensor:
    """The composite of max_pool2d given its argmax: x at those indices, per plane."""
    n, c, h, w = x.shape
    planes = x.reshape(n * c, h * w)
    rows = np.arange(n * c).reshape(-1, 1)
    return planes[rows, idx.reshape(n * c, -1)].reshape(idx.shape)


def avg_pool2d_composite(x: Tensor, k: tuple, s: tuple, p: tuple, count_include_pad: bool,
                         divisor_override: int | None) -> Tensor:
    """Mean over sliding windows of x (N, C, H, W), written with primitives.

    When stride == kernel and there is no padding it is a reshape and a mean; otherwise
    a sum of k*k strided slices of the zero-padded input, divided by the window size
    (or, with ``count_include_pad=False``, by the number of real pixels in it).
    """
    n, c, h, w = x.shape
    ho, wo = out_size(h, k[0], s[0], p[0], 1), out_size(w, k[1], s[1], p[1], 1)
    d = (1, 1)
    if is_tiling(k, s, p, d) and divisor_override is None:
        if (ho * k[0], wo * k[1]) != (h, w):
            x = x[:, :, :ho * k[0], :wo * k[1]]
        return x.reshape(n, c, ho, k[0], wo, k[1]).mean(dim=(3, 5))
    total = None
    for _, _, part in shifted_slices(pad_tensor(x, *p), k, s, d, (ho, wo)):
        total = part if total is None else total + part
    if divisor_override is not None:
        return total * (1.0 / divisor_override)
    if count_include_pad or p == (0, 0):
        return total * (1.0 / (k[0] * k[1]))
    # Number of real (unpadded) pixels under each window: a constant array.
    ones = pad2d(np.ones((1, 1, h, w), dtype=x.dtype), *p)
    count = windows(ones, k, s, d, (ho, wo)).sum(axis=(2, 3))
    return total * const((1 / count).astype(x.dtype))
