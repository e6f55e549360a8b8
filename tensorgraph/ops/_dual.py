"""Helpers for backward code that must run on numpy arrays and on Tensors.

A backward normally sees numpy arrays. During ``backward(create_graph=True)`` it sees
Tensors, so its own arithmetic is recorded. Operators (``* / + - @``), ``.mT``,
``.reshape`` and ``.sum(axis=, keepdims=)`` already mean the same on both; the few
operations whose spelling differs live here.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def expand(g: Any, shape: tuple) -> Any:
    """Broadcast ``g`` to ``shape`` (a read-only view for arrays)."""
    if isinstance(g, np.ndarray):
        return np.broadcast_to(g, shape)
    return g.expand(*shape)


def permute(g: Any, axes: tuple) -> Any:
    """Reorder the axes of ``g``."""
    if isinstance(g, np.ndarray):
        return np.transpose(g, axes)
    return g.permute(*axes)


def where(mask: np.ndarray, a: Any, b: Any) -> Any:
    """``a`` where ``mask`` else ``b``; ``mask`` is a constant boolean array."""
    if not hasattr(a, "grad_fn") and not hasattr(b, "grad_fn"):
        return np.where(mask, a, b)
    from .elementwise import Where

    t = type(a) if hasattr(a, "grad_fn") else type(b)
    return Where.apply(t._wrap(np.asarray(mask), False), t._lift(a, b), t._lift(b, a))


def log(x: Any) -> Any:
    """Natural log of an array or Tensor."""
    return np.log(x) if isinstance(x, np.ndarray) else x.log()


def exp(x: Any) -> Any:
    """e ** x of an array or Tensor."""
    return np.exp(x) if isinstance(x, np.ndarray) else x.exp()
