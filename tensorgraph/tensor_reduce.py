"""Tensor methods for sorting, scans and the wider reductions (torch's names), mixed
into ``Tensor`` through ``OpMethods``: sort argsort topk kthvalue median, cumsum
cumprod, logsumexp, norm, prod, all any count_nonzero.

Every ``dim``/``keepdim`` also answers to numpy's ``axis``/``keepdims``, as in torch.
Sorting is a composite: the order is found on the array, the values are a ``gather``
(so the gradient goes back to where each value came from).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import dtypes, return_types
from .shapes import dims_arg, one_dim
from .ops.scan import CumProd, CumSum
from .ops.vector_norm import VectorNorm

# torch.return_types.* : tuples with named fields
SortResult = return_types.sort
TopKResult = return_types.topk
KthValueResult = return_types.kthvalue
MedianResult = return_types.median


def dim_arg(dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> tuple:
    """``(dim, keepdim)`` from torch's names or numpy's aliases ``axis``/``keepdims``."""
    return (axis if dim is None else dim), builtins.bool(keepdim or keepdims)


def _order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``axis``; NaN counts as the largest value, as in torch."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    # Stable descending: sort the reversed array ascending, reverse the result, so ties
    # keep their original order and NaN comes first.
    n = a.shape[axis]
    rev = np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)
    return n - 1 - rev


class ReduceMethods:
    """Sorting, scans, norms, products and boolean reductions."""

    __slots__ = ()

    # ------------------------------------------------------------ sorting
    def sort(self, dim: int = -1, descending: builtins.bool = False, *,
             stable: builtins.bool = False) -> SortResult:
        """``(values, indices)`` sorted along ``dim`` (ties keep their order)."""
        if self.ndim == 0:
            return SortResult(self * 1, type(self).from_array(np.zeros((), np.int64), False))
        d = one_dim(dim, self.shape, "sort")
        idx = _order(self.array, d, descending)
        return SortResult(self.gather(d, idx), type(self).from_array(idx.astype(np.int64), False))

    def argsort(self, dim: int = -1, descending: builtins.bool = False, *,
                stable: builtins.bool = False) -> Any:
        """The indices that sort the tensor along ``dim``."""
        return self.sort(dim, descending).indices

    def msort(self) -> Any:
        return self.sort(0).values

    def topk(self, k: int, dim: int = -1, largest: builtins.bool = True,
             sorted: builtins.bool = True) -> TopKResult:
        """The ``k`` largest (or smallest) elements along ``dim`` and their indices."""
        d = one_dim(dim, self.array.shape, "topk") if self.ndim else 0
        n = self.array.shape[d] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"topk(): selected index k={k} out of range for dimension "
                               f"{d} of size {n} (shape {self.array.shape}).")
        values, indices = self.sort(d, descending=largest)
        if self.ndim == 0:
            return TopKResult(values, indices)
        return TopKResult(values.narrow(d, 0, k), indices.narrow(d, 0, k))

    def kthvalue(self, k: int, dim: int = -1, keepdim: builtins.bool = False
                 ) -> KthValueResult:
        """The ``k``-th smallest element (1-based) along ``dim`` and its index."""
        d = one_dim(dim, self.array.shape, "kthvalue") if self.ndim else 0
        n = self.array.shape[d] if self.ndim else 1
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k={k} out of range for "
                               f"dimension {d} of size {n}.")
        if self.ndim == 0:
            return KthValueResult(self * 1, type(self).from_array(np.zeros((), np.int64), False))
        values, indices = self.sort(d)
        v, i = values.select(d, k - 1), indices.select(d, k - 1)
        return KthValueResult(v.unsqueeze(d), i.unsqueeze(d)) if keepdim else \
            KthValueResult(v, i)

    def nanmedian(self, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
        """``median`` ignoring NaNs (NaN where a row holds nothing else)."""
        return self._median(dim, keepdim, True)

    def median(self, dim: int | None = None, keepdim: builtins.bool = False) -> Any:
        """The lower median (of all elements, or ``(values, indices)`` along ``dim``). As
        torch: a NaN in a row makes its median NaN, at the index of its first NaN, and
        the median of no elements is NaN (an integer dtype's lowest value)."""
        return self._median(dim, keepdim, False)

    def _median(self, dim: int | None, keepdim: builtins.bool, ignore_nan: builtins.bool
                ) -> Any:
        if dim is None:
            if self.numel() == 0:
                dt = self.array.dtype
                fill = np.nan if dt.kind == "f" else np.iinfo(dt).min
                return type(self).from_array(np.full((), fill, dt), False)
            return self.reshape(-1)._median(0, False, ignore_nan).values
        if self.ndim == 0:
            result = return_types.nanmedian if ignore_nan else MedianResult
            return result(*self.kthvalue(1, dim, keepdim))
        d = one_dim(dim, self.array.shape, "median")
        n = self.array.shape[d]
        if n == 0:
            raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size "
                             f"(input shape {tuple(self.shape)}).")
        k = np.full(self.array.shape[:d] + (1,) + self.array.shape[d + 1:], (n + 1) // 2 - 1)
        if self.array.dtype.kind == "f":  # NaNs sort last, in their original order
            nans = np.isnan(self.array).sum(axis=d, keepdims=True)
            if ignore_nan:  # the lower median of the rest (the first NaN if all are)
                k = np.maximum((n - nans + 1) // 2 - 1, 0)
            else:
                k = np.where(nans > 0, n - nans, k)
        values, indices = self.sort(d)
        at = type(self).from_array(k.astype(np.int64), False)
        v, i = values.gather(d, at), indices.gather(d, at)
        result = return_types.nanmedian if ignore_nan else MedianResult
        return result(v, i) if keepdim else result(v.squeeze(d), i.squeeze(d))

    # ------------------------------------------------------------ scans
    def _scan(self, fn: type, dim: int, dtype: Any, op: str) -> Any:
        x = self
        if dtype is not None:
            x = x.to(dtype)
        elif x.dtype.kind in "iub":
            x = x.to(dtypes.int64)  # torch: integer scans accumulate in int64
        if x.ndim == 0:
            one_dim(dim, x.shape, op)
            return x * 1
        return fn.apply(x, axis=one_dim(dim, x.shape, op))

    def cumsum(self, dim: int, *, dtype: Any = None) -> Any:
        """Running sum along ``dim``: ``y[i] = x[0] + ... + x[i]``."""
        return self._scan(CumSum, dim, dtype, "cumsum")

    def cumprod(self, dim: int, *, dtype: Any = None) -> Any:
        """Running product along ``dim`` (gradient exact where x has zeros)."""
        return self._scan(CumProd, dim, dtype, "cumprod")

    # ------------------------------------------------------------ reductions
    def prod(self, dim: int | None = None, keepdim: builtins.bool = False, *,
             dtype: Any = None, axis: Any = None, keepdims: Any = None) -> Any:
        """Product of all elements, or along ``dim``; integer inputs give int64."""
        dim, keepdim = dim_arg(dim, keepdim, axis, keepdims)
        if dim is None:
            flat = self.reshape(-1)
            if flat.numel() == 0:
                return type(self).from_array(np.ones((), np.dtype(dtype or self.dtype)), False)
            out = flat.cumprod(0, dtype=dtype).select(0, -1)
            return out.reshape((1,) * self.ndim) if keepdim else out
        d = one_dim(dim, self.shape, "prod")
        if self.ndim == 0:
            return self.cumprod(0, dtype=dtype)
        if self.array.shape[d] == 0:
            shape = tuple(1 if i == d else n for i, n in enumerate(self.array.shape))
            out = type(self).from_array(np.ones(shape, np.dtype(dtype or self.dtype)), False)
            return out if keepdim else out.squeeze(d)
        out = self.cumprod(d, dtype=dtype).narrow(d, self.array.shape[d] - 1, 1)
        return out if keepdim else out.squeeze(d)

    def logsumexp(self, dim: Any = None, keepdim: builtins.bool = False, *,
                  axis: Any = None, keepdims: Any = None) -> Any:
        """``log(sum(exp(x)))`` along ``dim``, computed stably (the max is subtracted
        first, so large inputs do not overflow)."""
        dim, keepdim = dim_arg(dim, keepdim, axis, keepdims)
        x = self._floating()
        axes = dims_arg(dim, x.shape, "logsumexp") or None  # dim=() also means all dims
        if x.ndim == 0:
            return x * 1
        # The shift is a constant: log-sum-exp's gradient does not depend on it.
        m = np.max(x.array, axis=axes, keepdims=True) if x.numel() else np.zeros(())
        m = np.where(np.isinf(m), 0, m).astype(x.dtype)
        out = (x - m).exp().sum(axes, keepdim=True).log() + m
        return out if keepdim else out.squeeze(axes)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False,
             dtype: Any = None) -> Any:
        """The vector p-norm over ``dim`` (all elements when None), as torch.norm:
        ``'fro'`` and 2 are the Euclidean norm; also 1, inf, -inf, 0 and any p > 0."""
        x = self._floating() if dtype is None else self.to(dtype)
        if isinstance(p, str):
            if p == "nuc":  # the sum of singular values, over two dims (torch.norm)
                from .linalg import matrix_norm

                return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim)
            if p != "fro":
                raise RuntimeError(f"norm: p={p!r} is not supported (use 'fro', 'nuc' or "
                                   "a number).")
            p = 2
        axes = dims_arg(dim, x.shape, "norm")
        p = builtins.float(p)
        if p == np.inf:
            return x.abs().amax(axes, keepdim)
        if p == -np.inf:
            return x.abs().amin(axes, keepdim)
        if p == 0:
            return (x != 0).to(x.dtype).sum(axes, keepdim)
        if p == 1:
            return x.abs().sum(axes, keepdim)
        if p < 1:
            return (x.abs() ** p).sum(axes, keepdim) ** (1 / p)
        return VectorNorm.apply(x, p=p, axes=axes, keepdim=keepdim)

    def all(self, dim: Any = None, keepdim: builtins.bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """True where every element (along ``dim``) is non-zero; a bool tensor."""
        dim, keepdim = dim_arg(dim, keepdim, axis, keepdims)
        axes = dims_arg(dim, self.array.shape, "all")
        return type(self).from_array(np.asarray(np.all(self.array, axis=axes, keepdims=keepdim)),
                                False)

    def any(self, dim: Any = None, keepdim: builtins.bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """True where some element (along ``dim``) is non-zero; a bool tensor."""
        dim, keepdim = dim_arg(dim, keepdim, axis, keepdims)
        axes = dims_arg(dim, self.array.shape, "any")
        return type(self).from_array(np.asarray(np.any(self.array, axis=axes, keepdims=keepdim)),
                                False)

    def count_nonzero(self, dim: Any = None) -> Any:
        """Number of non-zero elements (along ``dim``), int64."""
        axes = dims_arg(dim, self.array.shape, "count_nonzero")
        return type(self).from_array(np.asarray(np.count_nonzero(self.array, axis=axes),
                                           dtype=np.int64), False)
