"""ops/winograd: Winograd F(2x2, 3x3) conv2d (forward, dx, dW, db) vs torch.

The path is on from C_in >= 32 (ops.conv.WINOGRAD_MIN_CHANNELS); the fixture turns
it on for every eligible conv and counts that the forward really took it.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_functional import randn, vs_torch

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph.ops import conv


@pytest.fixture
def wino(monkeypatch):
    """Winograd for every eligible conv; yields the list of forward calls it served."""
    calls = []
    real = conv.winograd_forward

    def spy(ctx, x, w, b, padding):
        calls.append(x.shape)
        return real(ctx, x, w, b, padding)

    monkeypatch.setattr(conv, "WINOGRAD_MIN_CHANNELS", 1)
    monkeypatch.setattr(conv, "WINOGRAD_MIN_OUTPUT", 1)
    monkeypatch.setattr(conv, "winograd_forward", spy)
    return calls


def batch_last(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


@pytest.mark.parametrize("hw", [(6, 6), (7, 7), (6, 9), (5, 4), (3, 3)])
@pytest.mark.parametrize("padding", [0, 1, 2, (1, 0)])
def test_winograd_vs_torch_float64(torch, wino, hw, padding):
    """Odd and even H/W, paddings 0/1/2: values, dx, dW, db and second derivatives."""
    arrays = [randn(3, 4, *hw, seed=1), randn(5, 4, 3, 3, seed=2), randn(5, seed=3)]
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, padding=padding),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=padding),
             arrays, double=True)
    assert wino


@pytest.mark.parametrize("c,o", [(1, 1), (2, 7), (16, 32), (9, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_winograd_channels_and_bias_vs_torch(torch, wino, c, o, bias):
    arrays = [randn(2, c, 7, 8, seed=4), randn(o, c, 3, 3, seed=5)] + (
        [randn(o, seed=6)] if bias else [])
    vs_torch(torch, lambda *a: F.conv2d(*a, padding=1),
             lambda *a: torch.nn.functional.conv2d(*a, padding=1), arrays)
    assert len(wino) == 1


@pytest.mark.parametrize("layout", [batch_last, np.ascontiguousarray])
@pytest.mark.parametrize("hw", [(14, 14), (13, 11)])
def test_winograd_float32_error_as_im2col(torch, wino, layout, hw):
    """float32: the error against a float64 reference stays in im2col's range."""
    x, w, b = (randn(8, 16, *hw, dtype=np.float32, seed=7),
               randn(32, 16, 3, 3, dtype=np.float32, seed=8), randn(32, dtype=np.float32, seed=9))
    x = layout(x)
    g = randn(8, 32, *hw, dtype=np.float32, seed=10)

    def run():
        ts = [tg.tensor(a, requires_grad=True) for a in (x, w, b)]
        F.conv2d(*ts, padding=1).backward(tg.tensor(g))
        return [F.conv2d(*ts[:3], padding=1).detach().numpy()] + [t.grad.numpy() for t in ts]

    got = run()
    n_wino = len(wino)
    conv.WINOGRAD_MIN_CHANNELS = None  # the im2col path (monkeypatch restores it)
    ref32 = run()
    assert len(wino) == n_wino == 2
    ts = [torch.tensor(a.astype(np.float64), requires_grad=True) for a in (x, w, b)]
    y = torch.nn.functional.conv2d(*ts, padding=1)
    y.backward(torch.tensor(g.astype(np.float64)))
    ref = [y.detach().numpy()] + [t.grad.numpy() for t in ts]
    for name, a, i2c, r in zip(["y", "dx", "dW", "db"], got, ref32, ref):
        assert a.dtype == np.float32
        scale = np.abs(r).max()
        err, err_i2c = np.abs(a - r).max() / scale, np.abs(i2c - r).max() / scale
        assert err < max(4 * err_i2c, 2e-6), (name, err, err_i2c)


def test_winograd_gradcheck(wino):
    x = tg.tensor(randn(2, 3, 5, 6, seed=11), requires_grad=True)
    w = tg.tensor(randn(4, 3, 3, 3, seed=12), requires_grad=True)
    b = tg.tensor(randn(4, seed=13), requires_grad=True)
    assert tg.testing.gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=1), (x, w, b))
    assert tg.testing.gradcheck(lambda x, w: F.conv2d(x, w), (x, w))


def test_winograd_only_where_it_applies(wino):
    """Stride 2, dilation 2 and a 5x5 kernel go to im2col."""
    x, w = tg.randn(2, 4, 8, 8), tg.randn(3, 4, 3, 3)
    F.conv2d(x, w, stride=2)
    F.conv2d(x, w, dilation=2)
    F.conv2d(x, tg.randn(3, 4, 5, 5))
    assert not wino
    F.conv2d(x, w, padding=1)
    assert len(wino) == 1


def test_winograd_frozen_weight_and_input_vs_torch(torch, wino):
    arrays = [randn(2, 3, 6, 7, seed=14), randn(4, 3, 3, 3, seed=15), randn(4, seed=16)]
    for grad in ([True, False, True], [False, True, False]):
        vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, padding=1),
                 lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), arrays,
                 grad=grad)


def test_winograd_dispatch_rule(monkeypatch):
    """On from C_in >= 32 with both output sides >= 8; off when set to None."""
    x, w = np.zeros((2, 32, 8, 8), np.float32), np.zeros((4, 32, 3, 3), np.float32)
    monkeypatch.setattr(conv, "WINOGRAD_MIN_CHANNELS", None)
    assert not conv.use_winograd(x, w, (1, 1), (1, 1), (1, 1))
    monkeypatch.setattr(conv, "WINOGRAD_MIN_CHANNELS", 32)
    assert conv.use_winograd(x, w, (1, 1), (1, 1), (1, 1))
    assert not conv.use_winograd(x, w, (1, 1), (0, 1), (1, 1))  # a 6-row output
    assert not conv.use_winograd(x[:, :16], w[:, :16], (1, 1), (1, 1), (1, 1))
    assert not conv.use_winograd(x, w.astype(np.float64), (1, 1), (1, 1), (1, 1))
