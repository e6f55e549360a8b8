"""DataLoader: batches from a dataset, with torch's arguments and iteration order.

Index iteration is lazy (a sampler over two billion indices yields its first batch at
once). Shuffling draws from ``tg.randperm`` with ``generator=`` (or the global stream).
``num_workers > 0`` really loads in worker processes (``tensorgraph/data/workers.py``);
``pin_memory`` is accepted and, as torch without an accelerator, does nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .fetch import IterableFetcher, MapFetcher
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    draw_seed,
    fresh_generator,
)
from .workers import WorkerInfo, WorkerIterator, get_worker_info

__all__ = ["DataLoader", "WorkerInfo", "get_worker_info"]


class _InfiniteConstantSampler(Sampler):
    """torch's placeholder sampler for an iterable dataset: ``None`` forever."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


class DataLoader:
    """Iterate over a dataset in batches, as ``torch.utils.data.DataLoader``.

    Args:
        dataset: a map-style ``Dataset`` (``__getitem__``/``__len__``) or an
            ``IterableDataset``.
        batch_size: samples per batch; None turns batching off (each sample is yielded
            as ``default_convert`` makes it).
        shuffle: a new random order every epoch (a ``RandomSampler``).
        sampler: the order of indices (exclusive with ``shuffle``).
        batch_sampler: yields whole lists of indices (exclusive with ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``).
        num_workers: load in this many worker processes (0: in the main process).
        collate_fn: merges a list of samples into a batch (default ``default_collate``).
        pin_memory: accepted; there is no accelerator to pin memory for (a warning, as
            torch gives).
        drop_last: drop the last batch if it is smaller than ``batch_size``.
        timeout: seconds to wait for a worker's batch (0: forever).
        worker_init_fn: called as ``fn(worker_id)`` in each worker before loading.
        multiprocessing_context: ``"fork"``, ``"spawn"``, ``"forkserver"`` or a context.
        generator: the generator shuffling and worker seeds are drawn from
            (``tg.Generator``; a ``numpy.random.Generator`` also works).
        prefetch_factor: batches in flight per worker (default 2 with workers).
        persistent_workers: keep the worker processes between epochs.
        pin_memory_device, in_order: accepted as torch (results are always in order).
        seed: a tensorgraph extension: shuffle from a private generator made from it.

    Example:
        >>> loader = DataLoader(TensorDataset(X, y), batch_size=128, shuffle=True)
        >>> for xb, yb in loader:
        ...     loss = F.cross_entropy(model(xb), yb)
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1,
                 shuffle: bool | None = None, sampler: Sampler | Iterable | None = None,
                 batch_sampler: Sampler | Iterable | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True,
                 seed: int | None = None) -> None:
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use "
                             "num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable "
                             "multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass either generator= or seed=, not both")
        if seed is not None:
            generator = fresh_generator(seed)
        self.is_iterable = isinstance(dataset, IterableDataset)
        if self.is_iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got "
                                 f"batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is "
                             "mutually exclusive with drop_last")
        if sampler is None:
            if self.is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # checks the size
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.auto_collation = batch_sampler is not None
        self.uses_batch_path = collate_fn is None  # a dataset's _get_batch fast path
        if collate_fn is None:
            collate_fn = default_collate if self.auto_collation else default_convert
        self.collate_fn = collate_fn
        self._workers: WorkerIterator | None = None

    @property
    def index_sampler(self) -> Any:
        """What iteration draws indices from: the batch sampler, or the sampler."""
        return self.batch_sampler if self.auto_collation else self.sampler

    def __len__(self) -> int:
        if self.is_iterable:
            n = len(self.dataset)  # raises TypeError for a stream without a length
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self.index_sampler)

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is "
                          "found, then device pinned memory won't be used.", stacklevel=2)
        if self.num_workers > 0 and self.persistent_workers and self._workers is not None:
            return self._workers.reset_for_new_epoch()
        # Drawn here, when the iterator is made, as torch draws its base seed: the
        # global stream (or generator) then advances exactly as torch's does.
        base_seed = draw_seed(self.generator)
        if self.num_workers > 0:
            workers = WorkerIterator(self, base_seed)
            if self.persistent_workers:
                self._workers = workers
            return workers
        return self._single_process()

    def _single_process(self) -> Iterator[Any]:
        if self.is_iterable:
            fetcher = IterableFetcher(self.dataset, self.auto_collation, self.collate_fn,
                                      self.batch_size, self.drop_last)
            while True:
                try:
                    batch = fetcher.fetch()
                except StopIteration:
                    return
                yield batch
        fetcher = MapFetcher(self.dataset, self.auto_collation, self.collate_fn,
                             self.uses_batch_path)
        for indices in self.index_sampler:
            yield fetcher.fetch(indices)

    def __repr__(self) -> str:
        size = "a stream" if self.is_iterable else f"{len(self.dataset)}"
        return (f"DataLoader({type(self.dataset).__name__} of {size}, "
                f"batch_size={self.batch_size}, sampler={type(self.sampler).__name__}, "
                f"num_workers={self.num_workers}, drop_last={self.drop_last})")
