"""Every op in the catalogue: gradcheck, the PyTorch oracle, second-order gradients.

Hypothesis drives the broadcasting of the binary ops; ``op_catalogue.py`` holds the ops.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from op_catalogue import DOMAINS, OPS, Op

import tensorgraph as tg

CASES = [(op, shapes) for op in OPS for shapes in op.shapes]
IDS = [f"{op.name}-{'-'.join(str(s) for s in shapes)}" for op, shapes in CASES]
SMOOTH = [(op, s) for op, s in CASES if op.smooth]
SMOOTH_IDS = [i for (op, _), i in zip(CASES, IDS) if op.smooth]


def draw(op: Op, shapes: tuple, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [DOMAINS[d](rng, s) for d, s in zip(op.domains(len(shapes)), shapes)]


def tg_leaves(arrays: list, dtype=tg.float64) -> list:
    return [tg.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]


def torch_leaves(torch, arrays: list) -> list:
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def vjp_and_hvp(grad, dot, xs, out, v, us):
    """First-order grads of sum(out * v) and the Hessian-vector product with ``us``.

    ``grad`` is ``tg.autograd.grad`` or ``torch.autograd.grad``; ``dot(a, b)`` makes
    a scalar from two same-shaped tensors. Unused inputs count as zero gradients.
    """
    gs = grad(dot(out, v), xs, create_graph=True, allow_unused=True)
    terms = [dot(g, u) for g, u in zip(gs, us) if g is not None and g.requires_grad]
    if terms:
        hv = grad(sum(terms), xs, allow_unused=True)
    else:
        hv = [None] * len(xs)
    return gs, hv


def as_np(t, shape) -> np.ndarray:
    if t is None or getattr(t, "_is_zerotensor", lambda: False)():
        return np.zeros(shape)  # torch answers a known-zero gradient with a ZeroTensor
    return np.asarray(t.detach().numpy(), dtype=np.float64)


# ------------------------------------------------------------------ the three checks
@pytest.mark.parametrize("op, shapes", SMOOTH, ids=SMOOTH_IDS)
def test_gradcheck(op: Op, shapes: tuple) -> None:
    xs = tg_leaves(draw(op, shapes))
    assert tg.testing.gradcheck(op.fn, xs)


@pytest.mark.parametrize("op, shapes", CASES, ids=IDS)
def test_matches_torch_values_grads_and_second_order(torch, op: Op, shapes: tuple) -> None:
    arrays = draw(op, shapes)
    xs, txs = tg_leaves(arrays), torch_leaves(torch, arrays)
    out, tout = op.fn(*xs), op.torch_fn(*txs)
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-10,
                               atol=1e-12)

    rng = np.random.default_rng(1)
    v = rng.standard_normal(out.shape)
    us = [rng.standard_normal(s) for s in shapes]
    gs, hv = vjp_and_hvp(tg.autograd.grad, lambda a, b: (a * tg.tensor(b)).sum(), xs, out,
                         v, us)
    tgs, thv = vjp_and_hvp(torch.autograd.grad,
                           lambda a, b: (a * torch.tensor(b)).sum(), txs, tout, v, us)
    for i, s in enumerate(shapes):
        np.testing.assert_allclose(as_np(gs[i], s), as_np(tgs[i], s), rtol=1e-9, atol=1e-12,
                                   err_msg=f"{op.name}: gradient of input {i}")
        np.testing.assert_allclose(as_np(hv[i], s), as_np(thv[i], s), rtol=1e-9, atol=1e-12,
                                   err_msg=f"{op.name}: Hessian-vector product, input {i}")


@pytest.mark.parametrize("op, shapes", CASES, ids=IDS)
def test_float32_in_float32_out(op: Op, shapes: tuple) -> None:
    """No accidental float64: float32 inputs give float32 values and gradients."""
    xs = tg_leaves(draw(op, shapes), dtype=tg.float32)
    out = op.fn(*xs)
    assert out.dtype == tg.float32
    out.sum().backward()
    for x in xs:
        assert x.grad is None or x.grad.dtype == tg.float32


# ------------------------------------------------------------------ hypothesis: broadcasting
BINARY = [op for op in OPS if op.name in ("add", "sub", "mul", "div", "pow", "maximum",
                                          "minimum")]


@pytest.mark.parametrize("op", BINARY, ids=[op.name for op in BINARY])
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_broadcasting_matches_torch(torch, op: Op, shapes, seed: int) -> None:
    arrays = draw(op, shapes.input_shapes, seed)
    xs, txs = tg_leaves(arrays), torch_leaves(torch, arrays)
    out, tout = op.fn(*xs), op.torch_fn(*txs)
    assert out.shape == shapes.result_shape == tuple(tout.shape)
    np.testing.assert_allclose(out.numpy() if not out.requires_grad else out.detach().numpy(),
                               tout.detach().numpy(), rtol=1e-10)
    v = np.random.default_rng(seed).standard_normal(out.shape)
    (out * tg.tensor(v)).sum().backward()
    (tout * torch.tensor(v)).sum().backward()
    for x, tx in zip(xs, txs):
        assert x.grad.shape == x.shape
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_broadcasting_gradcheck(shapes) -> None:
    rng = np.random.default_rng(0)
    a, b = (tg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes.input_shapes)
    assert tg.testing.gradcheck(lambda x, y: x * y + x - y, (a, b))


# ------------------------------------------------------------------ op details torch pins down
def test_max_min_with_dim_return_torch_indices(torch) -> None:
    a = DOMAINS["ties"](np.random.default_rng(3), (6, 5))
    x, tx = tg.tensor(a), torch.tensor(a)
    for dim in (0, 1, -1):
        for name in ("max", "min"):
            v, i = getattr(x, name)(dim)
            tv, ti = getattr(tx, name)(dim)
            np.testing.assert_array_equal(v.numpy(), tv.numpy())
            np.testing.assert_array_equal(i.numpy(), ti.numpy())
            assert i.dtype == tg.int64
    np.testing.assert_array_equal(x.argmax(1).numpy(), tx.argmax(1).numpy())
    np.testing.assert_array_equal(tg.argmax(x).numpy(), tx.argmax().numpy())


def test_pow_gradient_at_zero_matches_torch(torch) -> None:
    base = np.array([0.0, 0.0, 2.0])
    for exponent in (0.0, 1.0, 2.0, 0.5, 3):
        x, tx = tg.tensor(base, requires_grad=True), torch.tensor(base, requires_grad=True)
        (x ** exponent).sum().backward()
        (tx ** exponent).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), err_msg=f"x**{exponent}")
    # d(a**b)/db at a == 0 is taken as 0, not NaN
    a = tg.tensor([0.0, 1.5], requires_grad=True)
    b = tg.tensor([2.0, 2.0], requires_grad=True)
    ta, tb = torch.tensor([0.0, 1.5], requires_grad=True), torch.tensor([2.0, 2.0],
                                                                        requires_grad=True)
    (a ** b).sum().backward()
    (ta ** tb).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy())
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())


def test_sum_of_int_and_bool_tensors_is_int64() -> None:
    assert tg.tensor([1, 2], dtype=tg.int32).sum().dtype == tg.int64
    t = tg.tensor([True, False, True]).sum()
    assert t.dtype == tg.int64 and t.item() == 2
    assert tg.tensor([[1, 2], [3, 4]]).sum(0).tolist() == [4, 6]


def test_var_with_one_element_is_nan_like_torch(torch) -> None:
    assert np.isnan(tg.tensor([1.0]).var().item())
    assert np.isnan(torch.tensor([1.0]).var().item())
    assert tg.tensor([1.0]).var(unbiased=False).item() == 0.0


def test_indexing_forward_shares_torch_semantics_for_setitem(torch) -> None:
    a = np.arange(12.0).reshape(3, 4)
    for index in ((1,), (slice(None), 2), (np.array([0, 0, 2]),), (_mask := a > 4,)):
        x, tx = tg.tensor(a), torch.tensor(a)
        x[index if len(index) > 1 else index[0]] = -1.0
        tindex = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)
        tx[tindex if len(tindex) > 1 else tindex[0]] = -1.0
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
    assert _mask.any()
