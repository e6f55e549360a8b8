"""More activations for ``tensorgraph.nn.functional``: softplus, the ELU family,
the hard (piecewise-linear) ones, log-sigmoid, softmin, GLU, PReLU and friends.

All are composites of the engine's primitives except ``softplus`` (the
:class:`~tensorgraph.ops.softplus.Softplus` primitive, for stability). The
piecewise-linear ones multiply by a constant mask, so their gradients at the kinks are
torch's (e.g. hardtanh's gradient is 0 exactly at ``min_val`` and ``max_val``).
"""

from __future__ import annotations

import numpy as np

from ...shapes import one_dim
from ...ops.softplus import Softplus
from ...tensor import Tensor, where
from .activation import leaky_relu, relu, softmax
from .check import as_tensor, floating
from .inplace import inplace_form

__all__ = [
    "celu", "celu_", "elu_", "hardtanh_", "leaky_relu_", "relu_", "selu_", "threshold_", "elu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
    "logsigmoid", "mish", "prelu", "relu6", "selu", "silu", "softmin",
    "softplus", "softshrink", "softsign", "tanhshrink", "threshold",
]

# SELU's constants, as torch (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _float(input, op: str) -> Tensor:
    return floating(as_tensor(input, op), op)


def _const(x: Tensor, arr: np.ndarray) -> Tensor:
    """A constant (no gradient) of x's dtype."""
    return Tensor.from_array(np.asarray(arr, dtype=x.dtype), False)


def _select(x: Tensor, keep: np.ndarray, values: np.ndarray | float) -> Tensor:
    """``x`` where ``keep``, else the constant ``values``: gradient ``g * keep``, and no
    ``inf * 0`` NaN or ``-0.0`` from multiplying by a mask."""
    return where(Tensor.from_array(keep, False), x, _const(x, values))


# ---------------------------------------------------------------- smooth ones
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    Example:
        >>> F.softplus(tg.tensor([0.0, 100.0]))
        tensor([  0.6931, 100.    ])
    """
    return Softplus.apply(_float(input, "softplus"), beta=float(beta), threshold=float(threshold))


@inplace_form("silu")
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    x = _float(input, "silu")
    return x * x.sigmoid()


@inplace_form("mish")
def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    x = _float(input, "mish")
    return x * softplus(x).tanh()


@inplace_form("elu")
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    x = _float(input, "elu")
    # exp of min(x, 0): the unused branch never overflows (inf * 0 would be a NaN grad).
    neg = x.clamp(max=0).expm1() * alpha
    # where, not x * mask: elu(-inf) is -alpha (not NaN), elu(-0.0) is -0.0, as torch.
    return where(Tensor.from_array(~(x.array <= 0), False), x, neg)


@inplace_form("selu")
def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with torch's fixed alpha ~ 1.6733 and scale ~ 1.0507."""
    return elu(_float(input, "selu"), SELU_ALPHA) * SELU_SCALE


