"""Cholesky factor and lower-triangular solve, as composites of differentiable ops.

What MultivariateNormal needs until ``tg.linalg`` has its own ``cholesky`` and
``solve_triangular`` (then these should call those): both are column/row loops of
elementwise ops and sums, so their gradients (and second derivatives) come from the
engine. Cost is ``n`` small ops per call: meant for the modest event sizes of a
distribution, not for large matrices.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, stack


def cholesky(A: Tensor) -> Tensor:
    """The lower Cholesky factor ``L`` of symmetric positive-definite ``A`` (``A = L L^T``).

    Only the symmetric part of ``A`` is read, so the gradient is symmetric (as torch's).

    Raises:
        RuntimeError: when ``A`` is not positive-definite (as torch's linalg.cholesky).
    """
    A = (A + A.mT) * 0.5
    n = A.shape[-1]
    rows = np.arange(n)
    cols: list[Tensor] = []
    for j in range(n):
        v = A[..., :, j]
        for c in cols:  # v = A[:, j] - sum_k L[:, k] L[j, k]
            v = v - c * c[..., j:j + 1]
        pivot = v[..., j:j + 1]
        if not bool((pivot.detach() > 0).all()):
            raise RuntimeError(
                "linalg.cholesky: The factorization could not be completed because the input "
                f"is not positive-definite (the leading minor of order {j + 1} is not "
                "positive-definite).")
        below = Tensor.from_array((rows >= j).astype(A.dtype), False)  # zero above the diagonal
        cols.append(v / pivot.sqrt() * below)
    return stack(cols, -1)


def solve_lower(L: Tensor, B: Tensor) -> Tensor:
    """``X`` with ``L @ X = B`` for lower-triangular ``L`` (forward substitution).

    Shape:
        L ``(*, n, n)``, B ``(*, n, m)`` (batch dims broadcast); X ``(*, n, m)``.
    """
    xs: list[Tensor] = []
    for i in range(L.shape[-1]):
        r = B[..., i, :]
        for k, x in enumerate(xs):
            r = r - L[..., i, k:k + 1] * x
        xs.append(r / L[..., i, i:i + 1])
    return stack(xs, -2)
