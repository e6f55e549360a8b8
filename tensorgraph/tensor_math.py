"""Tensor methods for elementwise math and comparisons (torch's names), mixed into
``Tensor`` through ``OpMethods``.

Transcendental functions of integer tensors give the default float dtype, as torch;
rounding functions keep integer dtypes. Comparisons give bool tensors (no gradient).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .ops import math as M


def _array(x: Any) -> Any:
    return x.array if hasattr(x, "array") else np.asarray(x)


class MathMethods:
    """Elementwise math: trigonometric, hyperbolic, logs, erf, rounding, comparisons."""

    __slots__ = ()

    # ------------------------------------------------------------ transcendental
    def sin(self) -> Any:
        """Elementwise sine. Example: ``tg.tensor([0.0]).sin()`` -> ``tensor([0.])``"""
        return M.Sin.apply(self._floating())

    def cos(self) -> Any:
        """Elementwise cosine."""
        return M.Cos.apply(self._floating())

    def tan(self) -> Any:
        """Elementwise tangent."""
        return M.Tan.apply(self._floating())

    def sinh(self) -> Any:
        """Elementwise hyperbolic sine."""
        return M.Sinh.apply(self._floating())

    def cosh(self) -> Any:
        """Elementwise hyperbolic cosine."""
        return M.Cosh.apply(self._floating())

    def asin(self) -> Any:
        """Elementwise arcsine (NaN outside [-1, 1], as torch)."""
        return M.Asin.apply(self._floating())

    def acos(self) -> Any:
        """Elementwise arccosine (NaN outside [-1, 1], as torch)."""
        return M.Acos.apply(self._floating())

    def atan(self) -> Any:
        """Elementwise arctangent."""
        return M.Atan.apply(self._floating())

    def atan2(self, other: Any) -> Any:
        """Elementwise angle of the point (other, self): ``atan2(self, other)``."""
        return self._floating()._binary(M.Atan2, _float_operand(other), op="atan2")

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2

    def log2(self) -> Any:
        """Elementwise base-2 logarithm."""
        return M.Log2.apply(self._floating())

    def log10(self) -> Any:
        """Elementwise base-10 logarithm."""
        return M.Log10.apply(self._floating())

    def log1p(self) -> Any:
        """``log(1 + x)``, accurate for small x."""
        return M.Log1p.apply(self._floating())

    def expm1(self) -> Any:
        """``exp(x) - 1``, accurate for small x."""
        return M.Expm1.apply(self._floating())

    def exp2(self) -> Any:
        """``2 ** x``."""
        return 2.0 ** self._floating()

    def erf(self) -> Any:
        """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``."""
        return M.Erf.apply(self._floating())

    def erfc(self) -> Any:
        """``1 - erf(x)``."""
        return 1 - self.erf()

    def pow(self, exponent: Any) -> Any:
        """``self ** exponent`` (a number or a broadcastable tensor)."""
        return self ** exponent

    def float_power(self, exponent: Any) -> Any:
        """``self ** exponent`` in float64, as torch.float_power."""
        e = exponent.double() if hasattr(exponent, "array") else builtins.float(exponent)
        return self.double() ** e

    # ------------------------------------------------------------ rounding (zero gradient)
    def _rounding(self, fn: type, **kwargs: Any) -> Any:
        if self.dtype.kind in "iub":
            return type(self).from_array(self.array.copy(), False)  # already whole numbers
        return fn.apply(self, **kwargs)

    def floor(self) -> Any:
        """Largest integer <= x, elementwise (gradient 0)."""
        return self._rounding(M.Floor)

    def ceil(self) -> Any:
        """Smallest integer >= x, elementwise (gradient 0)."""
        return self._rounding(M.Ceil)

    def trunc(self) -> Any:
        """Round toward zero, elementwise (gradient 0)."""
        return self._rounding(M.Trunc)

    fix = trunc

    def round(self, decimals: int = 0) -> Any:
        """Round to ``decimals`` places, halves to even as torch (gradient 0)."""
        return self._rounding(M.Round, decimals=builtins.int(decimals))

    def sign(self) -> Any:
        """-1, 0 or 1 by the sign of each element (gradient 0)."""
        if self.dtype.kind == "b":
            return type(self).from_array(self.array.copy(), False)
        return M.Sign.apply(self)

    def sgn(self) -> Any:
        return self.sign()

    def frac(self) -> Any:
        """``x - trunc(x)``: the fractional part, with x's sign."""
        return self - self.trunc()

    def fmod(self, other: Any) -> Any:
        """C-style remainder ``a - trunc(a/b) * b`` (sign of the dividend)."""
        _check_int_divisor(self, other, "fmod")
        return self._binary(M.Fmod, other, op="fmod")

    def remainder(self, other: Any) -> Any:
        """Python-style remainder ``a - floor(a/b) * b`` (sign of the divisor), like ``%``."""
        _check_int_divisor(self, other, "remainder")
        return self._binary(M.Remainder, other, op="remainder")

    def __mod__(self, other: Any) -> Any:
        return self.remainder(other)

    def __rmod__(self, other: Any) -> Any:
        _check_int_divisor(other, self, "remainder")
        return self._binary(M.Remainder, other, reverse=True, op="remainder")

    def floor_divide(self, other: Any) -> Any:
        """``floor(a / b)`` (what ``//`` does in torch); integer dtypes stay integer.

        Not differentiable (torch raises in backward): the result has no gradient.
        """
        if self.dtype.kind in "iu" and np.asarray(_array(other)).dtype.kind in "iub":
            _check_int_divisor(self, other, "floor_divide")
            return self._compare(other, np.floor_divide)
        return (self.detach() / (other.detach() if hasattr(other, "array") else other)).floor()

    __floordiv__ = floor_divide

    def __rfloordiv__(self, other: Any) -> Any:
        return type(self).as_operand(other, self).floor_divide(self)

    def __abs__(self) -> Any:
        return self.abs()

    def __pos__(self) -> Any:
        return self

    def positive(self) -> Any:
        return self

    def negative(self) -> Any:
        return -self

    neg = negative

    # ------------------------------------------------------------ comparisons (no gradient)
    def eq(self, other: Any) -> Any:
        """Elementwise ``self == other`` as a bool tensor."""
        return self == other

    def ne(self, other: Any) -> Any:
        return self != other

    def lt(self, other: Any) -> Any:
        return self < other

    def le(self, other: Any) -> Any:
        return self <= other

    def gt(self, other: Any) -> Any:
        return self > other

    def ge(self, other: Any) -> Any:
        return self >= other

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    def equal(self, other: Any) -> builtins.bool:
        """True when both have the same shape and the same values (torch.equal)."""
        b = _array(other)
        return self.array.shape == b.shape and builtins.bool(np.array_equal(self.array, b))

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: builtins.bool = False) -> Any:
        """``|self - other| <= atol + rtol * |other|`` elementwise, as a bool tensor."""
        return self._compare(other, lambda a, b: np.isclose(a, b, rtol, atol, equal_nan))

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: builtins.bool = False) -> builtins.bool:
        """True when ``isclose`` holds everywhere (shapes must broadcast)."""
        try:
            return builtins.bool(self.isclose(other, rtol, atol, equal_nan).array.all())
        except ValueError:
            raise RuntimeError(
                f"allclose: shapes {self.array.shape} and {np.shape(_array(other))} cannot be "
                "broadcast together."
            ) from None

    def isnan(self) -> Any:
        return type(self).from_array(np.isnan(self.array), False)

    def isinf(self) -> Any:
        return type(self).from_array(np.isinf(self.array), False)

    def isposinf(self) -> Any:
        return type(self).from_array(np.isposinf(self.array), False)

    def isneginf(self) -> Any:
        return type(self).from_array(np.isneginf(self.array), False)

    def isfinite(self) -> Any:
        return type(self).from_array(np.isfinite(self.array), False)

    def isreal(self) -> Any:
        return type(self).from_array(np.isreal(self.array), False)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Any:
        """NaN -> ``nan``, +inf -> ``posinf`` (default: the dtype's max), -inf ->
        ``neginf`` (default: its min); the gradient passes where x is finite."""
        if self.dtype.kind != "f":
            return type(self).from_array(self.array.copy(), False)
        info = np.finfo(self.dtype)
        filled = np.nan_to_num(self.array, nan=nan,
                               posinf=info.max if posinf is None else posinf,
                               neginf=info.min if neginf is None else neginf)
        from .tensor import where

        return where(np.isfinite(self.array), self, filled.astype(self.dtype))

    # ------------------------------------------------------------ logical (no gradient)
    def logical_not(self) -> Any:
        return type(self).from_array(np.logical_not(self.array), False)

    def logical_and(self, other: Any) -> Any:
        return self._compare(other, np.logical_and)

    def logical_or(self, other: Any) -> Any:
        return self._compare(other, np.logical_or)

    def logical_xor(self, other: Any) -> Any:
        return self._compare(other, np.logical_xor)

    def __xor__(self, other: Any) -> Any:
        return self._compare(other, np.logical_xor if self.dtype.kind == "b"
                             else np.bitwise_xor)

    def __rand__(self, other: Any) -> Any:
        return self & other

    def __ror__(self, other: Any) -> Any:
        return self | other


def _check_int_divisor(a: Any, b: Any, op: str) -> None:
    """Integer division by zero raises, as torch's integer kernels (floats give inf/nan)."""
    bd = np.asarray(_array(b))
    if bd.dtype.kind in "iub" and np.asarray(_array(a)).dtype.kind in "iu" and \
            not bd.all():
        raise RuntimeError(f"ZeroDivisionError ({op}: an integer divisor is 0; integer "
                           "division by zero has no value, convert to float first)")


def _float_operand(other: Any) -> Any:
    """``other`` with an integer tensor turned into the default float dtype."""
    if hasattr(other, "array") and other.dtype.kind != "f":
        return other._floating()
    return other
