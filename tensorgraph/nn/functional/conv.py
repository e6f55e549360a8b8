"""``conv2d`` for ``tensorgraph.nn.functional``, plus the window helpers pooling shares.

im2col: the k*k shifted copies of the (padded) input are one ``as_strided`` view,
made contiguous once, so the whole convolution is ONE batched matmul. The backward's
col2im adds the gradient of each kernel offset back as one strided slice: k*k
vectorised adds, never ``np.add.at`` nor a Python loop over pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...autograd import Function
from ...tensor import Tensor
from .check import as_tensor, floating, pair
from .fused import composite_grad, is_array

__all__ = ["conv2d"]


# ---------------------------------------------------------------- window helpers
def out_size(size: int, k: int, stride: int, pad: int, dil: int) -> int:
    """Output length of a sliding window (floor mode), as torch computes it."""
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def pad2d(x: np.ndarray, ph: int, pw: int, value: float = 0.0) -> np.ndarray:
    """x (N, C, H, W) padded by ph rows and pw columns on each side."""
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
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
    """Adjoint of :func:`windows`: sum dcols (N, C, kh, kw, Ho, Wo) into the padded input."""
    _, _, kh, kw, ho, wo = dcols.shape
    out = np.zeros(padded_shape, dtype=dcols.dtype)
    for i in range(kh):  # k*k strided-slice adds; each covers every output pixel at once
        for j in range(kw):
            y0, x0 = i * dil[0], j * dil[1]
            out[:, :, y0:y0 + stride[0] * (ho - 1) + 1:stride[0],
                x0:x0 + stride[1] * (wo - 1) + 1:stride[1]] += dcols[:, :, i, j]
    return out


def crop2d(xp: np.ndarray, ph: int, pw: int) -> np.ndarray:
    h, w = xp.shape[2] - 2 * ph, xp.shape[3] - 2 * pw
    return xp[:, :, ph:ph + h, pw:pw + w]


# ---------------------------------------------------------------- the primitive
class Conv2d(Function):
    """y = W (*) x + b;  dx = col2im(W^T g),  dW = g @ cols^T,  db = sum(g)

    Fused for speed (the composite below builds k*k matmul nodes): forward is im2col
    plus one matmul; backward skips dx when the input needs no gradient (the first
    layer) and keeps the im2col matrix from forward, so dW is one more matmul.
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
        ctx.save_for_backward(x, w)
        n, c, h, wd = x.shape
        o, _, kh, kw = w.shape
        ho = out_size(h, kh, stride[0], padding[0], dilation[0])
        wo = out_size(wd, kw, stride[1], padding[1], dilation[1])
        xp = pad2d(x, *padding)
        # cols (C*kh*kw, N*Ho*Wo): the whole batch side by side, so the convolution is
        # ONE large GEMM. A batched (N, CKK, L) matmul would make N small BLAS calls,
        # each paying BLAS's threading overhead (10-100x slower on 2 cores).
        view = windows(xp, (kh, kw), stride, dilation, (ho, wo)).transpose(1, 2, 3, 0, 4, 5)
        cols = np.ascontiguousarray(view).reshape(c * kh * kw, n * ho * wo)
        out = w.reshape(o, -1) @ cols  # (O, CKK) @ (CKK, N*L) -> (O, N*L)
        if b is not None:
            out += b.reshape(o, 1)
        ctx.cols, ctx.padded_shape, ctx.out_hw = cols, xp.shape, (ho, wo)
        # Channel-major in memory, returned as an (N, O, Ho, Wo) view: no copy.
        return out.reshape(o, n, ho, wo).transpose(1, 0, 2, 3)

    @staticmethod
    def backward(ctx, g):
        kw_ = ctx.kwargs
        if not is_array(g):
            return composite_grad(ctx, g, lambda x, w, b=None: conv2d_composite(
                x, w, b, kw_["stride"], kw_["padding"], kw_["dilation"]))
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        n, o = g.shape[:2]
        g2 = g.transpose(1, 0, 2, 3).reshape(o, -1)  # (O, N*L), forward's GEMM layout
        dx = dw = db = None
        if need[1]:
            # One GEMM over the whole batch (K = N*L), its longer output side first:
            # OpenBLAS splits its threads over that side, and a short one made this
            # GEMM several times slower on 2 threads (e.g. O=32 vs C*k*k=144).
            if ctx.cols.shape[0] > o:
                dw = (ctx.cols @ g2.T).T.reshape(w.shape)
            else:
                dw = (g2 @ ctx.cols.T).reshape(w.shape)
        if len(need) > 2 and need[2]:
            db = g2.sum(axis=1)
        if need[0]:
            c = x.shape[1]
            dcols = w.reshape(o, -1).T @ g2  # (CKK, O) @ (O, N*L) -> (CKK, N*L)
            dcols = dcols.reshape((c,) + w.shape[2:] + (n,) + ctx.out_hw)
            # col2im in (C, N, H, W) order, the layout dcols already has: contiguous adds.
            dxp = col2im(dcols.transpose(0, 3, 1, 2, 4, 5), (c, n) + ctx.padded_shape[2:],
                         kw_["stride"], kw_["dilation"])
            dx = crop2d(dxp, *kw_["padding"]).transpose(1, 0, 2, 3)
        return dx, dw, db


