"""More of torch's Tensor methods, mixed into ``Tensor`` through ``OpMethods``: the named
arithmetic (``add``/``sub``/``mul``/``div`` with ``alpha`` and ``rounding_mode``),
``lerp``, ``addcmul``/``addcdiv``, ``clamp_min``/``clamp_max``, ``broadcast_to``,
``diff``, ``unfold``, ``nansum``/``nanmean``, ``fmax``/``fmin``, ``aminmax``, ``H``/``mH``
and ``data_ptr``.

All are composites of differentiable methods (no backward of their own), except the
rounded divisions, whose zero gradient lives in ``ops/rounding_div.py``.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .ops.rounding_div import DivFloor, DivTrunc
from .shapes import one_dim

_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)


def _dim_alias(dim: Any, axis: Any) -> Any:
    return axis if dim is None else dim


class MoreMethods:
    """Named arithmetic, interpolation, differences and windows of ``Tensor``."""

    __slots__ = ()

    # ------------------------------------------------------------ named arithmetic
    def div(self, other: Any, *, rounding_mode: str | None = None) -> Any:
        """``self / other``; ``rounding_mode='trunc'`` rounds toward zero, ``'floor'``
        down. True division gives a float dtype; rounded division keeps the promoted
        dtype (int // int stays int). Rounded results have zero gradient, as torch."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self._binary(DivFloor, other, op="div")
        if rounding_mode == "trunc":
            return self._binary(DivTrunc, other, op="div")
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")

    divide = div

    def true_divide(self, other: Any) -> Any:
        """``self / other`` in a float dtype (torch.true_divide)."""
        return self / other

    def lerp(self, end: Any, weight: Any) -> Any:
        """``self + weight * (end - self)``, computed as torch does (from ``end`` when
        ``weight >= 0.5``, so ``lerp(a, b, 1) == b`` exactly)."""
        if self.dtype.kind != "f":
            raise RuntimeError(f"lerp: expected a floating point tensor, got {self.dtype}; "
                               "convert it with .float().")
        diff = end - self
        if isinstance(weight, _Number):
            return self + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
        from .tensor_functions import where

        return where(weight.abs().array < 0.5, self + weight * diff, end - diff * (1 - weight))

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        """``self + value * tensor1 * tensor2``."""
        prod = tensor1 * tensor2
        return self + (prod if value == 1 else prod * value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        """``self + value * tensor1 / tensor2`` (integer tensor1/tensor2 are refused, as torch)."""
        kinds = [t.dtype.kind for t in (tensor1, tensor2) if hasattr(t, "array")]
        if kinds and builtins.all(k in "iub" for k in kinds):
            raise RuntimeError(
                "addcdiv: integer division with addcdiv is no longer supported, and in a "
                "future release addcdiv will perform a true division of tensor1 and tensor2. "
                "Use addcmul(input, tensor1, 1 / tensor2) or convert them with .float().")
        q = tensor1 / tensor2
        return self + (q if value == 1 else q * value)

    def clamp_min(self, min: Any) -> Any:
        """``max(self, min)`` elementwise (``clamp(min=min)``)."""
        return self.clamp(min=min)

    def clamp_max(self, max: Any) -> Any:
        """``min(self, max)`` elementwise (``clamp(max=max)``)."""
        return self.clamp(max=max)

    # ------------------------------------------------------------ shapes and views
    def broadcast_to(self, size: Any) -> Any:
        """This tensor expanded to ``size`` (a view, as ``expand``)."""
        return self.expand(*size)

    @property
    def H(self) -> Any:
        """The conjugate transpose of a matrix (the transpose: no complex dtypes here)."""
        if self.ndim not in (0, 2):
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). "
                               f"Got {self.ndim}-D tensor.")
        return self.t() if self.ndim == 2 else self

    @property
    def mH(self) -> Any:
        """The conjugate transpose of the last two dims (``mT``: no complex dtypes here)."""
        if self.ndim < 2:
            raise RuntimeError(f"tensor.mH is only supported on matrices or batches of "
                               f"matrices. Got {self.ndim}-D tensor.")
        return self.mT

    def data_ptr(self) -> int:
        """The address of this tensor's first element (views point inside their base)."""
        return self.array.__array_interface__["data"][0]

    def unfold(self, dimension: int, size: int, step: int) -> Any:
        """All windows of ``size`` elements, ``step`` apart, along ``dimension``, in a new
        last dim. torch returns a view; this is a copy (with the right gradient: each
        element's gradient sums over the windows that hold it)."""
        d = one_dim(dimension, self.array.shape, "unfold")
        n = self.array.shape[d] if self.ndim else 1
        if size < 0 or size > n:
            raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {n} "
                               f"but size is {size}")
        if step <= 0:
            raise RuntimeError(f"unfold: step is {step} but must be > 0")
        if self.ndim == 0:
            return self.reshape(1)
        count = (n - size) // step + 1
        windows = np.arange(count)[:, None] * step + np.arange(size)
        out = self[(slice(None),) * d + (windows,)]  # (..., count, size, rest...)
        return out.movedim(d + 1, -1)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
        """The n-th forward difference along ``dim``: ``out[i] = x[i + 1] - x[i]``
        (``!=`` for bool tensors), after ``prepend``/``append`` are joined on."""
        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        from .tensor_functions import cat

        d = one_dim(dim, self.array.shape, "diff")
        x = self
        if prepend is not None or append is not None:
            parts = [p if hasattr(p, "array") else type(self).as_operand(p, self)
                     for p in (prepend, self, append) if p is not None]
            parts = [p.expand(*(x.shape[:d] + (1,) + x.shape[d + 1:])) if p.ndim == 0 else p
                     for p in parts]
            x = cat(parts, d)
        for _ in range(n):
            length = x.shape[d]
            if length == 0:
                break
            hi, lo = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
            x = hi != lo if x.dtype.kind == "b" else hi - lo
        return x

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Any:
        """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first dim
        toward the second), as torch.rot90."""
        x = self
        dims = list(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if x.ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
        d0, d1 = (d % x.ndim for d in dims)
        if d0 == d1:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} "
                               f"and dim1 = {d1}")
        k %= 4
        if k == 1:
            return x.flip(d1).transpose(d0, d1)
        if k == 2:
            return x.flip(d0, d1)
        if k == 3:
            return x.flip(d0).transpose(d0, d1)
        return x.clone()

    # ------------------------------------------------------------ NaN-ignoring max / min
    def fmax(self, other: Any) -> Any:
        """Elementwise max that ignores NaN (NaN only where both are); the gradient goes
        to ``self`` where ``self >= other`` or ``other`` is NaN, else to ``other``."""
        return self._nan_ignoring_pick(other, np.greater_equal)

    def fmin(self, other: Any) -> Any:
        """Elementwise min that ignores NaN; ties send the gradient to ``self``."""
        return self._nan_ignoring_pick(other, np.less_equal)

    def _nan_ignoring_pick(self, other: Any, keep_self: Any) -> Any:
        from .tensor import where

        other = type(self).as_operand(other, self)
        a, b = self.array, other.array
        mask = keep_self(a, b) | (np.isnan(b) if b.dtype.kind == "f" else False)
        return where(type(self).from_array(np.asarray(mask), False), self, other)

    def aminmax(self, *, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """``return_types.aminmax(min, max)``: ``amin`` and ``amax`` of all elements, or
        along the one int ``dim``; each has amin/amax's gradient."""
        from . import return_types

        if dim is not None and (isinstance(dim, builtins.bool)
                                or not isinstance(dim, (builtins.int, np.integer))):
            raise TypeError(f"aminmax(): argument 'dim' must be int, not "
                            f"{type(dim).__name__} (input shape {tuple(self.shape)}); "
                            "reduce one dim at a time")
        if dim is not None:
            one_dim(dim, tuple(self.shape), "aminmax")  # an IndexError for a dim out of range
        if dim is None or self.ndim == 0:
            sizes = tuple(self.shape)
        else:
            sizes = (self.shape[one_dim(dim, tuple(self.shape), "aminmax")],)
        if 0 in sizes:
            raise RuntimeError(f"aminmax(): cannot compute aminmax over an empty dimension "
                               f"(input shape {tuple(self.shape)}, dim {dim}) as the "
                               "operation has no identity; give a non-empty dim")
        if dim is None or self.ndim == 0:
            lo, hi = self.amin(), self.amax()
            if keepdim:
                lo, hi = lo.reshape((1,) * self.ndim), hi.reshape((1,) * self.ndim)
            return return_types.aminmax(lo, hi)
        return return_types.aminmax(self.amin(dim, keepdim), self.amax(dim, keepdim))

    # ------------------------------------------------------------ NaN-ignoring reductions
    def nansum(self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None,
               axis: Any = None) -> Any:
        """``sum`` with NaNs counted as zero."""
        dim = _dim_alias(dim, axis)
        x = self.masked_fill(self.isnan(), 0) if self.dtype.kind == "f" else self
        return x.sum(dim, keepdim, dtype=dtype) if dim is not None else (
            x.sum(dtype=dtype) if not keepdim else x.sum(tuple(range(x.ndim)), True, dtype=dtype))

    def nanmean(self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None,
                axis: Any = None) -> Any:
        """``mean`` of the non-NaN elements (NaN where all are NaN)."""
        if self.dtype.kind != "f" and dtype is None:
            raise RuntimeError(f"nanmean(): expected input to have floating point dtype but "
                               f"got {self.dtype}")
        x = self if dtype is None else self.to(dtype)
        dim = _dim_alias(dim, axis)
        count = (~x.isnan()).sum(dim, keepdim) if dim is not None else (
            (~x.isnan()).sum() if not keepdim
            else (~x.isnan()).sum(tuple(range(x.ndim)), True))
        return x.nansum(dim, keepdim) / count.to(x.dtype)


__all__ = ["MoreMethods"]
