"""Properties of the autograd engine, checked on random programs (no oracle needed).

The programs are the differential fuzzer's (``fuzz_program.programs``): random op
sequences with broadcasting, reductions, shape ops and indexing. Each property is
something any correct reverse-mode engine satisfies, whatever the ops are.
"""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_program import Lib, Program, programs
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import tensorgraph as tg

G64 = Lib(tg, tg.float64)
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None)


def _grads(prog: Program, seed: int = 0, dtype=tg.float64) -> list[np.ndarray]:
    vals, leaves = prog.run(Lib(tg, dtype))
    prog.root(Lib(tg, dtype), vals, seed).backward()
    return [leaf.grad.array.copy() for leaf in leaves]


@PROPERTY_SETTINGS
@given(prog=programs(), dtype=st.sampled_from([tg.float32, tg.float64]))
def test_gradient_has_the_shape_and_dtype_of_its_input(prog, dtype):
    vals, leaves = prog.run(Lib(tg, dtype))
    prog.root(Lib(tg, dtype), vals, 0).backward()
    for leaf in leaves:
        assert isinstance(leaf.grad, tg.Tensor)
        assert leaf.grad.shape == leaf.shape, prog.text()
        assert leaf.grad.dtype == leaf.dtype, prog.text()


@PROPERTY_SETTINGS
@given(prog=programs())
def test_two_backward_calls_accumulate_twice_the_gradient(prog):
    vals, leaves = prog.run(G64)
    root = prog.root(G64, vals, 0)
    root.backward(retain_graph=True)
    once = [leaf.grad.array.copy() for leaf in leaves]
    root.backward()
    for leaf, g in zip(leaves, once):
        np.testing.assert_allclose(leaf.grad.array, 2 * g, rtol=1e-12, atol=1e-300,
                                   err_msg=prog.text())


@PROPERTY_SETTINGS
@given(prog=programs())
def test_no_grad_records_nothing_and_computes_the_same_values(prog):
    vals, _ = prog.run(G64)
    with tg.no_grad():
        quiet, leaves = prog.run(G64)
    for v, q in zip(vals, quiet):
        np.testing.assert_array_equal(q.array, v.array)
    leaf_ids = {id(leaf) for leaf in leaves}
    for q in quiet:
        if id(q) not in leaf_ids:  # leaves still require grad; nothing else records
            assert q.grad_fn is None, prog.text()
            # torch: a view made in no_grad of a leaf says requires_grad (a leaf that
            # gets no gradient); anything that is not such a view does not.
            view_of_leaf = q._view is not None and q._view[0].grad_fn is None and any(
                q._view[0] is leaf for leaf in leaves)
            assert q.requires_grad == view_of_leaf, prog.text()


@PROPERTY_SETTINGS
@given(prog=programs())
def test_detach_stops_gradients(prog):
    """d/dx (stop(f(x)) * x) = f(x): no gradient flows through the detached branch."""
    vals, leaves = prog.run(G64)
    x = leaves[0]
    fx = prog.root(G64, vals, 0).detach()
    assert not fx.requires_grad and fx.grad_fn is None
    (fx * x).sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.broadcast_to(fx.array, x.shape))
    for other in leaves[1:]:
        assert other.grad is None


