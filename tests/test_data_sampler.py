"""Samplers, dataset combinators, default_collate and DataLoader arguments, against
torch.utils.data (same inputs, same outputs, same errors)."""

from __future__ import annotations

import time
from collections import namedtuple

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.utils import data as tgdata
from tensorgraph.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
)


def as_plain(batch):
    """A batch as nested lists/dicts of Python values (for comparing with torch's)."""
    if hasattr(batch, "tolist") and not isinstance(batch, (list, tuple)):
        return ("tensor", str(batch.dtype).split(".")[-1], batch.tolist())
    if isinstance(batch, dict):
        return {k: as_plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [as_plain(b) for b in batch])
    return batch


def test_submodule_paths_are_torchs():
    from tensorgraph.utils.data.dataloader import DataLoader as DL
    from tensorgraph.utils.data.dataset import Dataset as DS
    from tensorgraph.utils.data.sampler import Sampler

    assert DL is DataLoader and DS is Dataset and Sampler is tg.data.Sampler
    assert tg.utils.data.DataLoader is tg.data.DataLoader


def test_sequential_and_batch_samplers_match_torch(torch):
    tud = torch.utils.data
    for bs, drop in [(3, False), (3, True), (5, False), (10, True), (11, False)]:
        ours = list(BatchSampler(SequentialSampler(range(10)), bs, drop))
        theirs = list(tud.BatchSampler(tud.SequentialSampler(range(10)), bs, drop))
        assert ours == theirs
        assert len(BatchSampler(range(10), bs, drop)) == len(
            tud.BatchSampler(range(10), bs, drop))
    for bad in [0, -1, 2.5, True]:
        with pytest.raises(ValueError, match="batch_size"):
            BatchSampler(range(3), bad, False)
        with pytest.raises(ValueError):
            tud.BatchSampler(range(3), bad, False)


def test_index_iteration_is_lazy():
    class Virtual(Dataset):
        def __len__(self):
            return 2_000_000_000

        def __getitem__(self, i):
            return i

    start = time.perf_counter()
    first = next(iter(DataLoader(Virtual(), batch_size=4)))
    assert first.tolist() == [0, 1, 2, 3] and time.perf_counter() - start < 1.0
    assert len(DataLoader(Virtual(), batch_size=3)) == 666_666_667
    sub = Subset(Virtual(), range(10, 2_000_000_000, 7))
    assert next(iter(DataLoader(sub, batch_size=2))).tolist() == [10, 17]


def test_random_samplers_with_a_numpy_generator_are_permutations():
    g = np.random.default_rng(0)
    order = list(RandomSampler(range(10), generator=g))
    assert sorted(order) == list(range(10)) and order != list(range(10))
    assert len(list(RandomSampler(range(10), num_samples=25, generator=g))) == 25
    with_repl = list(RandomSampler(range(4), replacement=True, num_samples=70, generator=g))
    assert len(with_repl) == 70 and set(with_repl) <= {0, 1, 2, 3}
    assert sorted(SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    draws = list(WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=g))
    counts = np.bincount(draws, minlength=3)
    assert counts[0] == 0 and 0.7 < counts[2] / 4000 < 0.8
    once = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=g))
    assert sorted(once) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="1d"):
        WeightedRandomSampler([[1.0]], 2)


def test_shuffle_follows_the_global_seed():
    ds = TensorDataset(np.arange(20))
    tg.manual_seed(5)
    a = [b[0].tolist() for b in DataLoader(ds, 5, shuffle=True)]
    tg.manual_seed(5)
    b = [b[0].tolist() for b in DataLoader(ds, 5, shuffle=True)]
    assert a == b and sorted(x for batch in a for x in batch) == list(range(20))


def test_shuffles_match_torch_with_the_same_seed(torch):
    n = 23
    g_ours, g_theirs = tg.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    ours = [b[0].tolist() for epoch in range(2)
            for b in DataLoader(TensorDataset(tg.arange(n)), 4, shuffle=True,
                                generator=g_ours)]
    theirs = [b[0].tolist() for epoch in range(2)
              for b in torch.utils.data.DataLoader(
                  torch.utils.data.TensorDataset(torch.arange(n)), 4, shuffle=True,
                  generator=g_theirs)]
    assert ours == theirs
    tg.manual_seed(3)
    torch.manual_seed(3)
    assert list(RandomSampler(range(n))) == list(torch.utils.data.RandomSampler(range(n)))
    assert [list(s) for s in tgdata.random_split(range(n), [0.5, 0.5])] == [
        list(s) for s in torch.utils.data.random_split(range(n), [0.5, 0.5])]
    w = [0.1, 0.5, 2.0, 1.0]
    assert list(WeightedRandomSampler(w, 9, generator=tg.Generator().manual_seed(1))) == \
        list(torch.utils.data.WeightedRandomSampler(
            w, 9, generator=torch.Generator().manual_seed(1)))


