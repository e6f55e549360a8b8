"""Argument checks shared by ``tensorgraph.nn.functional``: errors that teach."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes
from ...ops.loss import reduce as reduce  # one home for loss reductions
from ...tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def as_tensor(x: Any, op: str, name: str = "input") -> Tensor:
    """``x`` as a Tensor (numbers/arrays are wrapped); anything else is a TypeError."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, int, float, list, tuple, np.number)):
        return Tensor.as_operand(x, np.zeros((), dtypes.get_default_dtype()))
    raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}.")


def floating(x: Tensor, op: str, name: str = "input") -> Tensor:
    """Refuse integer/bool tensors where a float is needed, saying how to convert."""
    if x.array.dtype.kind != "f":
        raise TypeError(
            f"{op}: {name} must be a floating point tensor, got {x.dtype} "
            f"(shape {tuple(x.shape)}). Convert it first: {name}.float()."
        )
    return x


def same_dtype(x: Tensor, ref: Tensor) -> Tensor:
    """Cast ``x`` to ``ref``'s float dtype (differentiably) when they differ."""
    return x if x.dtype == ref.dtype else x.to(ref.dtype)


def reduction(value: str, op: str) -> str:
    if value not in REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got {value!r}."
        )
    return value


def pair(v: Any, op: str, name: str) -> tuple[int, int]:
    """An int or a pair of ints (kernel_size, stride, ...) as a pair of ints >= 0."""
    vals = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(vals) != 2 or not all(isinstance(i, (int, np.integer)) for i in vals):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {v!r}.")
    if any(i < 0 for i in vals):
        raise ValueError(f"{op}: {name} must be non-negative, got {v!r}.")
    return int(vals[0]), int(vals[1])


def same_shape(input: Tensor, target: Tensor, op: str) -> None:
    """Element-wise losses need target.shape == input.shape (no silent broadcasting)."""
    if input.shape != target.shape:
        raise ValueError(
            f"{op}: target shape {tuple(target.shape)} differs from input shape {tuple(input.shape)}; "
            "they must be equal (broadcasting them would silently compute a different "
            "loss). Reshape the target, e.g. target.reshape(input.shape)."
        )


def legacy_reduction(size_average: bool | None, reduce: bool | None, how: str,
                     op: str) -> str:
    """torch's deprecated ``size_average``/``reduce`` flags folded into ``reduction``."""
    if size_average is None and reduce is None:
        return reduction(how, op)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    how = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{how}' instead.", UserWarning, stacklevel=3)
    return how


def float_pair(op: str, input: Any, target: Any) -> tuple[Tensor, Tensor]:
    """input and target of an element-wise loss: floating, same shape, same dtype."""
    x = floating(as_tensor(input, op), op)
    y = floating(as_tensor(target, op, "target"), op, "target")
    same_shape(x, y, op)
    return x, same_dtype(y, x)
