"""Behaviours where numpy's answer differs from torch's, checked against torch itself:
0-d samples, ints mixed with advanced indices, view() on strides that can't hold it,
integer division by zero and in-place casts, error types, numpy scalars' dtypes,
views returning new tensors, and the warning on a non-leaf's .grad."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg


def _error(call):
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e), str(e)
    return None, None


def _same_error(tcall, gcall, exact: bool = True) -> None:
    """Same exception class as torch's, and torch's message at the start of ours."""
    (te, tm), (ge, gm) = _error(tcall), _error(gcall)
    assert te is not None and ge is not None, (tm, gm)
    assert issubclass(ge, te), (te, tm, ge, gm)
    if exact:
        assert gm.startswith(tm), (tm, gm)


# ---------------------------------------------------------------- 1. 0-d samples
@pytest.mark.parametrize("make", [
    lambda m: m.randn(()), lambda m: m.rand(()), lambda m: m.randint(0, 5, ()),
    lambda m: m.normal(0., 1., size=()), lambda m: m.randn([]), lambda m: m.rand(size=()),
    lambda m: m.randn((), dtype=m.float64), lambda m: m.randint(5, ()),
    lambda m: m.randn_like(m.zeros(())), lambda m: m.zeros(()), lambda m: m.ones(()),
    lambda m: m.full((), 2.0),
])
def test_zero_dim_samples_are_zero_dim_and_keep_the_stream(torch, make) -> None:
    torch.manual_seed(3)
    tg.manual_seed(3)
    a, b = make(torch), make(tg)
    assert tuple(b.shape) == tuple(a.shape) == ()
    assert b.item() == a.item()
    assert tg.empty(()).shape == torch.empty(()).shape


# ---------------------------------------------------------------- 2. indexing
S = slice(None)
INDEX_CASES = [
    (0, S, [0, 2]), ("t0", S, [0, 2]), ([0, 1], "t0", [0, 2]), (S, 1, S, [0, 1]),
    (0, S, S, [0, 1]), ([0, 1], S, 0, [0, 1]), (0, [0, 1], S, [0, 1]), (Ellipsis, 0, [1, 2]),
    (0, Ellipsis, [1, 2]), (0, None, S, [1, 2]), (0, S, "mask"), (0, S, [[0], [1]], [1, 2]),
    (0, S, 1, [0, 3]), (1, S, [0, 2], S), (S, [1, 2], 0, [0, 1]), ([1], S, 0),
]


def _index(m, idx):
    conv = {"t0": lambda: m.tensor(0), "mask": lambda: m.tensor([True, False, True, False])}
    return tuple(conv[i]() if isinstance(i, str) else i for i in idx)


@pytest.mark.parametrize("idx", INDEX_CASES)
def test_int_mixed_with_advanced_indices_selects_first(torch, idx) -> None:
    base = np.arange(120.0).reshape(2, 3, 4, 5)
    x, xt = torch.tensor(base, requires_grad=True), tg.tensor(base, requires_grad=True)
    a, b = x[_index(torch, idx)], xt[_index(tg, idx)]
    assert tuple(b.shape) == tuple(a.shape)
    np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
    w = np.random.default_rng(0).standard_normal(tuple(a.shape))
    (a * torch.tensor(w)).sum().backward()
    (b * tg.tensor(w)).sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), x.grad.numpy())
    # x[idx] = v, plain and recorded (the value's gradient and the base's)
    v = np.arange(float(a.numel())).reshape(tuple(a.shape))
    y1, y2 = torch.tensor(base), tg.tensor(base)
    y1[_index(torch, idx)] = torch.tensor(v)
    y2[_index(tg, idx)] = tg.tensor(v)
    np.testing.assert_array_equal(y2.numpy(), y1.numpy())
    vt = torch.tensor(v, dtype=torch.float32, requires_grad=True)
    vg = tg.tensor(v, dtype=tg.float32, requires_grad=True)
    bt, bg = torch.zeros(base.shape, requires_grad=True), tg.zeros(base.shape, requires_grad=True)
    z1, z2 = bt * 1, bg * 1
    z1[_index(torch, idx)] = vt * 2
    z2[_index(tg, idx)] = vg * 2
    g = np.random.default_rng(1).standard_normal(base.shape)
    (z1 * torch.tensor(g, dtype=torch.float32)).sum().backward()
    (z2 * tg.tensor(g, dtype=tg.float32)).sum().backward()
    np.testing.assert_allclose(z2.detach().numpy(), z1.detach().numpy())
    np.testing.assert_allclose(vg.grad.numpy(), vt.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(bg.grad.numpy(), bt.grad.numpy(), rtol=1e-6)


def test_mixed_index_gradcheck() -> None:
    x = tg.randn(2, 3, 4, dtype=tg.float64, requires_grad=True)
    assert tg.testing.gradcheck(lambda t: t[0, :, [0, 2, 2]], (x,))
    assert x[0, :, [0, 2]].shape == (3, 2)


@pytest.mark.parametrize("key", [slice(None, None, -1), (slice(None), slice(None, None, -2)),
                                 slice(None, None, 0)])
def test_negative_or_zero_step_raises(torch, key) -> None:
    _same_error(lambda: torch.arange(6).reshape(2, 3)[key], lambda: tg.arange(6).reshape(2, 3)[key])

    def put(m):
        x = m.arange(6).reshape(2, 3)
        x[key] = 0

    _same_error(lambda: put(torch), lambda: put(tg))
    np.testing.assert_array_equal(tg.arange(4).flip(0).numpy(), [3, 2, 1, 0])


# ---------------------------------------------------------------- 3. view and strides
VIEWS = [
    (lambda m: m.arange(6).reshape(2, 3).t(), (6,)),
    (lambda m: m.arange(24).reshape(2, 3, 4).permute(1, 0, 2), (3, 8)),
    (lambda m: m.arange(24).reshape(2, 3, 4).permute(1, 0, 2), (3, 2, 2, 2)),
    (lambda m: m.arange(24).reshape(2, 3, 4)[:, :, 1:], (6, 3)),
    (lambda m: m.arange(24).reshape(2, 3, 4)[:, 1:], (4, 4)),
    (lambda m: m.arange(24).reshape(2, 3, 4)[:, 1:], (2, 8)),
    (lambda m: m.arange(6).expand(2, 6), (12,)),
    (lambda m: m.arange(6).expand(2, 6), (2, 2, 3)),
    (lambda m: m.arange(6).reshape(2, 3)[:, None], (2, 3)),
    (lambda m: m.arange(6).reshape(2, 3).t()[:1], (2,)),
    (lambda m: m.arange(12).reshape(3, 4).t()[:, :2], (8,)),
    (lambda m: m.zeros(0, 3).t(), (0,)),
    (lambda m: m.tensor(5), (1, 1)),
]


@pytest.mark.parametrize("make, shape", VIEWS)
def test_view_refuses_what_torch_refuses(torch, make, shape) -> None:
    a, b = make(torch), make(tg)
    assert b.is_contiguous() == a.is_contiguous()
    assert b.contiguous().is_contiguous() and b.contiguous().view(shape).shape == shape
    (te, tm), (ge, gm) = _error(lambda: a.view(shape)), _error(lambda: b.view(shape))
    assert te is ge, (tm, gm)
    if te is None:
        np.testing.assert_array_equal(b.view(shape).numpy(), a.view(shape).numpy())
    else:
        assert gm.startswith(tm)
    np.testing.assert_array_equal(b.reshape(shape).numpy(), a.reshape(shape).numpy())


# ---------------------------------------------------------------- 4. integer ops
@pytest.mark.parametrize("call", [
    lambda m: m.tensor([1]) // 0, lambda m: m.tensor([1]) % 0,
    lambda m: m.tensor([1, 2]) // m.tensor([1, 0]), lambda m: m.tensor([1, 2]).fmod(0),
    lambda m: m.tensor([1, 2]).remainder(m.tensor(0)), lambda m: 3 % m.tensor([0]),
    lambda m: m.tensor([3], dtype=m.uint8) % 0, lambda m: m.floor_divide(m.tensor([4]), 0),
])
def test_integer_division_by_zero_raises(torch, call) -> None:
    _same_error(lambda: call(torch), lambda: call(tg))


def test_float_division_by_zero_still_gives_inf(torch) -> None:
    np.testing.assert_array_equal((tg.tensor([1.0]) // 0).numpy(), (torch.tensor([1.0]) // 0).numpy())
    np.testing.assert_array_equal((tg.tensor([1]) / 0).numpy(), (torch.tensor([1]) / 0).numpy())


INPLACE = ["i /= 2", "i *= 2.5", "i += 0.5", "i -= 0.5", "i **= 0.5", "i %= 1.5", "b += 1",
           "b *= 2", "i.add_(0.5)", "i.mul_(m.tensor(2.5))", "i.div_(2)", "i.sub_(1.5)",
           "i += m.tensor([1.0, 2.0, 3.0])",
           # these torch allows (same kind, or writes that cast)
           "b += True", "i //= 2", "i += 2", "i.copy_(m.tensor([1.5, 2.0, 3.0]))",
           "i[0] = 2.5", "i.fill_(2.5)", "i.masked_fill_(i > 1, 2.5)", "f = m.ones(3); f += 1",
           "f = m.ones(3, dtype=m.float64); f *= m.ones(3)"]


@pytest.mark.parametrize("stmt", INPLACE)
def test_inplace_results_that_cannot_be_cast_raise(torch, stmt) -> None:
    def run(m):
        env = {"m": m, "i": m.tensor([1, 2, 3]), "b": m.tensor([True])}
        exec(stmt, env)  # noqa: S102 - the statement is the test case
        return env["i"], env["b"]

    (te, tm), (ge, gm) = _error(lambda: run(torch)), _error(lambda: run(tg))
    assert te is ge, (tm, gm)
    if te is None:
        for a, b in zip(run(torch), run(tg)):
            np.testing.assert_array_equal(b.numpy(), a.numpy())
            assert str(b.dtype).split(".")[-1] == str(a.dtype).split(".")[-1]
    else:
        assert gm.startswith(tm), (tm, gm)


@pytest.mark.parametrize("a, b", [
    ((1, 2), (2, 1)), ((2,), (2,)), ((1, 2), (2,)), ((2,), (2, 3)), ((3, 1, 2), (2, 1)),
    ((2, 2, 2), (2, 2, 3)), ((2,), (2, 2, 3)),
])
@pytest.mark.parametrize("da, db", [("int64", "float32"), ("float64", "float32"),
                                    ("float32", "int64")])
def test_matmul_of_mixed_dtypes_raises(torch, a, b, da, db) -> None:
    _same_error(lambda: torch.ones(a, dtype=getattr(torch, da)) @ torch.ones(b, dtype=getattr(torch, db)),
                lambda: tg.ones(a, dtype=getattr(tg, da)) @ tg.ones(b, dtype=getattr(tg, db)))


@pytest.mark.parametrize("op, a, b", [("mm", (1, 2), (2, 1)), ("bmm", (1, 1, 2), (1, 2, 1)),
                                      ("dot", (2,), (2,)), ("mv", (2, 2), (2,))])
def test_mm_bmm_dot_mv_of_mixed_dtypes_raise(torch, op, a, b) -> None:
    _same_error(lambda: getattr(torch, op)(torch.ones(a, dtype=torch.float64), torch.ones(b)),
                lambda: getattr(tg, op)(tg.ones(a, dtype=tg.float64), tg.ones(b)))


# ---------------------------------------------------------------- 5. error types
@pytest.mark.parametrize("call", [
    lambda m: bool(m.tensor([1, 2])), lambda m: bool(m.tensor([])),
    lambda m: m.tensor([1, 2]).item(), lambda m: m.tensor([]).item(),
    lambda m: float(m.tensor([1.0, 2.0])), lambda m: int(m.tensor([1, 2])),
    lambda m: m.arange(3).mean(), lambda m: m.tensor([True]).mean(), lambda m: m.arange(3).mean(0),
    lambda m: m.zeros(2, 3).gather(1, m.tensor([[5], [0]])),
    lambda m: m.zeros(2, 3).gather(1, m.tensor([[-1], [0]])),
    lambda m: m.zeros(2, 3).scatter(1, m.tensor([[5], [0]]), 1.0),
    lambda m: m.zeros(2, 3).scatter_add(1, m.tensor([[5], [0]]), m.ones(2, 1)),
    lambda m: m.zeros(2, 3).index_select(1, m.tensor([5])),
    lambda m: m.zeros(2, 3).index_select(0, m.tensor([5])),
    lambda m: m.zeros(2, 3).take(m.tensor([7])),
])
def test_error_types_and_messages_are_torchs(torch, call) -> None:
    _same_error(lambda: call(torch), lambda: call(tg))


def test_one_element_conversions_still_work() -> None:
    assert bool(tg.tensor([3])) and not bool(tg.tensor(0.0))
    assert tg.tensor([[2]]).item() == 2 and float(tg.tensor([1.5])) == 1.5


# ---------------------------------------------------------------- 6. numpy scalars
@pytest.mark.parametrize("value", [np.float64(2.0), np.int32(2), np.float32(1), np.float16(1),
                                   np.bool_(True), np.uint8(1), np.int64(1), 2.0, 2, True])
def test_numpy_scalars_keep_their_dtype(torch, value) -> None:
    assert str(tg.tensor(value).dtype).split(".")[-1] == str(torch.tensor(value).dtype).split(".")[-1]
    assert tg.tensor(value).item() == torch.tensor(value).item()


# ---------------------------------------------------------------- 7. new views
@pytest.mark.parametrize("name, call", [
    ("squeeze", lambda x: x.squeeze()), ("squeeze0", lambda x: x.squeeze(0)),
    ("view", lambda x: x.view(2, 3)), ("reshape", lambda x: x.reshape(2, 3)),
    ("expand", lambda x: x.expand(2, 3)), ("view_as", lambda x: x.view_as(x)),
    ("reshape_as", lambda x: x.reshape_as(x)), ("movedim", lambda x: x.movedim(0, 0)),
    ("permute", lambda x: x.permute(0, 1)), ("flatten01", lambda x: x.flatten()),
    ("contiguous", lambda x: x.contiguous()), ("flatten00", lambda x: x.flatten(0, 0)),
])
def test_shape_ops_return_self_only_where_torch_does(torch, name, call) -> None:
    x, xt = torch.ones(2, 3, requires_grad=True), tg.ones(2, 3, requires_grad=True)
    a, b = call(x), call(xt)
    assert (b is xt) == (a is x), name
    assert (b.grad_fn is None) == (a.grad_fn is None), name
    y, yt = torch.ones(3), tg.ones(3)
    assert (yt.t() is yt) == (y.t() is y) and (yt.flatten() is yt) == (y.flatten() is y)
    assert (yt.squeeze() is yt) == (y.squeeze() is y)


def test_squeeze_without_size1_dims_carries_the_gradient() -> None:
    x = tg.ones(2, 3, requires_grad=True)
    (x.squeeze() * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


# ---------------------------------------------------------------- 8. non-leaf .grad
def test_non_leaf_grad_access_warns_as_torch(torch) -> None:
    def count(m, retain: bool, leaf_only: bool = False) -> tuple:
        x = m.ones(2, requires_grad=True)
        y = x * 2
        if retain:
            y.retain_grad()
        (y * y).sum().backward()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            _ = (x if leaf_only else y).grad
            _ = (x if leaf_only else y).grad
        return [(r.category, str(r.message).split(" (Triggered")[0]) for r in w]

    for retain, leaf in ((False, False), (True, False), (False, True)):
        assert count(tg, retain, leaf) == count(torch, retain, leaf)
    assert len(count(tg, False)) == 2
    z = tg.ones(2) * 2  # not requiring grad: a leaf, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.grad is None
