"""Conv1d, ConvTranspose1d and ConvTranspose2d layers (Conv2d is in ``conv.py``)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .functional.conv_transpose import conv_transpose1d, conv_transpose2d
from .functional.padding import pad
from .functional.temporal import conv1d
from .linear import default_init, weight_and_bias
from .module import Module

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def ntuple(v: Any, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class ConvNd(Module):
    """What the convolution layers share: arguments, weight, init and repr (as torch's
    ``_ConvNd``)."""

    dims = 1
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str,
                 output_padding: Any = 0, dtype: Any = None) -> None:
        super().__init__()
        name, n = type(self).__name__, self.dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = ntuple(kernel_size, n), ntuple(stride, n)
        self.dilation, self.groups = ntuple(dilation, n), groups
        self.output_padding = ntuple(output_padding, n)
        self.padding_mode = padding_mode
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            if self.transposed:
                raise ValueError(f"{name}: padding must be a number (no 'same'/'valid').")
            self.padding = padding
        else:
            self.padding = ntuple(padding, n)
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        shape = ((in_channels, out_channels // groups) if self.transposed
                 else (out_channels, in_channels // groups)) + self.kernel_size
        weight_and_bias(self, shape, out_channels if bias else None, dtype)

    def reset_parameters(self) -> None:
        default_init(self.weight, self.bias)  # kaiming_uniform_(a=sqrt(5)), as torch

    def extra_repr(self) -> str:
        n = self.dims
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _padded_input(self, input: Tensor) -> tuple[Tensor, Any]:
        """Non-zero padding modes pad the input first, then convolve with padding 0."""
        if self.padding_mode == "zeros":
            return input, self.padding
        if self.padding == "valid":
            return input, 0
        if self.padding == "same":
            total = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            pairs = [(t // 2, t - t // 2) for t in total]
        else:
            pairs = [(p, p) for p in self.padding]
        flat = [v for pr in reversed(pairs) for v in pr]  # last dim first, as F.pad
        return pad(input, flat, mode=self.padding_mode), 0

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """torch's rule: the output_padding that makes the output exactly output_size."""
        if output_size is None:
            return self.output_padding
        n = self.dims
        size = tuple(output_size)[-n:]
        if len(size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must "
                             f"have {n} or {n + 2} elements (got {len(tuple(output_size))})")
        out = []
        for i in range(n):
            dim = input.shape[input.ndim - n + i]
            least = ((dim - 1) * self.stride[i] - 2 * self.padding[i]
                     + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            if not least <= size[i] < least + self.stride[i]:
                raise ValueError(
                    f"requested an output size of {list(size)}, but valid sizes range from "
                    f"{least} to {least + self.stride[i] - 1} (for an input of "
                    f"{list(input.shape[2:])})"
                )
            out.append(size[i] - least)
        return tuple(out)


class Conv1d(ConvNd):
    """1-D convolution over sequences ``(N, C_in, L) -> (N, C_out, L_out)``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding (int, 'valid', 'same'),
        dilation, groups, bias, padding_mode ('zeros', 'reflect', 'replicate',
        'circular'): as torch.

    Example:
        >>> tg.nn.Conv1d(16, 33, 3, stride=2)(tg.randn(20, 16, 50)).shape
        (20, 33, 24)
    """

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:
        x, padding = self._padded_input(input)
        padding = padding if isinstance(padding, str) else ntuple(padding, 1)
        return conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation,
                      self.groups)


class ConvTranspose2d(ConvNd):
    """2-D transposed convolution (learned upsampling), ``(N, C_in, H, W) -> (N, C_out, H_out, W_out)``
    with ``H_out = (H-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1``.

    ``forward(input, output_size=None)``: ``output_size`` picks the output_padding, as torch.

    Example:
        >>> up = tg.nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)
        >>> up(tg.randn(1, 16, 12, 12), output_size=(24, 24)).shape
        (1, 8, 24, 24)
    """

    dims, transposed = 2, True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                 bias: bool = True, dilation: Any = 1, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, dtype=dtype)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        return conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(input, output_size), self.groups,
                                self.dilation)


class ConvTranspose1d(ConvTranspose2d):
    """1-D transposed convolution ``(N, C_in, L) -> (N, C_out, L_out)``."""

    dims = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        return conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(input, output_size), self.groups,
                                self.dilation)
