"""Elementwise math and comparisons beyond the catalogue: dtype rules, values torch
pins down (rounding halves, signs of remainders), non-differentiable ops, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgraph as tg

VALUES = np.array([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, 3.7, -3.7, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "frac",
                                  "isnan", "isinf", "isfinite", "isposinf", "isneginf",
                                  "nan_to_num", "logical_not", "sin", "erf", "expm1",
                                  "atan"])
def test_unary_values_match_torch_with_edges(torch, name: str) -> None:
    for dtype in ("float32", "float64"):
        x, tx = tg.tensor(VALUES, dtype=dtype), torch.tensor(VALUES, dtype=getattr(torch, dtype))
        out, tout = getattr(tg, name)(x), getattr(torch, name)(tx)
        assert str(out.dtype) == str(tout.dtype).replace("torch.", "tensorgraph.")
        np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["sin", "cos", "exp", "log2", "sqrt", "erf", "tan"])
def test_integer_input_gives_default_float(torch, name: str) -> None:
    x, tx = tg.tensor([1, 2, 3]), torch.tensor([1, 2, 3])
    out, tout = getattr(tg, name)(x), getattr(torch, name)(tx)
    assert out.dtype == tg.float32 and tout.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign", "abs"])
def test_rounding_keeps_integer_dtype(torch, name: str) -> None:
    x, tx = tg.tensor([-3, 0, 4]), torch.tensor([-3, 0, 4])
    out, tout = getattr(x, name)(), getattr(tx, name)()
    assert out.dtype == tg.int64 and tout.dtype == torch.int64
    assert out.tolist() == tout.tolist()


def test_remainder_fmod_floor_divide_signs_match_torch(torch) -> None:
    a, b = [5.5, -5.5, 5.5, -5.5, 7, -7], [2, 2, -2, -2, 3, -3]
    for fa, fb in ((a, b), ([5, -5, 5, -5], [3, 3, -3, -3])):
        x, y, tx, ty = tg.tensor(fa), tg.tensor(fb), torch.tensor(fa), torch.tensor(fb)
        for name in ("fmod", "remainder", "floor_divide"):
            out, tout = getattr(tg, name)(x, y), getattr(torch, name)(tx, ty)
            assert out.tolist() == tout.tolist(), name
            assert str(out.dtype) == str(tout.dtype).replace("torch.", "tensorgraph.")
        assert (x % y).tolist() == (tx % ty).tolist()
        assert (x // y).tolist() == (tx // ty).tolist()
        assert (7 % y).tolist() == (7 % ty).tolist()


def test_erf_accuracy_against_math_erf() -> None:
    xs = np.concatenate([np.linspace(-6, 6, 2001), [1e-300, -1e-20, 1e-8, 0.4999, 0.5]])
    want = np.array([math.erf(v) for v in xs])
    got = tg.tensor(xs, dtype=tg.float64).erf().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    got32 = tg.tensor(xs, dtype=tg.float32).erf().numpy()
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want.astype(np.float32), rtol=2e-6, atol=1e-7)


def test_comparisons_methods_and_functions(torch) -> None:
    a, b = np.array([[1.0, 2.0], [3.0, np.nan]]), np.array([1.0, 3.0])
    x, y, tx, ty = tg.tensor(a), tg.tensor(b), torch.tensor(a), torch.tensor(b)
    for name in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "less_equal", "not_equal"):
        out, tout = getattr(x, name)(y), getattr(tx, name)(ty)
        assert out.dtype == tg.bool and out.tolist() == tout.tolist(), name
        assert getattr(tg, name)(x, 2.0).tolist() == getattr(torch, name)(tx, 2.0).tolist()
    assert tg.isclose(x, y).tolist() == torch.isclose(tx, ty).tolist()
    assert (tg.isclose(x, x, equal_nan=True).tolist()
            == torch.isclose(tx, tx, equal_nan=True).tolist())
    assert tg.allclose(y, y + 1e-9) and not tg.allclose(y, y + 1e-3)
    assert tg.allclose(x, x, equal_nan=True) and not x.allclose(x)
    assert tg.equal(y, tg.tensor([1.0, 3.0])) and not tg.equal(y, tg.tensor([1.0]))
    with pytest.raises(RuntimeError, match="allclose"):
        tg.allclose(tg.zeros(3), tg.zeros(4))


def test_nan_to_num_defaults_and_gradient(torch) -> None:
    v = np.array([np.nan, np.inf, -np.inf, 1.5])
    for dtype in (tg.float32, tg.float64):
        x = tg.tensor(v, dtype=dtype, requires_grad=True)
        tx = torch.tensor(v, dtype=torch.float32 if dtype == tg.float32 else torch.float64,
                          requires_grad=True)
        out, tout = x.nan_to_num(), tx.nan_to_num()
        assert out.tolist() == tout.tolist()
        out.sum().backward()
        tout.sum().backward()
        assert x.grad.tolist() == tx.grad.tolist()
    assert tg.nan_to_num(tg.tensor(v), nan=0.0, posinf=9.0, neginf=-9.0).tolist() == [
        0.0, 9.0, -9.0, 1.5]


def test_rounding_ops_have_zero_gradient_like_torch() -> None:
    x = tg.tensor([0.3, 1.7], requires_grad=True)
    (x.floor() + x.ceil() + x.round() + x.trunc()).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    y = tg.tensor([0.3, 1.7], requires_grad=True)
    (y // 2).sum()  # not differentiable in torch either: no graph is recorded
    assert not (y // 2).requires_grad


def test_atan2_with_integers_and_broadcasting(torch) -> None:
    a, b = [[1, -2], [0, 3]], [2, -1]
    out, tout = tg.atan2(tg.tensor(a), tg.tensor(b)), torch.atan2(torch.tensor(a),
                                                                  torch.tensor(b))
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), tout.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="atan2"):
        tg.atan2(tg.zeros(3), tg.zeros(4))


def test_sign_of_nan_is_zero_and_its_gradient_is_zero_as_torch(torch) -> None:
    vals = [float("nan"), -2.0, 0.0, 3.0, -0.0, float("inf")]
    x, tx = tg.tensor(vals, requires_grad=True), torch.tensor(vals, requires_grad=True)
    y, ty = x.sign(), tx.sign()
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    assert y.grad_fn is not None and tg.sgn(x).tolist() == torch.sgn(tx).tolist()
    y.sum().backward()
    ty.sum().backward()
    assert x.grad.tolist() == tx.grad.tolist() == [0.0] * len(vals)
