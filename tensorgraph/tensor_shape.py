"""Tensor methods for shapes, dtypes and new tensors like this one (torch's names),
mixed into ``Tensor`` through ``OpMethods``: view_as reshape_as t unflatten movedim
swapaxes, nelement element_size type type_as, new_zeros/ones/full/empty/tensor,
is_contiguous, and ``format(t, ".4f")`` on 0-d tensors.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import dtypes
from . import ops as P
from .shapes import dims_arg, shape_arg
from .device import check_device
from .autograd.node_names import named

# torch's legacy type names (``t.type()``), by numpy dtype.
TYPE_NAMES = {
    "float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
    "float16": "torch.HalfTensor", "int64": "torch.LongTensor", "int32": "torch.IntTensor",
    "int16": "torch.ShortTensor", "int8": "torch.CharTensor", "uint8": "torch.ByteTensor",
    "bool": "torch.BoolTensor", "uint16": "torch.UInt16Tensor",
    "uint32": "torch.UInt32Tensor", "uint64": "torch.UInt64Tensor",
}
_DTYPE_OF_NAME = {name: np.dtype(d) for d, name in TYPE_NAMES.items()}


class MemoryFormat:
    """A ``tg.contiguous_format``-style marker for ``clone`` / ``contiguous`` / ``to``.

    ``contiguous_format`` gives a row-major (C-order) array and ``preserve_format`` keeps
    the layout, as torch. ``channels_last`` (``channels_last_3d``) is accepted with
    torch's rank check, but the array stays row-major: it is a layout for GPU/oneDNN
    convolution kernels, and numpy's have no use for it (the values are the same;
    ``is_contiguous(memory_format=channels_last)`` answers False, honestly).
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


preserve_format = MemoryFormat("preserve_format")
contiguous_format = MemoryFormat("contiguous_format")
channels_last = MemoryFormat("channels_last")
channels_last_3d = MemoryFormat("channels_last_3d")
_RANK = {"channels_last": 4, "channels_last_3d": 5}


def layout_order(memory_format: Any, ndim: int, op: str) -> str:
    """numpy's copy order for ``memory_format``: "K" keeps the layout, "C" is row-major."""
    if memory_format is None or memory_format is preserve_format:
        return "K"
    if not isinstance(memory_format, MemoryFormat):
        raise TypeError(f"{op}: memory_format must be a torch.memory_format such as "
                        f"torch.contiguous_format, got {type(memory_format).__name__}.")
    rank = _RANK.get(memory_format.name)
    if rank is not None and ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {memory_format.name} format")
    return "C"


def _size(size: tuple, op: str) -> tuple:
    shape = shape_arg(size)
    if any(not isinstance(n, (builtins.int, np.integer)) or n < 0 for n in shape):
        raise RuntimeError(f"{op}: size must be non-negative integers, got {shape}.")
    return tuple(builtins.int(n) for n in shape)