def test_concat_chain_subset_match_torch(torch):
    tud = torch.utils.data

    class Range(Dataset):
        def __init__(self, a, b):
            self.a, self.b = a, b

        def __len__(self):
            return self.b - self.a

        def __getitem__(self, i):
            if not 0 <= i < len(self):
                raise IndexError(i)
            return self.a + i

    class Stream(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

    class TStream(tud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

    ours = ConcatDataset([Range(0, 3), Range(10, 12), Range(20, 24)])
    assert len(ours) == 9 and [ours[i] for i in range(9)] == [0, 1, 2, 10, 11, 20, 21, 22, 23]
    assert ours[-1] == 23 and ours.cumulative_sizes == [3, 5, 9]
    assert len(Range(0, 2) + Range(5, 6)) == 3
    assert list(ChainDataset([Stream(2), Stream(3)])) == list(
        tud.ChainDataset([TStream(2), TStream(3)]))
    assert list(Stream(2) + Stream(1)) == [0, 1, 0]
    sub = Subset(ours, [8, 0, 4])
    assert [sub[i] for i in range(3)] == [23, 0, 11]
    theirs = tud.Subset(list(range(5)), [4, 1])
    assert Subset(list(range(5)), [4, 1])[1] == theirs[1] == 1
    with pytest.raises(AssertionError):
        ConcatDataset([])
    with pytest.raises(AssertionError):
        ConcatDataset([Stream(2)])


def test_default_collate_matches_torch(torch):
    Point = namedtuple("Point", "x y")
    cases = [
        [(np.ones(2, np.float32), 1), (np.zeros(2, np.float32), 2)],
        [{"a": 1.5, "b": [1, 2], "c": "s"}, {"a": 2.5, "b": [3, 4], "c": "t"}],
        [Point(True, np.float64(1.0)), Point(False, np.float64(2.0))],
        [np.int32(3), np.int32(4)],
        [[1, 2], [3, 4]],
    ]
    for samples in cases:
        assert as_plain(default_collate(samples)) == as_plain(
            torch.utils.data.default_collate(samples))
    tensors = [tg.ones(2, 3), tg.zeros(2, 3)]
    assert default_collate(tensors).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError):
        torch.utils.data.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="object"):
        default_collate([object()])


@pytest.mark.parametrize("kwargs", [
    {"num_workers": -1},
    {"prefetch_factor": 2},
    {"persistent_workers": True},
    {"shuffle": True, "sampler": [0, 1]},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"timeout": -1},
])
def test_dataloader_argument_errors_match_torch(kwargs, torch):
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError) as ours:
        DataLoader(list(range(4)), **kwargs)
    assert str(ours.value).split()[:3] == str(theirs.value).split()[:3]


def test_dataloader_forms_match_torch(torch):
    tud = torch.utils.data
    data = [(float(i), i, {"k": np.full(2, i, np.float32)}) for i in range(7)]
    forms = [
        {"batch_size": 3},
        {"batch_size": 3, "drop_last": True},
        {"batch_size": None},
        {"sampler": [6, 0, 3], "batch_size": 2},
        {"batch_sampler": [[1, 2], [5], [0, 6, 3]]},
        {"batch_size": 2, "collate_fn": lambda batch: [b[1] * 10 for b in batch]},
    ]
    for kwargs in forms:
        ours = [as_plain(b) for b in DataLoader(data, **kwargs)]
        theirs = [as_plain(b) for b in tud.DataLoader(data, **kwargs)]
        assert ours == theirs, kwargs
        assert len(DataLoader(data, **kwargs)) == len(tud.DataLoader(data, **kwargs))

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    class TStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    for kwargs in [{"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                   {"batch_size": None}]:
        assert [as_plain(b) for b in DataLoader(Stream(), **kwargs)] == [
            as_plain(b) for b in tud.DataLoader(TStream(), **kwargs)]
    for bad in [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}]:
        with pytest.raises(ValueError, match="IterableDataset"):
            DataLoader(Stream(), **bad)
    with pytest.raises(TypeError):
        len(DataLoader(Stream()))


def test_pin_memory_is_accepted_with_torchs_warning():
    with pytest.warns(UserWarning, match="no accelerator"):
        batches = list(DataLoader(list(range(4)), batch_size=2, pin_memory=True))
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3]]
