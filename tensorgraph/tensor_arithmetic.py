"""Tensor's operators (+ - * / ** @ and comparisons), its core elementwise math and its
reductions, mixed into ``Tensor``.

``Tensor`` inherits :class:`ArithmeticMethods` (before the wider ``OpMethods``, so these win). The
module's ``Tensor`` and the functions built on it (the names set to None below) are
filled in by ``tensor.py`` once the class exists.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from . import ops as P
from .autograd.node_names import named
from .shapes import dims_arg

_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)
Tensor: Any = None
where: Any = None
matmul: Any = None
max_min: Any = None
check_reduction: Any = None


def torch_dim_names(dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> tuple:
    """``(dim, keepdim)`` from either spelling torch accepts (``axis=``/``keepdims=`` are
    numpy's names, which torch takes too)."""
    return (axis if dim is None else dim), (keepdim if keepdims is None else keepdims)


def check_bool_sub(a: Any, b: Any) -> None:
    """torch refuses ``-`` with a bool tensor (``^`` or ``logical_xor`` is meant)."""
    if a.array.dtype.kind == "b" or isinstance(b, (builtins.bool, np.bool_)) \
            or (isinstance(b, Tensor) and b.array.dtype.kind == "b"):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def arg_extreme(x: Any, find: Any, op: str, dim: int | None, keepdim: bool) -> Tensor:
    """``argmax``/``argmin`` (``find`` is numpy's): int64 indices, the first of ties, over
    the flattened tensor when ``dim`` is None; exact for every dtype (no negation)."""
    if dim is None:
        check_reduction(x, None, op)
        return Tensor.from_array(np.asarray(find(x.array), dtype=np.int64), False)
    (axis,) = dims_arg(dim, x.array.shape, op)
    check_reduction(x, (axis,), op)
    return Tensor.from_array(find(x.array, axis=axis, keepdims=keepdim), False)


def order_reversed(x: Any) -> Any:
    """An exact order-reversing map of ``x``, its own inverse: ``-x`` for floats (keeps the
    gradient) and ``~x`` for integers and bools, where ``-x`` would wrap (uint8's 0 and
    int64's minimum map to themselves) and give min/argmin/minimum wrong answers."""
    if x.array.dtype.kind == "f":
        return -x
    return Tensor.from_array(np.invert(x.array), False)


class ArithmeticMethods:
    """Operators, elementwise math and reductions of ``Tensor``."""

    __slots__ = ()

    # ------------------------------------------------------------ arithmetic
    def _binary(self, fn: type, other: Any, reverse: bool = False,
                op: str | None = None) -> Tensor:
        kind = type(other)
        a = self
        if (kind is builtins.float or kind is builtins.int) and a.array.dtype.kind == "f":
            # The common `x * 0.5`: a Python number takes a float tensor's dtype (what
            # as_operand decides), so no promotion is needed.
            b = Tensor.from_array(np.array(other, a.array.dtype), False)
        else:
            b = other if kind is Tensor else Tensor.as_operand(other, self)
            da, db = a.array.dtype, b.array.dtype
            if da is not db and da != db:  # `is` first: the usual same-dtype case is fast
                target = dtypes.promote(da, db, a.ndim == 0, b.ndim == 0)
                a, b = a.to(target), b.to(target)
        if reverse:
            a, b = b, a
        try:
            return fn.apply(a, b)
        except ValueError:
            # Checked only on failure, so the hot path pays nothing for it.
            try:
                np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise RuntimeError(
                    f"{op or fn.__name__.lower()}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                    "broadcast: compared from the last dim, each pair of sizes must be "
                    "equal or one of them 1."
                ) from None
            raise

    def __add__(self, o: Any) -> Tensor:
        return self._binary(P.Add, o)

    def __radd__(self, o: Any) -> Tensor:
        return self._binary(P.Add, o, reverse=True)

    def __mul__(self, o: Any) -> Tensor:
        return self._binary(P.Mul, o)

    def __rmul__(self, o: Any) -> Tensor:
        return self._binary(P.Mul, o, reverse=True)

    def __neg__(self) -> Tensor:
        if self.array.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not "
                               "supported. If you are trying to invert a mask, use the `~` "
                               "or `logical_not()` operator instead.")
        return P.Neg.apply(self)

    def __sub__(self, o: Any) -> Tensor:
        check_bool_sub(self, o)
        if isinstance(o, _Number):
            return named(self._binary(P.Add, -o), "SubBackward0")
        return named(self._binary(P.Add, -Tensor.as_operand(o, self), op="sub"), "SubBackward0")

    def __rsub__(self, o: Any) -> Tensor:
        check_bool_sub(self, o)
        return named((-self)._binary(P.Add, o), "RsubBackward1")

    def __truediv__(self, o: Any) -> Tensor:
        # A true division, as torch's kernel (x * (1/7) can differ from x / 7 in the last bit)
        a = self if self.dtype.kind == "f" else self.to(dtypes.get_default_dtype())
        return a._binary(P.Div, o, op="div")

    def __rtruediv__(self, o: Any) -> Tensor:
        return self.reciprocal() * o  # torch's __rtruediv__ is exactly this

    def __pow__(self, o: Any) -> Tensor:
        a = self
        if isinstance(o, builtins.float) and a.dtype.kind != "f":
            a = a.to(dtypes.get_default_dtype())
        elif isinstance(o, (builtins.int, np.integer)) and o < 0 and a.dtype.kind != "f":
            raise RuntimeError(f"Integers to negative integer powers are not allowed (pow "
                               f"of a {a.dtype} tensor of shape {tuple(a.shape)} to {o}); "
                               "convert it first: x.float() ** n")
        return a._binary(P.Pow, o)

    def __rpow__(self, o: Any) -> Tensor:
        return self._binary(P.Pow, o, reverse=True)

    def __matmul__(self, o: Any) -> Tensor:
        return matmul(self, o)

    def __rmatmul__(self, o: Any) -> Tensor:
        return matmul(Tensor.as_operand(o, self), self)

    def _compare(self, o: Any, fn: Callable) -> Tensor:
        other = o.array if isinstance(o, Tensor) else o
        return Tensor.from_array(np.asarray(fn(self.array, other)), False)

    def __eq__(self, o: object) -> Tensor:  # type: ignore[override]
        if isinstance(o, (str, bytes)) or o is None:
            return NotImplemented  # Python then says False, as torch does
        return self._compare(o, np.equal)

    def __ne__(self, o: object) -> Tensor:  # type: ignore[override]
        if isinstance(o, (str, bytes)) or o is None:
            return NotImplemented
        return self._compare(o, np.not_equal)

    def __lt__(self, o: Any) -> Tensor:
        return self._compare(o, np.less)

    def __le__(self, o: Any) -> Tensor:
        return self._compare(o, np.less_equal)

    def __gt__(self, o: Any) -> Tensor:
        return self._compare(o, np.greater)

    def __ge__(self, o: Any) -> Tensor:
        return self._compare(o, np.greater_equal)

    def __invert__(self) -> Tensor:
        return Tensor.from_array(~self.array, False)

    def __and__(self, o: Any) -> Tensor:
        return self._compare(o, np.logical_and if self.dtype.kind == "b" else np.bitwise_and)

    def __or__(self, o: Any) -> Tensor:
        return self._compare(o, np.logical_or if self.dtype.kind == "b" else np.bitwise_or)

    # ------------------------------------------------------------ elementwise math
    def exp(self) -> Tensor:
        return P.Exp.apply(self._floating())

    def log(self) -> Tensor:
        return P.Log.apply(self._floating())

    def sqrt(self) -> Tensor:
        return named(self._floating() ** 0.5, "SqrtBackward0")

    def rsqrt(self) -> Tensor:
        return self._floating() ** -0.5

    def reciprocal(self) -> Tensor:
        return self._floating() ** -1.0

    def square(self) -> Tensor:
        return self * self

    def abs(self) -> Tensor:
        return named(self * np.sign(self.array), "AbsBackward0")

    def sigmoid(self) -> Tensor:
        return P.Sigmoid.apply(self._floating())

    def tanh(self) -> Tensor:
        return P.Tanh.apply(self._floating())

    def relu(self) -> Tensor:
        return P.ReLU.apply(self)

    def softmax(self, dim: int, dtype: Any = None) -> Tensor:
        from .nn import functional as F

        return F.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> Tensor:
        from .nn import functional as F

        return F.log_softmax(self, dim, dtype=dtype)

    def maximum(self, other: Any) -> Tensor:
        return self._binary(P.Maximum, other)

    def minimum(self, other: Any) -> Tensor:
        other = Tensor.as_operand(other, self)
        if self.array.dtype.kind != "f" and other.array.dtype.kind != "f":
            # integers and bools: -x would wrap (uint8 0, int64's minimum); no gradient
            dt = dtypes.promote(self.array.dtype, other.array.dtype, self.ndim == 0,
                                other.ndim == 0)  # as maximum promotes
            return Tensor.from_array(np.minimum(self.array, other.array, dtype=dt), False)
        return -((-self).maximum(-other))

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max]; the gradient passes where min <= x <= max."""
        if min is None and max is None:
            raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None.")
        lo = -np.inf if min is None else (min.array if isinstance(min, Tensor) else min)
        hi = np.inf if max is None else (max.array if isinstance(max, Tensor) else max)
        inside = (self.array >= lo) & (self.array <= hi)
        clipped = np.clip(self.array, lo, hi).astype(self.array.dtype, copy=False)
        return where(inside, self, clipped)

    clip = clamp

    def _floating(self) -> Tensor:
        """This tensor, or a default-dtype copy when it is not floating (torch promotes)."""
        return self if self.array.dtype.kind == "f" else self.to(dtypes.get_default_dtype())

    # ------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None, dtype: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        x = self if self.array.dtype.kind in "fc" or dtype else self.to(dtypes.int64)
        if dtype is not None:
            x = x.to(dtype)
        return P.Sum.apply(x, axes=dims_arg(dim, self.array.shape, "sum"), keepdim=keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        if self.array.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a "
                "floating point or complex dtype. Got: "
                f"{dtypes.scalar_type_name(self.array.dtype)} (call .float() first)."
            )
        axes = dims_arg(dim, self.array.shape, "mean")
        n = self.array.size if axes is None else np.prod([self.array.shape[a] for a in axes])
        # sum / n, as torch's CPU mean (sum(...).div_(n)): times 1/n can differ in the last
        # bit (48 ones of 60 give 0.8 by division, 0.80000007 times 1/60). Over zero
        # elements the mean is NaN, as torch (0/0), without numpy's warning.
        total = self.sum(axes, keepdim)
        out = total / builtins.int(n) if n else total * np.nan
        return named(out, "MeanBackward0" if dim is None else "MeanBackward1")

    def var(self, dim: Any = None, keepdim: bool = False, *, unbiased: bool = True,
            correction: int | None = None, axis: Any = None,
            keepdims: Any = None) -> Tensor:
        """Variance; ``correction=1`` (unbiased, the default) as torch.var."""
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        axes = dims_arg(dim, self.array.shape, "var")
        n = self.array.size if axes is None else np.prod([self.array.shape[a] for a in axes])
        c = (1 if unbiased else 0) if correction is None else correction
        d = self - self.mean(axes, keepdim=True)
        return named((d * d).sum(axes, keepdim) * (1.0 / max(builtins.int(n) - c, 0) if n > c
                                                  else np.nan), "VarBackward0")

    def std(self, dim: Any = None, keepdim: bool = False, *, unbiased: bool = True,
            correction: int | None = None, axis: Any = None,
            keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        return named(self.var(dim, keepdim, unbiased=unbiased, correction=correction).sqrt(),
                     "StdBackward0")


    def max(self, dim: Any = None, keepdim: bool = False,
            *, axis: Any = None, keepdims: Any = None) -> Any:
        """Max of all elements, or ``(values, indices)`` along ``dim``, as torch.max."""
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        return max_min(self, dim, keepdim, 1, "max")

    def min(self, dim: Any = None, keepdim: bool = False,
            *, axis: Any = None, keepdims: Any = None) -> Any:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        return max_min(self, dim, keepdim, -1, "min")

    def amax(self, dim: Any = None, keepdim: bool = False,
             *, axis: Any = None, keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        axes = dims_arg(dim, self.array.shape, "amax")
        check_reduction(self, axes, "amax")
        return P.Max.apply(self, axes=axes, keepdim=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False,
             *, axis: Any = None, keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        axes = dims_arg(dim, self.array.shape, "amin")
        check_reduction(self, axes, "amin")
        return order_reversed(order_reversed(self).amax(dim, keepdim))

    def argmax(self, dim: int | None = None, keepdim: bool = False,
             *, axis: Any = None, keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        return arg_extreme(self, np.argmax, "argmax", dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False,
             *, axis: Any = None, keepdims: Any = None) -> Tensor:
        dim, keepdim = torch_dim_names(dim, keepdim, axis, keepdims)
        return arg_extreme(self, np.argmin, "argmin", dim, keepdim)
