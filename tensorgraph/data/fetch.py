"""Turning a batch of indices into a batch (shared by the main process and workers),
with the failing index named when the dataset raises."""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["ExceptionWrapper", "IterableFetcher", "MapFetcher", "with_context"]


def _show_indices(indices: Any) -> str:
    items = list(indices) if isinstance(indices, (list, tuple, np.ndarray)) else [indices]
    shown = ", ".join(str(i) for i in items[:8])
    return f"[{shown}{', ...' if len(items) > 8 else ''}] ({len(items)} indices)"


class _Message(str):
    """A message whose repr is itself: KeyError shows ``repr(arg)``, which would print
    the added lines as one escaped string (torch does the same)."""

    def __repr__(self) -> str:
        return str(self)


def _build(exc_type: type, message: str) -> BaseException:
    return exc_type(_Message(message) if issubclass(exc_type, KeyError) else message)


def with_context(err: BaseException, context: str) -> BaseException:
    """``err``'s type with ``context`` added to its message (the original chained as its
    cause); if that type can't be built from one message, ``err`` itself with a note."""
    message = f"{err}\n{context}" if str(err) else context
    try:
        new = _build(type(err), message)
    except Exception:  # noqa: BLE001 - e.g. an exception class with a required argument
        err.add_note(context)
        return err
    new.__cause__ = err
    return new


class MapFetcher:
    """Fetch ``dataset[i]`` for a list of indices and collate them (or one sample)."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable,
                 use_batch_path: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.get_batch = getattr(dataset, "_get_batch", None) if use_batch_path else None

    def fetch(self, indices: Any) -> Any:
        if not self.auto_collation:
            return self.collate_fn(self._item(indices, None))
        if self.get_batch is not None:
            try:
                batch = self.get_batch(np.asarray(indices, dtype=np.int64))
            except Exception as err:
                raise with_context(err, "DataLoader: raised while loading the batch of "
                                   f"indices {_show_indices(indices)}") from err
            if batch is not None:
                return list(batch) if type(batch) is tuple else batch  # torch: a list
        many = getattr(self.dataset, "__getitems__", None)
        if many:  # torch's fetcher: one call for the whole batch of indices
            try:
                data = many(list(indices))
            except Exception as err:
                raise with_context(err, "DataLoader: dataset.__getitems__ raised for the "
                                   f"batch of indices {_show_indices(indices)}") from err
            return self.collate_fn(data)
        return self.collate_fn([self._item(i, indices) for i in indices])

    def _item(self, index: Any, batch: Any) -> Any:
        try:
            return self.dataset[index]
        except Exception as err:
            where = f"DataLoader: dataset[{index!r}] raised"
            if batch is not None:
                where += f" while loading the batch of indices {_show_indices(batch)}"
            raise with_context(err, where) from err


class IterableFetcher:
    """Pull ``batch_size`` items from an iterable dataset's iterator per batch."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable,
                 batch_size: int | None, drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.iterator: Iterator[Any] | None = None
        self.ended = False

    def reset(self) -> None:
        self.iterator, self.ended = None, False

    def fetch(self) -> Any:
        """The next batch; raises StopIteration when the stream is spent."""
        if self.ended:
            raise StopIteration
        if self.iterator is None:
            self.iterator = iter(self.dataset)
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        batch = list(itertools.islice(self.iterator, self.batch_size))
        if len(batch) < self.batch_size:
            self.ended = True
        if not batch or (self.drop_last and len(batch) < self.batch_size):
            raise StopIteration
        return self.collate_fn(batch)


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process and re-raised there
    with the same type (or RuntimeError if that type can't be rebuilt), as torch does."""

    def __init__(self, err: BaseException, worker_id: int) -> None:
        self.exc_type = type(err)
        self.message = str(err)
        self.where = f"in DataLoader worker process {worker_id}"
        self.traceback = "".join(traceback.format_exception(err))

    def reraise(self) -> None:
        # torch's layout: "Caught X in DataLoader worker process N.", then the traceback
        # (whose last line has the message, with the failing index added).
        text = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.traceback}"
        try:
            err = _build(self.exc_type, text)
        except Exception:  # noqa: BLE001 - a type that can't be built from a message
            err = RuntimeError(text)
        raise err
