"""Conv2d (fused) and its composite twin, plus the sliding-window helpers pooling shares.

Layout is what makes a numpy convolution fast, not arithmetic, so every array here is
kept in the order the one GEMM wants:

- im2col is ONE strided copy: ``cols (C, kh, kw, N, Ho, Wo)`` is filled from a strided
  view of the padded input; no transpose of a large array is ever materialised.
- The GEMM is ``(O, C*kh*kw) @ (C*kh*kw, N*Ho*Wo)``: the long side (the whole batch's
  pixels) is BLAS's M side, and the output comes out channel-major ``(O, N, Ho, Wo)``.
  It is returned as an ``(N, O, Ho, Wo)`` view, no copy; elementwise ops downstream
  (ReLU, pooling) keep that memory order, so the gradient that comes back to the
  backward is already in the ``(O, N*Ho*Wo)`` layout of the GEMM: a free reshape.
- col2im is k*k strided adds into a channel-major ``(C, N, Hp, Wp)`` buffer, the layout
  the ``dcols`` GEMM output already has.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import Function
from ..tensor import Tensor

__all__ = ["Conv2d", "conv2d_composite", "out_size"]


# ---------------------------------------------------------------- window helpers
def out_size(size: int, k: int, stride: int, pad: int, dil: int) -> int:
    """Output length of a sliding window (floor mode), as torch computes it."""
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def is_channel_major(x: np.ndarray) -> bool:
    """True when x (N, C, ...) is stored channel-major, as the conv GEMM leaves it."""
    return x.shape[0] > 1 and x.shape[1] > 1 and abs(x.strides[1]) > abs(x.strides[0])


def pad2d(x: np.ndarray, ph: int, pw: int, value: float = 0.0) -> np.ndarray:
    """x (N, C, H, W) padded by ph rows and pw columns on each side.

    The padded copy keeps x's memory order (channel-major stays channel-major), so
    filling it is a straight strided copy.
    """
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    shape = (n, c, h + 2 * ph, w + 2 * pw)
    if is_channel_major(x):
        out = np.full((c, n) + shape[2:], value, dtype=x.dtype).transpose(1, 0, 2, 3)
    else:
        out = np.full(shape, value, dtype=x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def windows(xp: np.ndarray, k: tuple, stride: tuple, dil: tuple, out_hw: tuple) -> np.ndarray:
    """Read-only view (N, C, kh, kw, Ho, Wo): [.., i, j, y, x] = xp[.., y*s + i*d, x*s + j*d]."""
    n, c = xp.shape[:2]
    s_n, s_c, s_h, s_w = xp.strides
    return as_strided(
        xp, (n, c, k[0], k[1], out_hw[0], out_hw[1]),
        (s_n, s_c, s_h * dil[0], s_w * dil[1], s_h * stride[0], s_w * stride[1]),
        writeable=False,
    )


def col2im(dcols: np.ndarray, padded_shape: tuple, stride: tuple, dil: tuple) -> np.ndarray:
    """Adjoint of :func:`windows`: sum dcols (A, B, kh, kw, Ho, Wo) into a padded (A, B, Hp, Wp)."""
    _, _, kh, kw, ho, wo = dcols.shape
    out = np.zeros(padded_shape, dtype=dcols.dtype)
    for i in range(kh):  # k*k strided-slice adds; each covers every output pixel at once
        for j in range(kw):
            y0, x0 = i * dil[0], j * dil[1]
            out[:, :, y0:y0 + stride[0] * (ho - 1) + 1:stride[0],
                x0:x0 + stride[1] * (wo - 1) + 1:stride[1]] += dcols[:, :, i, j]
    return out


def crop2d(xp: Any, ph: int, pw: int) -> Any:
    """The inner (H, W) of a padded (A, B, H + 2ph, W + 2pw) array: a view."""
    h, w = xp.shape[2] - 2 * ph, xp.shape[3] - 2 * pw
    return xp[:, :, ph:ph + h, pw:pw + w]


def im2col(x: np.ndarray, k: tuple, stride: tuple, padding: tuple, dil: tuple,
           out_hw: tuple) -> np.ndarray:
    """cols (C*kh*kw, N*Ho*Wo) of x (N, C, H, W): ONE strided copy of the padded input."""
    n, c = x.shape[:2]
    xp = pad2d(x, *padding)
    view = windows(xp, k, stride, dil, out_hw).transpose(1, 2, 3, 0, 4, 5)
    cols = np.empty(view.shape, dtype=x.dtype)
    np.copyto(cols, view)
    return cols.reshape(c * k[0] * k[1], n * out_hw[0] * out_hw[1])


def gemm_rows(g: np.ndarray) -> np.ndarray:
    """g (N, O, Ho, Wo) as (O, N*Ho*Wo), the forward GEMM's layout (free when channel-major)."""
    return g.transpose(1, 0, 2, 3).reshape(g.shape[1], -1)


