"""Tensor creation: zeros, ones, full, arange, eye, randn, rand, *_like, from_numpy."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype
from .random import default_generator
from .tensor import Tensor, shape_arg


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(arr, False)
    return t.requires_grad_(True) if requires_grad else t


def _float(dtype: Any) -> np.dtype:
    return _dtype.get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (default dtype float32)."""
    return _make(np.zeros(shape_arg(shape), dtype=_float(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (default dtype float32)."""
    return _make(np.ones(shape_arg(shape), dtype=_float(dtype)), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype inferred as torch.full does)."""
    if dtype is None:
        dtype = (_dtype.bool_ if isinstance(fill_value, bool) else _dtype.int64
                 if isinstance(fill_value, int) else _dtype.get_default_dtype())
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _make(np.full(shape, fill_value, dtype=np.dtype(dtype)), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(t.shape, dtype=dtype or t.dtype), requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None) -> Tensor:
    return _make(np.full(t.shape, fill_value, dtype=dtype or t.dtype), False)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from start to end (exclusive); int64 for integer arguments, as torch."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = _dtype.int64 if ints else _dtype.get_default_dtype()
    return _make(np.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None) -> Tensor:
    return _make(np.linspace(start, end, steps).astype(_float(dtype)), False)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.eye(n, m, dtype=_float(dtype)), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          generator: np.random.Generator | None = None) -> Tensor:
    """Standard normal samples from the seeded generator (``tg.manual_seed``)."""
    g = generator or default_generator()
    d = _float(dtype)
    return _make(g.standard_normal(shape_arg(shape), dtype=d if d.kind == "f" and
                                   d.itemsize >= 4 else np.float64).astype(d, copy=False),
                 requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         generator: np.random.Generator | None = None) -> Tensor:
    """Uniform samples in [0, 1) from the seeded generator."""
    g = generator or default_generator()
    d = _float(dtype)
    return _make(g.random(shape_arg(shape), dtype=np.float64).astype(d), requires_grad)


def randint(low: int, high: int | None = None, size: Any = (), dtype: Any = None,
            generator: np.random.Generator | None = None) -> Tensor:
    if high is None:
        low, high = 0, low
    g = generator or default_generator()
    return _make(g.integers(low, high, size=size).astype(dtype or _dtype.int64), False)


def randperm(n: int, generator: np.random.Generator | None = None) -> Tensor:
    return _make((generator or default_generator()).permutation(n).astype(np.int64), False)


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap an array without copying: changes to one show in the other."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(a).__name__}.")
    return Tensor._wrap(a, False)
