"""torch's wider function surface (tensor_functions_more.py, tensor_more.py, tensor_rank.py,
tensor_scatter_reduce.py) against the torch oracle: values, dtypes, shapes, gradients."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.testing import gradcheck


def _out_list(out):
    if isinstance(out, (tuple, list)):
        return [leaf for o in out for leaf in _out_list(o)]
    return [out]


def compare(torch, fn, *arrays, grad=True, atol=1e-6):
    """Run ``fn(lib, *tensors)`` with tensorgraph and torch; compare every output's values,
    dtype and shape and (for float inputs, when ``grad``) the gradients of a weighted sum."""
    def make(lib, a, g):
        t = lib.tensor(a)
        return t.requires_grad_(True) if g and a.dtype.kind == "f" else t

    ours = [make(tg, a, grad) for a in arrays]
    theirs = [make(torch, a, grad) for a in arrays]
    out_o, out_t = _out_list(fn(tg, *ours)), _out_list(fn(torch, *theirs))
    assert len(out_o) == len(out_t)
    for o, t in zip(out_o, out_t):
        if not hasattr(t, "dtype"):
            assert o == t
            continue
        assert tuple(o.shape) == tuple(t.shape)
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), atol=atol,
                                   equal_nan=True)
    if not grad:
        return
    loss_o = loss_t = 0
    rng = np.random.default_rng(0)
    for o, t in zip(out_o, out_t):
        if hasattr(t, "requires_grad") and t.requires_grad:
            w = rng.standard_normal(tuple(t.shape))
            wo = np.nan_to_num(w).astype(o.detach().numpy().dtype)
            loss_o = loss_o + (o * tg.tensor(wo)).nan_to_num().sum()
            loss_t = loss_t + (t * torch.tensor(wo)).nan_to_num().sum()
    if isinstance(loss_t, int):
        return
    loss_o.backward()
    loss_t.backward()
    for a, b in zip(ours, theirs):
        if b.requires_grad:
            gb = b.grad if b.grad is not None else torch.zeros_like(b)
            ga = a.grad if a.grad is not None else tg.zeros_like(a)
            np.testing.assert_allclose(ga.numpy(), gb.numpy(), atol=1e-5)


R = np.random.default_rng(1)
M = R.standard_normal((3, 4))
V = R.standard_normal(5)
I = np.array([[3, -7, 5], [0, 8, -2]])


def test_constants(torch):
    for name in ("pi", "e", "inf", "nan"):
        a, b = getattr(tg, name), getattr(torch, name)
        assert type(a) is float and (a == b or (math.isnan(a) and math.isnan(b)))


def test_as_tensor(torch):
    a = np.arange(3.0)
    t = tg.as_tensor(a)
    a[0] = 7
    assert t[0].item() == 7 and t.dtype == tg.float64
    assert tg.as_tensor(a, dtype=tg.float32).dtype == tg.float32
    x = tg.ones(2)
    assert tg.as_tensor(x) is x and tg.as_tensor(x, dtype=tg.float32) is x
    assert tg.as_tensor(x, dtype=tg.float64).dtype == tg.float64
    assert tg.as_tensor([1, 2]).dtype == tg.int64
    assert tg.as_tensor(3.0).dtype == tg.float32 == tg.as_tensor(a, dtype=tg.float32).dtype
    assert torch.as_tensor(3.0).dtype == torch.float32


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
def test_div_rounding(torch, mode):
    compare(torch, lambda m, a, b: m.div(a, b, rounding_mode=mode), M, M[::-1] + 0.3)
    compare(torch, lambda m, a: m.div(a, 2, rounding_mode=mode), I)
    compare(torch, lambda m, a: a.div(m.tensor([2, -3, 4]), rounding_mode=mode), I)
    compare(torch, lambda m, a: m.div(a, 2.5, rounding_mode=mode), I)
    compare(torch, lambda m, a: m.divide(7, a, rounding_mode=mode), I + 10)


def test_named_arithmetic(torch):
    compare(torch, lambda m, a, b: (m.add(a, b, alpha=2), m.sub(a, b, alpha=0.5),
                                    m.mul(a, b), m.multiply(a, 3), m.subtract(a, b),
                                    a.add(b), a.sub(b, alpha=3), a.mul(b), m.true_divide(a, b)),
            M, M + 2)
    compare(torch, lambda m, a: (m.true_divide(a, 2), a.true_divide(2), m.floor_divide(a, 2),
                                 m.add(a, 1), m.mul(2, a)), I, grad=False)


def test_div_errors(torch):
    with pytest.raises(ValueError):
        tg.div(tg.ones(2), 2, rounding_mode="round")
    with pytest.raises(RuntimeError):
        tg.div(tg.tensor([1]), tg.tensor([0]), rounding_mode="floor")
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.tensor([1, 2]).div_(2)
    x = tg.tensor([7, -7])
    x.div_(2, rounding_mode="trunc")
    assert x.tolist() == [3, -3] and x.dtype == tg.int64


def test_logspace(torch):
    for kw in ({}, {"base": 2}, {"dtype": "int64"}, {"dtype": "float64"}):
        kt = {k: (getattr(torch, v) if k == "dtype" else v) for k, v in kw.items()}
        kg = {k: (getattr(tg, v) if k == "dtype" else v) for k, v in kw.items()}
        a, b = tg.logspace(0, 2, 5, **kg), torch.logspace(0, 2, 5, **kt)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_stacking(torch):
    s, v, m = np.array(2.0), V[:3], M[:3, :3]
    compare(torch, lambda t, a, b: t.hstack([a, b]), v, v + 1)
    compare(torch, lambda t, a, b: t.hstack((a, b)), m, m)
    compare(torch, lambda t, a, b: t.vstack([a, b]), v, v)
    compare(torch, lambda t, a, b: t.row_stack([a, b]), m, v)
    compare(torch, lambda t, a, b: t.dstack([a, b]), v, v)
    compare(torch, lambda t, a, b: t.dstack([a, b]), m, m)
    compare(torch, lambda t, a, b, c: t.column_stack([a, b, c]), v, m, v)
    compare(torch, lambda t, a, b, c: (t.atleast_1d(a), t.atleast_2d(b), t.atleast_3d(c),
                                       t.atleast_3d(a), t.atleast_3d(b), t.atleast_2d(a)),
            s, v, m)
    compare(torch, lambda t, a, b: t.atleast_2d(a, b), s, v)
    compare(torch, lambda t, a, b: t.atleast_1d([a, b]), s, v)
    assert gradcheck(lambda a, b: tg.column_stack([a, b]),
                     (tg.randn(3, dtype=tg.float64, requires_grad=True),
                      tg.randn(3, 2, dtype=tg.float64, requires_grad=True)))


def test_broadcasting(torch):
    assert tg.broadcast_shapes((2, 1), (3,)) == torch.broadcast_shapes((2, 1), (3,))
    assert isinstance(tg.broadcast_shapes(3, (2, 1)), tg.Size)
    with pytest.raises(RuntimeError):
        tg.broadcast_shapes((2,), (3,))
    compare(torch, lambda t, a, b: t.broadcast_tensors(a, b), M[:, :1], V[:4])
    compare(torch, lambda t, a: (t.broadcast_to(a, (2, 3, 4)), a.broadcast_to((3, 4))),
            M[:1])


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 5])
def test_rot90(torch, k):
    x = R.standard_normal((2, 3, 4))
    compare(torch, lambda t, a: t.rot90(a, k, [0, 2]), x)
    compare(torch, lambda t, a: a.rot90(k, (-1, 1)), x)
    with pytest.raises(RuntimeError):
        tg.rot90(tg.ones(3), 1)


def test_diff(torch):
    compare(torch, lambda t, a: (t.diff(a), t.diff(a, n=2, dim=0), a.diff(dim=0),
                                 t.diff(a, 3)), M)
    compare(torch, lambda t, a, p, q: t.diff(a, dim=1, prepend=p, append=q), M, M[:, :2],
            M[:, :1])
    compare(torch, lambda t, a: t.diff(a, append=t.tensor([1, 2])), I[0], grad=False)
    compare(torch, lambda t, a: t.diff(a > 0), I, grad=False)
    assert gradcheck(lambda a: a.diff(2, 0), (tg.randn(4, 3, dtype=tg.float64,
                                                       requires_grad=True),))


def test_cummax_cummin(torch):
    x = np.array([[1.0, 3, 3, 2, np.nan, 5], [0, -1, -1, 4, 4, 2]])
    for name in ("cummax", "cummin"):
        compare(torch, lambda t, a: getattr(t, name)(a, 1), x)
        compare(torch, lambda t, a: getattr(a, name)(dim=0), M)
        compare(torch, lambda t, a: getattr(t, name)(a, -1), I, grad=False)
        r = getattr(tg, name)(tg.tensor(x), 1)
        assert type(r).__name__ == name and r.values is r[0] and r.indices.dtype == tg.int64
    assert gradcheck(lambda a: a.cummax(1).values, (tg.randn(3, 5, dtype=tg.float64,
                                                             requires_grad=True),))


def test_mode(torch):
    x = np.array([[1.0, 2, 2, 1, 3], [5, 5, 4, 4, 0]])
    compare(torch, lambda t, a: (t.mode(a, 1), a.mode(0, keepdim=True), a.mode()), x)
    compare(torch, lambda t, a: t.mode(a.reshape(-1)), I, grad=False)
    compare(torch, lambda t, a: t.mode(a), np.array(3.0))


def test_lerp(torch):
    compare(torch, lambda t, a, b: (t.lerp(a, b, 0.3), a.lerp(b, 0.8), t.lerp(a, b, 1.0)), M,
            M * 2)
    compare(torch, lambda t, a, b, w: t.lerp(a, b, w), M, M + 1, R.uniform(-1, 2, (3, 4)))
    assert gradcheck(lambda a, b, w: a.lerp(b, w),
                     tuple(tg.randn(3, dtype=tg.float64, requires_grad=True) for _ in "abw"))
    x = tg.randn(3)
    y = x * 1
    y.lerp_(tg.ones(3), 0.5)
    np.testing.assert_allclose(y.numpy(), (x.numpy() + 1) / 2, rtol=1e-6)


def test_nan_reductions(torch):
    x = M.copy()
    x[0, 1] = x[2, 2] = np.nan
    x[1] = np.nan
    compare(torch, lambda t, a: (t.nansum(a), t.nansum(a, 1), a.nansum(dim=0, keepdim=True),
                                 t.nanmean(a), t.nanmean(a, 1), a.nanmean((0, 1), True),
                                 t.nansum(a, axis=0)), x)
    compare(torch, lambda t, a: t.nansum(a, 0), I, grad=False)
    with pytest.raises(RuntimeError):
        tg.nanmean(tg.tensor([1, 2]))


def test_searching(torch):
    seq, vals = np.array([1, 3, 5, 7]), np.array([[3, 6], [0, 9]])
    compare(torch, lambda t, s, v: (t.searchsorted(s, v), t.searchsorted(s, v, right=True),
                                    t.searchsorted(s, v, side="right"),
                                    t.searchsorted(s, v, out_int32=True),
                                    t.bucketize(v, s), t.bucketize(v, s, right=True)),
            seq, vals)
    compare(torch, lambda t, s, v: t.searchsorted(s, v), np.sort(M, 1), M[:, :2])
    compare(torch, lambda t, a, b: (t.isin(a, b), t.isin(a, b, invert=True), t.isin(a, 3)),
            I, np.array([3, 8, 9]))


def test_block_diag_cartesian(torch):
    compare(torch, lambda t, a, b, c: t.block_diag(a, b, c), M[:1, :2], np.array(3.0), V[:2])
    compare(torch, lambda t, a, b: t.block_diag(a, b), I, I[:1, :2], grad=False)
    compare(torch, lambda t, a, b: (t.cartesian_prod(a, b), t.cartesian_prod(a)), V[:2], V[:3])
    compare(torch, lambda t, a, b, c: t.cartesian_prod(a, b, c), I[0], I[1], I[0, :2],
            grad=False)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile(torch, interpolation):
    x = R.standard_normal((3, 6))
    kw = {"interpolation": interpolation}
    compare(torch, lambda t, a: (t.quantile(a, 0.3, **kw), t.quantile(a, 0.5, dim=1, **kw),
                                 a.quantile(t.tensor([0.1, 0.9], dtype=a.dtype), dim=0,
                                            keepdim=True, **kw),
                                 t.quantile(a, t.tensor([0.25, 1.0], dtype=a.dtype), **kw),
                                 t.quantile(a, 0.7, keepdim=True, **kw)), x)
    y = x.copy()
    y[0, 2] = y[2] = np.nan
    y[1, 1] = np.nan
    compare(torch, lambda t, a: (t.quantile(a, 0.4, 1, **kw), t.nanquantile(a, 0.4, 1, **kw),
                                 a.nanquantile(t.tensor([0.0, 0.35], dtype=a.dtype), dim=-1,
                                               **kw)), y)


def test_quantile_errors_and_grad():
    with pytest.raises(RuntimeError, match="float or double"):
        tg.quantile(tg.arange(3), 0.5)
    with pytest.raises(RuntimeError, match="range"):
        tg.quantile(tg.arange(3.0), 1.5)
    with pytest.raises(ValueError):
        tg.quantile(tg.arange(3.0), 0.5, interpolation="cubic")
    assert gradcheck(lambda a: a.quantile(tg.tensor([0.3, 0.77], dtype=tg.float64), dim=1),
                     (tg.randn(3, 5, dtype=tg.float64, requires_grad=True),))


def test_addc_clamp(torch):
    compare(torch, lambda t, a, b, c: (t.addcmul(a, b, c, value=0.5), a.addcdiv(b, c),
                                       t.addcdiv(a, b, c, value=-2), a.addcmul(b, c)),
            M, M + 1, M * M + 1)
    compare(torch, lambda t, a: (t.clamp_min(a, 0.1), a.clamp_max(-0.2), t.clamp_max(a, 0.0)),
            M)
    with pytest.raises(RuntimeError, match="addcdiv"):
        tg.addcdiv(tg.ones(2), tg.tensor([1, 2]), tg.tensor([1, 2]))


def test_h_mh_data_ptr_unfold(torch):
    compare(torch, lambda t, a, b: (a.H, b.mH, a.mH), M, R.standard_normal((2, 3, 4)))
    with pytest.raises(RuntimeError):
        tg.ones(3).H
    with pytest.raises(RuntimeError):
        tg.ones(3).mH
    x = tg.arange(12.0).reshape(3, 4)
    assert x[1].data_ptr() == x.data_ptr() + 4 * 4 and x.t().data_ptr() == x.data_ptr()
    x3 = R.standard_normal((3, 7, 2))
    for dim, size, step in ((1, 3, 2), (1, 7, 1), (0, 1, 1), (-1, 2, 3), (1, 0, 1)):
        compare(torch, lambda t, a: a.unfold(dim, size, step), x3)
    with pytest.raises(RuntimeError):
        tg.ones(3).unfold(0, 4, 1)
    assert gradcheck(lambda a: a.unfold(1, 3, 2), (tg.randn(2, 7, dtype=tg.float64,
                                                            requires_grad=True),))


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(torch, reduce, include_self):
    base = np.round(R.standard_normal((3, 5)), 1)
    src = np.round(R.standard_normal((2, 5)), 1)
    src[0, 1] = src[1, 1] = base[0, 1]  # ties for amax/amin
    src[1, 3] = 0.0  # a zero for prod
    idx = np.array([[0, 0, 2, 1, 0], [0, 0, 1, 1, 2]])

    def f(t, a, s):
        i = t.tensor(idx)
        return (t.scatter_reduce(a, 0, i, s, reduce, include_self=include_self),
                a.scatter_reduce(1, i[:, :3], s[:, :3], reduce, include_self=include_self))

    compare(torch, f, base, src)
    ib, isrc = (base * 10).astype(np.int64), (src * 10).astype(np.int64)
    compare(torch, f, ib, isrc, grad=False)
    if reduce != "prod":
        assert gradcheck(lambda a, s: a.scatter_reduce(0, tg.tensor(idx), s, reduce,
                                                       include_self=include_self),
                         (tg.randn(3, 5, dtype=tg.float64, requires_grad=True),
                          tg.randn(2, 5, dtype=tg.float64, requires_grad=True)))


def test_scatter_reduce_inplace_and_errors(torch):
    a = tg.zeros(3)
    a.scatter_reduce_(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 3.0]), "amax",
                      include_self=False)
    assert a.tolist() == [2.0, 0.0, 3.0]
    with pytest.raises(RuntimeError):
        a.scatter_reduce(0, tg.tensor([0]), tg.tensor([1.0]), "max")
    with pytest.raises(RuntimeError):
        a.scatter_reduce(0, tg.tensor([0]), tg.tensor([1]), "sum")


def test_index_put(torch):
    idx = (np.array([0, 2, 0]), np.array([1, 3, 1]))

    def f(t, a, v):
        i = tuple(t.tensor(k) for k in idx)
        b = a * 1
        b.index_put_(i, v, accumulate=True)
        return (b, a.index_put(i, v[:1]), t.index_put(a, i, v, True))

    compare(torch, f, M, np.array([1.0, 2.0, 3.0]))


def test_deepcopy():
    x = tg.randn(3, requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.is_leaf
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy())
    y.detach()[0] = 5.0
    assert x[0].item() != 5.0


def test_axis_alias(torch):
    compare(torch, lambda t, a: (t.cumsum(a, axis=1), t.cumprod(a, axis=0), t.argmax(a, axis=1),
                                 t.max(a, axis=1), t.min(a, axis=0), t.std(a, axis=1),
                                 t.var(a, axis=0), t.sum(a, axis=1), t.mean(a, axis=0),
                                 t.logsumexp(a, axis=1), t.prod(a, axis=1),
                                 t.amax(a, axis=0), t.argmin(a, axis=0),
                                 t.softmax(a, axis=1), t.flip(a, [0]), t.median(a, axis=1),
                                 t.sort(a, axis=1), t.argsort(a, axis=1),
                                 a.cumsum(axis=1), a.argmax(axis=1), a.max(axis=0),
                                 a.std(axis=0), a.sum(axis=0)), M)
