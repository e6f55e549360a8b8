"""``default_collate`` (samples -> batch) and ``default_convert`` (one sample, no
batching), with torch's rules for each type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["default_collate", "default_convert"]


def _stack(arrays: list[np.ndarray]) -> Tensor:
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise RuntimeError(
            "default_collate: stack expects each tensor to be equal size, but the samples "
            f"have shapes {sorted(shapes)}; pad them to one shape or pass "
            "DataLoader(..., collate_fn=...)"
        )
    return Tensor(np.stack(arrays))


def _numbers(batch: Sequence[Any], dtype: Any) -> Tensor:
    """Numbers (or numpy scalars) as one Tensor; a batch mixing in other types is a
    TypeError naming them, as torch (never numpy's int('a') ValueError)."""
    kinds = (bool, int, float, np.generic)
    strays = {type(b).__name__ for b in batch if not isinstance(b, kinds)
              or (isinstance(b, np.generic) and b.dtype.kind not in "biuf")}
    if strays:
        raise TypeError(f"default_collate: the samples mix numbers with "
                        f"{', '.join(sorted(strays))}; every sample must have the same "
                        "structure, or pass DataLoader(..., collate_fn=...)")
    return Tensor(np.array(batch, dtype=dtype))


def _numpy_ok(a: np.ndarray) -> None:
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
            f"or lists; found a numpy array of dtype {a.dtype}"
        )


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, as ``torch.utils.data.default_collate``.

    Tensors and numpy arrays are stacked along a new first dimension; Python ints become
    an int64 Tensor, floats a float64 Tensor (torch's rule), bools a bool Tensor, numpy
    scalars a Tensor of their dtype; strings stay as given (a list, or a tuple inside
    tuple samples); dicts are collated per key,
    namedtuples per field, and tuples/lists position by position (into a list, as torch).

    Args:
        batch: the samples, all of the same structure.

    Raises:
        TypeError: for a type it cannot batch. RuntimeError: for samples whose shapes or
        lengths differ.

    Example:
        >>> xs, ys = default_collate([(np.zeros(3), 1), (np.ones(3), 2)])
        >>> xs.shape, ys.tolist()
        ((2, 3), [1, 2])
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([b.array for b in batch])
    if isinstance(elem, np.ndarray):
        _numpy_ok(elem)
        return _stack([np.asarray(b) for b in batch])
    if isinstance(elem, np.generic):
        return _numbers(batch, None)
    if isinstance(elem, bool):
        return _numbers(batch, np.bool_)
    if isinstance(elem, int):
        return _numbers(batch, np.int64)
    if isinstance(elem, float):
        return _numbers(batch, np.float64)
    if isinstance(elem, (str, bytes)):
        return batch  # as given (a tuple inside tuple samples, as torch)
    if isinstance(elem, Mapping):
        collated = {key: default_collate([b[key] for b in batch]) for key in elem}
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(col) for col in zip(*batch)))
    if isinstance(elem, Sequence):
        if len({len(b) for b in batch}) > 1:
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(col) for col in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # torch returns a list for tuple samples
        try:
            return type(elem)(columns)
        except TypeError:
            return columns
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
        f"lists; found {type(elem).__name__}. Return those from __getitem__, or pass "
        "DataLoader(..., collate_fn=...)"
    )


def default_convert(data: Any) -> Any:
    """One sample as the DataLoader yields it with ``batch_size=None``: numpy arrays
    (of numbers) become Tensors, containers are converted inside, all else is kept."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        return Tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data
