"""Tensor methods that index one dim with a 1-D index (torch's ``index_*`` family):
index_add, index_copy, index_fill and their in-place forms, mixed into ``Tensor``
through ``OpMethods``.

Composites of ``IndexAdd`` and ``where``: ``index_add`` adds ``source`` at the slices
``index`` of ``dim`` (repeated indices accumulate), ``index_copy`` writes them, so the
gradients come from those primitives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops as P
from .shapes import dims_arg


def _slices(x: Any, dim: int, index: Any, op: str) -> tuple:
    """(dim as an axis, the index tuple selecting ``index`` along it)."""
    arr = index.array if hasattr(index, "array") else np.asarray(index)
    if arr.dtype.kind not in "iu" or arr.ndim > 1:
        raise IndexError(f"{op}(): index must be a 0-D or 1-D integer tensor, got "
                         f"{arr.dtype} of shape {arr.shape}.")
    shape = x.array.shape
    (d,) = dims_arg(dim, shape, op)
    size = shape[d] if shape else 1
    if arr.size and (arr.max() >= size or arr.min() < -size):
        raise IndexError(f"{op}(): index {arr.max() if arr.max() >= size else arr.min()} "
                         f"is out of bounds for dimension {d} with size {size}.")
    return d, (slice(None),) * d + (arr.reshape(-1).astype(np.int64),)


def _source(x: Any, d: int, pos: tuple, source: Any, op: str) -> Any:
    want = x.array.shape[:d] + (pos[d].size,) + x.array.shape[d + 1:]
    src = type(x).as_operand(source, x)
    if src.array.shape != want and not (src.ndim == 0 and want == (1,)):
        raise RuntimeError(f"{op}(): source has shape {src.array.shape} but the slices it "
                           f"fills have shape {want} (self {x.array.shape}, dim {d}).")
    return src.reshape(want).to(x.dtype)


class IndexDimMethods:
    """index_add / index_copy / index_fill (and ``_`` in-place forms)."""

    __slots__ = ()

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        """``self`` with ``alpha * source`` added at the slices ``index`` along ``dim``."""
        d, pos = _slices(self, dim, index, "index_add")
        src = _source(self, d, pos, source, "index_add")
        src = src if alpha == 1 else src * alpha
        return self + P.IndexAdd.apply(src, shape=self.array.shape, index=pos)

    def index_copy(self, dim: int, index: Any, source: Any) -> Any:
        """``self`` with the slices ``index`` along ``dim`` replaced by ``source``."""
        from .tensor_functions import where

        d, pos = _slices(self, dim, index, "index_copy")
        src = _source(self, d, pos, source, "index_copy")
        region = np.zeros(self.array.shape, dtype=bool)
        region[pos] = True
        written = P.IndexAdd.apply(src, shape=self.array.shape, index=pos, accumulate=False)
        return where(region, written, self)

    def index_fill(self, dim: int, index: Any, value: Any) -> Any:
        """``self`` with the slices ``index`` along ``dim`` set to ``value``."""
        _, pos = _slices(self, dim, index, "index_fill")
        region = np.zeros(self.array.shape, dtype=bool)
        region[pos] = True
        return self.masked_fill(region, value)

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        """In-place ``index_add``."""
        from .inplace import write

        return write(self, "index_add_", lambda t: t.index_add(dim, index, source,
                                                                alpha=alpha), source)

    def index_copy_(self, dim: int, index: Any, source: Any) -> Any:
        """In-place ``index_copy``."""
        from .inplace import write

        return write(self, "index_copy_", lambda t: t.index_copy(dim, index, source), source)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Any:
        """In-place ``index_fill``."""
        from .inplace import write

        return write(self, "index_fill_", lambda t: t.index_fill(dim, index, value), value)
