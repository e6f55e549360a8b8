"""Fixes found by running tutorial-style programs (tests/compat/programs: tensors_tutorial,
autograd_mechanics, d2l_*, idioms_tour, micrograd_compare), each checked against torch:
``out=`` on function forms, ``torch.autograd.functional``, optimizer defaults as torch
prints them, mean as sum / n, ``where`` of two numbers, bmm/addmm node names."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg

RNG = np.random.default_rng(0)


def _close(a, b, atol=1e-6, rtol=1e-6):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, atol=atol, rtol=rtol)


# ---------------------------------------------------------------- out=
@pytest.mark.parametrize("call", [
    lambda m, a, b, out: m.matmul(a, b.T, out=out),
    lambda m, a, b, out: m.mul(a, b, out=out),
    lambda m, a, b, out: m.add(a, b, alpha=2, out=out),
    lambda m, a, b, out: m.sub(a, b, out=out),
    lambda m, a, b, out: m.div(a, b, out=out),
    lambda m, a, b, out: m.exp(a, out=out),
    lambda m, a, b, out: m.maximum(a, b, out=out),
    lambda m, a, b, out: m.sum(a, 0, out=out),
    lambda m, a, b, out: m.cat([a, b], dim=1, out=out),
    lambda m, a, b, out: m.stack([a, b], out=out),
    lambda m, a, b, out: m.clamp(a, -0.5, 0.5, out=out),
])
def test_out_writes_into_the_given_tensor_as_torch(torch, call):
    a, b = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3)) + 3.0
    want = call(torch, torch.tensor(a), torch.tensor(b), None)
    for m in (torch, tg):
        out = m.empty(0, dtype=m.float64)
        got = call(m, m.tensor(a), m.tensor(b), out)
        assert got is out
        _close(out, want)


def test_out_of_the_right_shape_keeps_its_storage_and_views_see_it(torch):
    for m in (torch, tg):
        base = m.zeros(2, 4)
        row = base[1]
        m.mul(m.ones(4), 3.0, out=row)
        assert base.tolist() == [[0.0] * 4, [3.0] * 4]


def test_out_resize_warns_cast_rules_and_grad_refusal_as_torch(torch):
    for m in (torch, tg):
        out = m.zeros(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.add(m.ones(2), 1, out=out)
        assert out.tolist() == [2.0, 2.0]
        assert any("was resized" in str(w.message) for w in caught)
        with pytest.raises(RuntimeError, match="can't be cast"):
            m.mul(m.ones(2), 2.0, out=m.zeros(2, dtype=m.long))
        wide = m.zeros(2, dtype=m.float64)
        assert m.add(m.ones(2), 1, out=wide).dtype == m.float64
        x = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="out=... arguments don't support automatic"):
            m.mul(x, x, out=m.empty(2))
        with m.no_grad():
            z = m.empty(2)
            m.mul(x, x, out=z)
        assert not z.requires_grad and z.tolist() == [1.0, 1.0]
        with pytest.raises(TypeError, match="must be Tensor"):
            m.exp(m.zeros(2), out=[1])
        # results without a gradient may be written, whatever their inputs
        idx = m.empty(0, dtype=m.long)
        assert m.argmax(x, out=idx) is idx and idx.tolist() == 0
        mask = m.empty(0, dtype=m.bool)
        assert m.gt(x, 0, out=mask).tolist() == [True, True]
        with pytest.raises(RuntimeError, match="out=... arguments don't support automatic"):
            m.exp(m.zeros(2), out=m.ones(2, requires_grad=True))


def test_out_with_a_tuple_result(torch):
    x = RNG.standard_normal((3, 4))
    want = torch.max(torch.tensor(x), 1)
    vals, idx = tg.empty(0, dtype=tg.float64), tg.empty(0, dtype=tg.long)
    got = tg.max(tg.tensor(x), 1, out=(vals, idx))
    assert got.values is vals and got.indices is idx
    _close(vals, want.values)
    assert idx.tolist() == want.indices.tolist()


# ---------------------------------------------------------------- autograd.functional
def test_autograd_functional_is_importable_as_torch_code_imports_it():
    import tensorgraph.autograd.functional as functional

    assert functional is tg.autograd.functional
    assert callable(functional.jacobian) and callable(functional.hessian)


def _fns(m):
    return {
        "exp_reducer": (lambda x: x.exp().sum(dim=1), 1),
        "pair": (lambda x, y: (x * y.sin()).sum() + (x ** 3).sum(), 2),
        "two_out": (lambda x, y: (x * y, x.pow(2).sum()), 2),
    }


def _inputs(m, k):
    arrs = [RNG.standard_normal((2, 3)) for _ in range(k)]
    return arrs, (lambda mod: tuple(mod.tensor(a) for a in arrs) if k > 1 else mod.tensor(arrs[0]))


def _tree_close(a, b):
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            _tree_close(x, y)
    else:
        assert not isinstance(a, tuple)
        _close(a, b, atol=1e-9)


@pytest.mark.parametrize("name", ["exp_reducer", "pair", "two_out"])
def test_jacobian_matches_torch_with_its_nesting(torch, name):
    arrs, make = _inputs(None, _fns(None)[name][1])
    got = tg.autograd.functional.jacobian(_fns(tg)[name][0], make(tg))
    want = torch.autograd.functional.jacobian(_fns(torch)[name][0], make(torch))
    _tree_close(got, want)


def test_hessian_vjp_jvp_hvp_vhp_match_torch(torch):
    a, b, v = (RNG.standard_normal((2, 2)) for _ in range(3))
    f = lambda x: x.pow(3).sum()  # noqa: E731
    g = lambda x, y: (x * y.sin()).sum() + (x ** 3).sum()  # noqa: E731
    af = tg.autograd.functional
    tf = torch.autograd.functional
    _tree_close(af.hessian(f, tg.tensor(a)), tf.hessian(f, torch.tensor(a)))
    _tree_close(af.hessian(g, (tg.tensor(a), tg.tensor(b))),
                tf.hessian(g, (torch.tensor(a), torch.tensor(b))))
    red = lambda x: x.exp().sum(dim=1)  # noqa: E731
    for fn, args in [("vjp", (red, a, np.ones(2))), ("jvp", (red, a, v)),
                     ("hvp", (f, a, v)), ("vhp", (f, a, v))]:
        func, x, vec = args
        got = getattr(af, fn)(func, tg.tensor(x), tg.tensor(vec))
        want = getattr(tf, fn)(func, torch.tensor(x), torch.tensor(vec))
        _tree_close(got, want)
    with pytest.raises(RuntimeError, match="v can only be None"):
        af.vjp(red, tg.tensor(a))


def test_jacobian_create_graph_is_differentiable(torch):
    results = []
    for m in (torch, tg):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        j = m.autograd.functional.jacobian(lambda t: t ** 3, x, create_graph=True)
        assert j.requires_grad
        j.trace().backward()
        results.append(x.grad)
        assert not m.autograd.functional.jacobian(lambda t: t ** 3, x).requires_grad
    _close(results[1], results[0])


# ---------------------------------------------------------------- optimizer defaults
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
                                  "Adamax", "NAdam", "RAdam"])
def test_optimizer_param_groups_print_as_torch(torch, name):
    groups = []
    for m in (torch, tg):
        opt = getattr(m.optim, name)([m.nn.Parameter(m.ones(2))], lr=0.1)
        groups.append(opt.state_dict()["param_groups"])
    assert repr(groups[1]) == repr(groups[0])


# ---------------------------------------------------------------- mean, where, node names
def test_mean_divides_by_the_count_as_torch(torch):
    a = np.r_[np.ones(48), np.zeros(12)].astype(np.float32)
    for dim in (None, 0, (0,)):
        kw = {} if dim is None else {"dim": dim}
        assert tg.tensor(a).mean(**kw).item() == torch.tensor(a).mean(**kw).item()
    # integer values: the sums are exact, so only sum / n against sum * (1/n) can differ
    m = RNG.integers(-5, 6, (7, 9)).astype(np.float32)
    for dim in (None, 1, (0, 1)):
        kw = {} if dim is None else {"dim": dim}
        np.testing.assert_array_equal(tg.tensor(m).mean(**kw).numpy(),
                                      torch.tensor(m).mean(**kw).numpy())
    m = RNG.standard_normal((7, 9)).astype(np.float32)
    x = tg.tensor(m, requires_grad=True)
    x.mean().backward()
    xt = torch.tensor(m, requires_grad=True)
    xt.mean().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("a,b", [(1.0, -1.0), (1, 0), (1, 2.5), (True, False)])
def test_where_of_two_numbers_takes_torchs_dtype(torch, a, b):
    cond = [True, False, True]
    got = tg.where(tg.tensor(cond), a, b)
    want = torch.where(torch.tensor(cond), a, b)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert got.tolist() == want.tolist()


def test_bmm_addmm_baddbmm_addbmm_node_names(torch):
    a, b, c = (RNG.standard_normal(s) for s in [(2, 3), (3, 4), (4,)])

    def names(m):
        x = m.tensor(a, requires_grad=True)
        y, z = m.tensor(b), m.tensor(c)
        outs = [m.bmm(x[None], y[None]), m.addmm(z, x, y), m.addmm(z, x, y, beta=0.5),
                m.baddbmm(z, x[None], y[None]), m.addbmm(z, x[None], y[None])]
        return [str(o.grad_fn).split(" ")[0] for o in outs]

    assert names(tg) == names(torch)


# ---------------------------------------------------------------- cdist
@pytest.mark.parametrize("rows", [(3, 4), (30, 5)])  # > 25 rows: torch's matmul form
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf"), 0.0])
def test_cdist_values_and_gradients_match_torch(torch, rows, p):
    a, b = RNG.standard_normal((rows[0], 3)), RNG.standard_normal((2, rows[1], 3))
    w = RNG.standard_normal((2,) + rows)
    grads = []
    for m in (torch, tg):
        x1 = m.tensor(a, requires_grad=True)
        x2 = m.tensor(b, requires_grad=True)
        d = m.cdist(x1, x2, p=p)
        (d * m.tensor(w)).sum().backward()
        grads.append((d, x1.grad, x2.grad))
    for got, want in zip(grads[1], grads[0]):
        _close(got, want, atol=1e-10, rtol=1e-10)
    f32 = [m.cdist(m.tensor(a, dtype=m.float32), m.tensor(b, dtype=m.float32), p=p)
           for m in (torch, tg)]
    _close(f32[1], f32[0], atol=1e-6, rtol=1e-6)


def test_cdist_mm_form_values_and_zero_distance_gradient(torch):
    ones = [m.cdist(m.ones(2, 3), m.ones(3, 3), compute_mode="use_mm_for_euclid_dist")
            for m in (torch, tg)]
    assert ones[1].tolist() == ones[0].tolist()
    for compute_mode in ("use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"):
        z = tg.zeros(2, 3, requires_grad=True)
        tg.cdist(z, z, compute_mode=compute_mode).sum().backward()
        assert z.grad.tolist() == [[0.0] * 3] * 2
    with pytest.raises(RuntimeError, match="same number of columns"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 4))
    with pytest.raises(ValueError, match="compute_mode"):
        tg.cdist(tg.ones(2, 3), tg.ones(2, 3), compute_mode="fast")
