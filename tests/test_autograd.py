"""The backward engine: graph walking, accumulation, freeing, grad mode, hooks, grad()."""

from __future__ import annotations

import gc
import weakref

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


# ------------------------------------------------------------------ hooks
def test_hook_on_a_leaf_replaces_the_gradient_and_can_be_removed() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h1 = x.register_hook(lambda g: seen.append(g.numpy().copy()))
    h2 = x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_allclose(seen[0], [3.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), [30.0, 30.0])
    h1.remove()
    h2.remove()
    h2.remove()  # removing twice is harmless
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])
    assert len(seen) == 1


def test_hook_on_a_non_leaf_and_retain_grad_match_torch(torch) -> None:
    def run(lib, x):
        y = x * 3
        y.register_hook(lambda g: g * 10)
        y.retain_grad()
        z = y * y
        handle = z.register_hook(lambda g: g + 1)
        handle.remove()
        (z * y).sum().backward()
        return y.grad.numpy(), x.grad.numpy()

    a = np.array([1.0, -2.0])
    ours = run(tg, tg.tensor(a, requires_grad=True))
    theirs = run(torch, torch.tensor(a, requires_grad=True))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t)


def test_retain_grad_sees_hooks_registered_after_it_like_torch(torch) -> None:
    def run(lib, x):
        h = x * 3
        h.retain_grad()
        h.retain_grad()  # twice is the same as once
        h.register_hook(lambda g: g * 10)
        (h * h).sum().backward()
        return h.retains_grad, h.grad.numpy(), x.grad.numpy()

    a = np.array([1.0, 2.0])
    ours, theirs = run(tg, tg.tensor(a, requires_grad=True)), run(torch, torch.tensor(
        a, requires_grad=True))
    assert ours[0] is theirs[0] is True
    for o, t in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(o, t)


def test_register_hook_needs_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="doesn't require"):
        tg.ones(2).register_hook(lambda g: g)


def test_retain_grad_on_a_leaf_is_a_no_op_and_non_leaf_grad_is_not_kept_without_it() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.retain_grad()
    y = x * 2
    (y * y).sum().backward()
    assert y.grad is None
    np.testing.assert_allclose(x.grad.numpy(), [8.0, 16.0])


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


# ------------------------------------------------------------------ gradient aliasing
def test_leaf_gradients_never_alias_each_other_or_the_users_tensors() -> None:
    a, b = tg.ones(3, requires_grad=True), tg.ones(3, requires_grad=True)
    (a + b).sum().backward()  # Add passes the same array to both leaves
    assert not np.shares_memory(a.grad.array, b.grad.array)

    gradient = tg.tensor([1.0, 2.0, 3.0])
    c, d = tg.ones(3, requires_grad=True), tg.ones(3, requires_grad=True)
    (c + d).backward(gradient)
    c.backward(gradient)  # a leaf as its own root
    for t in (c, d):
        assert not np.shares_memory(t.grad.array, gradient.array)
    assert not np.shares_memory(c.grad.array, d.grad.array)
    e = tg.ones(3, requires_grad=True)
    e.reshape(3, 1).backward(tg.ones(3, 1))  # a view of the user's gradient
    e.grad.array[0] = 99
    keep = tg.tensor([7.0, 7.0, 7.0])
    f = tg.ones(3, requires_grad=True)
    f.register_hook(lambda g: keep)  # a hook handing back a tensor the user keeps
    (f * 2).sum().backward()
    f.grad.array[:] = 0  # e.g. zero_grad(set_to_none=False) writes in place
    np.testing.assert_array_equal(keep.numpy(), [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(gradient.numpy(), [1.0, 2.0, 3.0])


def test_create_graph_gradients_are_not_shared_between_leaves() -> None:
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    assert a.grad is not b.grad
    (a * 1).sum().backward()
    np.testing.assert_array_equal(a.grad.detach().numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.detach().numpy(), [1.0, 1.0])


def test_accumulation_writes_only_the_leafs_own_buffer() -> None:
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    (a + b).sum().backward()
    (a + b).sum().backward()  # second pass adds in place into each .grad
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 2.0])
    x = tg.ones(2, requires_grad=True)
    (g,) = tg.autograd.grad((x * 2).sum(), x)
    (x * 2).sum().backward()
    x.grad.array += 1
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0])


# ------------------------------------------------------------------ memory
def test_graph_has_no_reference_cycles() -> None:
    gc.collect()
    gc.disable()
    try:
        x = tg.randn(4, requires_grad=True)
        h = (x * 2).tanh()
        h.retain_grad()
        loss = (h.exp() * h).sum()
        refs = [weakref.ref(o) for o in (h, h.grad_fn, loss, loss.grad_fn)]
        loss.backward()
        del h
        assert refs[0]() is not None  # still part of loss's graph
        del loss
        assert all(r() is None for r in refs), "freed by refcount, without the gc"
        assert x.grad is not None
    finally:
        gc.enable()


def test_intermediate_is_freed_when_dropped_after_backward() -> None:
    gc.collect()
    gc.disable()
    try:
        x = tg.randn(4, requires_grad=True)
        h = x * 2
        ref = weakref.ref(h)
        (h * h).sum().backward()
        del h
        assert ref() is None
    finally:
        gc.enable()


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