# ---------------------------------------------------------------- the primitive
class Conv2d(Function):
    """y = W (*) x + b;  dx = col2im(W^T g),  dW = g @ cols^T,  db = sum(g)

    Fused for speed (the composite twin builds k*k matmul nodes): forward is one
    strided im2col copy plus one GEMM whose output is already the (N, O, Ho, Wo)
    result (a view, channel-major in memory); backward keeps the im2col matrix, so dW
    is one more GEMM, and skips dx when the input needs no gradient (the first layer).
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        ctx.save_for_backward(x, w)
        n, _, h, wd = x.shape
        o, _, kh, kw = w.shape
        ho = out_size(h, kh, stride[0], padding[0], dilation[0])
        wo = out_size(wd, kw, stride[1], padding[1], dilation[1])
        cols = im2col(x, (kh, kw), stride, padding, dilation, (ho, wo))
        out = w.reshape(o, -1) @ cols  # (O, CKK) @ (CKK, N*L): ONE GEMM for the batch
        if b is not None:
            out += b.reshape(o, 1)  # the epilogue: in place on the fresh GEMM output
        ctx.cols, ctx.out_hw = cols, (ho, wo)
        return out.reshape(o, n, ho, wo).transpose(1, 0, 2, 3)

    @staticmethod
    def composite(ctx, x, w, b=None):
        k = ctx.kwargs
        return conv2d_composite(x, w, b, k["stride"], k["padding"], k["dilation"])

    @staticmethod
    def backward(ctx, g):
        kw_ = ctx.kwargs
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        o = w.shape[0]
        g2 = gemm_rows(g)  # (O, N*L)
        dx = dw = db = None
        if need[1]:
            # The longer output side first: OpenBLAS splits its threads over it, and a
            # short one made this GEMM several times slower on 2 threads.
            cols = ctx.cols
            dw = ((cols @ g2.T).T if cols.shape[0] > o else g2 @ cols.T).reshape(w.shape)
        if len(need) > 2 and need[2]:
            db = g2.sum(axis=1)
        if need[0]:
            n, c, h, wd = x.shape
            ph, pw = kw_["padding"]
            dcols = w.reshape(o, -1).T @ g2  # (CKK, O) @ (O, N*L) -> (CKK, N*L)
            dcols = dcols.reshape((c,) + w.shape[2:] + (n,) + ctx.out_hw)
            # col2im in (C, N, H, W) order, the layout dcols already has: contiguous adds.
            dxp = col2im(dcols.transpose(0, 3, 1, 2, 4, 5), (c, n, h + 2 * ph, wd + 2 * pw),
                         kw_["stride"], kw_["dilation"])
            dx = crop2d(dxp, ph, pw).transpose(1, 0, 2, 3)
        return dx, dw, db


# ---------------------------------------------------------------- the composite twin
def pad_tensor(x: Tensor, ph: int, pw: int) -> Tensor:
    """x (N, C, H, W) zero-padded, as a recorded op (IndexAdd: zeros with x written in)."""
    if ph == 0 and pw == 0:
        return x
    from .shape import IndexAdd

    n, c, h, w = x.shape
    return IndexAdd.apply(x, shape=(n, c, h + 2 * ph, w + 2 * pw),
                          index=(slice(None), slice(None), slice(ph, ph + h),
                                 slice(pw, pw + w)))


def shifted_slices(xp: Tensor, k: tuple, stride: tuple, dil: tuple, out_hw: tuple):
    """Yield (i, j, xp[:, :, window offset (i, j) of every output pixel]) as Tensors."""
    ho, wo = out_hw
    for i in range(k[0]):
        for j in range(k[1]):
            y0, x0 = i * dil[0], j * dil[1]
            yield i, j, xp[:, :, y0:y0 + stride[0] * (ho - 1) + 1:stride[0],
                           x0:x0 + stride[1] * (wo - 1) + 1:stride[1]]


def conv2d_composite(x: Tensor, w: Tensor, b: Tensor | None, stride: tuple,
                     padding: tuple, dilation: tuple) -> Tensor:
    """conv2d from primitives: sum over kernel offsets of (strided slice) @ W[:, :, i, j]^T.

    The readable definition, used for gradients of gradients (create_graph).
    """
    o, _, kh, kw = w.shape
    ho = out_size(x.shape[2], kh, stride[0], padding[0], dilation[0])
    wo = out_size(x.shape[3], kw, stride[1], padding[1], dilation[1])
    out = None
    for i, j, patch in shifted_slices(pad_tensor(x, *padding), (kh, kw), stride, dilation,
                                      (ho, wo)):
        term = patch.permute(0, 2, 3, 1) @ w[:, :, i, j].T  # (N, Ho, Wo, O)
        out = term if out is None else out + term
    out = out.permute(0, 3, 1, 2)
    return out if b is None else out + b.reshape(1, o, 1, 1)