class ShapeMethods:
    """Shape views, dtype queries and ``new_*`` constructors."""

    __slots__ = ()

    # ------------------------------------------------------------ shape
    def view_as(self, other: Any) -> Any:
        """``self.view(other.shape)``."""
        return self.view(other.shape)

    def reshape_as(self, other: Any) -> Any:
        """``self.reshape(other.shape)``."""
        return self.reshape(other.shape)

    def t(self) -> Any:
        """Transpose of a matrix (a 0-D or 1-D tensor comes back as a new view of itself)."""
        if self.ndim > 2:
            raise RuntimeError(f"t(): expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}-D (shape {self.array.shape}); use transpose(d0, d1) "
                               "or mT.")
        out = self.permute(*range(self.ndim)) if self.ndim < 2 else self.transpose(0, 1)
        return named(out, "TBackward0")

    def unflatten(self, dim: int, sizes: Any) -> Any:
        """Split dim ``dim`` into ``sizes`` (one of them may be -1)."""
        (d,) = dims_arg(dim, self.array.shape, "unflatten")
        sizes = tuple(builtins.int(n) for n in sizes)
        known = builtins.int(np.prod([n for n in sizes if n != -1]))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != self.array.shape[d]) or (
                -1 in sizes and (known == 0 or self.array.shape[d] % known)):
            raise RuntimeError(f"unflatten: provided sizes {sizes} don't multiply up to the "
                               f"size of dim {dim} ({self.array.shape[d]}) in the input tensor.")
        return self.reshape(self.array.shape[:d] + sizes + self.array.shape[d + 1:])

    def movedim(self, source: Any, destination: Any) -> Any:
        """Move dims ``source`` to positions ``destination`` (others keep their order)."""
        src = (source,) if isinstance(source, (builtins.int, np.integer)) else tuple(source)
        dst = (destination,) if isinstance(destination, (builtins.int, np.integer)) \
            else tuple(destination)
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source {src} "
                               f"dims and destination {dst} dims must have the same length.")
        s = [dims_arg(d, self.array.shape, "movedim")[0] for d in src]
        t = [dims_arg(d, self.array.shape, "movedim")[0] for d in dst]
        if len(set(s)) != len(s) or len(set(t)) != len(t):
            raise RuntimeError(f"movedim: repeated dim in source {src} or destination {dst}.")
        order = [i for i in range(self.ndim) if i not in s]
        for dest, origin in sorted(zip(t, s)):
            order.insert(dest, origin)
        return self.permute(*order)  # a new view even when nothing moves, as torch

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Any:
        return self.transpose(axis0, axis1)

    swapdims = swapaxes

    def ravel(self) -> Any:
        return self.reshape(-1)

    def is_contiguous(self, memory_format: Any = None) -> builtins.bool:
        """True when the array is laid out in C order (views from transpose are not);
        for ``channels_last`` when it is in (N, H, W, C) order (tensorgraph makes that
        layout only where size-1 dims make the two the same)."""
        rank = _RANK.get(getattr(memory_format, "name", None))
        if rank is not None:
            a = self.array
            return a.ndim == rank and builtins.bool(np.moveaxis(a, 1, -1).flags.c_contiguous)
        return builtins.bool(self.array.flags.c_contiguous)

    def stride(self, dim: Any = None) -> Any:
        """The step in elements from one index to the next along each dim (a tuple), or
        along ``dim``: numpy's byte strides over the itemsize. A dim of size 1 that numpy
        gives stride 0 (``np.newaxis``) reads as torch's ``size * stride`` of the next dim
        (1 for the last); an expanded dim has stride 0, as torch. (Where tensorgraph copies
        and torch makes a view, ``diagonal`` say, the copy's strides are given.)"""
        a = self.array
        out = [s // a.itemsize for s in a.strides]
        nxt = 1
        for i in range(a.ndim - 1, -1, -1):
            if a.size == 0 or (a.shape[i] == 1 and out[i] == 0):  # empty: C order, as torch
                out[i] = nxt
            nxt = out[i] * builtins.max(a.shape[i], 1)
        if dim is None:
            return tuple(out)
        if a.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -a.ndim <= dim < a.ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-a.ndim}, {a.ndim - 1}], but got {dim})")
        return out[dim]

    def storage_offset(self) -> builtins.int:
        """Where the first element sits in the memory the array views, in elements."""
        a, root = self.array, self.array
        while isinstance(root.base, np.ndarray):
            root = root.base
        if root.size == 0 or a.size == 0:
            return 0
        lo = np.lib.array_utils.byte_bounds(root)[0]
        return (a.__array_interface__["data"][0] - lo) // a.itemsize

    def clone(self, *, memory_format: Any = None) -> Any:
        """A differentiable copy; the layout is kept (``preserve_format``, the default)
        or row-major (``contiguous_format``; ``channels_last`` also gives row-major)."""
        order = layout_order(memory_format, self.array.ndim, "clone")
        return P.Copy.apply(self, dtype=self.array.dtype, order=order)

    def contiguous(self, memory_format: Any = contiguous_format) -> Any:
        """This tensor when it is row-major already, else a row-major differentiable copy."""
        layout_order(memory_format, self.array.ndim, "contiguous")
        if self.array.flags.c_contiguous:
            return self
        return P.Copy.apply(self, dtype=self.array.dtype, order="C")

    def pin_memory(self, device: Any = None) -> Any:
        """Refused as torch's CPU build does: pinned memory is for copies to a GPU."""
        raise RuntimeError(
            "pin_memory: Cannot access accelerator device when none is available "
            "(pinned memory speeds up copies to a GPU; tensorgraph, like torch's CPU "
            "build, has none). Drop the call, or guard it with torch.cuda.is_available()."
        )

    # ------------------------------------------------------------ sizes and dtypes
    def nelement(self) -> builtins.int:
        """Number of elements (as ``numel``)."""
        return self.numel()

    def element_size(self) -> builtins.int:
        """Bytes per element."""
        return self.array.itemsize

    @property
    def itemsize(self) -> builtins.int:
        return self.array.itemsize

    @property
    def nbytes(self) -> builtins.int:
        return self.array.nbytes

    def is_floating_point(self) -> builtins.bool:
        return self.array.dtype.kind == "f"

    def is_complex(self) -> builtins.bool:
        return self.array.dtype.kind == "c"

    # torch's cast methods beyond float/double/long (in tensor.py); each is ``to(dtype)``
    def half(self) -> Any:
        return self.to(dtypes.float16)

    def bfloat16(self) -> Any:
        return self.to(dtypes.bfloat16)  # raises: numpy cannot store bfloat16

    def int(self) -> Any:
        return self.to(dtypes.int32)

    def short(self) -> Any:
        return self.to(dtypes.int16)

    def char(self) -> Any:
        return self.to(dtypes.int8)

    def byte(self) -> Any:
        return self.to(dtypes.uint8)

    def bool(self) -> Any:
        return self.to(dtypes.bool_)

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False) -> Any:
        """With no argument, torch's type name (``'torch.FloatTensor'``); with a dtype or
        such a name, the tensor cast to it."""
        if dtype is None:
            name = self.array.dtype.name
            return TYPE_NAMES.get(name, f"torch.{name}")
        if isinstance(dtype, str):
            if dtype.startswith("torch.cuda."):
                check_device("cuda", "type")
            if dtype not in _DTYPE_OF_NAME:
                raise ValueError(f"type: invalid type {dtype!r}; expected one of "
                                 f"{sorted(_DTYPE_OF_NAME)} or a dtype.")
            dtype = _DTYPE_OF_NAME[dtype]
        return self.to(dtype)

    def type_as(self, other: Any) -> Any:
        """This tensor cast to ``other``'s dtype."""
        return self.to(other.dtype)

    # ------------------------------------------------------------ new tensors like self
    def _new(self, array: np.ndarray, requires_grad: builtins.bool, op: str,
             device: Any) -> Any:
        check_device(device, op)
        out = type(self).from_array(array, False)
        return out.requires_grad_(True) if requires_grad else out

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False, layout: Any = None,
                  pin_memory: builtins.bool = False) -> Any:
        """Zeros of ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        return self._new(np.zeros(_size(size, "new_zeros"), np.dtype(dtype or self.dtype)),
                         requires_grad, "new_zeros", device)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False, layout: Any = None,
                 pin_memory: builtins.bool = False) -> Any:
        """Ones of ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        return self._new(np.ones(_size(size, "new_ones"), np.dtype(dtype or self.dtype)),
                         requires_grad, "new_ones", device)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False, layout: Any = None,
                  pin_memory: builtins.bool = False) -> Any:
        """An uninitialised tensor in torch; here zeros (never stale memory)."""
        return self._new(np.zeros(_size(size, "new_empty"), np.dtype(dtype or self.dtype)),
                         requires_grad, "new_empty", device)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False, layout: Any = None,
                 pin_memory: builtins.bool = False) -> Any:
        """``size`` filled with ``fill_value``, in this tensor's dtype."""
        shape = _size((size,) if isinstance(size, (builtins.int, np.integer)) else (size,),
                      "new_full")
        return self._new(np.full(shape, fill_value, np.dtype(dtype or self.dtype)),
                         requires_grad, "new_full", device)

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None,
                   requires_grad: builtins.bool = False, layout: Any = None,
                   pin_memory: builtins.bool = False) -> Any:
        """A copy of ``data`` as a tensor with this tensor's dtype (unless ``dtype``)."""
        values = data.array if hasattr(data, "array") else data
        return self._new(np.array(values, dtype=np.dtype(dtype or self.dtype)),
                         requires_grad, "new_tensor", device)

    # ------------------------------------------------------------ formatting
    def __format__(self, format_spec: str) -> str:
        """``f"{loss:.4f}"`` formats a 0-d tensor's number, as torch; other tensors
        take only the empty format (``str(t)``)."""
        if self.ndim == 0:
            return self.item().__format__(format_spec)
        return object.__format__(self, format_spec)
