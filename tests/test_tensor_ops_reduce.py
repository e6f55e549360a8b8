"""Sorting, scans and reductions beyond the catalogue: ties, NaN, integer dtypes,
axis=/keepdims= aliases, edge values and errors, against torch."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch_or_skip
from hypothesis import given
from hypothesis import strategies as st

import tensorgraph as tg


def test_sort_ties_and_nan_match_torch_stable(torch) -> None:
    a = np.array([[2.0, np.nan, 1.0, 2.0, -1.0, 1.0], [0.0, 0.0, 3.0, np.nan, 0.0, -2.0]])
    x, tx = tg.tensor(a), torch.tensor(a)
    for descending in (False, True):
        v, i = x.sort(1, descending=descending)
        tv, ti = tx.sort(dim=1, descending=descending, stable=True)
        np.testing.assert_array_equal(v.numpy(), tv.numpy())
        assert i.tolist() == ti.tolist() and i.dtype == tg.int64
        assert x.argsort(1, descending).tolist() == ti.tolist()


@given(rows=st.integers(1, 4), cols=st.integers(1, 6), seed=st.integers(0, 999),
       descending=st.booleans())
def test_sort_matches_torch_on_integer_ties(rows, cols, seed, descending) -> None:
    torch = torch_or_skip()
    a = np.random.default_rng(seed).integers(-2, 3, (rows, cols)).astype(np.float64)
    for dim in (0, 1):
        v, i = tg.tensor(a).sort(dim, descending)
        tv, ti = torch.tensor(a).sort(dim=dim, descending=descending, stable=True)
        assert v.tolist() == tv.tolist() and i.tolist() == ti.tolist()
    k = min(cols, 2)
    assert tg.tensor(a).topk(k).values.tolist() == torch.tensor(a).topk(k).values.tolist()


def test_axis_and_keepdims_aliases(torch) -> None:
    a = np.arange(24.0).reshape(2, 3, 4) % 5
    x, tx = tg.tensor(a), torch.tensor(a)
    for name in ("prod", "logsumexp", "all", "any"):
        got = getattr(x, name)(axis=1, keepdims=True)
        want = getattr(tx, name)(axis=1, keepdims=True)
        np.testing.assert_allclose(got.numpy(), want.numpy())
    assert (x > 1).all(dim=0).tolist() == (tx > 1).all(dim=0).tolist()
    assert tg.any(x > 3, 2).tolist() == torch.any(tx > 3, 2).tolist()
    assert x.all().dtype == tg.bool and bool(tg.tensor([1, 2]).all())
    assert x.count_nonzero(1).tolist() == tx.count_nonzero(1).tolist()
    assert x.count_nonzero().item() == tx.count_nonzero().item()


def test_integer_scans_and_products_are_int64(torch) -> None:
    for dtype, tdtype in ((tg.int32, torch.int32), (tg.bool, torch.bool), (tg.uint8, torch.uint8)):
        x, tx = tg.tensor([1, 0, 1, 1], dtype=dtype), torch.tensor([1, 0, 1, 1], dtype=tdtype)
        for name in ("cumsum", "cumprod"):
            out, tout = getattr(x, name)(0), getattr(tx, name)(0)
            assert str(out.dtype) == str(tout.dtype).replace("torch.", "tensorgraph.")
            assert out.tolist() == tout.tolist()
        assert x.prod().dtype == tg.int64 and x.prod().item() == tx.prod().item()
    assert tg.tensor([1.5, 2.0]).cumsum(0, dtype=tg.float64).dtype == tg.float64
    assert tg.zeros(0).prod().item() == 1.0 and tg.zeros(2, 0).prod(1).tolist() == [1.0, 1.0]


def test_logsumexp_edges_match_torch(torch) -> None:
    a = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [1e4, 1e4], [-1e4, 0.0]])
    for dtype, tdtype in ((tg.float32, torch.float32), (tg.float64, torch.float64)):
        got = tg.tensor(a, dtype=dtype).logsumexp(1)
        want = torch.tensor(a, dtype=tdtype).logsumexp(1)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert tg.tensor([1, 2, 3]).logsumexp(0).dtype == tg.float32


def test_norm_at_zero_has_zero_gradient_like_torch(torch) -> None:
    for p in (2, 3, 1.5, "fro"):
        x = tg.zeros(3, 2, requires_grad=True)
        tx = torch.zeros(3, 2, requires_grad=True)
        x.norm(p, dim=1).sum().backward()
        tx.norm(p, dim=1).sum().backward()
        assert x.grad.tolist() == tx.grad.tolist() == [[0.0, 0.0]] * 3
    a = np.array([[3.0, -4.0, 0.0], [1.0, 0.0, 0.0]])
    x, tx = tg.tensor(a), torch.tensor(a)
    for p in (0, 1, 2, float("inf"), float("-inf"), 4):
        np.testing.assert_allclose(x.norm(p, 1).numpy(), tx.norm(p, 1).numpy())
    np.testing.assert_allclose(x.norm("nuc").numpy(), tx.norm("nuc").numpy())
    with pytest.raises(RuntimeError, match="'nuc' or a number"):
        x.norm("bad")


def test_sorting_errors() -> None:
    x = tg.zeros(2, 3)
    with pytest.raises(RuntimeError, match="topk"):
        x.topk(4)
    with pytest.raises(RuntimeError, match="kthvalue"):
        x.kthvalue(0)
    with pytest.raises(IndexError, match="sort: dim 2"):
        x.sort(2)
    with pytest.raises(IndexError, match="cumsum"):
        x.cumsum(5)


def test_return_types_are_named_tuples(torch) -> None:
    x = tg.tensor([[3.0, 1.0, 2.0]])
    values, indices = x.sort()
    assert x.sort().values.tolist() == values.tolist() and x.sort().indices.tolist() == [[1, 2, 0]]
    assert x.topk(1).indices.tolist() == [[0]]
    assert x.kthvalue(2).values.tolist() == [2.0]
    assert x.median(1).indices.tolist() == torch.tensor([[3.0, 1.0, 2.0]]).median(1).indices.tolist()


def test_function_forms_take_axis_and_keepdims(torch) -> None:
    a = np.arange(12.0).reshape(3, 4) % 5
    x, tx = tg.tensor(a), torch.tensor(a)
    for name in ("max", "min", "argmax", "argmin", "amax", "amin", "sum", "mean", "var",
                 "std", "all", "any", "prod", "logsumexp"):
        got = getattr(tg, name)(x, axis=1, keepdims=True)
        want = getattr(torch, name)(tx, axis=1, keepdims=True)
        got, want = (got[0], want[0]) if isinstance(got, tuple) else (got, want)
        np.testing.assert_allclose(got.numpy(), want.numpy(), err_msg=name)
