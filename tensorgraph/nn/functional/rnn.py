"""Recurrent cells as composites (torch's gate order), and a layer runner over time.

Each ``*_step`` takes ``xw``, the input's projection ``x @ W_ih^T + b_ih`` already
computed (for a whole sequence that is one GEMM before the time loop), and the previous
state; ``W_hh`` acts on the state inside the step. torch's gate order:
LSTM ``i, f, g, o``; GRU ``r, z, n``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...tensor_functions import stack, where
from ...tensor import Tensor
from .linear import linear

__all__ = ["gru_step", "lstm_step", "rnn_relu_step", "rnn_tanh_step", "run_layer"]


def rnn_tanh_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = tanh(xw + h W_hh^T + b_hh)"""
    return (xw + linear(h, w_hh, b_hh)).tanh()


def rnn_relu_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = relu(xw + h W_hh^T + b_hh)"""
    return (xw + linear(h, w_hh, b_hh)).relu()


def lstm_step(xw: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None,
              w_hr: Tensor | None = None) -> tuple:
    """i, f, g, o = split(xw + h W_hh^T + b_hh); c' = f c + i g; h' = o tanh(c')
    (then h' = h' W_hr^T with a projection)."""
    h, c = state
    a = xw + linear(h, w_hh, b_hh)
    n = a.shape[-1] // 4
    i, f = a[..., :n].sigmoid(), a[..., n:2 * n].sigmoid()
    g, o = a[..., 2 * n:3 * n].tanh(), a[..., 3 * n:].sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, c


def gru_step(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """r, z = sigmoid(xw_rz + hw_rz); n = tanh(xw_n + r * hw_n); h' = (1 - z) n + z h,
    where hw = h W_hh^T + b_hh (torch applies r after the hidden bias)."""
    hw = linear(h, w_hh, b_hh)
    n3 = xw.shape[-1] // 3
    r = (xw[..., :n3] + hw[..., :n3]).sigmoid()
    z = (xw[..., n3:2 * n3] + hw[..., n3:2 * n3]).sigmoid()
    n = (xw[..., 2 * n3:] + r * hw[..., 2 * n3:]).tanh()
    return n + z * (h - n)


def run_layer(step: Callable, xw: Tensor, state: Any, reverse: bool, *weights: Any,
              valid: Tensor | None = None) -> tuple[Tensor, Any]:
    """Apply ``step`` over time (dim 0 of ``xw``; backwards with ``reverse``).

    ``valid`` (bool ``(T, N, 1)``, for variable-length batches) marks each sequence's
    real steps: elsewhere the state is carried unchanged, so the final state is each
    sequence's own last step (its first, going backwards: the state stays the initial
    one through the padding).

    Returns the outputs in time order ``(T, N, H)`` and the final state.
    """
    steps = range(xw.shape[0] - 1, -1, -1) if reverse else range(xw.shape[0])
    outs: list = [None] * xw.shape[0]
    for t in steps:
        new = step(xw[t], state, *weights)
        if valid is not None:
            keep = valid[t]
            new = (tuple(where(keep, a, b) for a, b in zip(new, state))
                   if isinstance(new, tuple) else where(keep, new, state))
        state = new
        outs[t] = state[0] if isinstance(state, tuple) else state
    return stack(outs, 0), state
