"""``tg.linalg`` inverses, determinants and solves: inv, det, slogdet, solve, cholesky,
matrix_power, multi_dot, cross (torch's signatures, leading batch dims, torch's errors).

The differentiable primitives are in ``ops/linalg_solve.py``; matrix_power, multi_dot and
cross are composites of matmul and indexing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import return_types
from .ops.linalg_solve import Cholesky, Det, Inv, LinAlgError, LogAbsDet, Solve
from .tensor import Tensor, stack

__all__ = ["LinAlgError", "cholesky", "cross", "det", "diagonal", "inv", "matmul",
           "matrix_power", "multi_dot", "slogdet", "solve", "vecdot"]

_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool"}


def torch_type_name(x: Tensor) -> str:
    """torch's scalar-type name of ``x``'s dtype (Float, Double, Long, ...)."""
    return _TORCH_NAMES.get(x.array.dtype.name, x.array.dtype.name)


def check_matrix(op: str, A: Any, square: bool = True, name: str = "A") -> None:
    """torch's checks: a Tensor of >= 2 dims, floating point, square when asked."""
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, not {type(A).__name__}.")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions "
                           f"(got shape {tuple(A.shape)}).")
    if A.array.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. "
                           f"Got {torch_type_name(A)} (convert it with .double() or .float()).")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def same_dtype(op: str, A: Tensor, B: Tensor) -> None:
    if A.dtype != B.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of "
                           f"type {torch_type_name(A)} and B of type {torch_type_name(B)} "
                           "instead")


def inv(A: Tensor) -> Tensor:
    """The inverse of each square matrix in the last two dims of ``A``.

    Raises ``LinAlgError`` (a RuntimeError) for a singular matrix.

    Example:
        >>> tg.linalg.inv(tg.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    check_matrix("linalg.inv", A)
    return Inv.apply(A)


def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix in the last two dims: shape ``A.shape[:-2]``."""
    check_matrix("linalg.det", A)
    return Det.apply(A)


def _sign(A: Tensor) -> Tensor:
    return Tensor.from_array(np.asarray(np.linalg.slogdet(A.array)[0], A.array.dtype), False)


def slogdet(A: Tensor) -> Any:
    """``(sign, logabsdet)`` with ``det(A) = sign * exp(logabsdet)``; only ``logabsdet``
    carries gradient (as torch). A singular matrix gives ``(0, -inf)``."""
    check_matrix("linalg.slogdet", A)
    return return_types.linalg_slogdet(_sign(A), LogAbsDet.apply(A))


def logdet(A: Tensor) -> Tensor:
    """torch.logdet: log(det A); nan for a negative determinant, -inf for zero."""
    check_matrix("logdet", A)
    sign = np.linalg.slogdet(A.array)[0]
    offset = np.where(sign > 0, 0.0, np.where(sign == 0, -np.inf, np.nan))
    return LogAbsDet.apply(A) + Tensor.from_array(offset.astype(A.array.dtype), False)


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """torch's rule: B is a (batch of) vector(s) when 1-D or when it is A's shape less
    the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` when ``left=False``); ``B`` may be a
    (batch of) vector(s); batch dims broadcast.

    Example:
        >>> tg.linalg.solve(tg.tensor([[2.0, 0.0], [0.0, 4.0]]), tg.tensor([2.0, 2.0]))
        tensor([1.0000, 0.5000])
    """
    check_matrix("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve: B must be a Tensor, not {type(B).__name__}.")
    same_dtype("linalg.solve", A, B)
    vector = _is_vector_rhs(A, B)
    b = B.unsqueeze(-1) if vector else B
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: left=False needs B to be a batch of matrices "
                               f"(got shape {tuple(B.shape)}).")
        return solve(A.mT, B.mT).mT
    n = A.shape[-1]
    if b.ndim < 2 or b.shape[-2] != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({A.shape[-2]}x{n} and "
                           f"{'x'.join(str(d) for d in B.shape[-2:])})")
    try:
        np.broadcast_shapes(tuple(A.shape[:-2]), tuple(b.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dims of A {tuple(A.shape)} and B "
                           f"{tuple(B.shape)} do not broadcast.") from None
    x = Solve.apply(A, b)
    return x.squeeze(-1) if vector else x


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (lower; ``L^T`` when ``upper``) of each symmetric
    positive-definite matrix, ``A = L L^T``. Only the lower triangle of ``A`` is read.
    Raises ``LinAlgError`` when a matrix is not positive-definite."""
    check_matrix("linalg.cholesky", A)
    L = Cholesky.apply(A)
    return L.mT if upper else L


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times (``n = 0``: identity; ``n < 0``: powers of
    ``inv(A)``), by repeated squaring."""
    if not isinstance(A, Tensor) or A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        shape = tuple(A.shape) if isinstance(A, Tensor) else type(A).__name__
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, got "
                           f"{shape}.")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}.")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A.array.dtype), A.shape).copy()
        return Tensor.from_array(eye, False)
    if n < 0:
        check_matrix("linalg.inv", A)
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def multi_dot(tensors: Any) -> Tensor:
    """The product of a chain of matrices; the first may be 1-D (a row vector) and the
    last 1-D (a column vector), as torch.linalg.multi_dot."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = list(tensors)
    if first:
        mats[0] = mats[0].unsqueeze(0)
    if last:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i, t in enumerate(mats):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D (the first and last may "
                               f"be 1D) but got {tensors[i].ndim}D")
    out = mats[0]
    for t in mats[1:]:
        out = out @ t
    if first:
        out = out.squeeze(0)
    if last:
        out = out.squeeze(-1)
    return out


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The 3-vector cross product along ``dim`` (batch dims broadcast)."""
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    d = dim % len(shape) if shape else 0
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a = input.expand(*shape).movedim(d, -1)
    b = other.expand(*shape).movedim(d, -1)
    parts = [a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
             a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
             a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]]
    return stack(parts, -1).movedim(-1, d)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """torch.linalg.matmul: ``input @ other``."""
    return input @ other


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """torch.linalg.diagonal: ``A.diagonal(offset, dim1, dim2)`` (the last two dims by
    default)."""
    return A.diagonal(offset, dim1, dim2)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of vectors along ``dim`` (batch dims broadcast)."""
    return (x * y).sum(dim)
