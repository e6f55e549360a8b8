"""``DataLoader(num_workers=N)``: batches loaded in N worker processes (multiprocessing).

As torch: each worker holds its own copy of the dataset (inherited by ``fork`` where the
platform has it, else pickled for ``spawn``), is seeded with ``base_seed + worker_id``
(Python's ``random``, numpy's legacy global and tensorgraph's global stream), calls
``worker_init_fn(worker_id)``, then loads the index batches it is sent; the main process
keeps ``prefetch_factor`` batches per worker in flight and yields them in sampler order.
An iterable dataset is iterated by every worker on its own copy (split the stream with
``get_worker_info()``); batches come round-robin from the workers.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import random as tg_random
from .fetch import ExceptionWrapper, IterableFetcher, MapFetcher

__all__ = ["WorkerInfo", "WorkerIterator", "get_worker_info"]

_RESET = "reset"  # persistent workers: restart the iterable dataset's stream
_POLL_S = 1.0


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker process."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_info: list[WorkerInfo | None] = [None]


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker: its id, the number of workers, its seed and its copy of
    the dataset; None in the main process.

    Example:
        >>> info = get_worker_info()
        >>> shard = range(info.id, n, info.num_workers) if info else range(n)
    """
    return _info[0]


class _Done:
    """A worker's iterable dataset is spent."""


def _worker_loop(fetcher: Any, iterable: bool, index_queue: Any, result_queue: Any,
                 worker_id: int, num_workers: int, base_seed: int, init_fn: Any) -> None:
    seed = base_seed + worker_id
    random.seed(seed)
    tg_random.manual_seed(seed)
    np.random.seed(seed % 2**32)
    _info[0] = WorkerInfo(worker_id, num_workers, seed, fetcher.dataset)
    try:
        if init_fn is not None:
            init_fn(worker_id)
    except Exception as err:
        result_queue.put((None, ExceptionWrapper(err, worker_id)))
        return
    while True:
        task = index_queue.get()
        if task is None:
            return
        if task == _RESET:
            fetcher.reset()
            continue
        task_id, indices = task
        try:
            data = fetcher.fetch() if iterable else fetcher.fetch(indices)
        except StopIteration:
            data = _Done()
        except Exception as err:
            data = ExceptionWrapper(err, worker_id)
        result_queue.put((task_id, data))


def _context(name: Any) -> Any:
    if name is not None and not isinstance(name, str):
        return name
    if name is None:
        name = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(name)


class WorkerIterator:
    """The iterator ``iter(loader)`` returns when ``num_workers > 0``."""

    def __init__(self, loader: Any, base_seed: int) -> None:
        self.loader = loader
        n = loader.num_workers
        ctx = _context(loader.multiprocessing_context)
        iterable = loader.is_iterable
        if iterable:
            fetcher: Any = IterableFetcher(loader.dataset, loader.auto_collation,
                                           loader.collate_fn, loader.batch_size,
                                           loader.drop_last)
        else:
            fetcher = MapFetcher(loader.dataset, loader.auto_collation, loader.collate_fn,
                                 loader.uses_batch_path)
        self.index_queues = [ctx.Queue() for _ in range(n)]
        self.result_queue = ctx.Queue()
        self.workers = []
        for i in range(n):
            w = ctx.Process(target=_worker_loop, daemon=True,
                            args=(fetcher, iterable, self.index_queues[i],
                                  self.result_queue, i, n, base_seed, loader.worker_init_fn))
            w.start()
            self.workers.append(w)
        self.alive = True
        self._reset()

    def _reset(self) -> None:
        self.sampler_iter = None if self.loader.is_iterable else iter(
            self.loader.index_sampler)
        self.active = list(range(len(self.workers)))
        self.next_worker = 0
        self.send_idx = self.rcvd_idx = 0
        self.pending: dict[int, Any] = {}
        self.owner: dict[int, int] = {}
        for _ in range(self.loader.prefetch_factor * len(self.workers)):
            self._put_task()

    def reset_for_new_epoch(self) -> WorkerIterator:
        """Persistent workers: finish what is in flight, then start the next epoch."""
        while self.rcvd_idx < self.send_idx:
            self._receive(self.rcvd_idx)
            self.pending.pop(self.rcvd_idx, None)
            self.rcvd_idx += 1
        if self.loader.is_iterable:
            for q in self.index_queues:
                q.put(_RESET)
        self._reset()
        return self

    def _put_task(self) -> None:
        if not self.active:
            return
        if self.sampler_iter is not None:
            try:
                indices = next(self.sampler_iter)
            except StopIteration:
                return
        else:
            indices = None
        for _ in range(len(self.workers)):  # torch's cycle over workers, skipping spent ones
            worker = self.next_worker % len(self.workers)
            self.next_worker += 1
            if worker in self.active:
                break
        self.index_queues[worker].put((self.send_idx, indices))
        self.owner[self.send_idx] = worker
        self.send_idx += 1

    def _receive(self, task_id: int) -> Any:
        start = time.monotonic()
        while task_id not in self.pending:
            try:
                got_id, data = self.result_queue.get(timeout=_POLL_S)
            except queue.Empty:
                self._check_workers(start)
                continue
            if got_id is None:  # worker_init_fn failed
                self.shutdown()
                data.reraise()
            self.pending[got_id] = data
        return self.pending[task_id]

    def _check_workers(self, start: float) -> None:
        for w in self.workers:
            if not w.is_alive() and w.exitcode not in (0, None):
                self.shutdown()
                raise RuntimeError(f"DataLoader worker (pid {w.pid}) exited unexpectedly "
                                   f"with exit code {w.exitcode}")
        timeout = self.loader.timeout
        if timeout > 0 and time.monotonic() - start > timeout:
            self.shutdown()
            raise RuntimeError(f"DataLoader timed out after {timeout} seconds")

    def __iter__(self) -> WorkerIterator:
        return self

    def __next__(self) -> Any:
        while True:
            if self.rcvd_idx >= self.send_idx:
                if not self.loader.persistent_workers:
                    self.shutdown()
                raise StopIteration
            data = self._receive(self.rcvd_idx)
            del self.pending[self.rcvd_idx]
            worker = self.owner.pop(self.rcvd_idx)
            self.rcvd_idx += 1
            if isinstance(data, _Done):
                if worker in self.active:
                    self.active.remove(worker)
                continue
            self._put_task()
            if isinstance(data, ExceptionWrapper):
                self.shutdown()
                data.reraise()
            return data

    def shutdown(self) -> None:
        if not self.alive:
            return
        self.alive = False
        for q in self.index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self.workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()
        for q in [*self.index_queues, self.result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self) -> None:
        self.shutdown()
