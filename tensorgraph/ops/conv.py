"""Conv2d (fused) and its composite twin, plus the sliding-window helpers pooling shares.

Layout is what makes a numpy convolution fast, not arithmetic: numpy pays a fixed cost
per innermost run of a strided copy or add, and in NCHW that run is one image row
(14 floats in the benchmark CNN). So the conv keeps its data **batch-last**,
``(C, H, W, N)`` in memory, where a window row of the whole batch (``Wo * N`` floats)
is one contiguous run:

- im2col is ONE strided copy of the padded ``(C, Hp, Wp, N)`` input into
  ``cols (C, kh, kw, Ho, Wo, N)``; no transpose of a large array is ever materialised.
- The GEMM is ``(O, C*kh*kw) @ (C*kh*kw, Ho*Wo*N)``: the long side (the whole batch's
  pixels) is BLAS's M side, and the output comes out ``(O, Ho, Wo, N)``. It is returned
  as an ``(N, O, Ho, Wo)`` view, no copy; elementwise ops downstream (ReLU, pooling)
  keep that memory order, so the gradient that comes back to the backward is already
  in the ``(O, Ho*Wo*N)`` layout of the GEMM: a free reshape.
- col2im is k*k strided adds into a batch-last ``(C, Hp, Wp, N)`` buffer, the layout
  the ``dcols`` GEMM output already has; each add runs over ``Wo * N`` floats at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import Function
from ..tensor import Tensor
from . import winograd

__all__ = ["Conv2d", "conv2d_composite", "out_size"]


# ---------------------------------------------------------------- window helpers
def out_size(size: int, k: int, stride: int, pad: int, dil: int) -> int:
    """Output length of a sliding window (floor mode), as torch computes it."""
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def memory_order(x: np.ndarray) -> tuple:
    """x's axes from the outermost in memory to the innermost (C order is 0, 1, 2, ...)."""
    return tuple(int(i) for i in np.argsort([-abs(s) for s in x.strides], kind="stable"))


def empty_ordered(shape: tuple, dtype: Any, order: tuple) -> np.ndarray:
    """Uninitialised array of ``shape`` whose memory runs in ``order`` (see memory_order)."""
    return np.empty([shape[i] for i in order], dtype).transpose(np.argsort(order))


def pad2d(x: np.ndarray, ph: int, pw: int, value: float = 0.0) -> np.ndarray:
    """x (N, C, H, W) padded by ph rows and pw columns on each side.

    The padded copy keeps x's memory order (batch-last stays batch-last), so filling
    it is a straight strided copy.
    """
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    out = empty_ordered((n, c, h + 2 * ph, w + 2 * pw), x.dtype, memory_order(x))
    out.fill(value)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def padded_batch_last(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """x (N, C, H, W) zero-padded as a contiguous batch-last (C, H + 2ph, W + 2pw, N)."""
    n, c, h, w = x.shape
    xb = x.transpose(1, 2, 3, 0)
    if ph == 0 and pw == 0:
        return xb if xb.flags.c_contiguous else np.ascontiguousarray(xb)
    out = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w] = xb  # a contiguous run per row when x is batch-last
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
    """Adjoint of im2col: sum dcols (C, kh, kw, Ho, Wo, N) into a padded (C, Hp, Wp, N)."""
    _, kh, kw, ho, wo, _ = dcols.shape
    out = np.empty(padded_shape, dtype=dcols.dtype)
    stride = tuple(stride)
    if stride == (1, 1):  # offset (0, 0) covers [:Ho, :Wo]: write it, zero only the rest
        out[:, ho:] = 0
        out[:, :ho, wo:] = 0
        out[:, :ho, :wo] = dcols[:, 0, 0]
    else:
        out.fill(0)
    for i in range(kh):  # k*k strided-slice adds; each covers every output pixel at once
        for j in range(kw):
            if stride == (1, 1) and i == j == 0:
                continue
            y0, x0 = i * dil[0], j * dil[1]
            out[:, y0:y0 + stride[0] * (ho - 1) + 1:stride[0],
                x0:x0 + stride[1] * (wo - 1) + 1:stride[1]] += dcols[:, i, j]
    return out


def crop2d(xp: Any, ph: int, pw: int) -> Any:
    """The inner (H, W) of a padded (A, B, H + 2ph, W + 2pw) array: a view."""
    h, w = xp.shape[2] - 2 * ph, xp.shape[3] - 2 * pw
    return xp[:, :, ph:ph + h, pw:pw + w]


