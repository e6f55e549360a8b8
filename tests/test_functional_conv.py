"""tensorgraph.nn.functional: conv2d, max_pool2d, avg_pool2d against torch and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch_or_skip
from hypothesis import assume, given
from hypothesis import strategies as st
from test_functional import leaf, randn, vs_torch

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph.testing import gradcheck

CONV_CASES = [  # (x shape, w shape, stride, padding, dilation, bias)
    ((2, 3, 6, 5), (4, 3, 3, 3), 1, 0, 1, True),
    ((2, 2, 7, 7), (3, 2, 3, 2), 2, 1, 1, True),
    ((1, 2, 8, 9), (2, 2, 3, 3), (1, 2), (2, 1), 2, False),
    ((2, 1, 5, 5), (2, 1, 1, 1), 1, 0, 1, True),
    ((3, 6, 6), (2, 3, 3, 3), 1, 1, 1, True),  # unbatched
]


@pytest.mark.parametrize("xs,ws,stride,padding,dilation,bias", CONV_CASES)
def test_conv2d_vs_torch_with_double_backward(torch, xs, ws, stride, padding, dilation,
                                              bias):
    arrays = [randn(*xs, seed=1), randn(*ws, seed=2)] + ([randn(ws[0], seed=3)] if bias
                                                         else [])

    def f(mod):
        def call(x, w, b=None):
            return mod.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        return call

    vs_torch(torch, f(F), f(torch.nn.functional), arrays, double=True)


def test_conv2d_gradcheck():
    x, w, b = leaf(randn(2, 2, 5, 4)), leaf(randn(3, 2, 2, 3)), leaf(randn(3))
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), (x, w, b))


def test_conv2d_float32_batch(torch):
    arrays = [randn(64, 1, 28, 28, dtype=np.float32), randn(16, 1, 3, 3, dtype=np.float32),
              randn(16, dtype=np.float32)]
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, padding=1),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), arrays,
             rtol=1e-4, atol=3e-3)  # dW sums 50176 float32 products of size ~1


def test_conv2d_skips_input_gradient_of_first_layer():
    x, w = tg.randn(2, 1, 6, 6), tg.randn(4, 1, 3, 3, requires_grad=True)
    F.conv2d(x, w, padding=1).sum().backward()
    assert x.grad is None and w.grad.shape == (4, 1, 3, 3)


def test_conv2d_errors_teach():
    with pytest.raises(ValueError, match=r"conv2d: input has 3 channels but weight expects 1 "
                                         r"\(input \(8, 3, 28, 28\), weight \(16, 1, 3, 3\)\)"):
        F.conv2d(tg.randn(8, 3, 28, 28), tg.randn(16, 1, 3, 3))
    with pytest.raises(ValueError, match="expected a 4-D input"):
        F.conv2d(tg.randn(8, 784), tg.randn(16, 1, 3, 3))
    with pytest.raises(ValueError, match="larger than the padded input"):
        F.conv2d(tg.randn(1, 1, 2, 2), tg.randn(1, 1, 3, 3))
    with pytest.raises(NotImplementedError, match="groups=2 is not supported"):
        F.conv2d(tg.randn(1, 2, 4, 4), tg.randn(2, 1, 3, 3), groups=2)
    with pytest.raises(ValueError, match=r"bias has shape \(3,\), expected \(16,\)"):
        F.conv2d(tg.randn(1, 1, 4, 4), tg.randn(16, 1, 3, 3), tg.randn(3))


POOL_CASES = [  # (x shape, kernel, stride, padding, dilation)
    ((2, 3, 6, 6), 2, None, 0, 1),  # reshape fast path
    ((1, 2, 7, 5), 2, None, 0, 1),  # fast path with a dropped last row/col
    ((2, 2, 7, 7), 3, 2, 1, 1),
    ((1, 2, 8, 8), (3, 2), (1, 2), (1, 0), (2, 1)),
    ((2, 5, 5), 2, 1, 0, 1),  # unbatched
]


@pytest.mark.parametrize("xs,k,s,p,d", POOL_CASES)
def test_max_pool2d_vs_torch_with_double_backward(torch, xs, k, s, p, d):
    def f(mod):
        return lambda x: mod.max_pool2d(x, k, s, p, d)

    vs_torch(torch, f(F), f(torch.nn.functional), [randn(*xs, seed=4)], double=True)
    assert gradcheck(f(F), leaf(randn(*xs, seed=4)))


def test_max_pool2d_ties_go_to_the_first_max_as_torch(torch):
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, :2, :2] = 1.0  # a 2x2 window full of ties
    for args in [(2,), (3, 1, 1)]:
        vs_torch(torch, lambda t, a=args: F.max_pool2d(t, *a),
                 lambda t, a=args: torch.nn.functional.max_pool2d(t, *a), [x])


def test_max_pool2d_return_indices(torch):
    x = randn(2, 3, 7, 6, seed=5)
    out, idx = F.max_pool2d(tg.tensor(x), 3, 2, 1, return_indices=True)
    tout, tidx = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1,
                                                return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    np.testing.assert_allclose(out.numpy(), tout.numpy())


def test_max_pool2d_float32_and_nan(torch):
    x = randn(4, 3, 8, 8, dtype=np.float32)
    vs_torch(torch, lambda t: F.max_pool2d(t, 2), lambda t: torch.nn.functional.max_pool2d(
        t, 2), [x], rtol=1e-6, atol=1e-6)
    x[0, 0, 0, 1] = np.nan
    assert np.isnan(F.max_pool2d(tg.tensor(x), 2).numpy()[0, 0, 0, 0])


@pytest.mark.parametrize("xs,k,s,p,include", [
    ((2, 3, 6, 6), 2, None, 0, True),
    ((1, 2, 7, 5), 2, None, 0, True),
    ((2, 2, 7, 7), 3, 2, 1, True),
    ((2, 2, 7, 7), 3, 2, 1, False),
    ((1, 2, 6, 5), (2, 3), (1, 2), (1, 1), False),
])
def test_avg_pool2d_vs_torch(torch, xs, k, s, p, include):
    def f(mod):
        return lambda x: mod.avg_pool2d(x, k, s, p, count_include_pad=include)

    vs_torch(torch, f(F), f(torch.nn.functional), [randn(*xs, seed=6)], double=True)
    assert gradcheck(f(F), leaf(randn(*xs, seed=6)))


def test_avg_pool2d_divisor_override(torch):
    f = lambda mod: lambda x: mod.avg_pool2d(x, 2, divisor_override=3)
    vs_torch(torch, f(F), f(torch.nn.functional), [randn(1, 2, 4, 4)])


def test_pool_errors_teach():
    with pytest.raises(ValueError, match="padding .* must be at most half the kernel"):
        F.max_pool2d(tg.randn(1, 1, 8, 8), 2, padding=2)
    with pytest.raises(ValueError, match="expected a 4-D input"):
        F.avg_pool2d(tg.randn(8, 8), 2)
    with pytest.raises(ValueError, match="output would be empty"):
        F.max_pool2d(tg.randn(1, 1, 2, 2), 3)
    assert F.max_pool2d(tg.randn(1, 1, 5, 5), 2, ceil_mode=True).shape == (1, 1, 3, 3)


@given(n=st.integers(1, 2), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 8),
       w=st.integers(3, 8), k=st.integers(1, 3), stride=st.integers(1, 3),
       pad=st.integers(0, 2), dil=st.integers(1, 2))
def test_conv2d_any_geometry_matches_torch(n, c, o, h, w, k, stride, pad, dil):
    torch = torch_or_skip()

    assume((h + 2 * pad - dil * (k - 1) - 1) // stride >= 0)
    assume((w + 2 * pad - dil * (k - 1) - 1) // stride >= 0)
    arrays = [randn(n, c, h, w, seed=h), randn(o, c, k, k, seed=w), randn(o, seed=k)]
    vs_torch(torch, lambda x, wt, b: F.conv2d(x, wt, b, stride, pad, dil),
             lambda x, wt, b: torch.nn.functional.conv2d(x, wt, b, stride, pad, dil), arrays)
