"""``conv2d`` for ``tensorgraph.nn.functional``: argument checks, then ``Conv2d.apply``.

The op itself (im2col + one GEMM, and its composite twin) is ``tensorgraph/ops/conv.py``.
"""

from __future__ import annotations

from ...ops.conv import Conv2d, out_size
from ...tensor import Tensor
from .check import as_tensor, floating, pair

__all__ = ["conv2d"]


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
        torch.Size([64, 16, 28, 28])
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
            f"{tuple(x.shape)}. Reshape flat images first, e.g. x.reshape(-1, 1, 28, 28)."
        )
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (C_out, C_in, kH, kW), got {tuple(w.shape)}.")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"conv2d: input has {x.shape[1]} channels but weight expects {w.shape[1]} "
            f"(input {tuple(x.shape)}, weight {tuple(w.shape)}). The input's dim 1 must equal the "
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
            f"{tuple(x.shape)}; use a smaller kernel or more padding."
        )
    args = [x, w]
    if bias is not None:
        b = as_tensor(bias, op, "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"conv2d: bias has shape {tuple(b.shape)}, expected ({w.shape[0]},) for weight "
                f"{tuple(w.shape)}."
            )
        args.append(b)
    return Conv2d.apply(*args, stride=s, padding=p, dilation=d)
