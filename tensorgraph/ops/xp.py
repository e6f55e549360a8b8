"""The array namespaces behind ``ctx.xp``: what backward code uses where numpy arrays and
Tensors spell an operation differently.

A backward normally sees numpy arrays; during ``backward(create_graph=True)`` it sees
Tensors, so its own arithmetic is recorded. Operators (``* / + - @``), indexing,
``.mT``, ``.reshape`` and ``.sum(axis=, keepdims=)`` already mean the same on both; the
few operations below differ, so a backward writes ``ctx.xp.exp(y)`` and the engine
decides (through its create_graph mode) which namespace ``ctx.xp`` is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function, function
from .elementwise import Where
from .shape import IndexAdd, index_add_array


class ArrayOps:
    """``ctx.xp`` in an ordinary backward: gradients and saved values are numpy arrays."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    abs = staticmethod(np.abs)
    cumsum = staticmethod(np.cumsum)
    cumprod = staticmethod(np.cumprod)
    flip = staticmethod(np.flip)
    stack = staticmethod(np.stack)

    @staticmethod
    def values(x: np.ndarray) -> np.ndarray:
        """The plain array behind ``x`` (for constants such as masks and signs)."""
        return np.asarray(x)

    @staticmethod
    def where(mask: np.ndarray, a: Any, b: Any) -> np.ndarray:
        """``a`` where ``mask`` else ``b``; ``mask`` is a constant boolean array."""
        return np.where(mask, a, b)

    @staticmethod
    def expand(g: np.ndarray, shape: tuple) -> np.ndarray:
        """Broadcast ``g`` to ``shape`` (a read-only view)."""
        return np.broadcast_to(g, shape)

    @staticmethod
    def permute(g: np.ndarray, axes: tuple) -> np.ndarray:
        return np.transpose(g, axes)

    @staticmethod
    def index_add(g: np.ndarray, shape: tuple, index: Any, accumulate: bool = True
                  ) -> np.ndarray:
        """zeros(shape) with ``g`` added at ``index`` (GetItem's backward)."""
        return index_add_array(g, shape, index, accumulate)


class TensorOps:
    """``ctx.xp`` during a create_graph backward: the same operations, recorded."""

    @staticmethod
    def exp(x: Any) -> Any:
        return x.exp()

    @staticmethod
    def log(x: Any) -> Any:
        return x.log()

    @staticmethod
    def abs(x: Any) -> Any:
        return x.abs()

    @staticmethod
    def cumsum(x: Any, axis: int) -> Any:
        return x.cumsum(axis)

    @staticmethod
    def cumprod(x: Any, axis: int) -> Any:
        return x.cumprod(axis)

    @staticmethod
    def flip(x: Any, axis: int) -> Any:
        return x.flip(axis)

    @staticmethod
    def stack(parts: list, axis: int) -> Any:
        from ..tensor import stack  # ops are imported before tensor.py defines it

        return stack(parts, axis)

    @staticmethod
    def values(x: Any) -> np.ndarray:
        """The plain array behind ``x`` (for constants such as masks and signs)."""
        return x.array

    @staticmethod
    def where(mask: np.ndarray, a: Any, b: Any) -> Any:
        tensor = function.Tensor
        ref = a if isinstance(a, tensor) else b
        return Where.apply(tensor.from_array(np.asarray(mask), False), tensor.as_operand(a, ref),
                           tensor.as_operand(b, ref))

    @staticmethod
    def expand(g: Any, shape: tuple) -> Any:
        return g.expand(*shape)

    @staticmethod
    def permute(g: Any, axes: tuple) -> Any:
        return g.permute(*axes)

    @staticmethod
    def index_add(g: Any, shape: tuple, index: Any, accumulate: bool = True) -> Any:
        return IndexAdd.apply(g, shape=shape, index=index, accumulate=accumulate)


Function.array_ops, Function.tensor_ops = ArrayOps, TensorOps
