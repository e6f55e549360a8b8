"""tensorgraph.nn.functional: activations, softmax family, dropout, linear, flatten.

Also holds the oracle helpers the other test_functional_*.py files import: every op
is compared with torch.nn.functional on the same float64 inputs (forward, gradients
and, for the fused ops, second derivatives) and checked with gradcheck.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import torch_or_skip
from hypothesis import given
from hypothesis import strategies as st

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph.testing import gradcheck


# ---------------------------------------------------------------- helpers
def _tg(a: np.ndarray, req: bool) -> tg.Tensor:
    return tg.tensor(a, requires_grad=req and a.dtype.kind == "f")


def _th(torch, a: np.ndarray, req: bool):
    return torch.tensor(a, requires_grad=req and a.dtype.kind == "f")


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t.array)


def vs_torch(torch, fn, tfn, arrays, grad=None, rtol=1e-9, atol=1e-10, double=False,
             seed=0):
    """Compare fn(*tg tensors) with tfn(*torch tensors): values, gradients and, with
    ``double=True``, second derivatives (of sum(grad * u) w.r.t. the inputs)."""
    grad = [a.dtype.kind == "f" for a in arrays] if grad is None else grad
    rng = np.random.default_rng(seed)
    xs = [_tg(a, r) for a, r in zip(arrays, grad)]
    ts = [_th(torch, a, r) for a, r in zip(arrays, grad)]
    y, ty = fn(*xs), tfn(*ts)
    np.testing.assert_allclose(_np(y), _np(ty), rtol=rtol, atol=atol, err_msg="forward")
    assert y.dtype == np.dtype(str(ty.dtype).replace("torch.", "")), "dtype"
    if not any(grad):
        return
    v = rng.standard_normal(y.shape).astype(arrays[0].dtype)
    wrt = [x for x, r in zip(xs, grad) if r]
    twrt = [t for t, r in zip(ts, grad) if r]
    gs = tg.autograd.grad((y * tg.tensor(v)).sum(), wrt, create_graph=double,
                          allow_unused=True)
    tgs = torch.autograd.grad((ty * torch.tensor(v)).sum(), twrt, create_graph=double,
                              allow_unused=True)
    for i, (a, b) in enumerate(zip(gs, tgs)):
        a = np.zeros(wrt[i].shape) if a is None else _np(a)
        b = np.zeros(wrt[i].shape) if b is None else _np(b)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"grad {i}")
    if not double:
        return
    us = [rng.standard_normal(x.shape) for x in wrt]
    s = sum((g * tg.tensor(u)).sum() for g, u in zip(gs, us) if g is not None
            and g.requires_grad)
    ts_ = sum((g * torch.tensor(u)).sum() for g, u in zip(tgs, us) if g is not None
              and g.requires_grad)
    # A first derivative that does not depend on the inputs has no graph: its
    # derivative is zero (sum() of nothing is the int 0).
    gg = [None] * len(wrt) if isinstance(s, int) else tg.autograd.grad(s, wrt,
                                                                       allow_unused=True)
    tgg = [None] * len(wrt) if isinstance(ts_, int) else torch.autograd.grad(
        ts_, twrt, allow_unused=True)
    for i, (a, b) in enumerate(zip(gg, tgg)):
        a = np.zeros(wrt[i].shape) if a is None else _np(a)
        b = np.zeros(wrt[i].shape) if b is None else _np(b)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"2nd grad {i}")


def randn(*shape, dtype=np.float64, seed=None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(dtype)


def leaf(a: np.ndarray) -> tg.Tensor:
    return tg.tensor(a, requires_grad=True)


# ---------------------------------------------------------------- activations
ACTIVATIONS = [
    ("relu", lambda F_, x: F_.relu(x)),
    ("leaky_relu", lambda F_, x: F_.leaky_relu(x, 0.1)),
    ("sigmoid", lambda F_, x: F_.sigmoid(x)),
    ("tanh", lambda F_, x: F_.tanh(x)),
    ("gelu", lambda F_, x: F_.gelu(x)),
    ("gelu_tanh", lambda F_, x: F_.gelu(x, approximate="tanh")),
    ("softmax", lambda F_, x: F_.softmax(x, dim=1)),
    ("log_softmax", lambda F_, x: F_.log_softmax(x, dim=1)),
    ("log_softmax0", lambda F_, x: F_.log_softmax(x, dim=0)),
]


@pytest.mark.parametrize("name,f", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_vs_torch_and_gradcheck(torch, name, f):
    x = randn(4, 5) * 3
    x[x == 0] = 0.5  # keep off the kinks of relu/leaky_relu
    double = name not in ("relu", "leaky_relu")
    vs_torch(torch, lambda t: f(F, t), lambda t: f(torch.nn.functional, t), [x],
             double=double)
    assert gradcheck(lambda t: f(F, t), leaf(x))


@pytest.mark.parametrize("name,f", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_float32_stays_float32(torch, name, f):
    x = randn(8, 6, dtype=np.float32)
    vs_torch(torch, lambda t: f(F, t), lambda t: f(torch.nn.functional, t), [x],
             rtol=1e-5, atol=1e-6)


def test_gelu_exact_matches_math_erf_everywhere():
    x = np.linspace(-40, 40, 20001)
    ref = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    np.testing.assert_allclose(F.gelu(tg.tensor(x)).numpy(), ref, rtol=0, atol=1e-14)
    x32 = x.astype(np.float32)
    y32 = F.gelu(tg.tensor(x32)).numpy()
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, ref, rtol=2e-6, atol=2e-6)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh'"):
        F.gelu(tg.randn(3), approximate="fast")


def test_log_softmax_is_stable_for_huge_logits(torch):
    x = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, -1000.0]])
    vs_torch(torch, lambda t: F.log_softmax(t, dim=1),
             lambda t: torch.nn.functional.log_softmax(t, dim=1), [x], double=True)
    y = F.softmax(tg.tensor(x), dim=1).numpy()
    assert np.isfinite(y).all() and np.allclose(y.sum(1), 1)


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_without_dim_takes_torchs_legacy_dim_and_warns(torch, shape, name):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
        got = getattr(F, name)(tg.tensor(x)).numpy()
    with pytest.warns(UserWarning):
        want = getattr(torch.nn.functional, name)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_softmax_errors_name_the_op():
    with pytest.raises(TypeError, match="^softmax: input must be a floating point"):
        F.softmax(tg.tensor([1, 2]), dim=0)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        F.log_softmax(tg.randn(3, 4), dim=2)


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_log_softmax_any_shape_and_dim(shape, data):
    torch = torch_or_skip()

    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = randn(*shape, seed=len(shape))
    y = F.log_softmax(tg.tensor(x), dim=dim).numpy()
    ref = torch.nn.functional.log_softmax(torch.tensor(x), dim=dim).numpy()
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- dropout
def test_dropout_mask_scale_and_gradient():
    tg.manual_seed(3)
    x = leaf(np.ones((200, 50)))
    y = F.dropout(x, p=0.25, training=True)
    vals = np.unique(y.detach().numpy())
    np.testing.assert_allclose(vals, [0.0, 1 / 0.75])
    kept = (y.detach().numpy() != 0).mean()
    assert abs(kept - 0.75) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())


def test_dropout_is_seeded_eval_is_identity_and_float32():
    x = tg.randn(10, 10)
    tg.manual_seed(7)
    a = F.dropout(x, 0.5).numpy()
    tg.manual_seed(7)
    b = F.dropout(x, 0.5).numpy()
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32
    assert F.dropout(x, 0.5, training=False) is x
    assert (F.dropout(x, 1.0).numpy() == 0).all()
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        F.dropout(x, 1.5)


# ---------------------------------------------------------------- linear
@pytest.mark.parametrize("xshape", [(5, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_vs_torch_double_backward_and_gradcheck(torch, xshape, bias):
    arrays = [randn(*xshape, seed=1), randn(3, 4, seed=2)] + ([randn(3, seed=3)] if bias
                                                              else [])
    vs_torch(torch, F.linear, torch.nn.functional.linear, arrays, double=True)
    assert gradcheck(F.linear, tuple(leaf(a) for a in arrays))


def test_linear_float32(torch):
    arrays = [randn(64, 784, dtype=np.float32), randn(10, 784, dtype=np.float32) * 0.03,
              randn(10, dtype=np.float32)]
    vs_torch(torch, F.linear, torch.nn.functional.linear, arrays, rtol=1e-4, atol=1e-4)


def test_linear_skips_gradients_nobody_needs():
    x, w = tg.randn(8, 4), tg.randn(3, 4, requires_grad=True)
    F.linear(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == (3, 4)


def test_linear_errors_teach():
    with pytest.raises(ValueError, match=r"linear: input's last dim 784 != in_features 512 "
                                         r"\(input \(64, 784\), weight \(10, 512\)\)"):
        F.linear(tg.randn(64, 784), tg.randn(10, 512))
    with pytest.raises(ValueError, match=r"bias has shape \(5,\)"):
        F.linear(tg.randn(2, 4), tg.randn(3, 4), tg.randn(5))
    with pytest.raises(TypeError, match="input is tensorgraph.float64 but weight is tensorgraph.float32"):
        F.linear(tg.randn(2, 4, dtype=tg.float64), tg.randn(3, 4))
    with pytest.raises(TypeError, match="floating point"):
        F.linear(tg.tensor([[1, 2]]), tg.randn(3, 2))


def test_flatten():
    x = leaf(randn(2, 3, 4))
    y = F.flatten(x, 1)
    assert y.shape == (2, 12)
    y.sum().backward()
    assert x.grad.shape == (2, 3, 4)


# ---------------------------------------------------------------- fused-op plumbing
def test_double_backward_through_fused_op_stays_local():
    """composite_grad's inner backward must not run hooks upstream of the fused op."""
    x = leaf(randn(4, 3, seed=1))
    h = x * 2.0
    calls = []
    h.register_hook(lambda g: calls.append(g.shape))
    w = leaf(randn(2, 3, seed=2))
    out = F.linear(h.tanh(), w)  # tanh keeps the second derivative w.r.t. h non-zero
    loss = F.cross_entropy(out, tg.tensor([0, 1, 1, 0]))
    (gh,) = tg.autograd.grad(loss, h, create_graph=True)
    assert calls == [(4, 3)]  # once, from this grad call, not again from inside
    (gx,) = tg.autograd.grad((gh * gh).sum(), x)
    assert gx.shape == (4, 3) and np.abs(gx.numpy()).sum() > 0


def test_tensor_softmax_methods_use_functional():
    x = tg.tensor(randn(3, 4))
    np.testing.assert_allclose(x.softmax(1).numpy(), F.softmax(x, dim=1).numpy())
    np.testing.assert_allclose(x.log_softmax(-1).numpy(), F.log_softmax(x, -1).numpy())
