"""Lazy layers: ``in_features`` / ``in_channels`` inferred from the first input.

As in torch, a lazy layer holds an :class:`UninitializedParameter` until its first
call; then it materialises its weights (same init, so the same random draws as building
the non-lazy layer at that moment), and its class BECOMES the plain layer
(``type(m) is nn.Linear``, ``cls_to_become``).
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .conv import Conv2d
from .convolution import Conv1d
from .linear import Linear
from .module import Module
from .parameter import UninitializedParameter, is_lazy


class LazyModuleMixin:
    """Infers the missing input size at the first call, then becomes ``cls_to_become``."""

    cls_to_become: type | None = None

    def _arm(self) -> None:
        self.__dict__["_lazy_hook"] = self.register_forward_pre_hook(_infer_hook)

    def has_uninitialized_params(self) -> bool:
        return any(is_lazy(p) for p in list(self._parameters.values()) if p is not None)

    def initialize_parameters(self, input: Tensor) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load_from_lazy(self) -> None:
        """After materialising: the layer is now the plain class (torch's behaviour)."""
        self.__dict__["_lazy_hook"].remove()
        d = self.__dict__
        if not any(d[k] for k in ("_forward_pre_hooks", "_forward_hooks",
                                  "_backward_pre_hooks", "_backward_hooks")):
            d["_hooked"] = False  # back on the fast, hook-free call path
        if self.cls_to_become is not None:
            self.__class__ = self.cls_to_become


def _infer_hook(module: Any, args: tuple) -> None:
    if module.has_uninitialized_params():
        if not args or not isinstance(args[0], Tensor):
            raise TypeError(f"{type(module).__name__}: the first call must get the input "
                            "Tensor, to infer the layer's input size from it.")
        module.initialize_parameters(args[0])
    module._load_from_lazy()


def _uninit(dtype: Any) -> UninitializedParameter:
    return UninitializedParameter(dtype=dtype)


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose ``in_features`` is the last dim of its first input.

    Example:
        >>> fc = tg.nn.LazyLinear(10)
        >>> fc(tg.randn(4, 784)).shape
        torch.Size([4, 10])
        >>> type(fc) is tg.nn.Linear, fc.in_features
        (True, 784)
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self.weight = _uninit(dtype)
        if bias:
            self.bias = _uninit(dtype)
        else:
            self.register_parameter("bias", None)
        self._arm()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if input.ndim == 0:
            raise RuntimeError("LazyLinear: the input must have at least 1 dim.")
        self.in_features = int(input.shape[-1])
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()


class _LazyConvNd(LazyModuleMixin):
    def _lazy_init(self, base: type, out_channels: int, kernel_size: Any, dtype: Any,
                   **conv_args: Any) -> None:
        # Build as the plain class with one input channel (cheap), then unset the weights.
        base.__init__(self, max(conv_args.get("groups", 1), 1), out_channels, kernel_size,
                      dtype=dtype, **conv_args)
        self.in_channels = 0
        self.weight = _uninit(dtype)
        if self.bias is not None:
            self.bias = _uninit(dtype)
        self._arm()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        spatial = len(self.kernel_size)
        batched = input.ndim == spatial + 2
        if input.ndim not in (spatial + 1, spatial + 2):
            raise RuntimeError(
                f"{type(self).__name__}: expected a {spatial + 1}-D or {spatial + 2}-D "
                f"input, got {input.ndim}-D {tuple(input.shape)}."
            )
        self.in_channels = int(input.shape[1 if batched else 0])
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        self.weight.materialize((self.out_channels, self.in_channels // self.groups)
                                + tuple(self.kernel_size))
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


class LazyConv2d(_LazyConvNd, Conv2d):
    """A Conv2d whose ``in_channels`` is read from its first input ``(N, C, H, W)``.

    Example:
        >>> conv = tg.nn.LazyConv2d(16, 3, padding=1)
        >>> conv(tg.randn(2, 3, 8, 8)).shape, type(conv) is tg.nn.Conv2d
        ((2, 16, 8, 8), True)
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_init(Conv2d, out_channels, kernel_size, dtype, stride=stride,
                        padding=padding, dilation=dilation, groups=groups, bias=bias,
                        padding_mode=padding_mode)


class LazyConv1d(_LazyConvNd, Conv1d):
    """A Conv1d whose ``in_channels`` is read from its first input ``(N, C, L)``."""

    cls_to_become = Conv1d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_init(Conv1d, out_channels, kernel_size, dtype, stride=stride,
                        padding=padding, dilation=dilation, groups=groups, bias=bias,
                        padding_mode=padding_mode)
