"""``max_pool2d`` (fused) and ``avg_pool2d`` (composite) for ``tensorgraph.nn.functional``.

Argument checks here; the ops themselves are in ``tensorgraph/ops/pool.py``.
"""

from __future__ import annotations

import numpy as np

from ...ops.conv import out_size
from ...ops.pool import MaxPool2d, avg_pool2d_composite, max_pool2d_indices
from ...tensor import Tensor
from .check import as_tensor, floating, pair
from .padding import pad as pad_input

__all__ = ["avg_pool2d", "max_pool2d"]


def _pool_args(op: str, input, kernel_size, stride, padding, dilation, ceil_mode):
    x = floating(as_tensor(input, op), op)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{op}: expected a 4-D input (N, C, H, W) or 3-D (C, H, W), got shape {tuple(x.shape)}."
        )
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
    size = ceil_out_size if ceil_mode else out_size
    if size(h, k[0], s[0], p[0], d[0]) < 1 or size(w, k[1], s[1], p[1], d[1]) < 1:
        raise ValueError(
            f"{op}: kernel {k} (dilation {d}) does not fit the input {tuple(x.shape)} with padding "
            f"{p}; the output would be empty."
        )
    extra = (0, 0)
    if ceil_mode:
        extra = tuple(_ceil_extra(n, *a) for n, a in zip((h, w), zip(k, s, p, d)))
    return x, k, s, p, d, extra


def ceil_out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    """torch's ceil_mode output length: rounded up, but the last window must start
    inside the input or the left padding."""
    out = -(-(size + 2 * p - d * (k - 1) - 1) // s) + 1
    return out - 1 if (out - 1) * s >= size + p else out


def _ceil_extra(size: int, k: int, s: int, p: int, d: int) -> int:
    """How far ceil_mode's last window reaches past the right padding."""
    return max(0, (ceil_out_size(size, k, s, p, d) - 1) * s + d * (k - 1) + 1 - size - 2 * p)


def _ceil_divisor(size: int, k: int, s: int, p: int, include_pad: bool) -> np.ndarray:
    """avg_pool's divisor per output position, as torch's kernel counts it: the window
    clipped at the right padding (count_include_pad) or at the input."""
    start = np.arange(ceil_out_size(size, k, s, p, 1)) * s - p
    end = np.minimum(start + k, size + p)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


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
    x, k, s, p, d, extra = _pool_args("max_pool2d", input, kernel_size, stride, padding,
                                      dilation, ceil_mode)
    if extra != (0, 0):  # ceil_mode: the windows past the end see -inf padding
        h, w = x.shape[-2:]
        out = max_pool2d(pad_input(x, (0, extra[1], 0, extra[0]), value=-np.inf),
                         k, s, p, d, False, return_indices)
        if not return_indices:
            return out
        idx = out[1].array  # indices into the padded plane, back to the input's
        return out[0], Tensor.from_array(idx // (w + extra[1]) * w + idx % (w + extra[1]),
                                         False)
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
    x, k, s, p, _, extra = _pool_args("avg_pool2d", input, kernel_size, stride, padding, 1,
                                      ceil_mode)
    if extra != (0, 0):  # ceil_mode: window sums, then torch's clipped divisors
        h, w = x.shape[-2:]
        total = avg_pool2d(pad_input(x, (0, extra[1], 0, extra[0])), k, s, p, False, True, 1)
        if divisor_override is not None:
            return total * (1.0 / divisor_override)
        div = np.outer(_ceil_divisor(h, k[0], s[0], p[0], count_include_pad),
                       _ceil_divisor(w, k[1], s[1], p[1], count_include_pad))
        return total * Tensor.from_array((1.0 / div).astype(x.dtype), False)
    if x.ndim == 3:
        return avg_pool2d(x.unsqueeze(0), k, s, p, False, count_include_pad,
                          divisor_override).squeeze(0)
    return avg_pool2d_composite(x, k, s, p, count_include_pad, divisor_override)
