"""Tensor creation: zeros, ones, full, arange, eye, *_like, from_numpy, and the random
ones (rand, randn, randint, randperm, normal, ...: defined in ``random.sampling``)."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import dtypes
from .random.sampling import (  # noqa: F401  (the random creators, re-exported)
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from .device import check_device
from .shapes import shape_arg
from .tensor import Tensor


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor.from_array(arr, False)
    return t.requires_grad_(True) if requires_grad else t


def _float(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _size(shape: tuple, size: Any, op: str) -> tuple:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``."""
    if size is not None:
        if shape:
            raise TypeError(f"{op}: pass the size either positionally or as size=, not both.")
        dims = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    else:
        dims = shape_arg(shape)
    for d in dims:
        try:
            n = None if isinstance(d, (bool, np.bool_)) else operator.index(d)
        except TypeError:
            n = None
        if n is None:
            raise TypeError(f"{op}(): argument 'size' must be a tuple of ints, but found "
                            f"element of type {type(d).__name__} in {dims}")
        if n < 0:
            raise RuntimeError(f"{op}: Dimension size must be non-negative, got size "
                               f"{dims}.")
    return dims


def zeros(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, layout: Any = None, pin_memory: bool = False
          ) -> Tensor:
    """A tensor of zeros (default dtype float32): ``zeros(2, 3)``, ``zeros((2, 3))`` or
    ``zeros(size=(2, 3))``."""
    check_device(device, "zeros")
    return _make(np.zeros(_size(shape, size, "zeros"), dtype=_float(dtype)), requires_grad)


def ones(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, layout: Any = None, pin_memory: bool = False
          ) -> Tensor:
    """A tensor of ones (default dtype float32), sized as ``zeros``."""
    check_device(device, "ones")
    return _make(np.ones(_size(shape, size, "ones"), dtype=_float(dtype)), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, *,
         device: Any = None) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype inferred as torch.full does)."""
    check_device(device, "full")
    if dtype is None:
        dtype = (dtypes.bool_ if isinstance(fill_value, bool) else dtypes.int64
                 if isinstance(fill_value, int) else dtypes.get_default_dtype())
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    fill_value = dtypes.checked_fill(fill_value, dtype, "full")
    return _make(np.full(shape, fill_value, dtype=np.dtype(dtype)), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None, memory_format: Any = None) -> Tensor:
    check_device(device, "zeros_like")
    return _make(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, *,
              device: Any = None, memory_format: Any = None) -> Tensor:
    check_device(device, "ones_like")
    return _make(np.ones(t.shape, dtype=dtype or t.dtype), requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, *, requires_grad: bool = False,
              device: Any = None, memory_format: Any = None) -> Tensor:
    check_device(device, "full_like")
    return _make(np.full(t.shape, fill_value, dtype=dtype or t.dtype), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, *, device: Any = None) -> Tensor:
    """Values from start to end (exclusive); int64 for integer arguments, as torch."""
    check_device(device, "arange")
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError(f"arange: step must be nonzero (arange({start}, {end}, 0)).")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(arange({start}, {end}, {step}) would count away from {end}).")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if ints else dtypes.get_default_dtype()
    return _make(np.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, *,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    check_device(device, "linspace")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}.")
    return _make(np.linspace(start, end, steps).astype(_float(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, *,
        device: Any = None) -> Tensor:
    check_device(device, "eye")
    for name, size in (("n", n), ("m", m)):
        if size is not None and size < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {size}.")
    return _make(np.eye(n, m, dtype=_float(dtype)), requires_grad)


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap an array without copying: changes to one show in the other."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(a).__name__}.")
    return Tensor.from_array(a, False)


# ---------------------------------------------------------------- empty, meshgrid
def empty(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, layout: Any = None, pin_memory: bool = False
          ) -> Tensor:
    """Uninitialised memory in torch; here zeros (never stale values), sized as ``zeros``."""
    check_device(device, "empty")
    return _make(np.zeros(_size(shape, size, "empty"), dtype=_float(dtype)), requires_grad)


def empty_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, *,
               device: Any = None, memory_format: Any = None) -> Tensor:
    """As ``zeros_like`` (see ``empty``)."""
    check_device(device, "empty_like")
    return _make(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids from 1-D tensors: output i varies along dim i (``'ij'``, the
    default) or with the first two dims swapped (``'xy'``, as numpy). Differentiable.

    Example:
        >>> gx, gy = tg.meshgrid(tg.arange(3), tg.arange(2), indexing="ij")
        >>> gx.shape
        torch.Size([3, 2])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}.")
    for i, t in enumerate(tensors):
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid: expects all tensors to have the same dtype, got "
                               f"{tensors[0].dtype} and {t.dtype} (tensor {i}).")
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expects 0-D or 1-D tensors, tensor {i} has shape "
                               f"{tuple(t.shape)}.")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, a in zip(tensors, axes):
        shape[a] = t.numel()
    grids = []
    for t, a in zip(tensors, axes):
        view = [1] * len(tensors)
        view[a] = -1
        grids.append(t.reshape(view).expand(tuple(shape)))
    return tuple(grids)
