"""``tg.linalg``: torch.linalg's norms (``vector_norm``, ``matrix_norm``, ``norm``).

and ``svdvals``, whose gradient (first and second order) gives the nuclear (``'nuc'``)
and spectral (2, -2) matrix norms theirs. The solvers (inv, det, slogdet, solve,
cholesky, matrix_power, multi_dot, cross) are in ``linalg_matrix.py``, the
decompositions (qr, eigh, svd, pinv, lstsq, matrix_rank) in ``linalg_decomp.py``;
both are re-exported here. (eig, lu, matrix_exp ... are not here.)
"""

from __future__ import annotations

from typing import Any

from .linalg_decomp import eigh, eigvalsh, lstsq, matrix_rank, pinv, qr, svd
from .linalg_matrix import (
    LinAlgError,
    cholesky,
    cross,
    det,
    diagonal,
    inv,
    matmul,
    matrix_power,
    multi_dot,
    slogdet,
    solve,
    vecdot,
)
from .ops.svd import svdvals as _record_svdvals
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv",
           "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
           "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vecdot", "vector_norm"]


def svdvals(A: Tensor) -> Tensor:
    """The singular values of the matrices in the last two dims of ``A``, descending.

    Example:
        >>> tg.linalg.svdvals(tg.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    if A.ndim < 2:
        raise RuntimeError(f"linalg.svdvals: A must have at least 2 dimensions, got "
                           f"shape {tuple(A.shape)}.")
    if A.dtype.kind != "f":
        raise RuntimeError(f"linalg.svdvals: expected a floating point tensor, got "
                           f"{A.dtype}; convert it first (A.float()).")
    return _record_svdvals(A)


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """The vector ``ord``-norm over ``dim`` (all elements when None), as torch.linalg.

    Example:
        >>> tg.linalg.vector_norm(tg.tensor([3.0, 4.0]))
        tensor(5.)
    """
    return x.norm(ord, dim, keepdim, dtype)


def matrix_norm(A: Tensor, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False,
                *, dtype: Any = None) -> Tensor:
    """Matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'`` (sum of singular
    values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column
    abs-sum), inf / -inf (max / min row abs-sum)."""
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: A must have at least 2 dimensions, got "
                           f"shape {tuple(A.shape)}.")
    x = A if dtype is None else A.to(dtype)
    if ord == "fro":
        return x.norm(2, dim, keepdim)
    if ord not in ("nuc", 2, -2, 1, -1, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.matrix_norm: order {ord!r} not supported (use 'fro', "
                           "'nuc', 2, -2, 1, -1, inf or -inf).")
    rows, cols = (d % A.ndim for d in dim)
    if ord in ("nuc", 2, -2):
        moved = x.movedim((rows, cols), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        return out.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols)) if keepdim else out
    summed_dim, reduced_dim = (rows, cols) if abs(ord) == 1 else (cols, rows)
    sums = x.abs().sum(summed_dim, keepdim=True)
    out = sums.amax(reduced_dim, keepdim=True) if ord > 0 else sums.amin(reduced_dim,
                                                                       keepdim=True)
    return out if keepdim else out.squeeze((rows, cols))


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """torch.linalg.norm: a vector norm for 1-D input or an int ``dim``, a matrix norm
    for 2-D input or a 2-tuple ``dim``; with ``ord=None`` the 2-norm of all elements."""
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(dim, int) or (dim is None and A.ndim == 1):
        return vector_norm(A, ord, dim, keepdim, dtype=dtype)
    if dim is None and A.ndim != 2:
        raise RuntimeError(f"linalg.norm: input must be 1-D or 2-D when ord is given and "
                           f"dim is None, got shape {tuple(A.shape)}.")
    return matrix_norm(A, ord, (-2, -1) if dim is None else tuple(dim), keepdim, dtype=dtype)