def pad_tensor(x: Tensor, ph: int, pw: int) -> Tensor:
    """x (N, C, H, W) zero-padded, as a recorded op (IndexAdd: zeros with x written in)."""
    if ph == 0 and pw == 0:
        return x
    from ...ops import IndexAdd

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


# ---------------------------------------------------------------- public function
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
           padding=0, dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (``groups=1`` only).

    Args:
        input: ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``.
        weight: ``(C_out, C_in, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation: an int or a pair (zero padding; no 'same' strings).
        groups: must be 1 (grouped/depthwise convolutions are not implemented).

    Shape:
        Output: ``(N, C_out, H_out, W_out)`` with
        ``H_out = (H + 2*padding - dilation*(kH-1) - 1) // stride + 1``.

    Example:
        >>> x, w = tg.randn(64, 1, 28, 28), tg.randn(16, 1, 3, 3)
        >>> F.conv2d(x, w, padding=1).shape
        (64, 16, 28, 28)
    """
    op = "conv2d"
    x = floating(as_tensor(input, op), op)
    w = floating(as_tensor(weight, op, "weight"), op, "weight")
    if groups != 1:
        raise NotImplementedError(
            f"conv2d: groups={groups} is not supported (only groups=1). Split the "
            "channels and call conv2d per group, then tg.cat the results."
        )
    if x.ndim == 3:
        return conv2d(x.unsqueeze(0), w, bias, stride, padding, dilation).squeeze(0)
    if x.ndim != 4:
        raise ValueError(
            f"conv2d: expected a 4-D input (N, C, H, W) or 3-D (C, H, W), got shape "
            f"{x.shape}. Reshape flat images first, e.g. x.reshape(-1, 1, 28, 28)."
        )
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (C_out, C_in, kH, kW), got {w.shape}.")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"conv2d: input has {x.shape[1]} channels but weight expects {w.shape[1]} "
            f"(input {x.shape}, weight {w.shape}). The input's dim 1 must equal the "
            "weight's in_channels (dim 1)."
        )
    if x.dtype != w.dtype:
        raise TypeError(
            f"conv2d: input is {x.dtype} but weight is {w.dtype}; convert one (x.float() "
            "or model.double())."
        )
    s, p, d = pair(stride, op, "stride"), pair(padding, op, "padding"), pair(dilation, op,
                                                                           "dilation")
    if min(s) < 1 or min(d) < 1:
        raise ValueError(f"conv2d: stride and dilation must be >= 1, got {stride}, {dilation}.")
    ho = out_size(x.shape[2], w.shape[2], s[0], p[0], d[0])
    wo = out_size(x.shape[3], w.shape[3], s[1], p[1], d[1])
    if ho < 1 or wo < 1:
        raise ValueError(
            f"conv2d: the kernel {tuple(w.shape[2:])} (dilation {d}) is larger than the "
            f"padded input ({x.shape[2] + 2 * p[0]}, {x.shape[3] + 2 * p[1]}) of input "
            f"{x.shape}; use a smaller kernel or more padding."
        )
    args = [x, w]
    if bias is not None:
        b = as_tensor(bias, op, "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"conv2d: bias has shape {b.shape}, expected ({w.shape[0]},) for weight "
                f"{w.shape}."
            )
        args.append(b)
    return Conv2d.apply(*args, stride=s, padding=p, dilation=d)