def im2col(x: np.ndarray, k: tuple, stride: tuple, padding: tuple, dil: tuple,
           out_hw: tuple, ones_row: bool = False) -> np.ndarray:
    """cols (C*kh*kw, Ho*Wo*N) of x (N, C, H, W): ONE strided copy of the padded input.

    ``ones_row`` appends a row of ones, so that a bias column in the weight matrix
    adds the bias inside the GEMM and the dW GEMM yields db as its last column.
    A 1x1 kernel at stride 1 needs no copy at all: the batch-last input is cols.
    """
    c, n = x.shape[1], x.shape[0]
    xb = padded_batch_last(x, *padding)
    if tuple(k) == (1, 1) and tuple(stride) == (1, 1) and not ones_row:
        return xb.reshape(c, -1)
    xp = xb.transpose(3, 0, 1, 2)  # NCHW view, batch-last
    view = windows(xp, k, stride, dil, out_hw).transpose(1, 2, 3, 4, 5, 0)
    rows, length = c * k[0] * k[1], out_hw[0] * out_hw[1] * n
    cols = np.empty((rows + ones_row, length), dtype=x.dtype)
    np.copyto(cols[:rows].reshape(view.shape), view)
    if ones_row:
        cols[rows] = 1
    return cols


def gemm_rows(g: np.ndarray) -> np.ndarray:
    """g (N, O, Ho, Wo) as (O, Ho*Wo*N), the forward GEMM's layout (free when batch-last)."""
    return g.transpose(1, 2, 3, 0).reshape(g.shape[1], -1)


# ---------------------------------------------------------------- Winograd dispatch
# Winograd F(2x2, 3x3) (ops/winograd.py) for stride-1, dilation-1 3x3 kernels. On the
# benchmark layer (C_in = 16) it measured no faster than im2col; it won 5-25% from
# C_in = 32 up with outputs >= 8x8 (README), the rule these two encode.
WINOGRAD_MIN_CHANNELS = 32  # int: use it when C_in >= this; None: never
WINOGRAD_MIN_OUTPUT = 8  # ... and both output sides are at least this


def use_winograd(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple,
                 dilation: tuple) -> bool:
    """Whether the forward takes the Winograd path (the rule above, float inputs only)."""
    if WINOGRAD_MIN_CHANNELS is None or w.shape[2:] != (3, 3) or tuple(stride) != (1, 1) \
            or tuple(dilation) != (1, 1) or x.shape[1] < WINOGRAD_MIN_CHANNELS:
        return False
    out_hw = [x.shape[2 + i] + 2 * padding[i] - 2 for i in range(2)]
    return (min(out_hw) >= WINOGRAD_MIN_OUTPUT and x.dtype == w.dtype
            and x.dtype in (np.float32, np.float64))


def winograd_forward(ctx, x, w, b, padding):
    """y = A^T [U (.) V] A per 2x2 tile, U = G w G^T, V = B^T d B (ops/winograd.py)."""
    n, c, h, wd = x.shape
    o = w.shape[0]
    ph, pw = padding
    ho, wo = h + 2 * ph - 2, wd + 2 * pw - 2
    th, tw = winograd.tiles(ho, wo)
    if (2 * th + 2, 2 * tw + 2) == (h + 2 * ph, wd + 2 * pw):
        xq = padded_batch_last(x, ph, pw)
    else:  # an odd Ho or Wo: one more zero row/column for the last half-outside tile
        xq = np.zeros((c, 2 * th + 2, 2 * tw + 2, n), x.dtype)
        xq[:, ph:ph + h, pw:pw + wd] = x.transpose(1, 2, 3, 0)
    v = winograd.input_transform(xq, th, tw)
    u = winograd.weight_transform(w, x.dtype)
    m = u @ v  # (16, O, C) @ (16, C, P): one batched GEMM
    if b is not None:
        m[5] += b.reshape(o, 1)  # M[1, 1] reaches all four outputs of a tile with weight 1
    ctx.wino = (u, v, th, tw)
    y = winograd.output_transform(m, o, th, tw, n)
    return y[:, :ho, :wo].transpose(3, 0, 1, 2)


