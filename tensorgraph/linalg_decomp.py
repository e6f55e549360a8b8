"""``tg.linalg`` decompositions and what is built on them: qr, eigh, eigvalsh, svd,
pinv, lstsq, matrix_rank (torch's signatures and named tuples, leading batch dims).

qr / eigh / svd are primitives (``ops/decompositions.py``); pinv and lstsq are exact
composites of svd (or eigh) and matmul, so their gradients follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import return_types
from .linalg_matrix import check_matrix, same_dtype
from .ops.decompositions import Eigh, Qr, Svd, unpack
from .tensor import Tensor

__all__ = ["eigh", "eigvalsh", "lstsq", "matrix_rank", "pinv", "qr", "svd"]


def qr(A: Tensor, mode: str = "reduced") -> Any:
    """``(Q, R)`` with ``A = Q R``, Q orthonormal columns, R upper triangular.

    ``mode``: ``'reduced'`` (k = min(m, n) columns), ``'complete'`` (Q is m x m) or
    ``'r'`` (Q is an empty tensor; not differentiable, as torch).
    """
    check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)
    qcols = m if mode == "complete" else k
    rrows = m if mode == "complete" else k
    q, r = unpack(Qr.apply(A, mode=mode), [(m, qcols), (rrows, n)])
    if mode == "r":
        q = Tensor.from_array(np.zeros((0,), A.array.dtype), False)
    return return_types.linalg_qr(q, r)


def eigh(A: Tensor, UPLO: str = "L") -> Any:
    """``(eigenvalues, eigenvectors)`` of symmetric matrices, eigenvalues ascending; only
    the ``UPLO`` ('L' or 'U') triangle of ``A`` is read."""
    check_matrix("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    n = A.shape[-1]
    w, v = unpack(Eigh.apply(A, uplo=UPLO), [(n,), (n, n)])
    return return_types.linalg_eigh(w, v)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of symmetric matrices."""
    return eigh(A, UPLO).eigenvalues


def svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> Any:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, S descending.

    ``full_matrices=True`` gives U m x m and Vh n x n (only their first k = min(m, n)
    columns / rows carry gradient, as torch); ``False`` the thin k-column factors.
    Gradients through U or Vh need distinct singular values.
    """
    check_matrix("linalg.svd", A, square=False)
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)
    shapes = [(m, m), (k,), (n, n)] if full_matrices else [(m, k), (k,), (k, n)]
    u, s, vh = unpack(Svd.apply(A, full_matrices=bool(full_matrices)), shapes)
    return return_types.linalg_svd(u, s, vh)


def _tolerance(s_max: Any, m: int, n: int, atol: Any, rtol: Any,
               dtype: np.dtype) -> np.ndarray:
    """torch's ``max(atol, rtol * s_max)``; rtol defaults to eps * max(m, n) when neither
    is given, and to 0 when only atol is."""
    def value(t: Any) -> Any:
        return t.array if isinstance(t, Tensor) else t
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(m, n) if atol is None else 0.0
    atol = 0.0 if atol is None else value(atol)
    return np.maximum(np.asarray(atol, dtype), np.asarray(value(rtol), dtype) * s_max)


def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse (n x m for m x n ``A``): singular values (or, with
    ``hermitian``, eigenvalues) at most ``max(atol, rtol * largest)`` are dropped."""
    check_matrix("linalg.pinv", A, square=hermitian)
    m, n = A.shape[-2], A.shape[-1]
    dt = A.array.dtype
    if hermitian:
        w, v = eigh(A)
        mags = np.abs(w.array)
        tol = _tolerance(mags.max(-1, initial=0.0), m, n, atol, rtol, dt)
        keep = (mags > tol[..., None]).astype(dt)
        w_safe = w * keep + (1.0 - keep)
        return (v * (keep / w_safe)[..., None, :]) @ v.mT
    u, s, vh = svd(A, full_matrices=False)
    tol = _tolerance(s.array.max(-1, initial=0.0), m, n, atol, rtol, dt)
    keep = (s.array > tol[..., None]).astype(dt)
    s_safe = s * keep + (1.0 - keep)
    return (vh.mT * (keep / s_safe)[..., None, :]) @ u.mT


def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None,
                hermitian: bool = False) -> Tensor:
    """The number of singular values above ``max(atol, rtol * largest)`` (int64, no grad)."""
    check_matrix("linalg.matrix_rank", A, square=hermitian)
    a = A.array
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    tol = _tolerance(s.max(-1, initial=0.0), a.shape[-2], a.shape[-1],
                     atol, rtol, a.dtype)
    rank = (s > tol[..., None]).sum(-1).astype(np.int64)
    return Tensor.from_array(np.asarray(rank), False)


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> Any:
    """The least-squares solution of ``A X = B`` (minimum norm where A is rank-deficient),
    as ``linalg_lstsq(solution, residuals, rank, singular_values)``.

    The solution is ``pinv(A) @ B`` (differentiable in A and B). As torch's default CPU
    driver ``'gelsy'``: residuals and singular_values are empty; ``'gelsd'`` /
    ``'gelss'`` also fill singular_values, and every driver but gelsy the residuals (the
    squared residual norms) when m > n and A has full rank.
    """
    check_matrix("torch.linalg.lstsq", A, square=False)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.lstsq: B must be a Tensor, not {type(B).__name__}.")
    same_dtype("torch.linalg.lstsq", A, B)
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"(gels, gelsy, gelsd, gelss), got {driver!r}")
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2], A.shape[-1]
    if b.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    dt = A.array.dtype
    rtol = np.finfo(dt).eps * max(m, n) if rcond is None or rcond < 0 else rcond
    x = pinv(A, rtol=rtol) @ b
    empty = Tensor.from_array(np.zeros((0,), dt), False)
    rank = (Tensor.from_array(np.zeros((0,), np.int64), False) if driver == "gels"
            else matrix_rank(A, rtol=rtol))
    sv = (Tensor.from_array(np.linalg.svd(A.array, compute_uv=False), False)
          if driver in ("gelsd", "gelss") else empty)
    residuals = empty
    full = bool(np.all(np.linalg.matrix_rank(A.array) == n))
    if driver != "gelsy" and m > n and full:
        residuals = ((A @ x - b) ** 2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return return_types.linalg_lstsq(x.squeeze(-1) if vector else x, residuals, rank, sv)
