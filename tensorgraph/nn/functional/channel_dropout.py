"""``dropout1d`` / ``dropout2d`` / ``dropout3d``: zero whole channels (a composite).

The mask has one entry per (sample, channel) and broadcasts over the spatial dims; it
is drawn through :func:`dropout`, so it uses the same generator and scaling.
"""

from __future__ import annotations

from ...creation import ones
from ...tensor import Tensor
from .activation import dropout
from .check import as_tensor, floating
from .inplace import inplace_form

__all__ = ["dropout1d", "dropout2d", "dropout3d"]


def _channel_dropout(op: str, input, p: float, training: bool, k: int) -> Tensor:
    x = floating(as_tensor(input, op), op)
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if x.ndim not in (k + 1, k + 2):
        raise RuntimeError(
            f"{op}: Expected {k + 1}D or {k + 2}D input, but received a {x.ndim}D input "
            f"{tuple(x.shape)}. {op} zeroes whole channels of (N, C, spatial...) or (C, spatial...)."
        )
    if not training or p == 0:
        return x
    mask_shape = x.shape[:x.ndim - k] + (1,) * k
    return x * dropout(ones(*mask_shape, dtype=x.dtype), p, True)


@inplace_form("dropout1d")
def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero each channel of ``(N, C, L)`` (or ``(C, L)``) with probability p; scale the
    rest by 1/(1-p)."""
    return _channel_dropout("dropout1d", input, p, training, 1)


@inplace_form("dropout2d")
def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero each channel of ``(N, C, H, W)`` (or ``(C, H, W)``) with probability p."""
    return _channel_dropout("dropout2d", input, p, training, 2)


@inplace_form("dropout3d")
def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero each channel of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) with probability p."""
    return _channel_dropout("dropout3d", input, p, training, 3)
