"""The backward engine: graph walking, accumulation, freeing, grad mode, grad(),
detect_anomaly (hooks, leaf gradients and memory: test_autograd_leaves.py)."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.autograd import Function


class CountingDouble(Function):
    """y = 2x;  dx = 2g   (counts its backward calls)"""

    calls = 0

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        CountingDouble.calls += 1
        return g * 2


# ------------------------------------------------------------------ the walk
def test_backward_is_iterative_on_a_200k_op_chain() -> None:
    x = tg.tensor(1.5, requires_grad=True)
    y = x
    for _ in range(200_000):
        y = -y  # an even number of negations: y == x, dy/dx == 1
    y.backward()
    assert x.grad.item() == 1.0


def test_each_node_runs_once_so_backward_is_linear() -> None:
    """y = a + a, fifty times: 2**50 paths, but each node's backward runs once."""
    CountingDouble.calls = 0
    x = tg.tensor(1.0, dtype=tg.float64, requires_grad=True)
    y = x
    for _ in range(50):
        a = CountingDouble.apply(y)
        y = a + a
    y.backward()
    assert CountingDouble.calls == 50
    assert x.grad.item() == 4.0**50
    assert len(tg.autograd.topological_order([y.grad_fn])) == 100


def test_gradients_accumulate_into_leaves_across_backward_calls() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    first = x.grad.numpy().copy()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), first + 3)
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_saved_arrays_are_freed_and_a_second_backward_names_the_op() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    loss = (y * y).sum()
    loss.backward()
    assert y.grad_fn.saved is None and loss.grad_fn.inputs[0].grad_fn.saved is None
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_a_second_backward() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward(retain_graph=True)
    g1 = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * g1)


def test_non_scalar_root_needs_a_gradient() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2,\)"):
        (x * 2).backward()
    (x * 2).backward(tg.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 20.0])
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2).backward(tg.ones(3))


def test_backward_when_nothing_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.ones(3).sum().backward()
    x = tg.ones(3, requires_grad=True)
    with tg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


# ------------------------------------------------------------------ grad mode
def test_no_grad_and_enable_grad_as_context_managers() -> None:
    x = tg.ones(2, requires_grad=True)
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2
        with tg.enable_grad():
            z = x * 2
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_and_enable_grad_as_decorators() -> None:
    x = tg.ones(2, requires_grad=True)

    @tg.no_grad()
    def frozen(t):
        return t * 2

    @tg.enable_grad()
    def recorded(t):
        return t * 2

    assert not frozen(x).requires_grad
    with tg.no_grad():
        assert recorded(x).requires_grad
    assert frozen.__name__ == "frozen"


def test_set_grad_enabled_as_call_context_and_decorator() -> None:
    x = tg.ones(2, requires_grad=True)
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()

    @tg.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert tg.is_grad_enabled()  # decorating must not switch the mode
    assert not f(x).requires_grad and tg.is_grad_enabled()


def test_grad_mode_restored_after_an_exception() -> None:
    with pytest.raises(KeyError), tg.no_grad():
        raise KeyError("boom")
    assert tg.is_grad_enabled()


def test_detach_shares_memory_and_cuts_the_graph() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), y.array)
    (d * y).sum().backward()  # d is a constant: dy/dx only through y
    np.testing.assert_allclose(x.grad.numpy(), 2 * d.numpy())


def test_requires_grad_() -> None:
    x = tg.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    x.requires_grad_(False)
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="only floating point.*int64.*float"):
        tg.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only floating point"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        (tg.ones(2, requires_grad=True) * 2).requires_grad_(False)


# ------------------------------------------------------------------ autograd.grad
def test_grad_returns_without_accumulating() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tg.autograd.grad((x**3).sum(), x)
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0])
    assert x.grad is None and not g.requires_grad


def test_grad_outputs_and_allow_unused() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([5.0], requires_grad=True)
    y = x * 2
    (gx,) = tg.autograd.grad(y, x, grad_outputs=tg.tensor([1.0, -1.0]))
    np.testing.assert_allclose(gx.numpy(), [2.0, -2.0])
    with pytest.raises(RuntimeError, match="input 1.*not used.*allow_unused"):
        tg.autograd.grad((x * 2).sum(), [x, w])
    gx, gw = tg.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)
    assert gw is None
    with pytest.raises(RuntimeError, match="scalar outputs"):
        tg.autograd.grad(x * 2, x)
    with pytest.raises(RuntimeError, match="input 0.*does not require grad"):
        tg.autograd.grad((x * 2).sum(), tg.ones(2))


def test_grad_with_several_outputs_and_an_input_that_is_an_output(torch) -> None:
    def run(lib, x):
        y = x * 2
        z = (y * y).sum()
        return [t.numpy() for t in lib.autograd.grad([z, y.sum()], [y, x])]

    a = np.array([1.0, -2.0])
    ours = run(tg, tg.tensor(a, requires_grad=True))
    theirs = run(torch, torch.tensor(a, requires_grad=True))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t)
    x = tg.tensor(a, requires_grad=True)
    (g,) = tg.autograd.grad(x, x, grad_outputs=tg.tensor([3.0, 4.0]))
    np.testing.assert_allclose(g.numpy(), [3.0, 4.0])


def test_create_graph_gives_higher_derivatives() -> None:
    x = tg.tensor(3.0, dtype=tg.float64, requires_grad=True)
    (d1,) = tg.autograd.grad(x**3, x, create_graph=True)
    assert d1.requires_grad and d1.item() == 27.0
    (d2,) = tg.autograd.grad(d1, x, create_graph=True)
    (d3,) = tg.autograd.grad(d2, x)
    assert (d2.item(), d3.item()) == (18.0, 6.0)


def test_backward_create_graph_then_differentiate_the_grad() -> None:
    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    (x.exp() * x).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.sum().backward()
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), e * (2 + np.array([1.0, 2.0])))


def test_gradient_penalty_matches_torch(torch) -> None:
    """WGAN-GP style: penalise (|d critic / d input| - 1)**2, step the weights."""
    rng = np.random.default_rng(0)
    xa, w1a, w2a = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)

    def run(lib, x, w1, w2):
        critic = ((x @ w1).tanh() @ w2).sigmoid().sum()
        (gx,) = lib.autograd.grad(critic, x, create_graph=True)
        penalty = (((gx * gx).sum(1) + 1e-12).sqrt() - 1) ** 2
        (penalty.mean() + critic).backward()
        return w1.grad.numpy(), w2.grad.numpy(), x.grad.numpy()

    ours = run(tg, *(tg.tensor(a, requires_grad=True) for a in (xa, w1a, w2a)))
    theirs = run(torch, *(torch.tensor(a, requires_grad=True) for a in (xa, w1a, w2a)))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-10)


# ------------------------------------------------------------------ detect_anomaly
def test_detect_anomaly_names_the_op_and_the_forward_line() -> None:
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with tg.autograd.detect_anomaly():
        y = x.log()  # the culprit: d log(x)/dx = inf at 0
        loss = (y * 0 + x).sum()
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    msg = str(info.value)
    assert "LogBackward" in msg and "NaN or inf" in msg
    assert "test_autograd.py" in msg and "y = x.log()" in msg


def test_without_detect_anomaly_nan_flows_silently() -> None:
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    (x.log() * 0 + x).sum().backward()
    assert np.isnan(x.grad.numpy()[0])