@PROPERTY_SETTINGS
@given(prog=programs(), a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_backward_is_linear_in_the_incoming_gradient(prog, a, b):
    """vjp(a*u + b*w) = a*vjp(u) + b*vjp(w) for the last value of the program."""
    vals, leaves = prog.run(G64)
    out = vals[-1]
    if not out.requires_grad:
        return
    rng = np.random.default_rng(0)
    u, w = rng.standard_normal(out.shape), rng.standard_normal(out.shape)

    def vjp(v: np.ndarray) -> list:
        gs = tg.autograd.grad(out, leaves, grad_outputs=tg.tensor(v, dtype=tg.float64),
                              retain_graph=True, allow_unused=True)
        return [np.zeros(x.shape) if g is None else g.array for x, g in zip(leaves, gs)]

    for lhs, gu, gw in zip(vjp(a * u + b * w), vjp(u), vjp(w)):
        scale = 1 + np.abs(gu).max(initial=0) + np.abs(gw).max(initial=0)
        np.testing.assert_allclose(lhs, a * gu + b * gw, rtol=1e-9, atol=1e-9 * scale * 6)


@PROPERTY_SETTINGS
@given(prog=programs())
def test_create_graph_gives_the_same_first_order_gradient(prog):
    """The Tensor path of every backward (create_graph=True) agrees with the array path."""
    plain = _grads(prog)
    vals, leaves = prog.run(G64)
    gs = tg.autograd.grad(prog.root(G64, vals, 0), leaves, create_graph=True,
                          allow_unused=True)
    for p, g in zip(plain, gs):
        got = np.zeros_like(p) if g is None else g.array
        np.testing.assert_allclose(got, p, rtol=1e-10, atol=1e-12 * (1 + np.abs(p).max()),
                                   err_msg=prog.text())


@PROPERTY_SETTINGS
@given(prog=programs())
def test_autograd_grad_leaves_dot_grad_alone(prog):
    vals, leaves = prog.run(G64)
    tg.autograd.grad(prog.root(G64, vals, 0), leaves, allow_unused=True)
    assert all(leaf.grad is None for leaf in leaves)


@PROPERTY_SETTINGS
@given(prog=programs())
def test_second_backward_through_a_freed_graph_raises(prog):
    vals, _ = prog.run(G64)
    root = prog.root(G64, vals, 0)
    root.backward()
    saves = any(fn.saved for fn in tg.autograd.topological_order([root.grad_fn]))
    if saves:
        with pytest.raises(RuntimeError, match="second time"):
            root.backward()


@PROPERTY_SETTINGS
@given(shape=array_shapes(min_dims=0, max_dims=4, max_side=4),
       dtype=st.sampled_from([tg.float32, tg.float64]))
def test_grad_of_sum_is_ones_and_of_mean_is_one_over_n(shape, dtype):
    x = tg.randn(*shape, dtype=dtype, requires_grad=True)
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.ones(shape, dtype))
    x.grad = None
    x.mean().backward()
    np.testing.assert_allclose(x.grad.array, np.full(shape, 1 / max(x.numel(), 1), dtype),
                               rtol=1e-6)


@PROPERTY_SETTINGS
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_broadcast_gradient_is_summed_back(shape, data):
    """x of a shape with size-1 dims, broadcast up: its gradient counts the copies."""
    small = tuple(n if data.draw(st.booleans()) else 1 for n in shape)
    x = tg.randn(*small, dtype=tg.float64, requires_grad=True)
    y = tg.randn(*shape, dtype=tg.float64, requires_grad=True)
    (x + y).sum().backward()
    copies = int(np.prod(shape)) // int(np.prod(small))
    np.testing.assert_array_equal(x.grad.array, np.full(small, float(copies)))
    np.testing.assert_array_equal(y.grad.array, np.ones(shape))


@PROPERTY_SETTINGS
@given(prog=programs(), k=st.sampled_from([2.0, -0.5]))
def test_a_hook_that_scales_the_gradient_scales_every_upstream_gradient(prog, k):
    base = _grads(prog)
    vals, leaves = prog.run(G64)
    root = prog.root(G64, vals, 0)
    root.register_hook(lambda g: g * k)
    root.backward()
    for leaf, g in zip(leaves, base):
        np.testing.assert_allclose(leaf.grad.array, k * g, rtol=1e-12, atol=1e-300)


@PROPERTY_SETTINGS
@given(prog=programs())
def test_graph_is_deterministic(prog):
    """The same program gives bit-identical gradients twice (no hidden state)."""
    for a, b in zip(_grads(prog, 3), _grads(prog, 3)):
        np.testing.assert_array_equal(a, b)
