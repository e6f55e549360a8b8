"""``scatter_reduce`` / ``scatter_reduce_`` and ``index_put`` / ``index_put_``, mixed into
``Tensor`` through ``OpMethods``.

``scatter_reduce`` computes its values with numpy's ``ufunc.at`` and gets torch's
gradient from a composite: ``out = R + sum_i w_i * (x_i - x_i.detach())``, where ``R`` is
the reduced value (a constant) and ``w_i`` is d out / d x_i as torch's backward defines it
(sum: 1; mean: 1/count; amax/amin: 1/(number of elements equal to the result) for those
elements, else 0; prod: the product of the other elements). The added term is exactly zero,
so the values are ``R`` bit for bit. First derivatives only for ``prod`` (the weights are
constants).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import ops as P

_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _identity(reduce: str, dtype: np.dtype) -> Any:
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    if info is None:
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


def _prod_others(values: np.ndarray, pos: tuple, base: np.ndarray, base_in: np.ndarray,
                 src: np.ndarray) -> tuple:
    """d prod / d x for self (where it is included) and each src element: the product of
    the other contributors to the same output (exact where some are zero)."""
    zeros = np.zeros(base.shape, np.int64)
    np.add.at(zeros, pos, (src == 0).astype(np.int64))
    zeros += base_in & (base == 0)
    nz_prod = np.where(base_in & (base != 0), base, 1).astype(base.dtype)
    np.multiply.at(nz_prod, pos, np.where(src != 0, src, 1))

    def others(x: np.ndarray, z: np.ndarray, p: np.ndarray) -> np.ndarray:
        # z: zeros among all contributors of x's output; p: product of the nonzero ones
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x != 0, np.where(z == 0, p / np.where(x != 0, x, 1), 0),
                            np.where(z == 1, p, 0))

    w_self = np.where(base_in, others(base, zeros, nz_prod), 0)
    w_src = others(src, zeros[pos], nz_prod[pos])
    return w_self, w_src


class ScatterReduceMethods:
    """``scatter_reduce`` and ``index_put`` of ``Tensor``."""

    __slots__ = ()

    def scatter_reduce(self, dim: int, index: Any, src: Any, reduce: str, *,
                       include_self: builtins.bool = True) -> Any:
        """``self`` with the ``src`` values at ``index`` (along ``dim``) reduced into it by
        ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin'); ``include_self=False`` leaves
        the old values of the written positions out of the reduction."""
        if reduce not in _REDUCES:
            raise RuntimeError(f"scatter_reduce(): reduce argument must be one of sum, prod, "
                               f"mean, amax, amin, got {reduce!r}")
        if not hasattr(src, "array"):
            raise TypeError(f"scatter_reduce(): src must be a Tensor, got {type(src).__name__}")
        if src.dtype != self.dtype:
            raise RuntimeError(f"scatter_reduce(): Expected self.dtype to be equal to src.dtype "
                               f"(got {self.dtype} and {src.dtype})")
        pos, vals = self._scattered(dim, index, src, "scatter_reduce")
        a, v = self.array, vals.array
        written = np.zeros(a.shape, bool)
        written[pos] = True
        base_in = ~written | include_self
        out = np.where(base_in, a, _identity(reduce, a.dtype)).astype(a.dtype)
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
                 "amin": np.minimum}[reduce]
        ufunc.at(out, pos, v)
        count = base_in.astype(np.int64)
        np.add.at(count, pos, 1)
        if reduce == "mean":
            out = (np.floor_divide(out, np.maximum(count, 1)) if a.dtype.kind in "iub"
                   else (out / np.maximum(count, 1)).astype(a.dtype))
        result = type(self).from_array(out, False)
        if not (self.requires_grad or vals.requires_grad) or a.dtype.kind != "f":
            return result
        w_self, w_src = self._scatter_reduce_weights(reduce, out, pos, a, v, base_in, count)
        grad_self = (self - self.detach()) * type(self).from_array(w_self.astype(a.dtype), False)
        grad_src = (vals - vals.detach()) * type(self).from_array(w_src.astype(a.dtype), False)
        return result + grad_self + P.IndexAdd.apply(grad_src, shape=a.shape, index=pos)

    def _scatter_reduce_weights(self, reduce: str, out: np.ndarray, pos: tuple, a: np.ndarray,
                                v: np.ndarray, base_in: np.ndarray, count: np.ndarray) -> tuple:
        if reduce == "sum":
            return base_in.astype(a.dtype), np.ones_like(v)
        if reduce == "mean":
            inv = 1.0 / np.maximum(count, 1)
            return np.where(base_in, inv, 0), inv[pos]
        if reduce == "prod":
            return _prod_others(out, pos, a, base_in, v)
        # torch counts an old value equal to the result among the ties even when
        # include_self=False (it then gets no gradient itself): so do we
        self_hit = a == out
        src_hit = v == out[pos]
        n = self_hit.astype(np.int64)
        np.add.at(n, pos, src_hit.astype(np.int64))
        n = np.maximum(n, 1)
        return np.where(base_in, self_hit / n, 0), src_hit / n[pos]

    def scatter_reduce_(self, dim: int, index: Any, src: Any, reduce: str, *,
                        include_self: builtins.bool = True) -> Any:
        """In-place ``scatter_reduce``."""
        from .inplace import write

        return write(self, "scatter_reduce_", lambda t: t.scatter_reduce(
            dim, index, src, reduce, include_self=include_self), src)

    def index_put_(self, indices: Any, values: Any, accumulate: builtins.bool = False) -> Any:
        """``self[indices] = values`` (``indices`` a tuple of index tensors); with
        ``accumulate=True``, ``self[indices] += values`` with repeated indices adding up."""
        if not isinstance(indices, (tuple, list)):
            raise TypeError("index_put_(): indices must be a tuple of tensors")
        idx = tuple(i.array if hasattr(i, "array") else i for i in indices)
        if not accumulate:
            self[idx] = values
            return self
        from .inplace import write

        v = type(self).as_operand(values, self)

        def add(t: Any) -> Any:
            target = np.asarray(t.array[idx]).shape
            vals = v.to(t.dtype)
            vals = vals.expand(*target) if tuple(vals.shape) != target else vals
            return t + P.IndexAdd.apply(vals, shape=t.array.shape, index=idx, accumulate=True)

        return write(self, "index_put_", add, v)

    def index_put(self, indices: Any, values: Any, accumulate: builtins.bool = False) -> Any:
        """Out-of-place ``index_put_`` (on a clone)."""
        return self.clone().index_put_(indices, values, accumulate)


__all__ = ["ScatterReduceMethods"]
