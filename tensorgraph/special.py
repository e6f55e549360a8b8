"""``tg.special``: torch.special's functions, written with existing differentiable ops.

Every function here is a composite: its gradient comes from the ops it is built from.
Where a naive formula would leak a NaN into the gradient (``0 * log(0)``, ``sin(0)/0``),
the input is first replaced by a safe value on the masked elements, so the backward sees
finite numbers only. Not here, because tensorgraph has no op for them yet: ``erfinv``,
``ndtri``, ``gammaln``/``digamma``/``polygamma``, the Bessel functions (``i0``, ...).
"""

from __future__ import annotations

import math
from typing import Any

from .creation import full_like
from .dtype_info import promote_types
from .dtypes import get_default_dtype
from .nn import functional as F
from .ops.activation import NormCdf
from .tensor import Tensor, tensor, where

__all__ = [
    "entr", "erf", "erfc", "exp2", "expit", "expm1", "log1p", "log_ndtr", "log_softmax",
    "logit", "logsumexp", "ndtr", "round", "sinc", "softmax", "xlog1py", "xlogy",
]

_SQRT2 = math.sqrt(2.0)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def _float(x: Any) -> Tensor:
    """A floating tensor (integers and bools become the default dtype, as torch)."""
    x = _t(x)
    return x if x.dtype.kind == "f" else x.to(_default_float())


def _default_float() -> Any:
    return get_default_dtype()


def expit(input: Tensor) -> Tensor:
    """The logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _float(input).sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``
    (the gradient is then 0 outside that range, as torch)."""
    p = _float(input)
    if eps is not None:
        p = p.clamp(eps, 1 - eps)
    return (p / (1 - p)).log()


def erf(input: Tensor) -> Tensor:
    """The error function ``2/sqrt(pi) * int_0^x exp(-t^2) dt``."""
    return _float(input).erf()


def erfc(input: Tensor) -> Tensor:
    """``1 - erf(x)``, accurate in the tail (``2 * Phi(-x sqrt 2)``, no cancellation)."""
    return NormCdf.apply(_float(input) * -_SQRT2) * 2


def exp2(input: Tensor) -> Tensor:
    """``2 ** x``."""
    return _float(input).exp2()


def expm1(input: Tensor) -> Tensor:
    """``exp(x) - 1``, accurate near 0."""
    return _float(input).expm1()


def log1p(input: Tensor) -> Tensor:
    """``log(1 + x)``, accurate near 0."""
    return _float(input).log1p()


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(x), dim))``, computed stably."""
    return _t(input).logsumexp(dim, keepdim)


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x), dim)`` (as ``F.softmax``)."""
    x = _t(input)
    return F.softmax(x if dtype is None else x.to(dtype), dim)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """``x - logsumexp(x, dim)`` (as ``F.log_softmax``)."""
    x = _t(input)
    return F.log_softmax(x if dtype is None else x.to(dtype), dim)


def _pair(input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """Two floating tensors of a common dtype (one of them may be a number)."""
    x, y = _t(input), _t(other)
    if not isinstance(input, Tensor):
        x = x.to(y.dtype if y.dtype.kind == "f" else _default_float())
    if not isinstance(other, Tensor):
        y = y.to(x.dtype if x.dtype.kind == "f" else _default_float())
    d = promote_types(x.dtype, y.dtype)
    d = d if d.kind == "f" else _default_float()
    return x.to(d), y.to(d)


def xlogy(input: Any, other: Any) -> Tensor:
    """``x * log(y)``, and 0 where ``x == 0`` (unless ``y`` is NaN).

    The gradient is torch's: ``d/dx = log y``, except 0 where ``x == 0`` and ``y <= 0``.
    """
    x, y = _pair(input, other)
    return x * where((x == 0) & (y <= 0), 1.0, y).log()


def xlog1py(input: Any, other: Any) -> Tensor:
    """``x * log1p(y)``, and 0 where ``x == 0`` (unless ``y`` is NaN).

    The gradient is torch's: ``d/dx = log1p y``, except 0 where ``x == 0`` and ``y <= -1``.
    """
    x, y = _pair(input, other)
    return x * where((x == 0) & (y <= -1), 0.0, y).log1p()


def entr(input: Tensor) -> Tensor:
    """``-x log x`` for ``x > 0``, 0 at 0, ``-inf`` for ``x < 0``.

    The gradient is ``-(1 + log x)`` for ``x > 0`` (0 elsewhere; torch gives inf/NaN there).
    """
    x = _float(input)
    pos = x > 0
    safe = where(pos, x, 1.0)
    inner = -safe * safe.log()
    return where(pos, inner, where(x == 0, 0.0, full_like(x, -math.inf)))


def sinc(input: Tensor) -> Tensor:
    """The normalised sinc ``sin(pi x) / (pi x)``, 1 at 0 (gradient 0 there)."""
    x = _float(input)
    at0 = x == 0
    px = where(at0, 1.0, x) * math.pi
    return where(at0, 1.0, px.sin() / px)


def ndtr(input: Tensor) -> Tensor:
    """The standard normal CDF ``Phi(x) = erfc(-x / sqrt 2) / 2``."""
    return NormCdf.apply(_float(input))


def log_ndtr(input: Tensor) -> Tensor:
    """``log Phi(x)``, finite far into the left tail.

    For ``x > 0`` it is ``log1p(-Phi(-x))``; down to a cutoff (-10 in float32, -20 in
    float64) ``log(Phi(x))``; below, the
    asymptotic series ``-x^2/2 - log(-x sqrt(2 pi)) + log(1 - 1/x^2 + 3/x^4 - ...)``,
    whose error there is under the dtype's precision.
    """
    x = _float(input)
    cut = -10.0 if x.dtype.itemsize <= 4 else -20.0
    tail, right = x < cut, x > 0
    lo = where(tail, x, cut)           # each branch sees only inputs it is accurate on
    mid = where(tail | right, 0.0, x)
    hi = where(right, x, 0.0)
    r = 1 / (lo * lo)
    series = 1 + r * (-1 + r * (3 + r * (-15 + r * (105 + r * -945))))
    left = lo * lo * -0.5 - (-lo).log() - _HALF_LOG_2PI + series.log()
    upper = (-NormCdf.apply(-hi)).log1p()   # log(1 - Phi(-x)): no rounding to 0 for x > 0
    return where(tail, left, where(right, upper, NormCdf.apply(mid).log()))


def round(input: Tensor, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` places, halves to even (gradient 0)."""
    return _t(input).round(decimals=decimals)
