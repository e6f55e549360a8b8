"""RNNCell, LSTMCell, GRUCell (``torch.nn``): one time step, same parameters as torch's."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.rnn import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step
from .module import Module
from .parameter import Parameter

__all__ = ["GRUCell", "LSTMCell", "RNNCell"]


class RNNCellBase(Module):
    """Parameters ``weight_ih (G*H, I)``, ``weight_hh (G*H, H)``, ``bias_ih``, ``bias_hh``
    (``(G*H,)``), all from U(-1/sqrt(H), 1/sqrt(H)), G the number of gates."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = dtype or dtypes.get_default_dtype()
        self.weight_ih = Parameter(zeros(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(zeros(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(zeros(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(zeros(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input: Tensor, hx: Any) -> tuple[Tensor, list, bool]:
        """(input as (N, I), states as (N, H) each, whether the input was batched)."""
        name = type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            got = input.ndim if isinstance(input, Tensor) else type(input).__name__
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {got}D instead.")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got "
                               f"{input.shape[-1]} expected {self.input_size}.")
        if input.dtype != self.weight_ih.dtype:
            raise TypeError(f"{name}: input is {input.dtype} but the weights are "
                            f"{self.weight_ih.dtype}.")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        n = x.shape[0]
        count = 2 if isinstance(self, LSTMCell) else 1
        if hx is None:
            states = [Tensor.from_array(np.zeros((n, self.hidden_size), x.dtype), False)] * count
        else:
            states = list(hx) if count == 2 else [hx]
            states = [h if batched else h.unsqueeze(0) for h in states]
            for h in states:
                if tuple(h.shape) != (n, self.hidden_size):
                    raise RuntimeError(f"{name}: hidden state has shape {tuple(h.shape)}, "
                                       f"expected ({n}, {self.hidden_size}).")
        return x, states, batched


class RNNCell(RNNCellBase):
    """``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Shape: input ``(N, I)`` or ``(I)``; hx ``(N, H)`` or ``(H)``, zeros if omitted.

    Example:
        >>> cell = tg.nn.RNNCell(10, 20)
        >>> cell(tg.randn(3, 10)).shape
        (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, hx)
        step = rnn_tanh_step if self.nonlinearity == "tanh" else rnn_relu_step
        h = step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates ``i, f, g, o``); returns ``(h', c')``.

    Example:
        >>> cell = tg.nn.LSTMCell(10, 20)
        >>> h, c = cell(tg.randn(3, 10))
        >>> h.shape, c.shape
        ((3, 20), (3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        x, (h, c), batched = self._prepare(input, hx)
        h, c = lstm_step(F.linear(x, self.weight_ih, self.bias_ih), (h, c), self.weight_hh,
                         self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (gates ``r, z, n``).

    Example:
        >>> cell = tg.nn.GRUCell(10, 20)
        >>> cell(tg.randn(3, 10)).shape
        (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, hx)
        h = gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh,
                     self.bias_hh)
        return h if batched else h.squeeze(0)
