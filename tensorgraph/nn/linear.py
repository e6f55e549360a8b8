"""Linear (fully connected) layer, Bilinear and Identity."""

from __future__ import annotations

import math
from typing import Any

from .. import dtypes
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def empty_parameter(*shape: int, dtype: Any = None) -> Parameter:
    """An uninitialised (zero) Parameter of the default float dtype."""
    return Parameter(zeros(*shape, dtype=dtype or dtypes.get_default_dtype()))


def weight_and_bias(module: Module, weight_shape: tuple, bias_size: int | None,
                    dtype: Any = None) -> None:
    """Give ``module`` an empty ``weight`` Parameter of ``weight_shape`` and a ``bias`` of
    ``(bias_size,)`` (``bias_size=None``: a registered ``None``, as torch), in torch's
    registration order, then fill them with its ``reset_parameters()``."""
    module.weight = empty_parameter(*weight_shape, dtype=dtype)
    if bias_size is None:
        module.register_parameter("bias", None)
    else:
        module.bias = empty_parameter(bias_size, dtype=dtype)
    module.reset_parameters()


def default_init(weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's default for Linear and Conv: weight from kaiming_uniform_(a=sqrt(5)),
    which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same range."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init.calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a layer).

    Example:
        >>> tg.nn.Identity()(tg.ones(2)) is not None
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``.

    Args:
        in_features: size of each input sample (the last dim of x).
        out_features: size of each output sample.
        bias: learn an additive bias (default True).
        dtype: parameter dtype (default ``tg.get_default_dtype()``, float32).

    Shape:
        - Input: ``(*, in_features)``
        - Output: ``(*, out_features)``

    Attributes:
        weight: ``(out_features, in_features)``, initialised from U(-k, k) with
            k = 1/sqrt(in_features) (kaiming_uniform_ with a=sqrt(5), as PyTorch).
        bias: ``(out_features,)`` from U(-k, k).

    Example:
        >>> fc = tg.nn.Linear(20, 30)
        >>> fc(tg.randn(128, 20)).shape
        torch.Size([128, 30])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        weight_and_bias(self, (out_features, in_features), out_features if bias else None, dtype)

    def reset_parameters(self) -> None:
        default_init(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y = x1^T A x2 + b``: ``y[o] = sum_ij x1[i] weight[o, i, j] x2[j] + bias[o]``.

    Args:
        in1_features, in2_features: sizes of the two inputs' last dims.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).

    Shape:
        input1 ``(*, in1_features)``, input2 ``(*, in2_features)``; output
        ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in1_features, in2_features)`` and bias ``(out_features,)``,
            both from U(-k, k) with k = 1/sqrt(in1_features), as PyTorch.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        weight_and_bias(self, (out_features, in1_features, in2_features),
                        out_features if bias else None, dtype)

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
