"""``conv_transpose2d`` / ``conv_transpose1d`` for ``tensorgraph.nn.functional``.

A transposed convolution is the adjoint of a convolution: every input pixel scatters
``weight``-scaled copies of itself into the output. Here that is a composite of two
recorded ops: one matmul makes the blocks, ``Fold`` (col2im) adds them into place, so
gradients of every order follow from those two.
"""

from __future__ import annotations

from typing import Any

from ...tensor_functions import cat
from ...ops.fold import Fold
from ...tensor import Tensor
from .check import as_tensor, floating, pair

__all__ = ["conv_transpose1d", "conv_transpose2d"]


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution ("deconvolution"), as torch's.

    Args:
        input: ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``.
        weight: ``(C_in, C_out / groups, kH, kW)``.
        bias: ``(C_out,)`` or None.
        stride, padding, dilation: int or pair; ``padding`` crops that many rows and
            columns from each side of the full output (the inverse of conv2d's padding).
        output_padding: extra rows/columns on one side (smaller than stride).
        groups: independent channel groups.

    Shape:
        ``H_out = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``.

    Example:
        >>> F.conv_transpose2d(tg.randn(1, 4, 5, 5), tg.randn(4, 2, 3, 3), stride=2).shape
        torch.Size([1, 2, 11, 11])
    """
    op = "conv_transpose2d"
    x = floating(as_tensor(input, op), op)
    w = floating(as_tensor(weight, op, "weight"), op, "weight")
    if x.ndim == 3:
        return conv_transpose2d(x.unsqueeze(0), w, bias, stride, padding, output_padding,
                                groups, dilation).squeeze(0)
    if x.ndim != 4 or w.ndim != 4:
        raise RuntimeError(f"{op}: expected a 4-D input (N, C, H, W) and 4-D weight "
                           f"(C_in, C_out/groups, kH, kW), got {tuple(x.shape)} and {tuple(w.shape)}.")
    s, p = pair(stride, op, "stride"), pair(padding, op, "padding")
    op_, d = pair(output_padding, op, "output_padding"), pair(dilation, op, "dilation")
    if min(s) < 1 or min(d) < 1:
        raise RuntimeError(f"{op}: stride and dilation must be >= 1, got {s} and {d}.")
    if op_[0] >= s[0] or op_[1] >= s[1]:
        raise RuntimeError(f"{op}: output padding {op_} must be smaller than stride {s} "
                           "(tensorgraph does not take the larger-than-stride case torch "
                           "allows with dilation).")
    n, cin, h, wd = x.shape
    if w.shape[0] != cin or cin % groups:
        raise RuntimeError(
            f"{op}: input has {cin} channels but weight {tuple(w.shape)} expects {w.shape[0]} "
            f"(weight is (C_in, C_out/groups, kH, kW)); C_in must divide by groups={groups}."
        )
    if x.dtype != w.dtype:
        raise TypeError(f"{op}: input is {x.dtype} but weight is {w.dtype}; convert one.")
    kh, kw = w.shape[2:]
    cout_g = w.shape[1]
    size = ((h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op_[0] + 1,
            (wd - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op_[1] + 1)
    if min(size) < 1:
        raise RuntimeError(f"{op}: the output would be {size}: padding {p} is too large "
                           f"for input {tuple(x.shape)} and kernel {(kh, kw)}.")
    cin_g = cin // groups
    flat = x.reshape(n, cin, h * wd)
    cols = []
    for g in range(groups):
        wg = w[g * cin_g:(g + 1) * cin_g].reshape(cin_g, cout_g * kh * kw)
        cols.append(wg.mT @ flat[:, g * cin_g:(g + 1) * cin_g])  # (N, C_out/g * k*k, H*W)
    col = cols[0] if groups == 1 else cat(cols, 1)
    out = Fold.apply(col, output_size=size, kernel=(kh, kw), dilation=d, padding=p, stride=s)
    if bias is not None:
        b = as_tensor(bias, op, "bias")
        if b.shape != (cout_g * groups,):
            raise RuntimeError(f"{op}: bias has shape {tuple(b.shape)}, expected "
                               f"({cout_g * groups},).")
        out = out + b.reshape(1, -1, 1, 1)
    return out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution: ``(N, C_in, L) -> (N, C_out, L_out)`` (via the 2-D one)."""
    op = "conv_transpose1d"
    x = floating(as_tensor(input, op), op)
    w = floating(as_tensor(weight, op, "weight"), op, "weight")
    if x.ndim not in (2, 3) or w.ndim != 3:
        raise RuntimeError(f"{op}: expected a 3-D input (N, C, L) (or 2-D) and a 3-D weight "
                           f"(C_in, C_out/groups, k), got {tuple(x.shape)} and {tuple(w.shape)}.")
    one = [_one(v, op, name) for v, name in ((stride, "stride"), (padding, "padding"),
                                             (output_padding, "output_padding"),
                                             (dilation, "dilation"))]
    out = conv_transpose2d(x.unsqueeze(-2), w.unsqueeze(2), bias, (1, one[0]), (0, one[1]),
                           (0, one[2]), groups, (1, one[3]))
    return out.squeeze(-2)


def _one(v: Any, op: str, name: str) -> int:
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{op}: {name} must be an int or a 1-tuple, got {v!r}.")
        v = v[0]
    return int(v)
