"""Samplers: which dataset indices a DataLoader visits, in which order (torch's classes).

Random samplers draw from ``tg.randperm`` / ``tg.randint`` / ``tg.multinomial`` with the
given ``generator`` (or, without one, from a fresh generator seeded by one draw from the
global stream, as torch does), so their order follows ``tg.manual_seed``. Iteration is
lazy: ``SequentialSampler`` over two billion indices yields its first one at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from .. import creation
from .. import random as tg_random
from ..dtypes import int64

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "draw_seed",
    "permutation",
]


def draw_seed(generator: Any = None) -> int:
    """One 63-bit seed from ``generator`` (the global stream when None), torch's
    ``torch.empty((), dtype=torch.int64).random_(generator=generator).item()``."""
    if isinstance(generator, np.random.Generator):
        return int(generator.integers(2**63))
    return int(creation.zeros((), dtype=int64).random_(generator=generator).item())


def fresh_generator(seed: int) -> Any:
    """A new ``tg.Generator`` seeded with ``seed`` (torch's CPU stream)."""
    return tg_random.Generator().manual_seed(seed)


def permutation(n: int, generator: Any) -> list[int]:
    """``tg.randperm(n, generator=generator).tolist()`` (a numpy Generator also works)."""
    if isinstance(generator, np.random.Generator):
        return generator.permutation(n).tolist()
    return creation.randperm(n, generator=generator).tolist()


def _randint(high: int, size: int, generator: Any) -> list[int]:
    if isinstance(generator, np.random.Generator):
        return generator.integers(0, high, size).tolist()
    return creation.randint(0, high, (size,), dtype=int64, generator=generator).tolist()


class Sampler:
    """Base class: an iterable of dataset indices (subclasses define ``__iter__`` and,
    usually, ``__len__``).

    Example:
        >>> class EvenIndices(Sampler):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(0, self.n, 2))
        ...     def __len__(self): return (self.n + 1) // 2
    """

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``, lazily.

    Example:
        >>> list(SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of the indices (a new one each epoch), as torch's.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw ``num_samples`` indices with replacement.
        num_samples: how many to draw (default ``len(data_source)``; more than that
            without replacement repeats whole permutations, as torch).
        generator: the generator to draw from (``tg.Generator``, or a numpy Generator).

    Example:
        >>> g = tg.Generator().manual_seed(0)
        >>> order = list(RandomSampler(range(10), generator=g))
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = fresh_generator(draw_seed())
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from _randint(n, 32, generator)
            yield from _randint(n, self.num_samples % 32, generator)
        else:
            for _ in range(self.num_samples // n):
                yield from permutation(n, generator)
            yield from permutation(n, generator)[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one each epoch).

    Example:
        >>> sampler = SubsetRandomSampler([0, 2, 4, 6], generator=g)
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in permutation(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights``
    (``tg.multinomial``, as torch).

    Args:
        weights: one non-negative weight per index (need not sum to 1).
        num_samples: how many indices to draw per epoch.
        replacement: draw with replacement (without: each index at most once).
        generator: the generator to draw from.

    Example:
        >>> sampler = WeightedRandomSampler([0.1, 0.9], num_samples=5)
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):  # ValueError, as torch raises here
            raise ValueError(f"replacement should be a boolean value, but got "  # noqa: TRY004
                             f"replacement={replacement}")
        w = np.asarray(weights.array if hasattr(weights, "array") else weights,
                       dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have "
                             f"shape {tuple(w.shape)}")
        self.weights = creation.from_numpy(w)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        if isinstance(self.generator, np.random.Generator):
            p = self.weights.array / self.weights.array.sum()
            draws = self.generator.choice(len(p), self.num_samples, self.replacement, p)
            yield from draws.tolist()
            return
        multinomial = getattr(creation, "multinomial", None)
        if multinomial is None:
            raise NotImplementedError(
                "WeightedRandomSampler needs tg.multinomial (tensorgraph.random); pass a "
                "numpy Generator as generator= meanwhile"
            )
        yield from multinomial(self.weights, self.num_samples, self.replacement,
                               generator=self.generator).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of ``batch_size``, lazily.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler: Iterable[Any], batch_size: int, drop_last: bool) -> None:
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):  # ValueError, as torch raises here
            raise ValueError(f"drop_last should be a boolean value, but got "  # noqa: TRY004
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[Any]]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
