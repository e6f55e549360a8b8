"""RNN, LSTM, GRU and their cells against torch: torch's state_dict loads, outputs and
gradients (inputs, initial states, every parameter) agree in float64, every option."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from lm_oracle import check_twins, twins

import tensorgraph as tg
from tensorgraph import nn

OPTIONS = list(itertools.product([1, 2], [False, True], [False, True], [True, False]))


def _seq(rng, batch_first, T=5, N=3, I=4, batched=True):
    if not batched:
        return rng.standard_normal((T, I))
    return rng.standard_normal((N, T, I) if batch_first else (T, N, I))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize(("layers", "bidirectional", "batch_first", "bias"), OPTIONS)
def test_recurrent_layers_match_torch(torch, kind, layers, bidirectional, batch_first, bias):
    rng = np.random.default_rng(1)
    tm, m = twins(torch, lambda n: getattr(n, kind)(4, 6, layers, bias=bias,
                                                     batch_first=batch_first,
                                                     bidirectional=bidirectional))
    check_twins(torch, tm, m, [_seq(rng, batch_first)])


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batched", [True, False])
def test_initial_states_get_gradients(torch, kind, batched):
    rng = np.random.default_rng(2)
    tm, m = twins(torch, lambda n: getattr(n, kind)(4, 5, 2, bidirectional=True))
    shape = (4, 3, 5) if batched else (4, 5)
    h0 = rng.standard_normal(shape)
    hx = (h0, rng.standard_normal(shape)) if kind == "LSTM" else h0
    x = _seq(rng, False, batched=batched)
    if kind == "LSTM":  # check_twins passes arrays: hand the (h, c) tuple over
        check_twins(torch, _Call(lambda x, h, c: tm(x, (h, c)), tm),
                    _Call(lambda x, h, c: m(x, (h, c)), m), [x, *hx])
    else:
        check_twins(torch, tm, m, [x, hx])


class _Call:
    """A callable with the module's named_parameters (for check_twins)."""

    def __init__(self, fn, module):
        self.fn, self.named_parameters = fn, module.named_parameters

    def __call__(self, *args):
        return self.fn(*args)


def test_rnn_relu_and_dropout_eval_match_torch(torch):
    rng = np.random.default_rng(3)
    tm, m = twins(torch, lambda n: n.RNN(4, 6, 2, nonlinearity="relu", dropout=0.5))
    tm.eval()
    m.eval()
    check_twins(torch, tm, m, [_seq(rng, False)])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_projection_matches_torch(torch, bidirectional):
    rng = np.random.default_rng(4)
    tm, m = twins(torch, lambda n: n.LSTM(4, 6, 2, proj_size=3, bidirectional=bidirectional,
                                          batch_first=True))
    check_twins(torch, tm, m, [_seq(rng, True)])


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize(("bias", "batched", "with_state"),
                         list(itertools.product([True, False], repeat=3)))
def test_cells_match_torch(torch, kind, bias, batched, with_state):
    rng = np.random.default_rng(5)
    tm, m = twins(torch, lambda n: getattr(n, kind)(4, 5, bias=bias))
    x = rng.standard_normal((3, 4) if batched else (4,))
    if not with_state:
        check_twins(torch, tm, m, [x])
        return
    hs = [rng.standard_normal((3, 5) if batched else (5,)) for _ in range(2)]
    if kind == "LSTMCell":
        check_twins(torch, _Call(lambda x, h, c: tm(x, (h, c)), tm),
                    _Call(lambda x, h, c: m(x, (h, c)), m), [x, *hs])
    else:
        check_twins(torch, tm, m, [x, hs[0]])


def test_state_dict_names_and_init_are_torchs(torch):
    lstm = nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2)
    tl = torch.nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2)
    assert list(lstm.state_dict()) == list(tl.state_dict())
    assert all(tuple(lstm.state_dict()[k].shape) == tuple(v.shape)
               for k, v in tl.state_dict().items())
    bound = 1 / np.sqrt(4)
    assert all(np.abs(p.array).max() <= bound for p in lstm.parameters())
    assert repr(lstm) == repr(tl)
    assert repr(nn.GRU(3, 4, batch_first=True, bias=False)) == \
        repr(torch.nn.GRU(3, 4, batch_first=True, bias=False))
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == \
        repr(torch.nn.RNNCell(3, 4, nonlinearity="relu"))


def test_lstm_double_backward_goes_through_the_composite():
    lstm = nn.LSTM(2, 3).double()
    x = tg.randn(4, 2, 2, dtype=tg.float64, requires_grad=True)
    assert tg.testing.gradcheck(lambda x: lstm(x)[0], [x])
    out = lstm(x)[0].sum()
    (gx,) = tg.autograd.grad(out, [x], create_graph=True)
    (ggx,) = tg.autograd.grad((gx * gx).sum(), [x])
    assert ggx.shape == x.shape and np.isfinite(ggx.array).all()


def test_lstm_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(6)
    tm, m = twins(torch, lambda n: n.LSTM(2, 3))
    x = rng.standard_normal((4, 2, 2))
    tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    (tgx,) = torch.autograd.grad(tm(tx)[0].sum(), [tx], create_graph=True)
    (ggx,) = tg.autograd.grad(m(gx)[0].sum(), [gx], create_graph=True)
    (t2,) = torch.autograd.grad((tgx ** 2).sum(), [tx])
    (g2,) = tg.autograd.grad((ggx ** 2).sum(), [gx])
    np.testing.assert_allclose(g2.array, t2.numpy(), rtol=1e-8, atol=1e-10)


def test_bad_inputs_raise_clear_errors():
    lstm = nn.LSTM(4, 5)
    with pytest.raises(RuntimeError, match="input_size"):
        lstm(tg.randn(3, 2, 3))
    with pytest.raises(RuntimeError, match="hidden size"):
        lstm(tg.randn(3, 2, 4), (tg.zeros(1, 2, 4), tg.zeros(1, 2, 5)))
    with pytest.raises(ValueError, match="2D or 3D"):
        lstm(tg.randn(3))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.warns(UserWarning, match="dropout"):
        nn.GRU(3, 4, dropout=0.2)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_empty_sequence_raises_torchs_error(torch, kind):
    """A sequence of length 0 is refused with torch's RuntimeError (not a numpy reshape error)."""
    for lib in (torch, tg):
        layer = getattr(lib.nn, kind)(3, 4)
        with pytest.raises(RuntimeError, match="sequence length to be larger than 0"):
            layer(lib.zeros(0, 2, 3))
