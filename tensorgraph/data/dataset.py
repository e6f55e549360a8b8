"""Datasets: Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset
and random_split, with torch's names and semantics.

One addition for speed: a map-style dataset may define ``_get_batch(indices)`` returning
a whole collated batch. TensorDataset, Subset of it, and MNIST/FashionMNIST without
transforms do, so the DataLoader batches them by one fancy-indexing step instead of
building and stacking ``batch_size`` samples in Python.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from .sampler import fresh_generator, permutation

__all__ = [
    "ChainDataset",
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]


class Dataset:
    """Abstract map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    ``a + b`` concatenates two datasets (a :class:`ConcatDataset`), as in torch.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return float(i), float(i * i)
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclasses define ``__iter__`` (no indexing).

    With ``DataLoader(num_workers=N)`` every worker iterates its own copy; split the
    work with ``tg.utils.data.get_worker_info()`` as in torch.

    Example:
        >>> class Count(IterableDataset):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n))
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self) -> int:
        # TypeError, as for an object without __len__ (torch defines none): list() and
        # len(DataLoader) then behave as torch's.
        raise TypeError(f"object of type {type(self).__name__!r} has no len()")

    def __add__(self, other: Dataset) -> ChainDataset:
        return ChainDataset([self, other])


def _as_array(t: Any) -> np.ndarray:
    return t.array if isinstance(t, Tensor) else np.asarray(t)


class TensorDataset(Dataset):
    """A dataset of tensors sharing their first dimension; sample ``i`` is ``(t[i] for t)``.

    Args:
        *tensors: Tensors (or numpy arrays) with the same size of dimension 0.

    Raises:
        ValueError: if there are no tensors, one is 0-d, or first dimensions differ.

    Example:
        >>> ds = TensorDataset(tg.randn(100, 3), tg.arange(100))
        >>> x, y = ds[0]          # x.shape == (3,), y is a 0-d int64 Tensor
    """

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        arrays = [_as_array(t) for t in tensors]
        if any(a.ndim == 0 for a in arrays):
            raise ValueError(
                "TensorDataset: every tensor needs a first (sample) dimension; got a 0-d one"
            )
        sizes = [a.shape[0] for a in arrays]
        if len(set(sizes)) > 1:
            shapes = ", ".join(str(tuple(a.shape)) for a in arrays)
            raise ValueError(
                f"TensorDataset: size mismatch between tensors: first dimensions are {sizes} "
                f"(shapes {shapes}); all tensors must have the same number of samples"
            )
        self.tensors = tuple(
            t if isinstance(t, Tensor) else Tensor(a) for t, a in zip(tensors, arrays)
        )

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        # Read t.array now (not a copy taken at construction), as PyTorch reads its
        # tensors live; np.asarray keeps one scalar sample (a label) a 0-d array.
        return tuple(Tensor(np.asarray(t.array[index])) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].array.shape[0]

    def _get_batch(self, indices: np.ndarray) -> tuple[Tensor, ...]:
        return self[indices]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Args:
        dataset: the dataset to view.
        indices: positions in ``dataset`` (kept as given: a ``range`` stays lazy).

    Example:
        >>> first_hundred = Subset(train_set, range(100))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        if isinstance(index, slice):  # subset[:] is dataset[[its indices]], as torch
            return self.dataset[[int(i) for i in self.indices[index]]]
        return self.dataset[int(self.indices[index])]

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices`` (a list), through the dataset's own
        ``__getitems__`` when it has one (what torch's DataLoader calls)."""
        inner = getattr(self.dataset, "__getitems__", None)
        if callable(inner):
            return inner([self.indices[i] for i in indices])
        return [self.dataset[int(self.indices[i])] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def _get_batch(self, indices: np.ndarray) -> Any:
        inner = getattr(self.dataset, "_get_batch", None)
        if inner is None:
            return None
        if isinstance(self.indices, range):
            r = self.indices
            return inner(r.start + r.step * np.asarray(indices, dtype=np.int64))
        return inner(np.asarray(self.indices, dtype=np.int64)[indices])


class ConcatDataset(Dataset):
    """Map-style datasets one after another: index ``i`` runs through them in order.

    Example:
        >>> both = ConcatDataset([train_a, train_b])     # len(both) == len(a) + len(b)
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")  # noqa: TRY004 - torch's type
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another (a stream of streams).

    Example:
        >>> stream = ChainDataset([shard_a, shard_b])
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")  # noqa: TRY004 - torch's type
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)  # type: ignore[arg-type]


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Any = None,
                 seed: int | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    The order is ``tg.randperm(len(dataset), generator=generator)``, as torch's.

    Args:
        dataset: the dataset to split.
        lengths: sizes summing to ``len(dataset)``, or fractions summing to 1 (the
            remainder after flooring is dealt round-robin, as PyTorch does).
        generator: the generator to draw from (default: the global one).
        seed: alternatively, a seed for a fresh generator (a tensorgraph extension).

    Returns:
        One ``Subset`` per length.

    Example:
        >>> train, val = random_split(ds, [0.9, 0.1], generator=tg.Generator().manual_seed(0))
    """
    if generator is not None and seed is not None:
        raise ValueError("random_split: pass either generator= or seed=, not both")
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:  # fractions (torch's rule)
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1], got {list(lengths)}")
        sizes = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in "
                              "an empty dataset.", stacklevel=2)
    else:
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n:
        raise ValueError(f"random_split: lengths {list(lengths)} sum to {sum(sizes)}, but "
                         f"the dataset has {n} samples")
    if seed is not None:
        generator = fresh_generator(seed)
    perm = permutation(n, generator)
    bounds = list(itertools.accumulate([0, *sizes]))
    return [Subset(dataset, perm[a:b]) for a, b in itertools.pairwise(bounds)]

