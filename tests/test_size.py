"""tg.Size: Tensor.shape / size() as torch.Size (a tuple of ints that prints as torch)."""

from __future__ import annotations

import copy
import pickle

import pytest

import tensorgraph as tg


def test_shape_and_size_are_a_size_that_prints_as_torchs(torch):
    x, tx = tg.zeros(2, 3), torch.zeros(2, 3)
    for s, ts in [(x.shape, tx.shape), (x.size(), tx.size()), (tg.zeros(()).shape,
                                                               torch.zeros(()).shape)]:
        assert type(s) is tg.Size and isinstance(s, tuple)
        assert repr(s) == repr(ts) and str(s) == str(ts) and f"{s}" == f"{ts}"
    assert x.size(1) == 3 and type(x.size(-1)) is int
    assert str([x.shape]) == str([tx.shape])


def test_size_arithmetic_slicing_and_comparison_as_torch(torch):
    s, ts = tg.Size([2, 3]), torch.Size([2, 3])
    cases = [lambda a: a[1:], lambda a: a[::-1], lambda a: a[0:0], lambda a: a + (4,),
             lambda a: (4,) + a, lambda a: a + a, lambda a: a * 2, lambda a: 2 * a]
    for f in cases:
        assert repr(f(s)) == repr(f(ts))
    assert s[0] == 2 and type(s[0]) is int and s[-1] == 3
    assert s.numel() == ts.numel() == 6 and tg.Size([]).numel() == 1
    assert tg.zeros(0, 3).shape.numel() == 0
    assert (s == (2, 3)) is (ts == (2, 3)) is True
    assert (s == [2, 3]) is (ts == [2, 3]) is False
    assert hash(s) == hash((2, 3)) and {s: 1}[(2, 3)] == 1
    assert s.count(2) == 1 and s.index(3) == 1 and list(s) == [2, 3]


def test_size_pickles_copies_and_builds_from_ints_or_tensors(torch):
    s = tg.Size([2, 3])
    for back in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), copy.copy(s)):
        assert type(back) is tg.Size and back == s
    assert tg.Size(tg.tensor([2, 3])) == s and tg.Size((tg.tensor(2), 3)) == s
    assert repr(tg.Size()) == repr(torch.Size()) == "torch.Size([])"
    with pytest.raises(TypeError, match=r"takes an iterable of 'int' \(item 0 is 'float'\)"):
        tg.Size([1.5])


def test_shapes_go_where_tuples_go():
    x = tg.zeros(2, 3)
    assert tg.zeros(x.shape).shape == x.shape and tg.ones(x.size()).shape == (2, 3)
    assert x.reshape(x.shape[::-1]).shape == (3, 2) and x.view(x.shape[0], -1).shape == (2, 3)
    assert x.new_zeros(x.shape).shape == (2, 3) and tg.randn(*x.shape).shape == (2, 3)


def test_error_messages_keep_plain_tuple_shapes():
    with pytest.raises(RuntimeError, match=r"\(2, 3\)") as info:
        tg.zeros(2, 3).expand(4, 3)
    assert "Size" not in str(info.value)
