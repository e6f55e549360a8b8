"""torch's bitwise Tensor methods (no gradient), mixed into ``Tensor`` through ``OpMethods``:
``bitwise_and/or/xor/not`` and the shifts ``bitwise_left_shift`` / ``bitwise_right_shift``
with their operators ``<<`` and ``>>`` (and ``1 << t``, ``t <<= 2``).

Shifts follow ATen's CPU kernels, not C: a shift by a negative amount or by at least the
bit width gives 0 (a right shift of a negative signed value gives -1), so ``t << 70`` is 0
everywhere, where numpy's result depends on the machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes


def _operands(a: Any, b: Any, op: str) -> tuple[np.ndarray, np.ndarray, np.dtype]:
    """Both sides as integer arrays of torch's promoted dtype (floats are refused)."""
    bt = type(a).as_operand(b, a)
    xa, xb = a.array, bt.array
    for arr in (xa, xb):
        if arr.dtype.kind not in "biu":
            raise NotImplementedError(
                f'"{op}" not implemented for \'{dtypes.scalar_type_name(arr.dtype)}\' '
                f"(shapes {tuple(xa.shape)} and {tuple(xb.shape)}); bitwise ops take "
                "integer or bool tensors: convert with .long() first")
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, np.integer)):
        target = dtypes.promote(xa.dtype, xb.dtype, xa.ndim == 0, xb.ndim == 0)
    else:  # a Python int beside a bool tensor makes it int64, as torch
        target = np.dtype(np.int64) if xa.dtype.kind == "b" else xa.dtype
    return xa.astype(target, copy=False), xb.astype(target, copy=False), target


def _shift(a: Any, b: Any, left: bool) -> Any:
    op = "lshift_cpu" if left else "rshift_cpu"
    xa, xb, dt = _operands(a, b, op)
    if dt.kind == "b":
        raise NotImplementedError(f'"{op}" not implemented for \'Bool\' (shapes '
                                  f"{tuple(xa.shape)} and {tuple(xb.shape)}); convert with "
                                  ".long() first")
    bits = dt.itemsize * 8
    out_of_range = (xb < 0) | (xb >= bits)
    amount = np.where(out_of_range, 0, xb).astype(dt)
    with np.errstate(over="ignore"):
        if left:  # shift the unsigned bits: signed overflow wraps, as in ATen
            unsigned = np.dtype(f"u{dt.itemsize}")
            shifted = np.left_shift(xa.astype(unsigned), amount.astype(unsigned)).astype(dt)
            result = np.where(out_of_range, np.zeros((), dt), shifted)
        else:
            fill = np.right_shift(xa, bits - 1) if dt.kind == "i" else np.zeros((), dt)
            result = np.where(out_of_range, fill, np.right_shift(xa, amount))
    return type(a).from_array(np.asarray(result, dtype=dt), False)


def _bitwise(a: Any, b: Any, op: str, fn: Any, logical: Any) -> Any:
    xa, xb, dt = _operands(a, b, op)
    result = logical(xa, xb) if dt.kind == "b" else fn(xa, xb)
    return type(a).from_array(np.asarray(result, dtype=dt), False)


class BitwiseMethods:
    """Bitwise logic and shifts of integer (and bool) tensors."""

    __slots__ = ()

    def bitwise_and(self, other: Any) -> Any:
        """``self & other`` elementwise (logical for bool tensors)."""
        return _bitwise(self, other, "bitwise_and_cpu", np.bitwise_and, np.logical_and)

    def bitwise_or(self, other: Any) -> Any:
        """``self | other`` elementwise (logical for bool tensors)."""
        return _bitwise(self, other, "bitwise_or_cpu", np.bitwise_or, np.logical_or)

    def bitwise_xor(self, other: Any) -> Any:
        """``self ^ other`` elementwise (logical for bool tensors)."""
        return _bitwise(self, other, "bitwise_xor_cpu", np.bitwise_xor, np.logical_xor)

    def bitwise_not(self) -> Any:
        """``~self`` elementwise (logical not for bool tensors)."""
        if self.array.dtype.kind not in "biu":
            raise NotImplementedError(
                f"\"bitwise_not_cpu\" not implemented for "
                f"'{dtypes.scalar_type_name(self.array.dtype)}' (shape {tuple(self.shape)});"
                " convert with .long() first")
        return type(self).from_array(~self.array, False)

    def bitwise_left_shift(self, other: Any) -> Any:
        """``self << other``: bits shifted left (0 when ``other`` is negative or at least
        the bit width)."""
        return _shift(self, other, left=True)

    def bitwise_right_shift(self, other: Any) -> Any:
        """``self >> other``: an arithmetic shift right (sign-filling for signed dtypes)."""
        return _shift(self, other, left=False)

    def __lshift__(self, other: Any) -> Any:
        return _shift(self, other, left=True)

    def __rshift__(self, other: Any) -> Any:
        return _shift(self, other, left=False)

    def __rlshift__(self, other: Any) -> Any:
        return _shift(type(self).as_operand(other, self), self, left=True)

    def __rrshift__(self, other: Any) -> Any:
        return _shift(type(self).as_operand(other, self), self, left=False)

    def __ilshift__(self, other: Any) -> Any:  # in place, as torch: aliases see it
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other: Any) -> Any:
        return self.bitwise_right_shift_(other)


__all__ = ["BitwiseMethods"]
