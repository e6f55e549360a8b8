"""DataLoader(num_workers>0) loads in real worker processes; a failing __getitem__ is
re-raised with its type and the failing index (issue 14)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from tensorgraph.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info


class Pids(Dataset):
    """Sample i: (i as float32 array, the pid and worker id that loaded it)."""

    def __len__(self):
        return 24

    def __getitem__(self, i):
        info = get_worker_info()
        return np.full(2, i, np.float32), os.getpid(), -1 if info is None else info.id


class Broken(Dataset):
    def __init__(self, bad, exc=KeyError):
        self.bad, self.exc = bad, exc

    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i == self.bad:
            raise self.exc(f"no sample {i}")
        return i


class Shards(IterableDataset):
    """0..n-1, split between workers as torch's docs show."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_workers_are_other_processes_and_order_is_kept():
    single = list(DataLoader(Pids(), batch_size=5))
    multi = list(DataLoader(Pids(), batch_size=5, num_workers=3, prefetch_factor=1))
    assert len(multi) == len(single) == 5
    for (xs, _, _), (xm, pm, wm) in zip(single, multi, strict=True):
        np.testing.assert_array_equal(xs.array, xm.array)
        assert os.getpid() not in set(pm.tolist())
    assert [int(w[0]) for _, _, w in multi] == [0, 1, 2, 0, 1]  # round-robin, in order
    assert get_worker_info() is None


def test_worker_init_fn_and_seeds():
    seen = []

    def init(worker_id):
        info = get_worker_info()
        assert info.id == worker_id and info.num_workers == 2
        assert type(info.dataset).__name__ == "Seeds"

    class Seeds(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return get_worker_info().seed

    seeds = [b.tolist() for b in DataLoader(Seeds(), batch_size=2, num_workers=2,
                                            worker_init_fn=init)]
    assert seeds[0][0] + 1 == seeds[1][0]  # base_seed + worker_id, as torch
    assert not seen


def plain(batch):
    return batch.tolist() if hasattr(batch, "tolist") else batch


def test_iterable_dataset_with_workers_matches_torch(torch):
    class TShards(torch.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            return iter(range(info.id, self.n, info.num_workers))

    for kwargs in [{"batch_size": 2}, {"batch_size": 3, "drop_last": True},
                   {"batch_size": None}]:
        ours = [plain(b) for b in DataLoader(Shards(11), num_workers=2, **kwargs)]
        theirs = [plain(b) for b in torch.utils.data.DataLoader(
            TShards(11), num_workers=2, **kwargs)]
        assert ours == theirs, kwargs


def test_persistent_workers_serve_several_epochs():
    loader = DataLoader(Pids(), batch_size=8, num_workers=2, persistent_workers=True)
    epochs = [[int(p) for _, pids, _ in loader for p in pids.tolist()] for _ in range(3)]
    assert set(epochs[0]) == set(epochs[1]) == set(epochs[2])  # the same processes
    loader._workers.shutdown()
    stream = DataLoader(Shards(6), batch_size=2, num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in stream] == [b.tolist() for b in stream]
    stream._workers.shutdown()


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("exc", [KeyError, ValueError, IndexError, ZeroDivisionError])
def test_getitem_error_is_reraised_with_its_index(workers, exc):
    loader = DataLoader(Broken(6, exc), batch_size=4, num_workers=workers)
    with pytest.raises(exc) as info:
        list(loader)
    message = str(info.value)
    assert "no sample 6" in message and "dataset[6]" in message
    assert "[4, 5, 6, 7]" in message
    if workers:
        assert "worker process" in message


def test_error_without_batching_names_the_index():
    with pytest.raises(ValueError, match=r"dataset\[3\] raised"):
        list(DataLoader(Broken(3, ValueError), batch_size=None))


def test_error_type_that_takes_no_message_keeps_its_type():
    class Odd(Exception):
        def __init__(self, code, detail):
            super().__init__(code, detail)

    class Fails(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise Odd(7, "x")

    with pytest.raises(Odd) as info:
        list(DataLoader(Fails(), batch_size=2))
    assert any("dataset[0]" in note for note in info.value.__notes__)


def test_worker_init_failure_and_timeout_are_reported():
    def bad_init(worker_id):
        raise RuntimeError("init failed")

    with pytest.raises(RuntimeError, match="init failed"):
        list(DataLoader(Pids(), batch_size=4, num_workers=1, worker_init_fn=bad_init))

    class Slow(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            import time

            time.sleep(5)
            return i

    with pytest.raises(RuntimeError, match="timed out"):
        list(DataLoader(Slow(), batch_size=1, num_workers=1, timeout=1))
