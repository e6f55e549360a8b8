"""Convolution, pooling and Flatten layers for images (NCHW)."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor, cat
from . import functional as F
from .convolution import ntuple
from .functional.padding import pad
from .linear import default_init, weight_and_bias
from .module import Module


class Conv2d(Module):
    """2-D convolution (cross-correlation, as every framework): each output channel
    is a learned ``(in_channels, kh, kw)`` filter slid over the input.

    Args:
        in_channels: channels of the input (C_in).
        out_channels: number of filters (C_out).
        kernel_size: int or (kh, kw).
        stride: step between windows (int or pair, default 1).
        padding: zeros added on each side (int or pair), or ``'valid'`` (0) or
            ``'same'`` (output as big as the input; stride 1 only).
        dilation: spacing between kernel taps (default 1).
        groups: split channels into independent groups (default 1); each group is
            its own convolution, so many groups (depthwise) are slow.
        bias: learn a per-channel bias (default True).

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = (H + 2*padding - dilation*(kh-1) - 1) // stride + 1``.

    Example:
        >>> conv = tg.nn.Conv2d(1, 32, kernel_size=3, padding=1)
        >>> conv(tg.randn(8, 1, 28, 28)).shape
        (8, 32, 28, 28)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) "
                f"must both be divisible by groups ({groups})."
            )
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError("padding_mode must be one of ['zeros', 'reflect', 'replicate', "
                             f"'circular'], but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = ntuple(kernel_size, 2), ntuple(stride, 2)
        self.dilation, self.groups = ntuple(dilation, 2), groups
        self.padding_mode = padding_mode
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Conv2d: invalid padding string {padding!r}, should be one of "
                    "{'valid', 'same'}."
                )
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided "
                                 "convolutions; give the padding as a number.")
            self.padding = padding
        else:
            self.padding = ntuple(padding, 2)
        weight_and_bias(self, (out_channels, in_channels // groups, *self.kernel_size),
                        out_channels if bias else None, dtype)

    def reset_parameters(self) -> None:
        default_init(self.weight, self.bias)  # as Linear, fan_in = C_in/groups * kh * kw

    def _pad_pairs(self) -> list[tuple[int, int]]:
        """(before, after) per spatial dim; 'same' puts an odd extra pixel after, as torch."""
        if self.padding == "valid":
            return [(0, 0), (0, 0)]
        if self.padding == "same":
            total = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return [(t // 2, t - t // 2) for t in total]
        return [(p, p) for p in self.padding]

    def _padded_input(self, input: Tensor) -> tuple[Tensor, tuple]:
        """The input padded by F.pad where conv2d's own (symmetric zero) padding cannot do
        it: other padding modes, and uneven 'same' padding."""
        pairs = self._pad_pairs()
        if self.padding_mode == "zeros" and all(a == b for a, b in pairs):
            return input, (pairs[0][0], pairs[1][0])
        mode = "constant" if self.padding_mode == "zeros" else self.padding_mode
        return pad(input, [*pairs[1], *pairs[0]], mode=mode), (0, 0)

    def forward(self, input: Tensor) -> Tensor:
        input, pad = self._padded_input(input)
        if self.groups == 1:
            return F.conv2d(input, self.weight, self.bias, self.stride, pad, self.dilation)
        # Grouped: an independent convolution per slice of channels, concatenated.
        if input.ndim < 3 or input.shape[-3] != self.in_channels:
            raise ValueError(
                f"Conv2d: expected an input with {self.in_channels} channels (N, C, H, W), "
                f"got shape {tuple(input.shape)}."
            )
        cin, cout = self.in_channels // self.groups, self.out_channels // self.groups
        outs = [
            F.conv2d(input[..., g * cin:(g + 1) * cin, :, :],
                     self.weight[g * cout:(g + 1) * cout],
                     None if self.bias is None else self.bias[g * cout:(g + 1) * cout],
                     self.stride, pad, self.dilation)
            for g in range(self.groups)
        ]
        return cat(outs, dim=-3)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window.

    Args:
        kernel_size: window size (int or pair).
        stride: step between windows (default: ``kernel_size``, non-overlapping).
        padding: implicit -inf padding on each side.
        dilation: spacing between window elements.
        ceil_mode: round the output size up instead of down.

    Shape:
        ``(N, C, H, W) -> (N, C, H_out, W_out)``,
        ``H_out = (H + 2*padding - dilation*(k-1) - 1) // stride + 1``.

    Example:
        >>> tg.nn.MaxPool2d(2)(tg.randn(1, 3, 28, 28)).shape
        (1, 3, 14, 14)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise ValueError("MaxPool2d: return_indices=True is not supported.")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, ceil_mode=self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of each ``kernel_size`` window.

    Args:
        kernel_size: window size (int or pair).
        stride: step between windows (default: ``kernel_size``).
        padding: implicit zero padding on each side.
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the padding zeros in the mean (default True).
        divisor_override: divide by this instead of the window size.

    Example:
        >>> tg.nn.AvgPool2d(2)(tg.randn(1, 3, 28, 28)).shape
        (1, 3, 14, 14)
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        kwargs: dict = {}
        if self.ceil_mode:
            kwargs["ceil_mode"] = True
        if not self.count_include_pad:
            kwargs["count_include_pad"] = False
        if self.divisor_override is not None:
            kwargs["divisor_override"] = self.divisor_override
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, **kwargs)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim`` into one (by default all but the batch dim).

    Shape:
        ``(N, C, H, W) -> (N, C*H*W)`` with the defaults.

    Example:
        >>> tg.nn.Flatten()(tg.zeros(32, 1, 5, 5)).shape
        (32, 25)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        nd = max(input.ndim, 1)
        for d in (self.start_dim, self.end_dim):
            if not -nd <= d < nd:
                raise IndexError(
                    f"Flatten: dim {d} is out of range for an input of shape "
                    f"{tuple(input.shape)} (expected a dim in [{-nd}, {nd - 1}])."
                )
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size`` (the inverse of Flatten).

    Example:
        >>> tg.nn.Unflatten(1, (2, 5))(tg.zeros(3, 10)).shape
        (3, 2, 5)
    """

    def __init__(self, dim: int | str, unflattened_size: Any) -> None:
        super().__init__()
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dims are not supported; give dim as an int.")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, int) for s in unflattened_size):
            raise TypeError("unflattened_size must be tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        nd = input.ndim
        if not -nd <= self.dim < nd:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for an input of "
                             f"shape {tuple(input.shape)}.")
        d = self.dim % nd
        sizes = list(self.unflattened_size)
        known = 1
        for s in sizes:
            known *= s if s != -1 else 1
        n = input.shape[d]
        if -1 in sizes:
            sizes[sizes.index(-1)] = n // known if known else 0
        if math.prod(sizes) != n:
            raise RuntimeError(
                f"unflatten: Provided sizes {list(self.unflattened_size)} don't multiply up "
                f"to the size of dim {self.dim} ({n}) in the input tensor"
            )
        return input.reshape(*input.shape[:d], *sizes, *input.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
