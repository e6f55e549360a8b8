"""Tensor methods for indexing, splitting and scattering (torch's names), mixed into
``Tensor`` through ``OpMethods``.

All are composites of the ``GetItem`` / ``IndexAdd`` / ``Where`` primitives, so their
gradients (and second derivatives) come from those: ``gather`` is an integer-array
index, ``scatter_add`` adds ``src`` at those positions, ``flip`` a negative-step slice.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes
from . import ops as P
from .shapes import dims_arg, one_dim, shape_arg
from .autograd.function import mark_multi_output


def _int_index(index: Any, op: str) -> np.ndarray:
    """An index tensor/array/list as an int64 array; torch refuses other dtypes."""
    arr = index.array if hasattr(index, "array") else np.asarray(index)
    if arr.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): expected an integer (int64) index tensor, got {arr.dtype}.")
    return arr.astype(np.int64, copy=False)


def _check_bounds(idx: np.ndarray, size: int, dim: int, op: str,
                  negative: bool = False) -> None:
    """Indices must lie in [0, size) (in [-size, size) where torch allows ``negative``);
    the error is torch's for ``op`` (its kernels word them differently)."""
    low = -size if negative else 0
    if not idx.size or (idx.max() < size and idx.min() >= low):
        return
    bad = idx.max() if idx.max() >= size else idx.min()
    where = f" ({op}(); indices must lie in [{low}, {size}))"
    if op == "take":
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {size} "
                         f"elements.{where}")
    if op == "index_select":
        if dim == 0:
            raise IndexError(f"index out of range in self (index {bad} along dim 0 of "
                             f"size {size}){where}")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} "
                           f"axis_dim={size}{where}")
    raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size "
                       f"{size}{where}")


def _along(idx: np.ndarray, dim: int) -> tuple:
    """Index tuple picking ``x[i0, .., idx[i0, .., id, ..], ..]`` (torch.gather's rule)."""
    nd = idx.ndim
    return tuple(
        idx if i == dim else np.arange(n).reshape([-1 if j == i else 1 for j in range(nd)])
        for i, n in enumerate(idx.shape)
    )


def _gather_index(x: Any, dim: int, index: Any, op: str) -> tuple:
    idx = _int_index(index, op)
    d = one_dim(dim, x.shape, op)
    if idx.ndim != max(x.ndim, 1):
        raise RuntimeError(
            f"{op}(): index tensor must have the same number of dimensions as the input "
            f"({idx.ndim} vs {x.ndim}; shapes {tuple(idx.shape)} and {tuple(x.shape)})."
        )
    for i, (n, m) in enumerate(zip(idx.shape, x.shape)):
        if i != d and n > m:
            raise RuntimeError(
                f"{op}(): size of index {tuple(idx.shape)} exceeds the input's {tuple(x.shape)} at "
                f"dimension {i} (it may only be larger along dim {d})."
            )
    _check_bounds(idx, x.shape[d], d, op)
    return d, idx, _along(idx, d)


