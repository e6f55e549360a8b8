"""Tensor methods for counting and histograms (torch's names), mixed into ``Tensor``
through ``OpMethods``: histc, histogram, bincount, unique, unique_consecutive.
None of them is differentiable (torch has no gradient for them either).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import return_types

HistogramResult = return_types.histogram


class StatsMethods:
    """Histograms and counts of values."""

    __slots__ = ()

    def _wrap_new(self, array: np.ndarray) -> Any:
        return type(self).from_array(np.asarray(array), False)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Any:
        """Counts in ``bins`` equal bins over [min, max] (the data's range when both are
        0); values outside are ignored. Same dtype as the input (floating point)."""
        if self.dtype.kind != "f":
            raise RuntimeError(f"histc: expected a floating point tensor, got {self.dtype}.")
        a = self.array
        lo, hi = builtins.float(min), builtins.float(max)
        if lo == hi and a.size:
            lo, hi = builtins.float(a.min()), builtins.float(a.max())
        if lo == hi:  # torch widens an empty range by 1 on each side
            lo, hi = lo - 1, hi + 1
        if lo > hi:
            raise RuntimeError(f"histc: max must be larger than min, got min={min}, max={max}.")
        counts, _ = np.histogram(a[np.isfinite(a)], bins=bins, range=(lo, hi))
        return self._wrap_new(counts.astype(self.dtype))

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None,
                  density: builtins.bool = False) -> HistogramResult:
        """``(hist, bin_edges)``: counts (or weighted sums, or densities) in ``bins``
        bins (a number, or a 1-D tensor of edges), as torch.histogram."""
        edges = bins.array if hasattr(bins, "array") else bins
        w = weight.array if hasattr(weight, "array") else weight
        hist, out_edges = np.histogram(self.array, bins=edges, range=range, weights=w,
                                       density=density)
        return HistogramResult(self._wrap_new(hist.astype(self.dtype)),
                               self._wrap_new(out_edges.astype(self.dtype)))

    def bincount(self, weights: Any = None, minlength: int = 0) -> Any:
        """How often each value 0..max occurs in a 1-D non-negative integer tensor (or
        the sum of ``weights`` per value)."""
        if self.ndim != 1 or self.dtype.kind not in "iub":
            raise RuntimeError(f"bincount: only 1-D integer tensors are supported, got shape "
                               f"{self.array.shape} and dtype {self.dtype}.")
        if self.array.size and self.array.min() < 0:
            raise RuntimeError("bincount: input must contain only non-negative values.")
        w = weights.array if hasattr(weights, "array") else weights
        out = np.bincount(self.array, weights=w, minlength=minlength)
        if w is None:
            return self._wrap_new(out.astype(np.int64))
        w_dtype = np.asarray(w).dtype
        return self._wrap_new(out.astype(w_dtype if w_dtype.kind == "f" else np.float64))

    def unique(self, sorted: builtins.bool = True, return_inverse: builtins.bool = False,
               return_counts: builtins.bool = False, dim: int | None = None) -> Any:
        """The distinct values (sorted), and optionally the inverse indices and counts."""
        # equal_nan=False: NaNs are all distinct, as torch keeps them (numpy merges them)
        found = np.unique(self.array, return_inverse=return_inverse,
                          return_counts=return_counts, axis=dim,
                          **({"equal_nan": False} if dim is None else {}))
        if not (return_inverse or return_counts):
            return self._wrap_new(found)
        values, *rest = found
        out = [self._wrap_new(values)]
        for i, r in enumerate(rest):
            if return_inverse and i == 0:
                r = r.reshape(self.array.shape if dim is None else (-1,))
            out.append(self._wrap_new(r.astype(np.int64)))
        return tuple(out)

    def unique_consecutive(self, return_inverse: builtins.bool = False,
                           return_counts: builtins.bool = False, dim: int | None = None) -> Any:
        """Collapse runs of equal consecutive values (of the flattened tensor)."""
        if dim is not None:
            raise NotImplementedError("unique_consecutive: dim= is not supported; flatten or "
                                      "use unique(dim=...).")
        a = self.array.reshape(-1)
        starts = np.concatenate([[True], a[1:] != a[:-1]]) if a.size else np.zeros(0, bool)
        out = [self._wrap_new(a[starts])]
        if return_inverse:
            out.append(self._wrap_new((np.cumsum(starts) - 1).reshape(self.array.shape)))
        if return_counts:
            out.append(self._wrap_new(np.diff(np.append(np.flatnonzero(starts), a.size))))
        return out[0] if len(out) == 1 else tuple(out)
