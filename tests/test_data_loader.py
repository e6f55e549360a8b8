"""Tests for tensorgraph.data's Dataset, TensorDataset, Subset, random_split,
DataLoader and default_collate (no files involved; see test_data.py for those)."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

from tensorgraph.data import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)
from tensorgraph.tensor import Tensor


def test_tensor_dataset_and_errors():
    X, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10)
    ds = TensorDataset(Tensor(X), y)
    assert len(ds) == 10
    x3, y3 = ds[3]
    np.testing.assert_array_equal(x3.array, X[3])
    assert y3.array.shape == () and y3.array == 3
    with pytest.raises(
        ValueError, match=r"first dimensions are \[10, 9\].*\(10, 2\), \(9,\)"
    ):
        TensorDataset(Tensor(X), np.arange(9))
    with pytest.raises(ValueError):
        TensorDataset()
    with pytest.raises(NotImplementedError):
        len(Dataset())


def test_loader_len_batches_and_drop_last():
    ds = TensorDataset(np.arange(10, dtype=np.float32)[:, None], np.arange(10))
    loader = DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].array.shape for b in batches] == [
        (4, 1),
        (4, 1),
        (2, 1),
    ]
    np.testing.assert_array_equal(
        np.concatenate([b[1].array for b in batches]), np.arange(10)
    )
    assert batches[0][1].array.dtype == np.int64
    dropped = DataLoader(ds, batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [len(b[1].array) for b in dropped] == [4, 4]
    assert len(DataLoader(ds)) == 10
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="batch_size"):
            DataLoader(ds, batch_size=bad)


def test_shuffle_is_seedable_and_changes_per_epoch():
    ds = TensorDataset(np.arange(100))

    def epoch(loader):
        return np.concatenate([b[0].array for b in loader])

    a, b = (
        DataLoader(ds, 16, shuffle=True, seed=3),
        DataLoader(ds, 16, shuffle=True, seed=3),
    )
    first, second = epoch(a), epoch(a)
    assert sorted(first) == list(range(100)) and not np.array_equal(
        first, np.arange(100)
    )
    assert not np.array_equal(first, second)  # a new order every epoch...
    np.testing.assert_array_equal(first, epoch(b))  # ...reproducible from the seed
    np.testing.assert_array_equal(second, epoch(b))
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    np.testing.assert_array_equal(
        epoch(DataLoader(ds, 16, True, generator=g1)),
        epoch(DataLoader(ds, 16, True, generator=g2)),
    )
    with pytest.raises(ValueError, match="not both"):
        DataLoader(ds, shuffle=True, seed=1, generator=g1)


def test_shuffle_follows_global_seed():
    from tensorgraph.random import manual_seed

    loader = DataLoader(TensorDataset(np.arange(50)), batch_size=50, shuffle=True)
    manual_seed(0)
    a = next(iter(loader))[0].array
    manual_seed(0)
    b, c = next(iter(loader))[0].array, next(iter(loader))[0].array
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_fast_path_matches_per_sample_collate():
    rng = np.random.default_rng(0)
    ds = TensorDataset(
        rng.random((50, 3, 4), dtype=np.float32), rng.integers(0, 10, 50)
    )
    fast = list(DataLoader(ds, 8, shuffle=True, seed=1))
    slow = list(DataLoader(ds, 8, shuffle=True, seed=1, collate_fn=default_collate))
    for (fx, fy), (sx, sy) in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(fx.array, sx.array)
        np.testing.assert_array_equal(fy.array, sy.array)
        assert fx.array.dtype == sx.array.dtype and fy.array.dtype == sy.array.dtype


def test_default_collate_types():
    Pair = namedtuple("Pair", "x y")
    batch = default_collate(
        [{"a": 1, "b": 0.5, "c": np.ones(2), "d": "s", "e": Pair(True, [1, 2])}] * 3
    )
    assert batch["a"].array.dtype == np.int64 and batch["a"].array.shape == (3,)
    assert batch["b"].array.dtype == np.float64  # torch collates Python floats to float64
    assert batch["c"].array.shape == (3, 2) and batch["d"] == ["s"] * 3
    assert isinstance(batch["e"], Pair) and batch["e"].x.array.dtype == np.bool_
    assert isinstance(batch["e"].y, list) and batch["e"].y[1].array.tolist() == [2, 2, 2]
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([np.ones(2), np.ones(3)])
    with pytest.raises(TypeError, match="object"):
        default_collate([object()])


def test_loader_over_generic_dataset_and_subsets():
    class Squares(Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return float(i), i * i

    xs, ys = next(iter(DataLoader(Squares(), batch_size=7)))
    assert xs.array.dtype == np.float64 and ys.array.tolist() == [i * i for i in range(7)]
    parts = random_split(TensorDataset(np.arange(10)), [0.7, 0.3], seed=0)
    assert [len(p) for p in parts] == [7, 3]
    seen = np.concatenate([b[0].array for p in parts for b in DataLoader(p, 4)])
    assert sorted(seen) == list(range(10))
    assert isinstance(parts[0], Subset)
    with pytest.raises(ValueError, match="sum to 9"):
        random_split(Squares(), [4, 5])


def test_utils_data_is_data():
    from tensorgraph import data
    from tensorgraph.utils import data as utils_data

    assert set(data.__all__) <= set(utils_data.__all__)
    for name in data.__all__:
        assert getattr(utils_data, name) is getattr(data, name)