@inplace_form("celu")
def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    x = _float(input, "celu")
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x).")
    neg = (x.clamp(max=0) / alpha).expm1() * alpha
    return where(Tensor.from_array(~(x.array <= 0), False), x, neg)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    x = _float(input, "logsigmoid")
    return -Softplus.apply(-x, beta=1.0, threshold=np.inf)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    x = _float(input, "softsign")
    return x / (x.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    x = _float(input, "tanhshrink")
    return x - x.tanh()


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    """``softmax(-x, dim)``: each slice along ``dim`` becomes a distribution, largest
    weight on the smallest entry."""
    x = as_tensor(input, "softmin")
    if dtype is not None:
        x = x.to(dtype)
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1  # torch's legacy rule
    return softmax(-x, dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``x`` in halves ``a, b`` along ``dim``; ``a * sigmoid(b)``.

    Shape:
        ``(*, 2N, *) -> (*, N, *)``.
    """
    x = _float(input, "glu")
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = one_dim(dim, x.shape, "glu")
    n = x.shape[d]
    if n % 2:
        raise RuntimeError(
            f"glu: halving dimension must be even, but dimension {d} is size {n} "
            f"(input shape {tuple(x.shape)})."
        )
    lead = (slice(None),) * d
    a, b = x[lead + (slice(0, n // 2),)], x[lead + (slice(n // 2, n),)]
    return a * b.sigmoid()


# ---------------------------------------------------------------- piecewise linear
@inplace_form("threshold")
def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``."""
    x = _float(input, "threshold")
    # x <= threshold gets value (so NaN passes, with gradient); where, not x * mask, so
    # -inf gives value rather than NaN.
    return _select(x, ~(x.array <= threshold), value)


@inplace_form("hardtanh")
def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]`` (gradient 0 at and beyond the ends)."""
    x = _float(input, "hardtanh")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val}).")
    a = x.array
    # torch's clamp: ties keep x (relu6(-0.0) is -0.0), NaN passes with gradient g, the
    # gradient is 0 at and beyond the ends, and +-inf clamp to the ends (no inf * 0).
    outside = (a <= min_val) | (a >= max_val)
    values = np.where(a < min_val, min_val, np.where(a > max_val, max_val, a))
    return _select(x, ~outside, values)


@inplace_form("relu6")
def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(0, x), 6)`` (hardtanh on [0, 6])."""
    return hardtanh(_float(input, "relu6"), 0.0, 6.0)


@inplace_form("hardsigmoid")
def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``: 0 below -3, 1 above 3, linear between."""
    x = _float(input, "hardsigmoid")
    a = x.array
    inside = (a > -3) & (a < 3)
    # where, not x * mask: +-inf give 1 and 0 (not NaN); NaN stays NaN with gradient 0.
    values = np.where(a <= -3, 0.0, np.where(a >= 3, 1.0, a))
    return where(Tensor.from_array(inside, False), x * (1 / 6) + 0.5, _const(x, values))


@inplace_form("hardswish")
def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6`` (MobileNetV3)."""
    x = _float(input, "hardswish")
    a = x.array
    # torch's gradient: 0 up to -3, x/3 + 1/2 strictly between, 1 from 3 on.
    mid = (a > -3) & (a < 3)
    low = a <= -3
    # The quadratic piece sees 0 outside (-3, 3), so no inf reaches its gradient; from 3
    # on (and NaN) it is x itself; below -3 torch's x * 0 (-0.0, NaN at -inf).
    xm = where(Tensor.from_array(mid, False), x, _const(x, 0.0))
    gate = (xm * (1 / 6) + 0.5) * xm
    with np.errstate(invalid="ignore"):  # -inf * 0 is torch's NaN
        below = a * 0
    rest = where(Tensor.from_array(~low, False), x, _const(x, below))
    return where(Tensor.from_array(mid, False), gate, rest)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0."""
    x = _float(input, "hardshrink")
    a = x.array
    return _select(x, ~((a >= -lambd) & (a <= lambd)), 0.0)  # NaN passes, as torch


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    x = _float(input, "softshrink")
    a = x.array
    keep = ~((a >= -lambd) & (a <= lambd))  # NaN passes with gradient g, as torch
    shift = np.where(a > lambd, -lambd, 0) + np.where(a < -lambd, lambd, 0)
    return where(Tensor.from_array(keep, False), x + _const(x, shift),
                 _const(x, np.copysign(0.0, a)))  # torch's x * 0 on the flat piece


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``max(0, x) + weight * min(0, x)``, one learned slope per channel (dim 1) or
    one shared slope.

    Shape:
        input ``(N, C, *)`` (a 1-D or 0-d input has one channel); weight ``(C,)`` or ``(1,)``.
    """
    x = _float(input, "prelu")
    w = as_tensor(weight, "prelu", "weight")
    if w.ndim != 1 and w.numel() != 1:
        raise RuntimeError(f"prelu: weight must be 1-D (num_parameters,), got {tuple(w.shape)}.")
    n = w.numel()
    if n != 1:
        channels = x.shape[1] if x.ndim >= 2 else 1  # torch: a 1-D input has 1 channel
        if n != channels:
            raise RuntimeError(
                f"prelu: mismatch of parameter numbers and input channel size. Found "
                f"parameter numbers = {n} and channel size = {channels} (input {tuple(x.shape)}); "
                "make num_parameters equal dim 1 of the input, or 1."
            )
        w = w.reshape((1, n) + (1,) * (x.ndim - 2))
    else:
        w = w.reshape(())
    # x where x > 0, else w * x; the slope branch sees 0 for positive x, so x = inf
    # gives inf (not inf - inf) and no inf * 0 in the weight's gradient.
    positive = Tensor.from_array(x.array > 0, False)
    neg = where(positive, _const(x, 0.0), x)
    return where(positive, x, w * neg)



# ---------------------------------------------------------------- torch's in-place forms
def relu_(input: Tensor) -> Tensor:
    """``relu(input, inplace=True)``: returns ``input``, rectified in place."""
    return relu(input, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu(input, negative_slope, inplace=True)``."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu(input, alpha, inplace=True)``."""
    return elu(input, alpha, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu(input, alpha, inplace=True)``."""
    return celu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """``selu(input, inplace=True)``."""
    return selu(input, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh(input, min_val, max_val, inplace=True)``."""
    return hardtanh(input, min_val, max_val, inplace=True)


_threshold = threshold  # threshold_'s argument of the same name (torch's) shadows it


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold(input, threshold, value, inplace=True)``."""
    return _threshold(input, threshold, value, inplace=True)
