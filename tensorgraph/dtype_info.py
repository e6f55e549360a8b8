"""``tg.finfo`` / ``tg.iinfo``: the limits of a float / integer dtype, as torch's; and
torch's dtype functions ``promote_types``, ``result_type``, ``can_cast``.

The values are Python floats and ints (``tg.finfo(tg.float32).eps`` is
``1.1920928955078125e-07``, as torch prints it; numpy's ``finfo`` gives a
``np.float32``), and the reprs are torch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .tensor import Tensor

__all__ = ["can_cast", "finfo", "iinfo", "promote_types", "result_type"]


def _dtype_arg(d: Any, op: str) -> Any:
    if d.__class__ is not dtypes.dtype:
        if isinstance(d, np.dtype) or (isinstance(d, type) and issubclass(d, np.generic)):
            return dtypes.as_dtype(d)
        raise TypeError(f"{op}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{type(d).__name__}")
    return d


class finfo:
    """Machine limits of a float dtype (the default dtype when none is given)."""

    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type: Any = None) -> None:
        d = dtypes.get_default_dtype() if type is None else _dtype_arg(type, "finfo")
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(d.dtype)
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # torch: in double (numpy: dtype)
        self.dtype = d.name  # a string, as torch's

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """Limits of an integer dtype."""

    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type: Any) -> None:
        d = _dtype_arg(type, "iinfo")
        if d is dtypes.bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.kind not in "iu":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(d.dtype)
        self.bits, self.max, self.min = int(info.bits), int(info.max), int(info.min)
        self.dtype = d.name

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__


def promote_types(type1: Any, type2: Any) -> Any:
    """The dtype an op on tensors of these two dtypes gives (torch's promotion)."""
    a, b = _dtype_arg(type1, "promote_types"), _dtype_arg(type2, "promote_types")
    return dtypes.as_dtype(dtypes.promote(a.dtype, b.dtype))


def result_type(tensor1: Any, tensor2: Any) -> Any:
    """The dtype of an arithmetic op on these operands (tensors or Python numbers): a
    number or 0-d tensor decides only when its category (bool < int < float) is higher."""
    if not isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
        tensor1, tensor2 = tensor2, tensor1
    if isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
        a, b = tensor1.array, tensor2.array
        return dtypes.as_dtype(dtypes.promote(a.dtype, b.dtype, a.ndim == 0, b.ndim == 0))
    if isinstance(tensor1, Tensor):
        return dtypes.as_dtype(dtypes.scalar_dtype(tensor2, tensor1.array.dtype))
    first = dtypes.scalar_dtype(tensor1, dtypes.bool_.dtype)  # two numbers
    return dtypes.as_dtype(dtypes.promote(first, dtypes.scalar_dtype(tensor2, first)))


def can_cast(from_: Any, to: Any) -> bool:
    """torch's casting rule: allowed unless it lowers the category (float -> int,
    int -> bool); narrowing within a category is allowed."""
    a, b = _dtype_arg(from_, "can_cast"), _dtype_arg(to, "can_cast")
    order = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return order[a.kind] <= order[b.kind]
