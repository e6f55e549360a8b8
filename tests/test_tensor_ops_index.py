"""Indexing, splitting and scattering beyond the catalogue: the errors torch raises,
non-differentiable results (nonzero, where(cond)), shapes from hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch_or_skip
from hypothesis import given
from hypothesis import strategies as st

import tensorgraph as tg


def both(torch, a):
    return tg.tensor(a), torch.tensor(a)


@pytest.mark.parametrize("call, error", [
    (lambda t, x: x.gather(1, t.tensor([[0.0]])), RuntimeError),           # float index
    (lambda t, x: x.gather(1, t.tensor([0, 1])), RuntimeError),            # ndim mismatch
    (lambda t, x: x.gather(1, t.tensor([[5]])), (RuntimeError, IndexError)),  # out of range
    (lambda t, x: x.gather(1, t.tensor([[-1]])), (RuntimeError, IndexError)),
    (lambda t, x: x.index_select(0, t.tensor([[0]])), (RuntimeError, IndexError)),
    (lambda t, x: x.index_select(0, t.tensor([7])), (RuntimeError, IndexError)),
    (lambda t, x: x.masked_fill(t.tensor([1, 0, 1, 0]), 0.0), RuntimeError),  # int mask
    (lambda t, x: x.split([1, 1], 0), RuntimeError),                     # sizes sum != 3
    (lambda t, x: x.narrow(1, 2, 5), RuntimeError),
    (lambda t, x: x.chunk(0), RuntimeError),
    (lambda t, x: x.repeat(2), RuntimeError),                            # fewer dims
    (lambda t, x: x.roll((1, 2), (0,)), RuntimeError),
    (lambda t, x: x.select(0, 3), IndexError),
    (lambda t, x: x[0].tril(), RuntimeError),                            # 1-D
    (lambda t, x: x.scatter_add(0, t.tensor([[0, 1, 2, 0, 1]]), t.ones(1, 4)), RuntimeError),
])
def test_errors_match_torch_exception_types(torch, call, error) -> None:
    x, tx = both(torch, np.arange(12.0).reshape(3, 4))
    with pytest.raises(error):
        call(torch, tx)
    with pytest.raises(error):
        call(tg, x)


def test_error_messages_name_the_op() -> None:
    x = tg.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"index 5 is out of bounds for dimension 1 .*gather\(\)"):
        x.gather(1, tg.tensor([[5]]))
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum"):
        x.split([1, 1])
    with pytest.raises(RuntimeError, match="masked_fill: only supports boolean masks"):
        x.masked_fill(tg.tensor([1, 0, 1, 0]), 1.0)


def test_nonzero_and_where_single_argument(torch) -> None:
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    x, tx = both(torch, a)
    assert x.nonzero().tolist() == tx.nonzero().tolist()
    assert x.nonzero().dtype == tg.int64
    for got, want in zip(tg.where(x > 0), torch.where(tx > 0)):
        assert got.tolist() == want.tolist()
    for got, want in zip(x.nonzero(as_tuple=True), tx.nonzero(as_tuple=True)):
        assert got.tolist() == want.tolist()
    assert tg.argwhere(x).tolist() == torch.argwhere(tx).tolist()
    assert tg.zeros(2, 3).nonzero().shape == (0, 2)


def test_scatter_integer_tensors_and_one_hot_idiom(torch) -> None:
    labels = [2, 0, 1, 2]
    onehot = tg.zeros(4, 3).scatter_(1, tg.tensor(labels).unsqueeze(1), 1.0)
    tonehot = torch.zeros(4, 3).scatter_(1, torch.tensor(labels).unsqueeze(1), 1.0)
    assert onehot.tolist() == tonehot.tolist()
    counts = tg.zeros(3, dtype=tg.int64).scatter_add(0, tg.tensor(labels), tg.ones(4, dtype=tg.int64))
    assert counts.tolist() == [1, 1, 2] and counts.dtype == tg.int64
    src = np.arange(15.0).reshape(3, 5)
    idx = np.array([[0, 1, 2, 0], [2, 0, 0, 1]])
    x = tg.zeros(3, 4, requires_grad=True)
    s = tg.tensor(src, dtype=tg.float32, requires_grad=True)
    tx = torch.zeros(3, 4, requires_grad=True)
    ts = torch.tensor(src, dtype=torch.float32, requires_grad=True)
    out, tout = x.scatter_add(0, tg.tensor(idx), s), tx.scatter_add(0, torch.tensor(idx), ts)
    assert out.tolist() == tout.tolist()  # src larger than index: only src[:2, :4] is used
    out.sum().backward()  # (torch's own backward fails on a src larger than index)
    want = np.zeros((3, 5))
    want[:2, :4] = 1
    assert s.grad.tolist() == want.tolist() and x.grad.tolist() == np.ones((3, 4)).tolist()


def test_split_chunk_unbind_tensor_split_shapes(torch) -> None:
    x, tx = both(torch, np.arange(14.0).reshape(7, 2))
    for name, args in (("split", (3,)), ("split", ([2, 5],)), ("chunk", (3,)), ("chunk", (4,)),
                       ("unbind", ()), ("tensor_split", (3,)), ("tensor_split", ([1, 5],))):
        got, want = getattr(x, name)(*args), getattr(tx, name)(*args)
        assert isinstance(got, tuple)
        assert [g.tolist() for g in got] == [w.tolist() for w in want], (name, args)


@given(n=st.integers(0, 9), k=st.integers(1, 6), other=st.integers(1, 3))
def test_split_and_chunk_match_torch_for_any_size(n: int, k: int, other: int) -> None:
    torch = torch_or_skip()
    a = np.arange(n * other, dtype=np.float64).reshape(other, n)
    x, tx = tg.tensor(a), torch.tensor(a)
    for name in ("split", "chunk", "tensor_split"):
        got, want = getattr(x, name)(k, 1), getattr(tx, name)(k, 1)
        assert [g.shape for g in got] == [tuple(w.shape) for w in want], name
        assert [g.tolist() for g in got] == [w.tolist() for w in want], name


@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       reps=st.lists(st.integers(0, 3), min_size=0, max_size=4), shift=st.integers(-5, 5))
def test_repeat_tile_roll_flip_match_torch(shape, reps, shift) -> None:
    torch = torch_or_skip()
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    x, tx = tg.tensor(a), torch.tensor(a)
    assert x.tile(tuple(reps)).tolist() == tx.tile(tuple(reps)).tolist()
    if len(reps) >= len(shape):
        assert x.repeat(*reps).tolist() == tx.repeat(*reps).tolist()
    assert x.roll(shift, -1).tolist() == tx.roll(shift, -1).tolist()
    assert x.roll(shift).tolist() == tx.roll(shift).tolist()
    assert x.flip(-1).tolist() == tx.flip(-1).tolist()
    assert x.repeat_interleave(2, 0).tolist() == tx.repeat_interleave(2, 0).tolist()