def winograd_backward(ctx, g, need):
    """dM = A dY A^T;  dW = G^T (dM @ V^T) G,  db = sum(dM[1, 1]),  dx = B (U^T dM) B^T."""
    x, w = ctx.saved_tensors
    u, v, th, tw = ctx.wino
    n, c, h, wd = x.shape
    ph, pw = ctx.kwargs["padding"]
    dm = winograd.output_grad(g, th, tw)
    dx = dw = db = None
    if need[1]:
        dw = winograd.weight_grad(dm @ v.transpose(0, 2, 1), w.shape).astype(w.dtype, copy=False)
    if len(need) > 2 and need[2]:
        db = dm[5].sum(axis=1)
    if need[0]:
        dxq = winograd.input_grad(u.transpose(0, 2, 1) @ dm, c, th, tw, n)
        dx = dxq[:, ph:ph + h, pw:pw + wd].transpose(3, 0, 1, 2)
    return dx, dw, db


# ---------------------------------------------------------------- the primitive
class Conv2d(Function):
    """y = W (*) x + b;  dx = col2im(W^T g),  dW = g @ cols^T,  db = sum(g)

    Fused for speed (the composite twin builds k*k matmul nodes): forward is one
    strided im2col copy plus one GEMM whose output is already the (N, O, Ho, Wo)
    result (a view, batch-last in memory); backward keeps the im2col matrix, so dW
    is one more GEMM, and skips dx when the input needs no gradient (the first layer).
    3x3 stride-1 kernels may take Winograd F(2x2, 3x3) instead (winograd_forward /
    winograd_backward above; off unless WINOGRAD_MIN_CHANNELS is set).
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        ctx.save_for_backward(x, w)
        ctx.wino = None
        if use_winograd(x, w, stride, padding, dilation):
            return winograd_forward(ctx, x, w, b, padding)
        n, _, h, wd = x.shape
        o, _, kh, kw = w.shape
        ho = out_size(h, kh, stride[0], padding[0], dilation[0])
        wo = out_size(wd, kw, stride[1], padding[1], dilation[1])
        # The bias rides in the GEMM (a ones row in cols), except for a 1x1 stride-1
        # kernel, whose cols is the input itself (a ones row would cost a full copy).
        fold_bias = b is not None and ((kh, kw) != (1, 1) or tuple(stride) != (1, 1))
        cols = im2col(x, (kh, kw), stride, padding, dilation, (ho, wo), fold_bias)
        w2 = w.reshape(o, -1)
        if fold_bias:
            # the bias takes the GEMM's dtype, as an in-place `out += b` would
            w2 = np.concatenate([w2, b.reshape(o, 1)], axis=1,
                                dtype=np.result_type(w.dtype, x.dtype))
        out = w2 @ cols  # (O, CKK [+1]) @ (CKK [+1], L*N): ONE GEMM for the batch (+ bias)
        if b is not None and not fold_bias:
            out += b.reshape(o, 1)
        ctx.cols, ctx.out_hw = cols, (ho, wo)
        return out.reshape(o, ho, wo, n).transpose(3, 0, 1, 2)

    @staticmethod
    def composite(ctx, x, w, b=None):
        k = ctx.kwargs
        return conv2d_composite(x, w, b, k["stride"], k["padding"], k["dilation"])

    @staticmethod
    def backward(ctx, g):
        kw_ = ctx.kwargs
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        if ctx.wino is not None:
            return winograd_backward(ctx, g, need)
        o = w.shape[0]
        g2 = gemm_rows(g)  # (O, L*N)
        dx = dw = db = None
        ckk = w[0].size
        need_b = len(need) > 2 and need[2]
        folded = ctx.cols.shape[0] > ckk  # the bias rode in the GEMM: cols' last row is ones
        if need[1]:
            # The longer output side first: OpenBLAS splits its threads over it, and a
            # short one made this GEMM several times slower on 2 threads. With the ones
            # row, the GEMM's last column is db = sum(g).
            cols = ctx.cols if need_b and folded else ctx.cols[:ckk]
            dwb = (cols @ g2.T).T if cols.shape[0] > o else g2 @ cols.T
            dw = dwb[:, :ckk].reshape(w.shape)
            if need_b and folded:
                db = dwb[:, ckk]
        if need_b and db is None:
            db = g2.sum(axis=1)
        if need[0]:
            n, c, h, wd = x.shape
            ph, pw = kw_["padding"]
            dcols = w.reshape(o, -1).T @ g2  # (CKK, O) @ (O, L*N) -> (CKK, L*N)
            dcols = dcols.reshape((c,) + w.shape[2:] + ctx.out_hw + (n,))
            dxp = col2im(dcols, (c, h + 2 * ph, wd + 2 * pw, n), kw_["stride"],
                         kw_["dilation"])
            dx = dxp[:, ph:ph + h, pw:pw + wd].transpose(3, 0, 1, 2)
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
