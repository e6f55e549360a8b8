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


def is_float(d: np.dtype) -> bool:
    return d.kind == "f"


def promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's rule for two tensors: a float beats an integer; else the wider one."""
    if a == b:
        return a
    fa, fb = a.kind == "f", b.kind == "f"
    if fa != fb:
        return a if fa else b
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

