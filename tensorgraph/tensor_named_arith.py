"""Tensor's named arithmetic methods (``add``, ``sub``, ``mul`` with torch's ``alpha``),
the batched-matmul accumulators (``baddbmm``, ``addbmm``) and ``Tensor.new``, mixed into
``Tensor`` through ``OpMethods``.

Each is a composite of the operators (``+ - *``, ``@``), so autograd and dtype promotion
are exactly those of the operators.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .autograd.node_names import named
from .size import Size


def _scaled(other: Any, alpha: Any, op: str, self: Any) -> Any:
    """``other * alpha`` (``other`` untouched when alpha is 1), with torch's alpha check."""
    if alpha == 1 and not isinstance(alpha, builtins.float):
        return other
    if isinstance(alpha, builtins.float) and self.dtype.kind != "f" and (
            not hasattr(other, "dtype") or other.dtype.kind != "f"):
        raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be a "
                           f"floating point number (got alpha={alpha}, dtype {self.dtype}).")
    return other * alpha


class NamedArithmeticMethods:
    """``add``/``sub``/``mul`` and their aliases; ``baddbmm``/``addbmm``; ``new``."""

    __slots__ = ()

    def add(self, other: Any, *, alpha: Any = 1) -> Any:
        """``self + alpha * other`` (``+``'s broadcasting, promotion and gradient)."""
        return self + _scaled(other, alpha, "add", self)

    def sub(self, other: Any, *, alpha: Any = 1) -> Any:
        """``self - alpha * other``."""
        return self - _scaled(other, alpha, "sub", self)

    subtract = sub

    def mul(self, other: Any) -> Any:
        """``self * other``."""
        return self * other

    multiply = mul

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``beta * self + alpha * bmm(batch1, batch2)``; with ``beta=0`` self is ignored
        (its NaNs do not propagate), as torch."""
        prod = batch1.bmm(batch2)
        prod = prod if alpha == 1 else prod * alpha
        if beta == 0:
            return named(prod, "BaddbmmBackward0")
        return named((self if beta == 1 else self * beta) + prod, "BaddbmmBackward0")

    def addbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``beta * self + alpha * sum_i batch1[i] @ batch2[i]``."""
        prod = batch1.bmm(batch2).sum(0)
        prod = prod if alpha == 1 else prod * alpha
        if beta == 0:
            return named(prod, "AddbmmBackward0")
        return named((self if beta == 1 else self * beta) + prod, "AddbmmBackward0")

    def new(self, *args: Any, device: Any = None) -> Any:
        """torch's legacy constructor: ``x.new(2, 3)`` / ``x.new(size)`` a tensor of that
        shape (zeros here; uninitialised in torch), ``x.new([1, 2])`` a tensor of that data,
        ``x.new()`` an empty one; always in this tensor's dtype."""
        if len(args) == 1 and hasattr(args[0], "array"):
            if args[0].dtype != self.dtype:
                raise TypeError(f"new: expected a tensor of dtype {self.dtype}, got "
                                f"{args[0].dtype}; cast it first (t.to({self.dtype})).")
            return args[0]
        if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(
                args[0], Size):
            return self.new_tensor(args[0], device=device)
        if len(args) == 1 and isinstance(args[0], Size):
            args = tuple(args[0])
        if not args:
            return self.new_zeros((0,), device=device)
        if not builtins.all(isinstance(n, (builtins.int, np.integer)) for n in args):
            raise TypeError(f"new: data must be a sequence or sizes must be ints (got "
                            f"{', '.join(type(a).__name__ for a in args)}).")
        return self.new_zeros(args, device=device)
