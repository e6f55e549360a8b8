"""Unfold (im2col) and Fold (col2im): sliding 2-D blocks out of an image and back.

Each is the other's adjoint, so each one's backward is the other op: gradients of any
order come for free. ``conv_transpose2d`` is a matmul followed by a Fold.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import Function


def blocks(size: int, k: int, stride: int, pad: int, dil: int) -> int:
    """How many positions a window of ``k`` taps takes along one padded dim (torch's)."""
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def _im2col(x: np.ndarray, k: tuple, dil: tuple, pad: tuple, stride: tuple) -> np.ndarray:
    n, c, h, w = x.shape
    ho, wo = (blocks(h, k[0], stride[0], pad[0], dil[0]),
              blocks(w, k[1], stride[1], pad[1], dil[1]))
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    s_n, s_c, s_h, s_w = xp.strides
    view = as_strided(xp, (n, c, k[0], k[1], ho, wo),
                      (s_n, s_c, s_h * dil[0], s_w * dil[1], s_h * stride[0], s_w * stride[1]),
                      writeable=False)
    return view.reshape(n, c * k[0] * k[1], ho * wo)  # reshape copies: a fresh array


def _col2im(cols: np.ndarray, size: tuple, k: tuple, dil: tuple, pad: tuple,
            stride: tuple) -> np.ndarray:
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    ho, wo = (blocks(size[0], k[0], stride[0], pad[0], dil[0]),
              blocks(size[1], k[1], stride[1], pad[1], dil[1]))
    cols = cols.reshape(n, c, k[0], k[1], ho, wo)
    out = np.zeros((n, c, size[0] + 2 * pad[0], size[1] + 2 * pad[1]), dtype=cols.dtype)
    for i in range(k[0]):  # k*k strided-slice adds, each over every block at once
        for j in range(k[1]):
            y0, x0 = i * dil[0], j * dil[1]
            out[:, :, y0:y0 + stride[0] * (ho - 1) + 1:stride[0],
                x0:x0 + stride[1] * (wo - 1) + 1:stride[1]] += cols[:, :, i, j]
    return out[:, :, pad[0]:pad[0] + size[0], pad[1]:pad[1] + size[1]]


class Unfold(Function):
    """y = im2col(x): y[n, (c,i,j), l] = x_pad[n, c, s*lh + d*i, s*lw + d*j];  dx = Fold(g)"""

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        ctx.size = x.shape[2:]
        return _im2col(x, kernel, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        kw = ctx.kwargs
        if hasattr(g, "grad_fn"):  # create_graph: record the adjoint as an op
            return Fold.apply(g, output_size=ctx.size, **kw)
        return _col2im(g, ctx.size, kw["kernel"], kw["dilation"], kw["padding"], kw["stride"])


class Fold(Function):
    """y = sum of the blocks x[n, (c, i, j), l] added back at their positions;  dx = Unfold(g)"""

    @staticmethod
    def forward(ctx, x, output_size, kernel, dilation, padding, stride):
        return _col2im(x, output_size, kernel, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        kw = dict(ctx.kwargs)
        kw.pop("output_size")
        if hasattr(g, "grad_fn"):
            return Unfold.apply(g, **kw)
        return _im2col(g, kw["kernel"], kw["dilation"], kw["padding"], kw["stride"])