class IndexMethods:
    """Indexing family: gather/scatter, index_select, split/chunk, flip/roll, repeat."""

    __slots__ = ()

    # ------------------------------------------------------------ masks and triangles
    def masked_fill(self, mask: Any, value: Any) -> Any:
        """``value`` where ``mask`` (a bool tensor broadcastable to self) else self."""
        from .tensor_functions import where

        m = mask.array if hasattr(mask, "array") else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(
                f"masked_fill: only supports boolean masks, but got mask with dtype {m.dtype}; "
                "use mask.bool() or (mask != 0)."
            )
        if hasattr(value, "array") and value.ndim != 0:
            raise RuntimeError(
                f"masked_fill: only supports a 0-dimensional value tensor, but got one with "
                f"{value.ndim} dimension(s)."
            )
        value = value.to(self.dtype) if hasattr(value, "array") else \
            dtypes.checked_fill(value, self.array.dtype, "masked_fill")
        try:
            np.broadcast_to(m, self.array.shape)
        except ValueError:
            raise RuntimeError(
                f"masked_fill: mask of shape {tuple(m.shape)} does not broadcast to the tensor's "
                f"shape {self.array.shape}."
            ) from None
        return where(m, value, self)

    def masked_fill_(self, mask: Any, value: Any) -> Any:
        """In-place ``masked_fill``."""
        from .inplace import write

        return write(self, "masked_fill_", lambda t: t.masked_fill(mask, value), value)

    def masked_select(self, mask: Any) -> Any:
        """The elements where ``mask`` is True, as a 1-D tensor."""
        m = mask.array if hasattr(mask, "array") else np.asarray(mask)
        return self.expand(np.broadcast_shapes(self.array.shape, m.shape))[
            np.broadcast_to(m, np.broadcast_shapes(self.array.shape, m.shape))]

    def _triangle(self, keep: Any, op: str) -> Any:
        from .tensor_functions import where

        if self.ndim < 2:
            raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got "
                               f"shape {self.array.shape}.")
        # A zero of self's own dtype, so tril/triu keep every dtype (bool too), as torch.
        return where(keep, self, self.new_zeros(()))

    def tril(self, diagonal: int = 0) -> Any:
        """The lower triangle (on and below ``diagonal``) of the last two dims; zeros above."""
        keep = np.tril(np.ones(self.array.shape[-2:], dtype=bool), diagonal)
        return self._triangle(keep, "tril")

    def triu(self, diagonal: int = 0) -> Any:
        """The upper triangle (on and above ``diagonal``) of the last two dims; zeros below."""
        keep = np.triu(np.ones(self.array.shape[-2:], dtype=bool), diagonal)
        return self._triangle(keep, "triu")

    def where(self, condition: Any, other: Any) -> Any:
        """``self`` where ``condition`` else ``other`` (torch's method form)."""
        from .tensor_functions import where

        return where(condition, self, other)

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of
        1-D index tensors with ``as_tuple=True``."""
        t = type(self)
        found = np.nonzero(np.atleast_1d(self.array))
        if as_tuple:
            return tuple(t.from_array(i.astype(np.int64), False) for i in found)
        out = np.stack(found, axis=1).astype(np.int64) if found else np.zeros((0, 0))
        return t.from_array(out.reshape(-1, self.ndim), False)

    def argwhere(self) -> Any:
        return self.nonzero()

    # ------------------------------------------------------------ gather / scatter
    def gather(self, dim: int, index: Any) -> Any:
        """``out[i][j][k] = self[index[i][j][k]][j][k]`` (for dim 0), as torch.gather."""
        _, _, pick = _gather_index(self, dim, index, "gather")
        return self[pick]

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Any:
        """``gather`` with ``indices`` broadcast against self (flattened when dim is None)."""
        idx = _int_index(indices, "take_along_dim")
        if dim is None:
            return self.reshape(-1).gather(0, idx.reshape(-1))
        d = one_dim(dim, self.array.shape, "take_along_dim")
        if idx.ndim != self.ndim:
            raise RuntimeError(
                f"take_along_dim(): input and indices should have the same number of "
                f"dimensions, got {self.ndim} and {idx.ndim}."
            )
        shape = [builtins.max(a, b) for a, b in zip(self.array.shape, idx.shape)]
        x = self.expand(tuple(shape[:d]) + (self.array.shape[d],) + tuple(shape[d + 1:]))
        idx = np.broadcast_to(idx, tuple(shape[:d]) + (idx.shape[d],) + tuple(shape[d + 1:]))
        return x.gather(d, idx)

    def take(self, index: Any) -> Any:
        """Elements of the flattened tensor at ``index`` (result has index's shape)."""
        idx = _int_index(index, "take")
        _check_bounds(idx, self.numel(), 0, "take", negative=True)
        return self.reshape(-1)[idx]

    def index_select(self, dim: int, index: Any) -> Any:
        """The slices ``index`` (1-D integer tensor) along ``dim``."""
        idx = _int_index(index, "index_select")
        if idx.ndim > 1:
            raise IndexError(f"index_select(): index must be 0-D or 1-D, got shape {tuple(idx.shape)}.")
        d = one_dim(dim, self.array.shape, "index_select")
        _check_bounds(idx, self.array.shape[d] if self.ndim else 1, d, "index_select")
        if self.ndim == 0:
            return self.reshape(1)[idx.reshape(-1)].reshape(idx.shape)
        return self[(slice(None),) * d + (idx.reshape(-1),)]

    def _scattered(self, dim: int, index: Any, src: Any, op: str) -> tuple:
        """(positions, the src values that land there) for scatter / scatter_add."""
        _, idx, pos = _gather_index(self, dim, index, op)
        if not hasattr(src, "array"):  # a number: scatter(dim, index, value)
            return pos, type(self).as_operand(src, self).expand(idx.shape)
        if src.ndim != idx.ndim or any(n > m for n, m in zip(idx.shape, src.shape)):
            raise RuntimeError(
                f"{op}(): index {tuple(idx.shape)} must be no larger than src {tuple(src.shape)} in every "
                "dimension (and have as many dimensions)."
            )
        part = src[tuple(slice(0, n) for n in idx.shape)]
        return pos, part.to(self.dtype)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Any:
        """``self`` with ``src[i][j][k]`` added at ``[index[i][j][k]][j][k]`` (dim 0);
        repeated indices accumulate."""
        pos, vals = self._scattered(dim, index, src, "scatter_add")
        return self + P.IndexAdd.apply(vals, shape=self.array.shape, index=pos)

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None, *,
                reduce: str | None = None) -> Any:
        """``self`` with ``src`` (a tensor or a number ``value``) written at ``index``
        along ``dim``, as torch.scatter; ``reduce='add'`` is ``scatter_add``."""
        from .tensor_functions import where

        src = value if src is None else src
        if src is None:
            raise TypeError("scatter(): pass src (a tensor) or value (a number).")
        if reduce == "add":
            return self.scatter_add(dim, index, src)
        if reduce is not None:
            raise NotImplementedError(f"scatter(): reduce={reduce!r} is not supported "
                                      "(only 'add'); use scatter_add or index arithmetic.")
        pos, vals = self._scattered(dim, index, src, "scatter")
        region = np.zeros(self.array.shape, dtype=bool)
        region[pos] = True
        written = P.IndexAdd.apply(vals, shape=self.array.shape, index=pos, accumulate=False)
        return where(region, written, self)

    def scatter_(self, dim: int, index: Any, src: Any = None, value: Any = None, *,
                 reduce: str | None = None) -> Any:
        """In-place ``scatter``."""
        from .inplace import write

        return write(self, "scatter_", lambda t: t.scatter(dim, index, src, value,
                                                            reduce=reduce), src)

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Any:
        """In-place ``scatter_add``."""
        from .inplace import write

        return write(self, "scatter_add_", lambda t: t.scatter_add(dim, index, src), src)

    # ------------------------------------------------------------ splitting
    def narrow(self, dim: int, start: int, length: int) -> Any:
        """``length`` elements along ``dim`` starting at ``start`` (a view in torch)."""
        d = one_dim(dim, self.array.shape, "narrow")
        n = self.array.shape[d]
        start = builtins.int(start)
        if not -n <= start <= n:
            raise IndexError(f"narrow(): start ({start}) is out of range for dimension {d} "
                             f"of size {n}.")
        start %= n if n else 1
        if length < 0 or start + length > n:
            raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds "
                               f"dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def select(self, dim: int, index: int) -> Any:
        """The slice at ``index`` along ``dim`` (that dim removed)."""
        d = one_dim(dim, self.array.shape, "select")
        n = self.array.shape[d]
        if not -n <= index < n:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"{self.array.shape} at dimension {d}.")
        return self[(slice(None),) * d + (builtins.int(index),)]

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple:
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or pieces of
        the given sizes (which must add up to the dim's size)."""
        d = one_dim(dim, self.array.shape, "split")
        n = self.array.shape[d]
        if isinstance(split_size_or_sections, (builtins.int, np.integer)):
            size = builtins.int(split_size_or_sections)
            if size <= 0 and n:
                raise RuntimeError(f"split(): split_size must be positive, got {size}.")
            sizes = [builtins.min(size, n - i) for i in range(0, n, size)] if n else [0]
        else:
            sizes = [builtins.int(s) for s in split_size_or_sections]
            if builtins.sum(sizes) != n or builtins.min(sizes, default=0) < 0:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                    f"tensor's size at dimension {d}), but got split_sizes={sizes}."
                )
        op = "Split" if isinstance(split_size_or_sections, (builtins.int, np.integer)) \
            else "SplitWithSizes"
        return mark_multi_output(self._pieces(d, sizes), op)

    def _pieces(self, d: int, sizes: list) -> tuple:
        bounds = np.cumsum([0] + sizes).tolist()
        return tuple(self.narrow(d, a, b - a) for a, b in zip(bounds, bounds[1:]))

    def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0) -> tuple:
        return self.split(list(split_sizes), dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        """At most ``chunks`` pieces of size ceil(n / chunks) along ``dim``."""
        if chunks <= 0:
            raise RuntimeError(f"chunk(): chunks must be greater than 0, got {chunks}.")
        n = self.array.shape[one_dim(dim, self.array.shape, "chunk")]
        if n == 0:  # torch: as many (empty) chunks as asked for
            return self.split([0] * chunks, dim)
        return self.split(-(-n // chunks), dim)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        """Split into n nearly equal parts (an int) or at the given indices (a list)."""
        d = one_dim(dim, self.array.shape, "tensor_split")
        n = self.array.shape[d]
        if isinstance(indices_or_sections, (builtins.int, np.integer)):
            k = builtins.int(indices_or_sections)
            sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
            return self._pieces(d, sizes)  # views torch lets you modify in place
        cuts = [builtins.min(builtins.max(builtins.int(i), 0), n) for i in indices_or_sections]
        bounds = [0, *cuts, n]
        return tuple(self.narrow(d, a, builtins.max(b - a, 0))
                     for a, b in zip(bounds, bounds[1:]))

    def unbind(self, dim: int = 0) -> tuple:
        """The slices along ``dim``, that dim removed."""
        d = one_dim(dim, self.array.shape, "unbind")
        return mark_multi_output(tuple(self.select(d, i) for i in range(self.array.shape[d])),
                                 "Unbind")

    # ------------------------------------------------------------ reordering and repeating
    def flip(self, *args: Any, dims: Any = None) -> Any:
        """Reverse the order of elements along ``dims`` (``x.flip(0)``, ``x.flip([0, 1])``,
        ``tg.flip(x, dims=(0,))``)."""
        axes = dims_arg(shape_arg(args) if dims is None else dims, self.array.shape, "flip") or ()
        # a negative step: numpy's, which x[...] refuses as torch does
        return P.GetItem.apply(self, index=tuple(slice(None, None, -1) if i in axes else
                                                 slice(None) for i in range(self.ndim)))

    def fliplr(self) -> Any:
        return self.flip(1)

    def flipud(self) -> Any:
        return self.flip(0)

    def roll(self, shifts: Any, dims: Any = None) -> Any:
        """Shift elements along ``dims`` (circularly); with no dims, of the flattened tensor."""
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.array.shape)
        shifts = (shifts,) if isinstance(shifts, (builtins.int, np.integer)) else tuple(shifts)
        dims = (dims,) if isinstance(dims, (builtins.int, np.integer)) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll(): shifts and dimensions must align, got shifts={shifts} "
                               f"and dims={dims}.")
        out = self
        for s, dim in zip(shifts, dims):
            d = one_dim(dim, self.array.shape, "roll")
            n = self.array.shape[d]
            out = out.index_select(d, (np.arange(n) - s) % n) if n else out
        return out

    def repeat(self, *sizes: Any) -> Any:
        """Tile the tensor: dim i becomes ``shape[i] * sizes[i]`` (extra leading sizes add dims)."""
        sizes = tuple(builtins.int(s) for s in shape_arg(sizes))
        if len(sizes) < self.ndim:
            raise RuntimeError(
                f"repeat(): number of repeat dims ({len(sizes)}) can not be smaller than the "
                f"number of dimensions of the tensor ({self.ndim}, shape {self.array.shape})."
            )
        shape = (1,) * (len(sizes) - self.ndim) + self.array.shape
        paired = tuple(n for m in shape for n in (1, m))
        grown = tuple(n for s, m in zip(sizes, shape) for n in (s, m))
        return self.reshape(paired).expand(grown).reshape(
            tuple(s * m for s, m in zip(sizes, shape)))

    def tile(self, *dims: Any) -> Any:
        """``repeat`` with ``dims`` padded with leading 1s to the tensor's rank."""
        dims = tuple(shape_arg(dims))
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *,
                          output_size: int | None = None) -> Any:
        """Repeat each element ``repeats`` times (an int, or one count per element) along
        ``dim`` (of the flattened tensor when dim is None)."""
        x, d = (self.reshape(-1), 0) if dim is None else (self, one_dim(dim, self.array.shape,
                                                                      "repeat_interleave"))
        reps = repeats.array if hasattr(repeats, "array") else np.asarray(repeats)
        n = x.shape[d] if x.ndim else 1
        if reps.ndim and reps.shape != (n,) and reps.size != 1:
            raise RuntimeError(f"repeat_interleave(): repeats must have the same size as input "
                               f"along dim ({n}), got {tuple(reps.shape)}.")
        if (reps < 0).any():
            raise RuntimeError("repeat_interleave(): repeats can not be negative.")
        return x.index_select(d, np.repeat(np.arange(n), reps.reshape(-1) if reps.size != 1
                                           else builtins.int(reps.reshape(-1)[0])))
