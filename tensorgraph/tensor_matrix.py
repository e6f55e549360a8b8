"""Tensor methods for matrices (torch's names), mixed into ``Tensor`` through
``OpMethods``: det, inverse, logdet, slogdet, pinverse, cholesky, matrix_power, svd, qr
(thin calls into ``tg.linalg``), and the composites diag, kron, cross.

``tg.linalg`` imports ``tensor.py``, so the calls into it are imported when first used.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .ops.shape import IndexAdd


def _linalg() -> Any:
    from . import linalg

    return linalg


class MatrixMethods:
    """Determinants, inverses and decompositions as methods; diag, kron, cross."""

    __slots__ = ()

    def det(self) -> Any:
        """torch.det: the determinant of each matrix (see ``tg.linalg.det``)."""
        return _linalg().det(self)

    def inverse(self) -> Any:
        """torch.inverse: ``tg.linalg.inv``."""
        return _linalg().inv(self)

    def logdet(self) -> Any:
        """log(det): nan for a negative determinant, -inf for a singular matrix."""
        from .linalg_matrix import logdet

        return logdet(self)

    def slogdet(self) -> Any:
        """torch.slogdet: ``return_types.slogdet(sign, logabsdet)``."""
        from . import return_types

        sign, logabsdet = _linalg().slogdet(self)
        return return_types.slogdet(sign, logabsdet)

    def pinverse(self, rcond: float = 1e-15) -> Any:
        """torch.pinverse: ``tg.linalg.pinv(self, rtol=rcond)``."""
        return _linalg().pinv(self, rtol=rcond)

    def cholesky(self, upper: bool = False) -> Any:
        """torch.cholesky (deprecated in torch for ``tg.linalg.cholesky``)."""
        return _linalg().cholesky(self, upper=upper)

    def matrix_power(self, n: int) -> Any:
        """torch.matrix_power: ``tg.linalg.matrix_power``."""
        return _linalg().matrix_power(self, n)

    def svd(self, some: bool = True, compute_uv: bool = True) -> Any:
        """torch.svd: ``(U, S, V)`` (V, not Vh!); ``some=False`` gives the full U and V;
        ``compute_uv=False`` gives zero-filled U (m x m) and V (n x n)."""
        from . import return_types

        linalg = _linalg()
        if not compute_uv:
            m, n = self.shape[-2], self.shape[-1]
            batch, dt, make = tuple(self.shape[:-2]), self.array.dtype, type(self).from_array
            u, v = (make(np.zeros(batch + (k, k), dt), False) for k in (m, n))
            return return_types.svd(u, linalg.svdvals(self), v)
        u, s, vh = linalg.svd(self, full_matrices=not some)
        return return_types.svd(u, s, vh.mT)

    def qr(self, some: bool = True) -> Any:
        """torch.qr: ``return_types.qr(Q, R)``, reduced (``some``) or complete."""
        from . import return_types

        q, r = _linalg().qr(self, "reduced" if some else "complete")
        return return_types.qr(q, r)

    def diag(self, diagonal: int = 0) -> Any:
        """1-D input: the square matrix with it on the ``diagonal``-th diagonal; 2-D input:
        that diagonal of the matrix, as torch.diag."""
        if self.ndim == 2:
            return self.diagonal(diagonal)
        if self.ndim != 1:
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")
        k, length = int(diagonal), self.shape[0]
        n = length + abs(k)
        steps = np.arange(length)
        index = (steps + max(-k, 0), steps + max(k, 0))
        return IndexAdd.apply(self, shape=(n, n), index=index)

    def kron(self, other: Any) -> Any:
        """The Kronecker product: shape ``(a_i * b_i)`` per dim (the fewer dims padded
        with leading 1s)."""
        nd = max(self.ndim, other.ndim)
        sa = (1,) * (nd - self.ndim) + tuple(self.shape)
        sb = (1,) * (nd - other.ndim) + tuple(other.shape)
        a = self.reshape(*[v for d in sa for v in (d, 1)])
        b = other.reshape(*[v for d in sb for v in (1, d)])
        return (a * b).reshape(*[x * y for x, y in zip(sa, sb)])

    def cross(self, other: Any, dim: Any = None) -> Any:
        """torch.cross: ``tg.linalg.cross`` along ``dim``; without ``dim``, the first dim
        of size 3 (deprecated in torch, which warns)."""
        if dim is None:
            shape = np.broadcast_shapes(tuple(self.shape), tuple(other.shape))
            sizes = [i for i, d in enumerate(shape) if d == 3]
            if not sizes:
                raise RuntimeError(f"cross: no dimension of size 3 in input (shapes "
                                   f"{tuple(self.shape)} and {tuple(other.shape)}).")
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                          "Please either pass the dim explicitly or simply use "
                          "torch.linalg.cross.\nThe default value of dim will change to "
                          "agree with that of linalg.cross in a future release.",
                          UserWarning, stacklevel=2)
            dim = sizes[0]
        return _linalg().cross(self, other, dim=dim)
