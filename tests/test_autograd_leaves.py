"""What backward leaves behind: hooks and retain_grad, leaf gradients that never alias
each other, and a graph that is freed by refcount (no reference cycles)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import tensorgraph as tg


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
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):  # as torch
        assert y.grad is None
    np.testing.assert_allclose(x.grad.numpy(), [8.0, 16.0])


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
