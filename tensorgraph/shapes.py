"""Dim and shape arguments, checked and normalised the way PyTorch reads them.

Pure functions of tuples and ints (no Tensor): ``Tensor`` methods and ``creation``
call them to turn what the user wrote into numpy axes and shapes, with errors that
name the op.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


def dims_arg(dim: Any, shape: tuple, op: str) -> tuple | None:
    """Normalise ``dim`` (int, tuple or None) to a sorted tuple of non-negative axes of a
    tensor of ``shape``; an out-of-range dim is an IndexError naming the op and shape."""
    if dim is None:
        return None
    ndim = len(shape)
    dims = (dim,) if isinstance(dim, (builtins.int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: dim {d} is out of range for a tensor of shape {tuple(shape)} ({ndim} dimensions) "
                f"(expected a dim in [{-max(ndim, 1)}, {max(ndim, 1) - 1}])."
            )
        out.append(d % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def one_dim(dim: int, shape: tuple, op: str) -> int:
    """One dim as a non-negative axis (a 0-d tensor counts as 1-D), or IndexError."""
    (d,) = dims_arg(dim, shape, op)
    return d


def new_dim(dim: int, shape: tuple, op: str) -> int:
    """Position of a dim to insert (unsqueeze, stack): ``-ndim-1 <= dim <= ndim``."""
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(
            f"{op}: dim {dim} is out of range for inserting a dim into a tensor of shape "
            f"{shape} (expected a dim in [{-n}, {n - 1}])."
        )
    return dim % n


def shape_arg(shape: tuple) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def infer_shape(old: tuple, new: tuple) -> tuple:
    size = builtins.int(np.prod(old))
    new = tuple(builtins.int(n) for n in new)
    if new.count(-1) > 1:
        raise ValueError(f"only one dimension can be -1, got {new}")
    known = builtins.int(np.prod([n for n in new if n != -1]))
    if -1 in new:
        if known == 0 or size % known:
            raise ValueError(
                f"shape {new} is invalid for a tensor of shape {old} ({size} elements)"
            )
        new = tuple(size // known if n == -1 else n for n in new)
    if builtins.int(np.prod(new)) != size:
        raise ValueError(
            f"cannot reshape a tensor of shape {old} ({size} elements) into shape "
            f"{new} ({builtins.int(np.prod(new))} elements)"
        )
    return new


def view_strides(shape: tuple, strides: tuple, new: tuple) -> tuple | None:
    """The strides (in elements) of ``new`` as a view of memory laid out as ``shape`` /
    ``strides``, or None when no view can hold it (torch's computeStride: each run of
    dims that are contiguous with one another may only be split or merged within)."""
    if not shape or builtins.int(np.prod(shape)) == 0:
        return tuple(np.cumprod((1,) + tuple(new[:0:-1]))[::-1].tolist()) if new else ()
    out = [0] * len(new)
    view_d = len(new) - 1
    base = strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new[view_d] == 1):
                out[view_d] = view_numel * base
                view_numel *= new[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base, tensor_numel, view_numel = strides[d - 1], 1, 1
    return tuple(out) if view_d == -1 else None
