"""dtypes (torch's names, each standing for one numpy dtype), the default float dtype,
promotion.

``tg.float32`` is a :class:`dtype`: it prints as ``tensorgraph.float32`` (torch prints
``torch.float32``) and has torch's attributes, and it is equal to, hashes as and converts
to the numpy dtype it stands for, so numpy takes it anywhere it takes a dtype
(``np.zeros(3, tg.float32)``, ``a.astype(tg.int64)``, ``np.dtype(tg.half)``). Inside the
engine, code that does numpy work reads ``array.dtype`` (a numpy dtype); ``Tensor.dtype``
and the dtype functions give these objects.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class dtype:
    """A tensor element type, as ``torch.dtype``: one object per type, compared by identity
    with other dtypes and by value with numpy dtypes (``tg.float32 == np.float32``)."""

    __slots__ = ("dtype", "kind", "itemsize", "name", "is_floating_point", "is_complex",
                 "is_signed", "abbr")

    def __init__(self, name: str, abbr: str) -> None:
        np_dtype = np.dtype(name)
        self.dtype = np_dtype  # numpy reads this attribute: np.dtype(tg.float32) is float32
        self.kind = np_dtype.kind
        self.itemsize = np_dtype.itemsize
        self.name = np_dtype.name
        self.is_floating_point = np_dtype.kind == "f"
        self.is_complex = np_dtype.kind == "c"
        self.is_signed = np_dtype.kind in "fic"
        self.abbr = abbr

    def __repr__(self) -> str:
        return "tensorgraph." + self.name

    __str__ = __repr__

    def __eq__(self, other: Any) -> builtins.bool:
        if other.__class__ is dtype:
            return self is other
        try:
            return builtins.bool(self.dtype == other)
        except TypeError:
            return False

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)

    def __reduce__(self) -> str:
        return self.name  # pickled as the global tensorgraph.<name>: loads as the singleton

    def __getattr__(self, attr: str) -> Any:  # numpy's own attributes: .char, .type, .str, ...
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.dtype, attr)

    def to_real(self) -> dtype:
        """The real dtype of the same width: the dtype itself (tensorgraph has no complex)."""
        return self

    def to_complex(self) -> dtype:
        raise RuntimeError(f"to_complex: tensorgraph has no complex dtypes (asked for the "
                           f"complex counterpart of {self}).")


dtype.__module__ = "tensorgraph"  # pickles name tensorgraph.float32, and the class prints so

float16 = dtype("float16", "f16")
float32 = dtype("float32", "f32")
float64 = dtype("float64", "f64")
int8 = dtype("int8", "i8")
int16 = dtype("int16", "i16")
int32 = dtype("int32", "i32")
int64 = dtype("int64", "i64")
uint8 = dtype("uint8", "u8")
uint16 = dtype("uint16", "u16")  # as torch: few ops (torch has no arithmetic on them on CPU)
uint32 = dtype("uint32", "u32")
uint64 = dtype("uint64", "u64")
bool_ = dtype("bool", "b8")
half, float, double, long, int, short = float16, float32, float64, int64, int32, int16


class _Unstorable(dtype):
    """A torch float dtype numpy has no type for: the object exists (a program's table
    ``{"bfloat16": torch.bfloat16, ...}`` runs), but no tensor can be made of it."""

    __slots__ = ()

    def __init__(self, name: str, abbr: str, itemsize: builtins.int) -> None:
        self.kind, self.itemsize, self.name, self.abbr = "f", itemsize, name, abbr
        self.is_floating_point, self.is_complex, self.is_signed = True, False, True

    @property
    def dtype(self) -> np.dtype:  # what numpy reads: every attempt to use it lands here
        raise TypeError(f"{self}: numpy has no {self.name} type, so tensorgraph cannot "
                        "store it; use float32 (or float16/float64).")

    def __eq__(self, other: Any) -> builtins.bool:
        return self is other

    def __hash__(self) -> builtins.int:
        return hash(self.name)

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(attr)


bfloat16 = _Unstorable("bfloat16", "bf16", 2)

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
       bool_)
OF_NUMPY = {d.dtype: d for d in ALL}  # numpy dtype -> its tensorgraph dtype


def of_numpy(np_dtype: Any) -> Any:
    """The tensorgraph dtype for a numpy dtype (a numpy dtype with none is returned as is)."""
    return OF_NUMPY.get(np_dtype, np_dtype)


def as_dtype(d: Any) -> Any:
    """A dtype argument (tensorgraph or numpy dtype, numpy type, name) as a tensorgraph
    dtype."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, _Unstorable):
        return d.dtype  # raises, saying so
    np_dtype = np.dtype(d)
    return OF_NUMPY.get(np_dtype, np_dtype)


