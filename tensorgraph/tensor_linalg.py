"""Tensor methods for products (torch's names), mixed into ``Tensor`` through
``OpMethods``: matmul, mm, bmm, mv, dot, inner, outer, addmm, and the einsum front-end.

``matmul`` broadcasts; the others check the exact shapes torch requires (``mm`` wants
two matrices, ``bmm`` two 3-D batches of the same size, ...) and then call it.
"""

from __future__ import annotations

from typing import Any

from . import dtypes
from .autograd.node_names import named
from .ops.einsum import Einsum


def _need(x: Any, ndim: int, op: str, what: str, name: str) -> None:
    if x.ndim != ndim:
        raise RuntimeError(f"{op}: {name} must be {what}, got a tensor of shape {tuple(x.shape)}.")


def _same_dtype(a: Any, b: Any, op: str) -> None:
    dtypes.check_matmul_dtypes(a.array.dtype, b.array.dtype, op)


class LinalgMethods:
    """Matrix and vector products."""

    __slots__ = ()

    def matmul(self, other: Any) -> Any:
        """Matrix product with broadcasting (``self @ other``)."""
        return self @ other

    def mm(self, mat2: Any) -> Any:
        """Product of two matrices: (n, m) @ (m, p) -> (n, p)."""
        _need(self, 2, "mm", "a matrix", "self")
        _need(mat2, 2, "mm", "a matrix", "mat2")
        if self.array.shape[1] != mat2.shape[0]:
            raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied "
                               f"({self.array.shape[0]}x{self.array.shape[1]} and "
                               f"{mat2.shape[0]}x{mat2.shape[1]}).")
        _same_dtype(self, mat2, "mm")
        return self @ mat2

    def bmm(self, mat2: Any) -> Any:
        """Batched product: (b, n, m) @ (b, m, p) -> (b, n, p); no broadcasting."""
        _need(self, 3, "bmm", "a 3-D batch of matrices", "self")
        _need(mat2, 3, "bmm", "a 3-D batch of matrices", "mat2")
        if self.array.shape[0] != mat2.shape[0] or self.array.shape[2] != mat2.shape[1]:
            raise RuntimeError(f"bmm: batch1 {self.array.shape} and batch2 {tuple(mat2.shape)} do not "
                               "match: need (b, n, m) and (b, m, p).")
        _same_dtype(self, mat2, "bmm")
        return named(self @ mat2, "BmmBackward0")

    def mv(self, vec: Any) -> Any:
        """Matrix times vector: (n, m) @ (m,) -> (n,)."""
        _need(self, 2, "mv", "a matrix", "self")
        _need(vec, 1, "mv", "a vector", "vec")
        if self.array.shape[1] != vec.shape[0]:
            raise RuntimeError(f"mv: size mismatch, got matrix {self.array.shape} and vector "
                               f"{tuple(vec.shape)}.")
        _same_dtype(self, vec, "mv")
        return self @ vec

    def dot(self, other: Any) -> Any:
        """Inner product of two 1-D tensors of the same size."""
        _need(self, 1, "dot", "1-D", "self")
        _need(other, 1, "dot", "1-D", "other")
        if self.array.shape != other.shape:
            raise RuntimeError(f"dot: inconsistent tensor size, expected tensor {self.array.shape} "
                               f"and src {tuple(other.shape)} to have the same number of elements.")
        _same_dtype(self, other, "dot")
        return self @ other

    vdot = dot  # real tensors only: no conjugation

    def inner(self, other: Any) -> Any:
        """Sum of products over the last dim: shape ``self.array.shape[:-1] + other.shape[:-1]``."""
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.array.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner: the last dims must match, got shapes {self.array.shape} "
                               f"and {tuple(other.shape)}.")
        k = self.array.shape[-1]
        flat = self.reshape(-1, k) @ other.reshape(-1, k).mT
        return flat.reshape(self.array.shape[:-1] + other.shape[:-1])

    def outer(self, vec2: Any) -> Any:
        """Outer product of two vectors: (n,), (m,) -> (n, m)."""
        _need(self, 1, "outer", "1-D", "self")
        _need(vec2, 1, "outer", "1-D", "vec2")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    ger = outer

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Any:
        """``beta * self + alpha * (mat1 @ mat2)``."""
        prod = mat1.mm(mat2)
        return named((self if beta == 1 else self * beta) + (prod if alpha == 1 else prod * alpha),
                     "AddmmBackward0")


def einsum(equation: str, *operands: Any) -> Any:
    """Einstein summation, e.g. ``einsum('bij,bjk->bik', a, b)`` (differentiable).

    Args:
        equation: subscripts per operand, comma-separated, optionally ``->`` and the
            output's subscripts; ``...`` stands for broadcast dims.
        operands: the tensors (or one list of them).

    Example:
        >>> tg.einsum("ij,j->i", tg.ones(2, 3), tg.arange(3.0))
        tensor([3., 3.])
    """
    from .dtypes import promote
    from .tensor import Tensor, tensor

    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    xs = [o if isinstance(o, Tensor) else tensor(o) for o in operands]
    dtype = xs[0].dtype
    for x in xs[1:]:
        dtype = promote(dtype, x.dtype)
    try:
        return Einsum.apply(*[x.to(dtype) for x in xs], equation=equation)
    except ValueError as e:  # numpy's shape errors, said as torch's op
        shapes = ", ".join(str(x.array.shape) for x in xs)
        raise RuntimeError(f"einsum(): {e} (equation {equation!r}, shapes {shapes}).") from None
