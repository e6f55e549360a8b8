"""Recurrent layers, as ``torch.nn``: RNN, LSTM, GRU and RNNCell, LSTMCell, GRUCell.

Parameter names, shapes, gate order and init are torch's (``weight_ih_l0``,
``weight_hh_l0_reverse``, ...), so a torch ``state_dict`` loads and gives the same
outputs and gradients. An LSTM layer without projection runs as one fused op
(:class:`tensorgraph.ops.rnn.LSTMLayer`); the other layers are composites of the
cells in ``nn.functional.rnn``, with the input projection of all time steps done as
one GEMM before the time loop.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import dtypes
from ..creation import zeros
from ..tensor_functions import cat, stack
from ..ops.rnn import LSTMLayer
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.rnn import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step, run_layer
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence, pack_like, pad_packed_sequence

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_STEPS = {"GRU": gru_step, "RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step}


def _zeros_state(shape: tuple, like: Tensor) -> Tensor:
    return Tensor.from_array(np.zeros(shape, dtype=like.dtype), False)


def _check_state(h: Tensor, expected: tuple, what: str, name: str) -> None:
    if tuple(h.shape) != expected:
        raise RuntimeError(f"{name}: Expected {what} size {expected}, got {list(h.shape)}.")


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters per layer and direction, the layer loop.

    Args:
        mode: ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'``.
        input_size: features of each input step. hidden_size: features of the state.
        num_layers: stacked layers (default 1).
        bias: learn ``bias_ih``/``bias_hh`` (default True).
        batch_first: input and output are ``(N, L, H)`` instead of ``(L, N, H)``.
        dropout: dropout on each layer's output except the last (training only).
        bidirectional: also run each layer backwards; outputs are concatenated.
        proj_size: (LSTM only) project h to this size with ``weight_hr_l{k}``.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout should be a number in [0, 1], got {dropout}.")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, "
                          f"so non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{name}: hidden_size and num_layers must be > 0, got "
                             f"{hidden_size} and {num_layers}.")
        if proj_size < 0 or (proj_size and (mode != "LSTM" or proj_size >= hidden_size)):
            raise ValueError(f"{name}: proj_size must be 0, or (LSTM only) a positive number "
                             f"smaller than hidden_size {hidden_size}; got {proj_size}.")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        gates = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        dtype = dtype or dtypes.get_default_dtype()
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                layer_in = input_size if layer == 0 else real_hidden * (2 if bidirectional else 1)
                sfx = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {f"weight_ih{sfx}": (gates, layer_in),
                          f"weight_hh{sfx}": (gates, real_hidden)}
                if bias:
                    shapes.update({f"bias_ih{sfx}": (gates,), f"bias_hh{sfx}": (gates,)})
                if proj_size:
                    shapes[f"weight_hr{sfx}"] = (proj_size, hidden_size)
                for pname, shape in shapes.items():
                    setattr(self, pname, Parameter(zeros(*shape, dtype=dtype)))
                    self._flat_weights_names.append(pname)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """A no-op (cuDNN's weight layout does not exist here), kept for torch code."""

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, as torch."""
        per = len(self._flat_weights_names) // (self.num_layers * (1 + self.bidirectional))
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def _weights(self, layer: int, direction: int) -> tuple:
        sfx = f"_l{layer}" + ("_reverse" if direction else "")
        get = self._parameters.get
        return (get(f"weight_ih{sfx}"), get(f"weight_hh{sfx}"), get(f"bias_ih{sfx}"),
                get(f"bias_hh{sfx}"), get(f"weight_hr{sfx}"))

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    # ------------------------------------------------------------ forward
    def _states(self, hx: Any, x: Tensor, batched: bool) -> list:
        """The initial state(s), each (num_layers * D, N, size), zeros when not given."""
        name, n = type(self).__name__, x.shape[1]
        layers = self.num_layers * (2 if self.bidirectional else 1)
        sizes = [self.proj_size or self.hidden_size]
        if self.mode == "LSTM":
            sizes.append(self.hidden_size)
        if hx is None:
            return [_zeros_state((layers, n, s), x) for s in sizes]
        given = list(hx) if self.mode == "LSTM" else [hx]
        if self.mode == "LSTM" and len(given) != 2:
            raise RuntimeError(f"{name}: hx must be a tuple (h_0, c_0).")
        out = []
        for h, s, what in zip(given, sizes, ("hidden", "cell")):
            if not batched:
                if h.ndim != 2:
                    raise RuntimeError(f"{name}: for unbatched 2-D input, {what} state "
                                       f"should also be 2-D but got {h.ndim}-D.")
                h = h.unsqueeze(1)
            _check_state(h, (layers, n, s), what, name)
            if h.dtype != x.dtype:
                raise TypeError(f"{name}: {what} state is {h.dtype} but input is {x.dtype}.")
            out.append(h)
        return out

    def _layer(self, x: Tensor, state: list, w: tuple, reverse: bool,
               valid: Tensor | None = None) -> tuple:
        """One layer in one direction: (outputs (T, N, H), final state list). ``valid``
        (packed input) masks each sequence's padding steps (see ``run_layer``)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = w
        if self.mode == "LSTM" and w_hr is None and valid is None:
            bias = () if b_ih is None else (b_ih, b_hh)
            hc = LSTMLayer.apply(x, state[0], state[1], w_ih, w_hh, *bias, reverse=reverse)
            H, last = self.hidden_size, 0 if reverse else x.shape[0] - 1
            return hc[..., :H], [hc[last, :, :H], hc[last, :, H:]]
        xw = F.linear(x, w_ih, b_ih)
        if self.mode == "LSTM":
            y, (h, c) = run_layer(lstm_step, xw, tuple(state), reverse, w_hh, b_hh, w_hr,
                                  valid=valid)
            return y, [h, c]
        y, h = run_layer(_STEPS[self.mode], xw, state[0], reverse, w_hh, b_hh, valid=valid)
        return y, [h]

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple:
        name = type(self).__name__
        x, valid = input, None
        if isinstance(input, PackedSequence):
            # Padded (T, B, *) in the original batch order; padding steps are masked so
            # h_n is each sequence's own last step, and the output is packed back.
            x, lengths = pad_packed_sequence(input)
            valid = Tensor.from_array(
                (np.arange(x.shape[0])[:, None] < lengths.array[None, :])[..., None], False)
        if not isinstance(x, Tensor) or x.ndim not in (2, 3):
            got = f"{x.ndim}D" if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {got} instead.")
        if x.dtype.kind != "f":
            raise TypeError(f"{name}: input must be floating point, got {x.dtype}.")
        w0 = self._flat_weights[0]
        if x.dtype != w0.dtype:
            raise TypeError(f"{name}: input is {x.dtype} but the weights are {w0.dtype}; "
                            "convert one (x.float() / model.double()).")
        batched = x.ndim == 3
        if not batched:
            x = x.unsqueeze(1)
        elif self.batch_first and valid is None:
            x = x.transpose(0, 1)
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. "
                               f"Expected {self.input_size}, got {x.shape[-1]}.")
        if x.shape[0] == 0:
            raise RuntimeError(f"Expected sequence length to be larger than 0 in RNN "
                               f"({name} got a sequence of shape {tuple(x.shape)}; pass at "
                               "least one time step)")
        states = self._states(hx, x, batched)
        dirs = 2 if self.bidirectional else 1
        finals: list[list] = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                y, last = self._layer(x, [s[k] for s in states], self._weights(layer, d),
                                      reverse=d == 1, valid=valid)
                outs.append(y)
                for acc, s in zip(finals, last):
                    acc.append(s)
            x = outs[0] if dirs == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                if valid is None:
                    x = F.dropout(x, self.dropout, True)
                else:  # torch drops out the packed data (its mask covers valid steps)
                    packed = pack_like(x, input)
                    x = pad_packed_sequence(packed._replace(
                        data=F.dropout(packed.data, self.dropout, True)))[0]
        h_n = [stack(acc, 0) for acc in finals]
        if not x.is_contiguous():
            # The fused LSTM's output is a slice of its (T, N, 2H) [h | c] buffer; torch's
            # is a dense (T, N, H) tensor, and its layout decides how dropout's mask on it
            # is drawn (batch_first returns a transposed view of it, as torch).
            x = x.contiguous()
        if valid is not None:
            out = pack_like(x, input)
            return (out, tuple(h_n)) if self.mode == "LSTM" else (out, h_n[0])
        if not batched:
            x, h_n = x.squeeze(1), [h.squeeze(1) for h in h_n]
        elif self.batch_first:
            x = x.transpose(0, 1)
        return (x, tuple(h_n)) if self.mode == "LSTM" else (x, h_n[0])


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu).

    Args: as :class:`RNNBase` (no proj_size), plus ``nonlinearity`` ``'tanh'``/``'relu'``.

    Shape:
        - input ``(L, N, H_in)`` (``(N, L, H_in)`` batch_first, ``(L, H_in)``
          unbatched); h_0 ``(D * num_layers, N, H)``, zeros if omitted.
        - Returns ``(output, h_n)``: output ``(L, N, D * H)``, h_n like h_0.

    Example:
        >>> rnn = tg.nn.RNN(10, 20, 2)
        >>> out, h = rnn(tg.randn(5, 3, 10))
        >>> out.shape, h.shape
        ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory: gates ``i, f, g, o`` (torch's order) from
    ``x_t W_ih^T + b_ih + h W_hh^T + b_hh``; ``c_t = f c + i g``, ``h_t = o tanh(c_t)``.

    Args: as :class:`RNNBase`, including ``proj_size``.

    Shape:
        - input as :class:`RNN`; hx ``(h_0, c_0)``, each ``(D * num_layers, N, H)``
          (h_0 has ``proj_size`` features with a projection).
        - Returns ``(output, (h_n, c_n))``.

    Example:
        >>> lstm = tg.nn.LSTM(10, 20, 2, batch_first=True)
        >>> out, (h, c) = lstm(tg.randn(3, 5, 10))
        >>> out.shape, h.shape, c.shape
        ((3, 5, 20), (2, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit: gates ``r, z, n`` (torch's order);
    ``n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))``, ``h_t = (1 - z) n + z h``.

    Args and Shape: as :class:`RNN` (no nonlinearity).

    Example:
        >>> gru = tg.nn.GRU(10, 20)
        >>> out, h = gru(tg.randn(5, 3, 10))
        >>> h.shape
        (1, 3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)


from .rnn_cell import GRUCell, LSTMCell, RNNCell
