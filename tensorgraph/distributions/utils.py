"""Helpers the distributions share (torch.distributions.utils' public names)."""

from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np

from ..autograd import enable_grad
from ..creation import empty
from ..dtypes import get_default_dtype
from ..dtype_info import finfo
from ..nn import functional as F
from ..tensor import Tensor, tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs",
           "probs_to_logits", "standard_normal", "sum_rightmost"]


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The values broadcast to one shape; numbers become tensors of the first tensor's
    dtype (the default dtype if there is none), as torch."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else get_default_dtype()
    ts = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    try:
        shape = np.broadcast_shapes(*(tuple(t.shape) for t in ts))
    except ValueError:
        shapes = ", ".join(str(list(t.shape)) for t in ts)
        raise RuntimeError(f"broadcast_all: shapes {shapes} cannot be broadcast together; "
                           "make the parameters' shapes agree.") from None
    return tuple(t.expand(shape) for t in ts)


def standard_normal(shape: Any, dtype: Any) -> Tensor:
    """N(0, 1) noise of ``shape``: ``empty(shape).normal_()``, torch's stream for it."""
    return empty(shape, dtype=dtype).normal_()


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` with its last ``dim`` dims summed out."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.ndim - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Log-odds to probabilities (sigmoid), or logits to a softmax over the last dim."""
    return logits.sigmoid() if is_binary else F.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped to ``[eps, 1 - eps]`` of their dtype."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities to log-odds (binary) or to log-probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class lazy_property:
    """Computed on first access (with grad enabled, as torch), then cached on the instance."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)  # type: ignore[arg-type]

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
