"""``max_pool2d`` (fused) and ``avg_pool2d`` (composite) for ``tensorgraph.nn.functional``.

Argument checks here; the ops themselves are in ``tensorgraph/ops/pool.py``.
"""

from __future__ import annotations

from ...ops.conv import out_size
from ...ops.pool import MaxPool2d, avg_pool2d_composite, max_pool2d_indices
from ...tensor import Tensor
from .check import as_tensor, floating, pair

__all__ = ["avg_pool2d", "max_pool2d"]


def _pool_args(op: str, input, kernel_size, stride, padding, dilation, ceil_mode):
    x = floating(as_tensor(input, op), op)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{op}: expected a 4-D input (N, C, H, W) or 3-D (C, H, W), got shape {tuple(x.shape)}."
        )
    if ceil_mode:
        raise NotImplementedError(f"{op}: ceil_mode=True is not supported; pad the input "
                                  "instead (padding=...).")
    k = pair(kernel_size, op, "kernel_size")
    s = k if stride is None or stride == [] else pair(stride, op, "stride")
    p, d = pair(padding, op, "padding"), pair(dilation, op, "dilation")
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be >= 1.")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(
            f"{op}: padding {p} must be at most half the kernel size {k} (as torch)."
        )
    h, w = x.shape[-2:]
    if out_size(h, k[0], s[0], p[0], d[0]) < 1 or out_size(w, k[1], s[1], p[1], d[1]) < 1:
        raise ValueError(
            f"{op}: kernel {k} (dilation {d}) does not fit the input {tuple(x.shape)} with padding "
            f"{p}; the output would be empty."
        )
    return x, k, s, p, d


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """Max over sliding 2-D windows, as ``torch.nn.functional.max_pool2d``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size, stride (default: kernel_size), padding (at most kernel/2, counts
            as -inf), dilation: an int or a pair.
        return_indices: also return the argmax positions (flat index in each H*W plane).

    Shape:
        Output: ``(N, C, H_out, W_out)``, ``H_out = (H + 2p - d(k-1) - 1) // s + 1``.

    Example:
        >>> F.max_pool2d(tg.randn(64, 16, 28, 28), 2).shape
        torch.Size([64, 16, 14, 14])
    """
    x, k, s, p, d = _pool_args("max_pool2d", input, kernel_size, stride, padding,
                               dilation, ceil_mode)
    if x.ndim == 3:
        out = max_pool2d(x.unsqueeze(0), k, s, p, d, False, return_indices)
        if return_indices:
            return out[0].squeeze(0), out[1].squeeze(0)
        return out.squeeze(0)
    out = MaxPool2d.apply(x, kernel=k, stride=s, padding=p, dilation=d)
    if not return_indices:
        return out
    idx = max_pool2d_indices(out, x, kernel=k, stride=s, padding=p, dilation=d)
    return out, Tensor.from_array(idx, False)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over sliding 2-D windows (a composite), as ``torch.nn.functional.avg_pool2d``.

    When stride == kernel and there is no padding it is a reshape and a mean; otherwise
    a sum of k*k strided slices of the zero-padded input, divided by the window size
    (or, with ``count_include_pad=False``, by the number of real pixels in it).

    Example:
        >>> F.avg_pool2d(tg.randn(8, 3, 32, 32), 2).shape
        torch.Size([8, 3, 16, 16])
    """
    x, k, s, p, _ = _pool_args("avg_pool2d", input, kernel_size, stride, padding, 1,
                               ceil_mode)
    if x.ndim == 3:
        return avg_pool2d(x.unsqueeze(0), k, s, p, False, count_include_pad,
                          divisor_override).squeeze(0)
    return avg_pool2d_composite(x, k, s, p, count_include_pad, divisor_override)
