"""dtypes (numpy dtypes under PyTorch's names), the default float dtype, promotion."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
half, float, double, long, int = float16, float32, float64, int64, int32  # torch aliases

_default = [float32]


def get_default_dtype() -> np.dtype:
    """The dtype of floats made from Python numbers (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: Any) -> None:
    """Set the default float dtype: ``tg.float32`` or ``tg.float64`` (as PyTorch)."""
    d = np.dtype(d)
    if d not in (float32, float64):
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

