"""Dataset, TensorDataset, Subset, random_split, DataLoader and the default collate.

PyTorch's names and semantics, with one addition for speed: a dataset may define
``_get_batch(indices)`` returning a whole collated batch. TensorDataset, Subset of it,
and MNIST/FashionMNIST without transforms do, so the DataLoader batches them by one
fancy-indexing step instead of building and stacking ``batch_size`` samples in Python.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .._dtype import get_default_dtype
from ..random import default_generator
from ..tensor import Tensor

__all__ = [
    "DataLoader",
    "Dataset",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
]


class Dataset:
    """Abstract map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return float(i), float(i * i)
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


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
        indices: positions in ``dataset``.
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return len(self.indices)

    def _get_batch(self, indices: np.ndarray) -> Any:
        inner = getattr(self.dataset, "_get_batch", None)
        return None if inner is None else inner(self.indices[indices])


def random_split(
    dataset: Dataset,
    lengths: Sequence[int | float],
    generator: np.random.Generator | None = None,
    seed: int | None = None,
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: sizes summing to ``len(dataset)``, or fractions summing to 1 (the
            remainder after flooring is dealt round-robin, as PyTorch does).
        generator: a ``np.random.Generator`` for the permutation.
        seed: alternatively, a seed for a fresh generator.

    Returns:
        One ``Subset`` per length.

    Example:
        >>> train, val = random_split(ds, [0.9, 0.1], seed=0)
    """
    n = len(dataset)
    fractions = math.isclose(sum(lengths), 1) and sum(lengths) <= 1  # PyTorch's rule
    if fractions:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(
                f"random_split: fractions must lie in [0, 1], got {list(lengths)}"
            )
        sizes = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n:
        raise ValueError(
            f"random_split: lengths {list(lengths)} sum to {sum(sizes)}, "
            f"but the dataset has {n} samples"
        )
    perm = _make_rng(generator, seed).permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, perm[a:b]) for a, b in itertools.pairwise(bounds)]


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, PyTorch style.

    Tensors and numpy arrays are stacked along a new first dimension into a Tensor;
    Python ints become an int64 Tensor, floats a Tensor of the default dtype (float32
    unless ``tg.set_default_dtype`` changed it), bools a bool Tensor; strings stay a
    list; tuples, lists and dicts are collated element-wise (so ``(image, label)``
    samples give ``(images, labels)``).

    Args:
        batch: the samples, all of the same structure.

    Returns:
        The collated batch.

    Raises:
        TypeError: for a type it does not know how to batch.
        ValueError: for samples whose shapes or lengths differ.

    Example:
        >>> xs, ys = default_collate([(np.zeros(3), 1), (np.ones(3), 2)])
        >>> xs.shape, ys.tolist()
        ((2, 3), [1, 2])
    """
    elem = batch[0]
    if isinstance(elem, (Tensor, np.ndarray, np.generic)):
        arrays = [_as_array(b) for b in batch]
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise ValueError(
                f"default_collate: cannot stack samples of different shapes {sorted(shapes)}"
            )
        return Tensor(np.stack(arrays))
    if isinstance(elem, bool):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor(np.array(batch, dtype=get_default_dtype()))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([b[key] for b in batch]) for key in elem}
    if isinstance(elem, Sequence):
        if len({len(b) for b in batch}) > 1:
            raise ValueError(
                "default_collate: samples are sequences of different lengths"
            )
        columns = [default_collate(list(col)) for col in zip(*batch)]
        if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
            return type(elem)(*columns)
        return tuple(columns) if isinstance(elem, tuple) else columns
    raise TypeError(
        "default_collate: don't know how to batch samples of type "
        f"{type(elem).__name__}; return Tensors, numpy arrays, numbers, or "
        "tuples/lists/dicts of them, or pass DataLoader(..., collate_fn=...)"
    )


def _make_rng(
    generator: np.random.Generator | None, seed: int | None
) -> np.random.Generator:
    if generator is not None and seed is not None:
        raise ValueError("pass either generator= or seed=, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"generator must be a numpy.random.Generator, got {type(generator).__name__}"
            )
        return generator
    return np.random.default_rng(_global_seed() if seed is None else seed)


def _global_seed() -> int:
    """A seed drawn from tensorgraph's global RNG, so ``tg.manual_seed`` fixes shuffling.

    One 63-bit draw per epoch (as PyTorch's RandomSampler does), so the global stream
    advances by the same amount whatever the dataset's size.
    """
    return int(default_generator.random64(1)[0] % np.uint64(2**63))  # torch: int64 random_()


class DataLoader:
    """Iterate over a dataset in (optionally shuffled) batches.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``).
        batch_size: samples per batch.
        shuffle: draw a new random order at the start of every epoch.
        drop_last: drop the last batch if it is smaller than ``batch_size``.
        generator: a ``np.random.Generator`` used for shuffling (advanced every epoch).
        seed: alternatively, a seed for a private generator made once, here: epochs
            differ from each other but the whole run is reproducible. With neither,
            shuffling follows tensorgraph's global RNG (``tg.manual_seed``).
        collate_fn: merges a list of samples into a batch (default ``default_collate``).

    Example:
        >>> loader = DataLoader(TensorDataset(X, y), batch_size=128, shuffle=True, seed=0)
        >>> for xb, yb in loader:
        ...     loss = F.cross_entropy(model(xb), yb)
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
        seed: int | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
    ) -> None:
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size <= 0
        ):
            raise ValueError(
                f"DataLoader: batch_size must be a positive int, got {batch_size!r}"
            )
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.generator = generator
        self.seed = seed
        # Made (and validated) once: with seed= every epoch draws a new order from
        # the same private stream, so a whole run replays exactly.
        self._rng = None
        if generator is not None or seed is not None:
            self._rng = _make_rng(generator, seed)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        if self._rng is not None:
            return self._rng.permutation(n)
        return np.random.default_rng(_global_seed()).permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        fast = (
            getattr(self.dataset, "_get_batch", None)
            if self.collate_fn is None
            else None
        )
        collate = self.collate_fn or default_collate
        for start in range(0, stop, self.batch_size):
            indices = order[start : start + self.batch_size]
            batch = fast(indices) if fast is not None else None
            if batch is None:
                batch = collate([self.dataset[int(i)] for i in indices])
            yield batch

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last})"
        )
