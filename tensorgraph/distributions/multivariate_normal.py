"""MultivariateNormal with ``covariance_matrix``, ``precision_matrix`` or ``scale_tril``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..creation import eye
from ..size import Size
from ..tensor import Tensor, matmul
from . import constraints
from .distribution import Distribution
from .triangular import cholesky, solve_lower
from .utils import lazy_property, standard_normal

__all__ = ["MultivariateNormal"]


class MultivariateNormal(Distribution):
    """N(loc, Sigma) over vectors of length ``n``, with ``Sigma = L L^T``.

    ``rsample = loc + L @ eps``, ``eps = empty(shape).normal_()`` (torch's draw).

    Example:
        >>> MultivariateNormal(tg.zeros(2), covariance_matrix=tg.eye(2)).log_prob(tg.zeros(2))
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        m = given[0]
        if m.dim() < 2:
            name = ("covariance_matrix" if covariance_matrix is not None else
                    "precision_matrix" if precision_matrix is not None else "scale_tril")
            what = "scale_tril matrix" if scale_tril is not None else name.replace("_", " ")
            raise ValueError(f"{what} must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        batch = Size(np.broadcast_shapes(tuple(m.shape[:-2]), tuple(loc.shape[:-1])))
        full = tuple(batch) + (-1, -1)
        if scale_tril is not None:
            self.scale_tril = scale_tril.expand(full)
        elif covariance_matrix is not None:
            self.covariance_matrix = covariance_matrix.expand(full)
        else:
            self.precision_matrix = precision_matrix.expand(full)
        self.loc = loc.expand(tuple(batch) + (-1,))
        super().__init__(batch, self.loc.shape[-1:], validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:  # L = chol(P^-1) = (flip(chol(flip(P)))^T)^-1, as torch
            l_inv = cholesky(precision_matrix.flip(-2, -1)).flip(-2, -1).mT
            ident = eye(l_inv.shape[-1], dtype=l_inv.dtype)
            self._unbroadcasted_scale_tril = solve_lower(l_inv, ident)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        new = self._checked_instance(MultivariateNormal, _instance)
        shape = Size(batch_shape)
        new.loc = self.loc.expand(tuple(shape) + tuple(self._event_shape))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(tuple(shape) + (-1, -1)))
        return self._finish_expand(new, shape)

    def _full(self, m: Tensor) -> Tensor:
        return m.expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return self._full(matmul(L, L.mT))

    @lazy_property
    def precision_matrix(self) -> Tensor:
        # (L L^T)^-1 as a function of all of L (torch's cholesky_inverse has that gradient)
        L = self._unbroadcasted_scale_tril
        inv = solve_lower(cholesky(matmul(L, L.mT)), eye(L.shape[-1], dtype=L.dtype))
        return self._full(matmul(inv.mT, inv))

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        v = self._unbroadcasted_scale_tril.pow(2).sum(-1)
        return v.expand(tuple(self._batch_shape) + tuple(self._event_shape))

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        eps = standard_normal(self._extended_shape(sample_shape), self.loc.dtype)
        return self.loc + matmul(self._unbroadcasted_scale_tril, eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        diff = (value - self.loc).unsqueeze(-1)
        L = self._unbroadcasted_scale_tril
        maha = solve_lower(L, diff).pow(2).sum((-2, -1))
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + maha) - self._half_log_det()

    def entropy(self) -> Tensor:
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(self._batch_shape) if len(self._batch_shape) else h
