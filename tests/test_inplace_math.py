"""In-place math and view methods (tensor_inplace_math.py) against torch: values, the
version counter, gradients through non-leaf tensors and views, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.testing import gradcheck

X = np.random.default_rng(0).uniform(0.2, 0.9, (3, 4))

UNARY = ["exp_", "log_", "abs_", "sqrt_", "sigmoid_", "relu_", "tanh_", "neg_", "reciprocal_",
         "sin_", "cos_", "floor_", "ceil_", "round_", "trunc_", "frac_", "square_", "rsqrt_",
         "expm1_", "log1p_", "log2_", "erf_", "asin_", "atan_", "sign_", "exp2_", "tan_"]


def _run(lib, name, args, view=False):
    x = lib.tensor(X * (-1 if name in ("abs_", "neg_", "relu_") else 1), requires_grad=True)
    y = x * 2
    target = y[1:] if view else y
    args = [lib.full(tuple(target.shape), 1.5, dtype=lib.float64) if a == "T" else a
            for a in args]
    v = y._version
    out = getattr(target, name)(*args)
    assert out is target and y._version == v + 1
    (y * lib.tensor(X)).sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("view", [False, True])
@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace(torch, name, view):
    (a, ga), (b, gb) = _run(tg, name, (), view), _run(torch, name, (), view)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ga, gb, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,args", [
    ("pow_", (2.5,)), ("clamp_min_", (1.0,)), ("clamp_max_", (1.0,)), ("lerp_", ("T", 0.4)),
    ("multiply_", ("T",)), ("subtract_", ("T",)),
    ("mul_", (3.0,)), ("div_", (3.0,)), ("clip_", (0.5, 1.2)), ("fmod_", (0.7,)),
    ("remainder_", (0.7,)), ("true_divide_", (2.0,)), ("float_power_", (2.0,)),
])
def test_binary_inplace(torch, name, args):
    (a, ga), (b, gb) = _run(tg, name, args), _run(torch, name, args)
    np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(ga, gb, rtol=1e-5)


def test_addc_inplace_gradients(torch):
    def run(lib):
        ts = [lib.tensor(X + k, requires_grad=True) for k in range(3)]
        y = ts[0] * 1
        y.addcmul_(ts[1], ts[2], value=0.5).addcdiv_(ts[1], ts[2], value=-2)
        y.pow(2).sum().backward()
        return [y.detach().numpy()] + [t.grad.numpy() for t in ts]

    for a, b in zip(run(tg), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_leaf_refused_and_no_grad(torch):
    for name in ("exp_", "sigmoid_", "unsqueeze_", "t_", "squeeze_"):
        args = (0,) if name == "unsqueeze_" else ()
        x = tg.ones(2, 1, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(x, name)(*args)
        with tg.no_grad():
            getattr(x, name)(*args)
    x = tg.ones(3)
    assert tg.relu_(tg.sigmoid_(x)) is x
    np.testing.assert_allclose(x.numpy(), torch.sigmoid(torch.ones(3)).numpy())


def test_integer_inplace_errors(torch):
    for name in ("exp_", "sqrt_", "sigmoid_", "reciprocal_"):
        with pytest.raises(RuntimeError, match="can't be cast"):
            getattr(tg.tensor([1, 2]), name)()
        with pytest.raises(RuntimeError):
            getattr(torch.tensor([1, 2]), name)()
    x = tg.tensor([1, -2, 3])
    x.abs_().neg_().floor_divide_(2)
    assert x.tolist() == torch.tensor([1, -2, 3]).abs_().neg_().floor_divide_(2).tolist()
    assert x.dtype == tg.int64


def test_inplace_aliases_see_write():
    x = tg.zeros(2, 3)
    v = x[0]
    v.exp_()
    assert x[0].tolist() == [1.0, 1.0, 1.0] and x._version == 1


@pytest.mark.parametrize("name,args", [("squeeze_", ()), ("squeeze_", (1,)),
                                       ("unsqueeze_", (0,)), ("unsqueeze_", (-1,)),
                                       ("t_", ()), ("transpose_", (0, 2)),
                                       ("swapaxes_", (0, 1))])
def test_view_inplace(torch, name, args):
    def run(lib):
        x = lib.tensor(X.reshape(3, 1, 4), requires_grad=True)
        y = x * 2
        if name == "t_":
            y = y.reshape(3, 4)
        v = y._version
        assert getattr(y, name)(*args) is y
        assert y._version == v + 1
        shape = tuple(y.shape)
        (y * lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(shape))).sum().backward()
        return shape, y.detach().numpy(), x.grad.numpy()

    (sa, a, ga), (sb, b, gb) = run(tg), run(torch)
    assert sa == sb
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(ga, gb)


def test_view_inplace_without_grad(torch):
    x = tg.ones(2, 3)
    x.unsqueeze_(0).transpose_(1, 2)
    assert tuple(x.shape) == (1, 3, 2)
    x.squeeze_().t_()
    assert tuple(x.shape) == (2, 3)


def test_inplace_gradcheck():
    def f(a):
        y = a * 1
        y.sigmoid_()
        y.unsqueeze_(0)
        y.lerp_(tg.ones_like(y), 0.25)
        return y

    assert gradcheck(f, (tg.randn(3, 2, dtype=tg.float64, requires_grad=True),))


def test_augmented_assignment_in_place(torch):
    for lib in (tg, torch):
        x = lib.tensor([7.0, -7.0])
        alias = x.view(2)
        x //= 2
        x **= 2
        x %= 5
        x /= 2
        assert alias.tolist() == [2.0, 0.5]
        y = lib.tensor([7, -7])
        y //= 2
        assert y.tolist() == [3, -4]
        with pytest.raises(RuntimeError):
            y /= 2
