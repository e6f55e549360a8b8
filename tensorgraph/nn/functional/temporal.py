"""1-D convolution and pooling over sequences ``(N, C, L)`` for ``nn.functional``.

Each is the 2-D op on a height-1 image ``(N, C, 1, L)``: same kernels, same gradients.
Grouped convolutions run one 2-D convolution per group (tensorgraph's conv2d has no
``groups``) and concatenate the channels.
"""

from __future__ import annotations

from typing import Any

from ...tensor_functions import cat
from ...tensor import Tensor
from .check import as_tensor, floating
from .conv import conv2d
from .pool import avg_pool2d, max_pool2d

__all__ = ["avg_pool1d", "conv1d", "grouped_conv2d", "max_pool1d"]


def single(v: Any, op: str, name: str) -> int:
    """An int or a 1-element tuple/list (torch's ``_single``) as an int."""
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{op}: {name} must be an int or a 1-tuple, got {v!r}.")
        v = v[0]
    return int(v)


def grouped_conv2d(x: Tensor, w: Tensor, b: Tensor | None, stride: Any, padding: Any,
                   dilation: Any, groups: int, op: str) -> Tensor:
    """conv2d with ``groups``: one convolution per slice of channels, concatenated."""
    if groups == 1:
        return conv2d(x, w, b, stride, padding, dilation)
    c, o = x.shape[1], w.shape[0]
    if groups < 1 or c % groups or o % groups or w.shape[1] * groups != c:
        raise RuntimeError(
            f"{op}: groups={groups} must divide the input channels ({c}) and the output "
            f"channels ({o}), and weight {tuple(w.shape)} must have C_in/groups = "
            f"{c // max(groups, 1)} in dim 1."
        )
    ci, co = c // groups, o // groups
    return cat([conv2d(x[:, g * ci:(g + 1) * ci], w[g * co:(g + 1) * co],
                       None if b is None else b[g * co:(g + 1) * co], stride, padding,
                       dilation) for g in range(groups)], 1)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation, as ``torch.nn.functional.conv1d``.

    Args:
        input: ``(N, C_in, L)`` or unbatched ``(C_in, L)``.
        weight: ``(C_out, C_in / groups, k)``.
        bias: ``(C_out,)`` or None.
        stride, dilation: int (or 1-tuple).
        padding: int, or ``'valid'`` (none) or ``'same'`` (output as long as the input,
            stride 1; an odd total goes one more to the right, as torch).
        groups: independent channel groups.

    Shape:
        ``L_out = (L + 2*padding - dilation*(k-1) - 1) // stride + 1``.

    Example:
        >>> F.conv1d(tg.randn(8, 4, 50), tg.randn(16, 4, 5), padding=2).shape
        torch.Size([8, 16, 50])
    """
    op = "conv1d"
    x = floating(as_tensor(input, op), op)
    w = floating(as_tensor(weight, op, "weight"), op, "weight")
    if x.ndim == 2:
        return conv1d(x.unsqueeze(0), w, bias, stride, padding, dilation, groups).squeeze(0)
    if x.ndim != 3 or w.ndim != 3:
        raise RuntimeError(
            f"{op}: expected a 3-D input (N, C, L) or 2-D (C, L) and a 3-D weight "
            f"(C_out, C_in/groups, k), got input {tuple(x.shape)} and weight {tuple(w.shape)}."
        )
    s, d = single(stride, op, "stride"), single(dilation, op, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if s != 1:
                raise ValueError("conv1d: padding='same' is not supported for strided "
                                 "convolutions")
            total = d * (w.shape[2] - 1)
            if total % 2:
                from .padding import pad

                x = pad(x, (total // 2, total - total // 2))
                padding = 0
            else:
                padding = total // 2
        else:
            raise ValueError(f"conv1d: invalid padding string {padding!r}, should be one of "
                             "{'valid', 'same'}")
    p = single(padding, op, "padding")
    out = grouped_conv2d(x.unsqueeze(2), w.unsqueeze(2), bias, (1, s), (0, p), (1, d),
                         groups, op)
    return out.squeeze(2)


def _pool1d_args(op: str, input: Any, kernel_size: Any, stride: Any, padding: Any):
    x = floating(as_tensor(input, op), op)
    if x.ndim not in (2, 3):
        raise RuntimeError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape "
                           f"{tuple(x.shape)}.")
    k = single(kernel_size, op, "kernel_size")
    s = k if stride is None or stride == [] or stride == () else single(stride, op, "stride")
    return x, k, s, single(padding, op, "padding")


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of a sequence ``(N, C, L)`` (stride defaults to kernel).

    Example:
        >>> F.avg_pool1d(tg.randn(2, 3, 8), 2).shape
        torch.Size([2, 3, 4])
    """
    x, k, s, p = _pool1d_args("avg_pool1d", input, kernel_size, stride, padding)
    return avg_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad).squeeze(-2)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False):
    """Max over sliding windows of a sequence ``(N, C, L)``.

    With ``return_indices=True`` also returns each maximum's position along L.
    """
    x, k, s, p = _pool1d_args("max_pool1d", input, kernel_size, stride, padding)
    d = single(dilation, "max_pool1d", "dilation")
    out = max_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                     return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)
