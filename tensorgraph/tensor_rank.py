"""Tensor methods that pick elements by rank, mixed into ``Tensor`` through ``OpMethods``:
``cummax``/``cummin``, ``mode``, ``quantile``/``nanquantile``.

Each finds positions on the array (numpy) and takes the values with ``gather``, so the
gradient goes back to the element each value came from (quantile: to the two elements it
interpolates between), as torch's.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import return_types
from .shapes import one_dim

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _running_index(a: np.ndarray, axis: int, better: Any) -> np.ndarray:
    """For each position along ``axis``, the index of the running best so far (ties and
    NaN: the latest, and a NaN stays the best once seen, as torch's cummax/cummin)."""
    moved = np.moveaxis(a, axis, -1)
    idx = np.zeros(moved.shape, dtype=np.int64)
    if moved.shape[-1] == 0:
        return np.moveaxis(idx, -1, axis)
    best = moved[..., 0].copy()
    cur = np.zeros(moved.shape[:-1], dtype=np.int64)
    for i in range(1, moved.shape[-1]):
        v = moved[..., i]
        take = better(v, best) | (v == best)
        if a.dtype.kind == "f":
            take = (take | np.isnan(v)) & ~(np.isnan(best) & ~np.isnan(v))
        best = np.where(take, v, best)
        cur = np.where(take, i, cur)
        idx[..., i] = cur
    return np.moveaxis(idx, -1, axis)


class RankMethods:
    """Running max/min, mode and quantiles of ``Tensor``."""

    __slots__ = ()

    def _cum_extreme(self, dim: Any, better: Any, name: str, kind: type) -> Any:
        d = one_dim(dim, self.array.shape, name)
        if self.ndim == 0:
            idx = np.zeros((), dtype=np.int64)
            return kind(self * 1, type(self).from_array(idx, False))
        idx = _running_index(self.array, d, better)
        return kind(self.gather(d, idx), type(self).from_array(idx, False))

    def cummax(self, dim: int) -> Any:
        """``(values, indices)``: the running maximum along ``dim`` and where it is."""
        return self._cum_extreme(dim, np.greater, "cummax", return_types.cummax)

    def cummin(self, dim: int) -> Any:
        """``(values, indices)``: the running minimum along ``dim`` and where it is."""
        return self._cum_extreme(dim, np.less, "cummin", return_types.cummin)

    def mode(self, dim: int = -1, keepdim: builtins.bool = False) -> Any:
        """``(values, indices)``: the most frequent value along ``dim`` (the smallest of
        equally frequent ones) and the index of its last occurrence, as torch."""
        d = one_dim(dim, self.array.shape, "mode")
        a = np.moveaxis(self.array.reshape(self.array.shape or (1,)), d, -1)
        if a.shape[-1] == 0:
            raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
        srt = np.sort(a, axis=-1)
        n = srt.shape[-1]
        # length of the run of equal values that ends at each position of the sorted row
        new_run = np.concatenate([np.ones(srt.shape[:-1] + (1,), bool),
                                  srt[..., 1:] != srt[..., :-1]], axis=-1)
        start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0), axis=-1)
        run = np.arange(n) - start + 1
        best = np.argmax(run, axis=-1)  # first maximal run: the smallest value
        value = np.take_along_axis(srt, best[..., None], -1)
        last = n - 1 - np.argmax((a == value)[..., ::-1], axis=-1)
        idx = np.expand_dims(last, d if self.ndim else 0)
        if not self.ndim:
            idx = idx.reshape(())
            return return_types.mode(self * 1, type(self).from_array(idx, False))
        vals = self.gather(d, idx)
        if not keepdim:
            vals, idx = vals.squeeze(d), idx.squeeze(d)
        return return_types.mode(vals, type(self).from_array(idx, False))

    def _quantile(self, q: Any, dim: Any, keepdim: builtins.bool, interpolation: str,
                  ignore_nan: builtins.bool, name: str) -> Any:
        if self.dtype.kind != "f":
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, "
                             f"midpoint or nearest. Got {interpolation}")
        qs = q.array if hasattr(q, "array") else np.asarray(q, dtype=np.float64)
        if qs.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if hasattr(q, "array") and q.dtype != self.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if qs.size and (qs.min() < 0 or qs.max() > 1):
            bad = qs.min() if qs.min() < 0 else qs.max()
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad:g}")
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else one_dim(dim, x.array.shape, name)
        if x.ndim == 0:
            x = x.reshape(1)
        srt = x.sort(d).values  # NaN last
        if x.array.shape[d] == 0:
            raise IndexError(f"{name}() input tensor must be non-empty")
        a = np.moveaxis(srt.array, d, -1)
        nan = np.isnan(a)
        n = a.shape[-1]
        valid = (n - nan.sum(-1)) if ignore_nan else np.where(nan.any(-1), 1, n)
        last = (valid - 1).clip(0)[..., None]  # the index the rank counts up to
        qv = qs.reshape(-1).astype(a.dtype)
        rank = qv * last  # (..., nq)
        if not ignore_nan:  # a NaN in the row makes the quantile NaN: point at it
            rank = np.where(nan.any(-1)[..., None], n - 1, rank)
        if interpolation == "nearest":
            rank = np.round(rank)
        lo = np.floor(rank).astype(np.int64)
        hi = np.ceil(rank).astype(np.int64)
        if interpolation in ("lower", "nearest"):
            hi = lo
        elif interpolation == "higher":
            lo = hi
        # (..., nq) -> (nq, ...) along dim d, so gather picks per q
        lo_i, hi_i = (np.moveaxis(i, -1, d) for i in (lo, hi))
        vlo, vhi = srt.gather(d, lo_i), srt.gather(d, hi_i)
        if interpolation == "linear":
            w = np.moveaxis(rank - lo, -1, d).astype(a.dtype)
            out = vlo.lerp(vhi, type(self).from_array(w, False))
        elif interpolation == "midpoint":
            out = vlo.lerp(vhi, 0.5)
        else:
            out = vlo
        out = out.movedim(d, 0)  # (nq, ...rest)
        if keepdim:
            out = out.unsqueeze(d + 1) if dim is not None else out.reshape(
                (out.shape[0],) + (1,) * self.ndim)
        return out.squeeze(0) if qs.ndim == 0 else out

    def quantile(self, q: Any, dim: int | None = None, keepdim: builtins.bool = False, *,
                 interpolation: str = "linear") -> Any:
        """The ``q``-quantiles along ``dim`` (of all elements when None); a 1-D ``q``
        adds a leading dim. NaN in a row gives NaN. Interpolation as numpy's/torch's."""
        return self._quantile(q, dim, keepdim, interpolation, False, "quantile")

    def nanquantile(self, q: Any, dim: int | None = None, keepdim: builtins.bool = False, *,
                    interpolation: str = "linear") -> Any:
        """``quantile`` of the non-NaN elements of each row (NaN where all are NaN)."""
        return self._quantile(q, dim, keepdim, interpolation, True, "nanquantile")


__all__ = ["RankMethods"]