_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype of floats made from Python numbers (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: Any) -> None:
    """Set the default float dtype: ``tg.float32`` or ``tg.float64`` (as PyTorch)."""
    d = as_dtype(d)
    if d is not float32 and d is not float64:
        raise TypeError(
            f"set_default_dtype: only float32 or float64 can be the default, got {d}."
        )
    _default[0] = d


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promote(a: np.dtype, b: np.dtype, a_0d: bool = False, b_0d: bool = False) -> np.dtype:
    """PyTorch's result dtype for two tensors of dtypes ``a`` and ``b``.

    The higher category (bool < integer < float) wins, else the wider dtype. A 0-d
    tensor (``a_0d``/``b_0d``) facing a tensor with dims only decides the dtype when
    its category is higher: ``float32 (3,) + float64 ()`` stays float32, as in torch.
    """
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if a_0d != b_0d:
        if a_0d and ca <= cb:
            return b
        if b_0d and cb <= ca:
            return a
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


_SCALAR_TYPE_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half",
                      "bfloat16": "BFloat16", "int64": "Long", "int32": "Int",
                      "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def scalar_type_name(np_dtype: Any) -> str:
    """torch's C++ name of a dtype (``Long`` for int64), as its error messages say it."""
    name = np.dtype(np_dtype).name
    return _SCALAR_TYPE_NAMES.get(name, name)


def check_cast(result: np.dtype, out: np.dtype, op: str) -> None:
    """torch's canCast, for a result written into an existing tensor (in-place ops,
    ``out=``): no float result into an integer tensor, no non-bool into bool."""
    if (result.kind == "f" and out.kind in "iub") or (result.kind != "b" and out.kind == "b"):
        raise RuntimeError(
            f"result type {scalar_type_name(result)} can't be cast to the desired "
            f"output type {scalar_type_name(out)} ({op} on a {out} tensor; use the "
            "out-of-place form, or convert the tensor first with .to())"
        )


_C_TYPE_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool"}


def check_matmul_dtypes(a: np.dtype, b: np.dtype, kernel: str) -> None:
    """Refuse a product of two dtypes as torch does (no promotion), in the words of the
    torch kernel it would reach: ``mm``, ``bmm``, ``mv`` (addmv) or ``dot``."""
    if a == b:
        return
    A, B = scalar_type_name(a), scalar_type_name(b)
    msg = {
        "mm": "expected m1 and m2 to have the same dtype, but got: "
              f"{_C_TYPE_NAMES.get(a.name, a.name)} != {_C_TYPE_NAMES.get(b.name, b.name)}",
        "bmm": f"expected scalar type {A} but found {B}",
        "mv": f"addmv input tensors must have the same dtype, but got {B}, {A}, and {B}",
        "dot": f"dot : expected both vectors to have same dtype, but found {A} and {B}",
    }[kernel]
    raise RuntimeError(f"{msg} (matrix products do not promote dtypes; convert one operand "
                       "with .to(other.dtype))")


def scalar_array(value: Any, like: np.dtype) -> np.ndarray:
    """A Python or numpy scalar as the 0-d array it becomes beside a tensor of dtype
    ``like``; an int outside an integer dtype's range wraps, as torch casts it
    (``uint8_tensor - 2`` is 255 minus 1, not numpy's OverflowError)."""
    dt = scalar_dtype(value, like)
    if dt.kind in "iu" and isinstance(value, builtins.int) and -2**63 <= value < 2**64:
        return np.array(value, np.uint64 if value >= 2**63 else np.int64).astype(dt)
    return np.asarray(value, dtype=dt)


def checked_fill(value: Any, like: Any, op: str) -> Any:
    """``value`` ready to be written into an integer tensor of dtype ``like`` (fill_,
    masked_fill, full, ...): torch refuses an int that overflows it (a uint8 takes -255
    to 255, the negative ones wrapping) instead of storing a wrapped number."""
    like = np.dtype(like)
    if like.kind not in "iu" or isinstance(value, builtins.bool) \
            or not isinstance(value, (builtins.int, np.integer)):
        return value
    info = np.iinfo(like)
    low = -info.max if like.kind == "u" else info.min
    if not low <= builtins.int(value) <= info.max:
        raise RuntimeError(f"value cannot be converted to type {like.name}_t without overflow "
                           f"({op}: {value} does not fit in {like.name}, range "
                           f"[{info.min}, {info.max}])")
    return np.array(builtins.int(value), np.int64).astype(like)


def scalar_dtype(value: Any, like: np.dtype) -> np.dtype:
    """dtype for a Python scalar combined with a tensor of dtype ``like``.

    Python scalars never upcast a tensor: ``float32 + 2.5`` stays float32; an
    integer tensor with a float scalar becomes the default float dtype.
    """
    if isinstance(value, builtins.bool):
        return like
    if isinstance(value, (builtins.int, np.integer)):
        return like if like.kind != "b" else int64
    if isinstance(value, (builtins.float, np.floating)):
        return like if like.kind == "f" else get_default_dtype()
    return like

