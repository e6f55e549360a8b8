"""``unfold`` (im2col) and ``fold`` (col2im) for ``tensorgraph.nn.functional``."""

from __future__ import annotations

from typing import Any

from ...ops.fold import Fold, Unfold, blocks
from ...tensor import Tensor
from .check import as_tensor, floating, pair

__all__ = ["fold", "unfold"]


def window_args(op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> dict:
    """kernel/dilation/padding/stride as checked pairs (kernel, dilation, stride >= 1)."""
    k, d = pair(kernel_size, op, "kernel_size"), pair(dilation, op, "dilation")
    p, s = pair(padding, op, "padding"), pair(stride, op, "stride")
    if min(k) < 1 or min(d) < 1 or min(s) < 1:
        raise RuntimeError(f"{op}: kernel_size, dilation and stride must be positive, got "
                           f"{k}, {d}, {s}.")
    return {"kernel": k, "dilation": d, "padding": p, "stride": s}


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """Sliding blocks of a batch of images as columns (im2col), as ``torch``'s.

    Shape:
        ``(N, C, H, W) -> (N, C * kh * kw, L)`` with ``L`` the number of block positions;
        unbatched ``(C, H, W) -> (C * kh * kw, L)``.

    Example:
        >>> F.unfold(tg.randn(1, 3, 10, 12), kernel_size=(2, 3)).shape
        torch.Size([1, 18, 99])
    """
    x = floating(as_tensor(input, "unfold"), "unfold")
    if x.ndim == 3:
        return unfold(x.unsqueeze(0), kernel_size, dilation, padding, stride).squeeze(0)
    if x.ndim != 4:
        raise NotImplementedError(
            f"unfold: only 4-D (N, C, H, W) or 3-D (C, H, W) inputs are supported, got "
            f"shape {tuple(x.shape)}."
        )
    kw = window_args("unfold", kernel_size, dilation, padding, stride)
    for i in (0, 1):
        if blocks(x.shape[2 + i], kw["kernel"][i], kw["stride"][i], kw["padding"][i],
                  kw["dilation"][i]) < 1:
            raise RuntimeError(
                f"unfold: the kernel {kw['kernel']} (dilation {kw['dilation']}) is larger "
                f"than the padded input {tuple(x.shape)} (padding {kw['padding']})."
            )
    return Unfold.apply(x, **kw)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """Columns of blocks summed back into images (col2im): the adjoint of :func:`unfold`.

    Shape:
        ``(N, C * kh * kw, L) -> (N, C, H, W)`` with ``(H, W) = output_size``;
        unbatched ``(C * kh * kw, L) -> (C, H, W)``.
    """
    x = floating(as_tensor(input, "fold"), "fold")
    if x.ndim == 2:
        return fold(x.unsqueeze(0), output_size, kernel_size, dilation, padding,
                    stride).squeeze(0)
    if x.ndim != 3:
        raise NotImplementedError(
            f"fold: expected a 3-D (N, C*kh*kw, L) or 2-D input, got shape {tuple(x.shape)}."
        )
    kw = window_args("fold", kernel_size, dilation, padding, stride)
    size = pair(output_size, "fold", "output_size")
    kk = kw["kernel"][0] * kw["kernel"][1]
    if x.shape[1] % kk:
        raise RuntimeError(
            f"fold: expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={x.shape[1]} and kernel_size={kw['kernel']}."
        )
    n_blocks = 1
    for i in (0, 1):
        n_blocks *= blocks(size[i], kw["kernel"][i], kw["stride"][i], kw["padding"][i],
                           kw["dilation"][i])
    if n_blocks != x.shape[2]:
        raise RuntimeError(
            f"fold: given output_size={size}, kernel_size={kw['kernel']}, dilation="
            f"{kw['dilation']}, padding={kw['padding']}, stride={kw['stride']}, expected "
            f"size of input's dimension 2 to match the calculated number of sliding blocks "
            f"{n_blocks}, but got input.size(2)={x.shape[2]}."
        )
    return Fold.apply(x, output_size=size, **kw)
