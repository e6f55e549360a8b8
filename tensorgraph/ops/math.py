"""Elementwise math primitives beyond exp/log/tanh: trigonometric and hyperbolic
functions, log2/log10/log1p/expm1, erf, atan2, fmod/remainder, and the rounding
functions (whose gradient is zero, as in PyTorch).

Backward code runs on numpy arrays and, under ``create_graph``, on Tensors: the
functions it needs (cos, sin, ...) go through :func:`_call`, which picks numpy's or
the Tensor method.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Function


def _call(x: Any, name: str) -> Any:
    """``np.<name>(x)`` for an array, ``x.<name>()`` for a Tensor (create_graph)."""
    if isinstance(x, (np.ndarray, np.generic)):
        return getattr(np, name)(x)
    return getattr(x, name)()


class Sin(Function):
    """y = sin(x);  dx = g * cos(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _call(x, "cos")


class Cos(Function):
    """y = cos(x);  dx = -g * sin(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * _call(x, "sin")


class Tan(Function):
    """y = tan(x);  dx = g * (1 + y**2)"""

    @staticmethod
    def forward(ctx, x):
        y = np.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1 + y * y)


class Sinh(Function):
    """y = sinh(x);  dx = g * cosh(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _call(x, "cosh")


class Cosh(Function):
    """y = cosh(x);  dx = g * sinh(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _call(x, "sinh")


class Asin(Function):
    """y = asin(x);  dx = g / sqrt(1 - x**2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (1 - x * x) ** -0.5


class Acos(Function):
    """y = acos(x);  dx = -g / sqrt(1 - x**2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * (1 - x * x) ** -0.5


class Atan(Function):
    """y = atan(x);  dx = g / (1 + x**2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + x * x)


class Atan2(Function):
    """y = atan2(a, b);  da = g * b / (a**2 + b**2),  db = -g * a / (a**2 + b**2)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        s = g / (a * a + b * b)
        return (s * b if na else None), (-s * a if nb else None)


class Log2(Function):
    """y = log2(x);  dx = g / (x * ln 2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * math.log(2.0))


class Log10(Function):
    """y = log10(x);  dx = g / (x * ln 10)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * math.log(10.0))


class Log1p(Function):
    """y = log(1 + x) (exact for tiny x);  dx = g / (1 + x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + x)


class Expm1(Function):
    """y = exp(x) - 1 (exact for tiny x);  dx = g * (y + 1)"""

    @staticmethod
    def forward(ctx, x):
        y = np.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y + 1)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
# erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); below |x| = 0.5 twenty
# terms reach double precision, where 1 - erfc(x) would lose the relative accuracy.
_ERF_TAYLOR = np.array([(-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(20)])


def erf(x: np.ndarray) -> np.ndarray:
    """The error function of a float array, in its own dtype."""
    from .activation import erfc  # numpy has no erf; one home for erfc

    a = np.minimum(np.abs(x), 10)  # erf(10) is 1 to double precision; inf stays finite
    a2 = a * a
    series = np.zeros_like(a)
    for c in _ERF_TAYLOR[::-1]:
        series = series * a2 + x.dtype.type(c)
    small = a * series * x.dtype.type(_TWO_OVER_SQRT_PI)
    y = np.where(a < 0.5, small, 1 - erfc(a))
    return (np.sign(x) * y).astype(x.dtype, copy=False)


class Erf(Function):
    """y = erf(x);  dx = g * 2/sqrt(pi) * exp(-x**2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _call(-(x * x), "exp") * _TWO_OVER_SQRT_PI


class Fmod(Function):
    """y = fmod(a, b) = a - trunc(a / b) * b;  da = g,  db = -g * trunc(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.quotient = np.trunc(a / b) if a.dtype.kind == "f" else None  # a constant
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, -g * ctx.quotient


class Remainder(Function):
    """y = a - floor(a / b) * b (sign of b, as Python's %);  da = g,  db = -g * floor(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.quotient = np.floor(a / b) if a.dtype.kind == "f" else None  # a constant
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, -g * ctx.quotient


class _ZeroGradient(Function):
    """Base of the piecewise-constant ops: y = f(x);  dx = 0 (as PyTorch)."""

    @staticmethod
    def backward(ctx, g):
        return g * 0


class Floor(_ZeroGradient):
    """y = floor(x);  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return np.floor(x)


class Ceil(_ZeroGradient):
    """y = ceil(x);  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return np.ceil(x)


class Trunc(_ZeroGradient):
    """y = trunc(x) (round toward zero);  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return np.trunc(x)


class Round(_ZeroGradient):
    """y = round(x, decimals) (halves to even, as torch);  dx = 0"""

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)


class Sign(_ZeroGradient):
    """y = sign(x) in {-1, 0, 1} (0 for NaN, as torch);  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        y = np.sign(x)
        return np.where(np.isnan(y), 0, y).astype(y.dtype) if y.dtype.kind == "f" else y
