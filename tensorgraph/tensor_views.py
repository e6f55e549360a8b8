"""Tensor's shape methods (reshape/view, permute, transpose, squeeze, expand, indexing)
and its in-place ops (add_, mul_, copy_, x[i] = v), mixed into ``Tensor``.

``Tensor`` inherits :class:`ViewMethods` (before the wider ``OpMethods``, so these win). The
module's ``Tensor`` and the functions built on it (the names set to None below) are
filled in by ``tensor.py`` once the class exists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from . import ops as P
from .shapes import dims_arg, infer_shape, new_dim, shape_arg, view_strides
from .autograd.grad_mode import get_mode
from .autograd.node_names import named
from .indexing import advanced_dims, check_steps, move
from .ops.shape import is_basic

Tensor: Any = None
where: Any = None
_index: Any = None
_write_inplace: Any = None
_write_item: Any = None


class ViewMethods:
    """Shape, indexing and in-place methods of ``Tensor``."""

    __slots__ = ()

    # ------------------------------------------------------------ shape
    def _target(self, shape: tuple, op: str) -> tuple:
        try:
            return infer_shape(self.array.shape, shape_arg(shape))
        except ValueError as e:
            raise RuntimeError(
                f"{op}: {e}. The new shape must hold the same number of elements; "
                "write -1 for one dim to have it inferred."
            ) from None

    def reshape(self, *shape: Any) -> Tensor:
        """A tensor of the given shape with the same elements: a view where the strides
        allow one, else a copy. Always a new tensor (with a grad_fn), as torch."""
        return P.Reshape.apply(self, shape=self._target(shape, "reshape"))

    def view(self, *shape: Any) -> Tensor:
        """``reshape`` that must be a view: refused (torch's error) when the tensor's
        strides cannot express the new shape (say after ``t()``); use ``reshape`` then."""
        target = self._target(shape, "view")
        a = self.array
        if view_strides(a.shape, tuple(s // a.itemsize for s in a.strides), target) is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least "
                "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                f"instead. (view {a.shape} -> {target} of a tensor with strides "
                f"{tuple(s // a.itemsize for s in a.strides)})"
            )
        return P.Reshape.apply(self, shape=target)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:
            return self.reshape(1)
        (s,), (e,) = dims_arg(start_dim, self.array.shape, "flatten"), dims_arg(end_dim, self.array.shape, "flatten")
        if s > e:
            raise RuntimeError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor "
                f"of shape {self.array.shape}; pass start_dim <= end_dim."
            )
        if s == e:  # torch returns the tensor itself here
            return self
        return self.reshape(self.array.shape[:s] + (-1,) + self.array.shape[e + 1:])

    def permute(self, *dims: Any) -> Tensor:
        dims = shape_arg(dims)
        axes = tuple(dims_arg(d, self.array.shape, "permute")[0] for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} dims of a "
                f"tensor of shape {self.array.shape}."
            )
        return P.Permute.apply(self, axes=axes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        axes = list(range(self.ndim))
        (d0,), (d1,) = dims_arg(dim0, self.array.shape, "transpose"), dims_arg(dim1, self.array.shape, "transpose")
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return named(P.Permute.apply(self, axes=tuple(axes)), "TransposeBackward0")

    def unsqueeze(self, dim: int) -> Tensor:
        d = new_dim(dim, self.array.shape, "unsqueeze")
        return named(self.reshape(self.array.shape[:d] + (1,) + self.array.shape[d:]),
                     "UnsqueezeBackward0")

    def squeeze(self, dim: Any = None) -> Tensor:
        axes = dims_arg(dim, self.array.shape, "squeeze")
        shape = tuple(n for i, n in enumerate(self.array.shape)
                      if not (n == 1 and (axes is None or i in axes)))
        return named(self.reshape(shape), "SqueezeBackward0" if dim is None else "SqueezeBackward1")

    def expand(self, *sizes: Any) -> Tensor:
        sizes = shape_arg(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise RuntimeError(f"expand: cannot expand shape {self.array.shape} to {sizes}.")
        target = tuple(self.array.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        try:
            np.broadcast_shapes(self.array.shape, target)
            if np.broadcast_shapes(self.array.shape, target) != target:
                raise ValueError
        except ValueError:
            raise RuntimeError(
                f"expand: the shape {self.array.shape} cannot be expanded to {target}; only "
                "size-1 dims can grow."
            ) from None
        return P.Expand.apply(self, shape=target)  # a new tensor even at the same shape

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(other.shape)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The ``offset``-th diagonal of the (dim1, dim2) planes, appended as the last dim
        (as torch; a copy here, not a view)."""
        (d1,), (d2,) = dims_arg(dim1, self.array.shape, "diagonal"), dims_arg(dim2, self.array.shape,
                                                                        "diagonal")
        if d1 == d2:
            raise RuntimeError(f"diagonal: dim1 and dim2 cannot be the same dimension "
                               f"(both are {d1} for a tensor of shape {self.array.shape}).")
        x = self.permute(*[d for d in range(self.ndim) if d not in (d1, d2)], d1, d2)
        n1, n2 = x.shape[-2], x.shape[-1]
        length = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
        steps = np.arange(length)
        return x[..., steps - min(offset, 0), steps + max(offset, 0)]

    def trace(self) -> Tensor:
        """Sum of the main diagonal of a matrix (torch.trace)."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got a tensor with {self.ndim} "
                               f"dims (shape {self.array.shape}).")
        return self.diagonal().sum()

    def __getitem__(self, index: Any) -> Tensor:
        idx = _index(index)
        check_steps(idx)
        try:
            out = P.GetItem.apply(self, index=idx)
        except IndexError as e:  # numpy's message does not say which tensor
            raise IndexError(f"index: {e} (indexing a tensor of shape {self.array.shape}).") from None
        at = advanced_dims(idx, self.array.ndim)  # ints mixed with lists: torch's order
        return out if at is None else out.permute(*move(out.ndim, at))

    # ------------------------------------------------------------ in place
    # Each one hands the out-of-place computation to inplace.write, which writes it into
    # the buffer and, when recording, rewires the graph.
    def add_(self, other: Any, alpha: float = 1) -> Tensor:
        return _write_inplace(
            self, "add_", lambda t: t + other * alpha if alpha != 1 else t + other, other
        )

    def sub_(self, other: Any, alpha: float = 1) -> Tensor:
        return _write_inplace(self, "sub_", lambda t: t - other * alpha, other)

    def mul_(self, other: Any) -> Tensor:
        return _write_inplace(self, "mul_", lambda t: t * other, other)

    def div_(self, other: Any) -> Tensor:
        return _write_inplace(self, "div_", lambda t: t / other, other)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return _write_inplace(self, "clamp_", lambda t: t.clamp(min, max))

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        return self.copy_(value)

    def copy_(self, src: Any) -> Tensor:
        src_t = Tensor.as_operand(dtypes.checked_fill(src, self.array.dtype, "fill_"), self)
        # where(False, t, src), not t * 0 + src: inf * 0 would write NaN.
        keep = np.zeros(self.array.shape, dtype=bool)
        return _write_inplace(
            self, "copy_", lambda t: where(keep, t, src_t.to(t.dtype)), src_t
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        idx = _index(index)
        check_steps(idx)
        v = Tensor.as_operand(dtypes.checked_fill(value, self.array.dtype, "setitem"), self)
        lead = v.array.shape
        if lead and lead[0] == 1:  # torch drops a value's leading 1-dims ((1, 27) -> (27,))
            k = next((i for i, n in enumerate(lead) if n != 1), len(lead))
            v = v.reshape(lead[k:])
        at = advanced_dims(idx, self.array.ndim)
        if at is not None:  # v is in torch's order of the target: put it in numpy's
            shape = np.asarray(self.array[idx]).shape
            v = v.expand(tuple(shape[d] for d in move(len(shape), at)))
            v = v.permute(*move(len(shape), at, to_torch=False))
        recording = get_mode("grad_enabled") and (self.requires_grad or v.requires_grad)
        if not recording and self.array.flags.writeable:
            self.array[idx] = v.array  # the common case: a plain write into the buffer
            self._version += 1
            return
        if is_basic(idx):
            self[idx].copy_(v)  # in place on a view: the history is rebased (CopySlices)
        else:
            _write_item(self, idx, v)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def __ipow__(self, other: Any) -> Tensor:
        return _write_inplace(self, "pow_", lambda t: t ** other, other)

    def __imod__(self, other: Any) -> Tensor:
        return _write_inplace(self, "remainder_", lambda t: t % other, other)

    def __ifloordiv__(self, other: Any) -> Tensor:
        if self.requires_grad and get_mode("grad_enabled"):
            return self // other  # not differentiable: a new tensor without history
        return _write_inplace(self, "floor_divide_", lambda t: t // other, other)
