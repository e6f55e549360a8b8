"""Transitional: backward code should use ``ctx.xp`` (see ``tensorgraph/ops/xp.py``).

These helpers pick the namespace from the type of their argument; they stay until the
backward code written against them (in other branches) moves to ``ctx.xp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .xp import ArrayOps, TensorOps


def _ops(*xs: Any) -> type:
    return ArrayOps if all(not hasattr(x, "grad_fn") for x in xs) else TensorOps


def expand(g: Any, shape: tuple) -> Any:
    return _ops(g).expand(g, shape)


def permute(g: Any, axes: tuple) -> Any:
    return _ops(g).permute(g, axes)


def where(mask: np.ndarray, a: Any, b: Any) -> Any:
    return _ops(a, b).where(mask, a, b)


def log(x: Any) -> Any:
    return _ops(x).log(x)


def exp(x: Any) -> Any:
    return _ops(x).exp(x)
