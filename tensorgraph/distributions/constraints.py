"""The constraints a distribution's parameters and samples satisfy (torch's names).

``constraint.check(value)`` returns a bool tensor; with ``event_dim > 0`` the last
``event_dim`` dims are reduced (one answer per event). ``repr`` is torch's, since
validation errors quote it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = [
    "Constraint", "boolean", "dependent", "dependent_property", "greater_than",
    "greater_than_eq", "independent", "integer_interval", "interval", "is_dependent",
    "less_than", "lower_cholesky", "multinomial", "nonnegative", "nonnegative_integer", "one_hot", "positive", "positive_definite",
    "real", "real_vector", "simplex", "unit_interval",
]


class Constraint:
    """A region of values; ``check`` says, elementwise (per event), which lie in it."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """A constraint that depends on other parameters: not checked at construction."""

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def __call__(self, *, is_discrete: bool = False, event_dim: int = 0) -> _Dependent:
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, value: Any) -> Any:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """True for ``dependent`` (and constraints made from it)."""
    return isinstance(constraint, _Dependent)


class dependent_property(property):
    """A property that is also a dependent constraint (``support`` of Uniform, ...)."""

    def __init__(self, fn: Any = None, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        super().__init__(fn)
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def __call__(self, fn: Any) -> dependent_property:
        return dependent_property(fn, is_discrete=self.is_discrete, event_dim=self.event_dim)


class _Real(Constraint):
    def check(self, value: Any) -> Any:
        return value == value  # False only for NaN


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value: Any) -> Any:
        return (value == 0) | (value == 1)


class _Bound(Constraint):
    """One-sided or two-sided bounds; the subclasses differ in the comparison."""

    def __init__(self, lower: Any = None, upper: Any = None) -> None:
        self.lower_bound, self.upper_bound = lower, upper

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in (("lower_bound", self.lower_bound),
                                         ("upper_bound", self.upper_bound)) if v is not None]
        return type(self).__name__.lstrip("_") + "(" + ", ".join(parts) + ")"


class _GreaterThan(_Bound):
    def check(self, value: Any) -> Any:
        return self.lower_bound < value


class _GreaterThanEq(_Bound):
    def check(self, value: Any) -> Any:
        return self.lower_bound <= value


class _LessThan(_Bound):
    def check(self, value: Any) -> Any:
        return value < self.upper_bound


class _Interval(_Bound):
    def check(self, value: Any) -> Any:
        return (self.lower_bound <= value) & (value <= self.upper_bound)


class _IntegerInterval(_Bound):
    is_discrete = True

    def check(self, value: Any) -> Any:
        return (value % 1 == 0) & (self.lower_bound <= value) & (value <= self.upper_bound)


class _IntegerGreaterThan(_Bound):
    is_discrete = True

    def check(self, value: Any) -> Any:
        return (value % 1 == 0) & (value >= self.lower_bound)


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value: Any) -> Any:
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _OneHot(Constraint):
    is_discrete, event_dim = True, 1

    def check(self, value: Any) -> Any:
        return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


class _Multinomial(Constraint):
    is_discrete, event_dim = True, 1

    def __init__(self, upper_bound: int) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Any) -> Any:
        return (value >= 0).all(-1) & (value.sum(-1) <= self.upper_bound)


class _IndependentConstraint(Constraint):
    """``base`` with its last ``reinterpreted_batch_ndims`` dims read as one event."""

    def __init__(self, base: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint, self.reinterpreted_batch_ndims = base, reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value: Any) -> Any:
        ok = self.base_constraint.check(value)
        n = self.reinterpreted_batch_ndims
        return ok.reshape(tuple(ok.shape[:ok.ndim - n]) + (-1,)).all(-1) if n else ok

    def __repr__(self) -> str:
        return (f"IndependentConstraint({self.base_constraint!r}, "
                f"{self.reinterpreted_batch_ndims})")


class _LowerCholesky(Constraint):
    """Lower-triangular with a positive diagonal (a Cholesky factor)."""

    event_dim = 2

    def check(self, value: Any) -> Any:
        lower = (value.tril() == value).reshape(tuple(value.shape[:-2]) + (-1,)).all(-1)
        return lower & (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)


class _PositiveDefinite(Constraint):
    """Symmetric with positive eigenvalues (checked in numpy: a yes/no, no gradient)."""

    event_dim = 2

    def check(self, value: Any) -> Any:
        a = value.detach().numpy()
        sym = np.all(np.abs(a - np.swapaxes(a, -1, -2)) <= 1e-6 * np.abs(a).max(initial=1.0),
                     axis=(-2, -1))
        eig = np.linalg.eigvalsh(a) if a.size else np.ones(a.shape[:-1])
        return Tensor.from_array(np.asarray(sym & (eig > 0).all(-1)), False)


dependent = _Dependent()
real = _Real()
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
nonnegative_integer = _IntegerGreaterThan(0)
simplex = _Simplex()
one_hot = _OneHot()
real_vector = _IndependentConstraint(real, 1)
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
independent = _IndependentConstraint
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
interval = _Interval
integer_interval = _IntegerInterval
multinomial = _Multinomial


def less_than(upper_bound: Any) -> _LessThan:
    """Values strictly below ``upper_bound``."""
    return _LessThan(None, upper_bound)
