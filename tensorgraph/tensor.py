"""Tensor: a numpy array plus the autograd bookkeeping; every method calls an op."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dtype, autograd
from . import ops as P
from ._shapes import dims_arg, infer_shape, new_dim, shape_arg
from .autograd import RemovableHandle
from .autograd.function import bind_tensor_class
from .autograd.grad_mode import counters, get_mode
from .device_methods import DeviceMethods
from .ops.shape import is_basic
from .display import DisplayMethods
from .random_methods import RandomMethods
from .tensor_ops import OpMethods

_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)


class Tensor(OpMethods, RandomMethods, DisplayMethods, DeviceMethods):
    """An n-dimensional array that records the operations applied to it.

    Args:
        data: a numpy array (wrapped without copying) or anything ``tg.tensor`` takes.
        requires_grad: record operations on it so ``backward()`` fills ``.grad``.

    Attributes:
        name: an optional label (``None`` by default; ``tg.tensor(..., name="x")``
            sets it) that ``tg.graph.trace`` and ``viz`` drawings show for this tensor.

    Example:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
    """

    __slots__ = (
        "__weakref__",
        "_grad",
        "_hooks",
        "_vc",
        "_view",
        "array",
        "grad_fn",
        "name",
        "requires_grad",
    )
    __array_ufunc__ = None  # make `ndarray * Tensor` call Tensor.__rmul__

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        if not isinstance(data, np.ndarray):
            data = tensor(data).array
        self.array = data
        self.requires_grad = False
        self._grad = self.grad_fn = self._hooks = self.name = self._vc = self._view = None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, data: np.ndarray, requires_grad: bool) -> Tensor:
        """Fast constructor used by ops: no checks, no copy."""
        t = object.__new__(cls)
        t.array = data
        t.requires_grad = requires_grad
        t._grad = t.grad_fn = t._hooks = t.name = t._vc = t._view = None
        return t

    @classmethod
    def _lift(cls, value: Any, like: Any) -> Tensor:
        """A constant (number, array, list) as a Tensor, typed to combine with ``like``."""
        if isinstance(value, Tensor):
            return value
        ref = like.array.dtype if isinstance(like, Tensor) else np.asarray(like).dtype
        if isinstance(value, _Number):
            return cls._wrap(np.asarray(value, dtype=_dtype.scalar_dtype(value, ref)), False)
        arr = np.asarray(value)
        if not isinstance(value, np.ndarray) and arr.dtype == np.float64:
            arr = arr.astype(ref if ref.kind == "f" else _dtype.get_default_dtype())
        return cls._wrap(arr, False)

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> Tensor:
        """This tensor's values as a new Tensor cut from the graph, sharing memory (torch).

        In-place ops on it change this tensor, unseen by autograd's version counter
        (use ``detach()`` for a view that is checked); ``t.data = other`` swaps the
        storage for ``other``'s (any shape).
        """
        return Tensor._wrap(self.array, False)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(
                f"data: assigned value must be a Tensor, got {type(value).__name__}; "
                "wrap it with tg.tensor(...) first."
            )
        self.array = value.array

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()`` (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a "
                    f"tensor of size '{list(self.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
            if value.dtype != self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype}' to a "
                    f"tensor with dtype '{self.dtype}'; the gradient must match the "
                    "tensor's dtype (convert it with .to(t.dtype))."
                )
        self._grad = value

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (shared with its
        views and ``detach()``; not with ``.data``), as torch's ``t._version``."""
        return 0 if self._vc is None else self._vc[0]

    @_version.setter
    def _version(self, value: int) -> None:
        # Code that writes the array directly (optimizers, init) bumps it this way.
        if self._vc is None:
            self._vc = [0]
        self._vc[0] = value
        counters.inplace_ops += 1

    @property
    def shape(self) -> tuple:
        return self.array.shape

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def size(self, dim: int | None = None) -> Any:
        return self.array.shape if dim is None else self.array.shape[dim]

    def dim(self) -> int:
        return self.array.ndim

    def numel(self) -> int:
        return self.array.size

    # ------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied). Fails if it requires grad, as torch."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy()."
            )
        return self.array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array if dtype is None else self.array.astype(dtype)

    def item(self) -> Any:
        if self.array.size != 1:
            raise ValueError(
                f"item: only a tensor with one element can be converted to a Python "
                f"number, this one has shape {self.shape} ({self.array.size} elements)."
            )
        return self.array.reshape(()).item()

    def tolist(self) -> Any:
        return self.array.tolist()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        return builtins.bool(self.item())

    def __float__(self) -> float:
        return builtins.float(self.item())

    def __int__(self) -> int:
        return builtins.int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be an index")
        return builtins.int(self.item())

    __hash__ = object.__hash__

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def clone(self) -> Tensor:
        return P.Copy.apply(self, dtype=self.dtype)

    def contiguous(self) -> Tensor:
        return self

    # ------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        Args:
            gradient: d(loss)/d(self); needed when self is not a scalar.
            retain_graph: keep the graph's saved arrays for another backward.
            create_graph: record the backward pass (for higher-order gradients).
        """
        autograd.backward(self, gradient, retain_graph, create_graph)

    def detach(self) -> Tensor:
        """The same data, cut from the graph; shares memory and the version counter,
        so an in-place change through it is seen by nodes that saved this tensor."""
        t = Tensor._wrap(self.array, False)
        if self._vc is None:
            self._vc = [0]
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        self.grad_fn, self.requires_grad = None, False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.array.dtype.kind not in "fc":
            raise RuntimeError(
                f"requires_grad_: only floating point tensors can require gradients, "
                f"this one is {self.dtype} (shape {self.shape}). Convert it first: "
                "x = x.float()."
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad_: you can only change requires_grad of leaf tensors; use "
                "detach() to get a tensor cut from the graph."
            )
        self.requires_grad = builtins.bool(requires_grad)
        return self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError(
                "register_hook: cannot register a hook on a tensor that doesn't require "
                "gradient."
            )
        if self.grad_fn is not None:
            return self.grad_fn.register_prehook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (after its hooks ran)."""
        if self.grad_fn is None or self.retains_grad:
            return
        import weakref

        ref = weakref.ref(self)  # weak: the graph must not keep the tensor alive

        def keep(g: Tensor) -> None:
            t = ref()
            if t is not None:
                # Under create_graph g is part of the recorded graph: keep it; else it
                # wraps the engine's buffer, which may be updated later: copy.
                g = g if g.requires_grad else Tensor._wrap(g.array.copy(), False)
                t.grad = g if t.grad is None else t.grad + g

        keep.retains_grad = True  # register_prehook keeps it after the other hooks
        self.grad_fn.register_prehook(keep)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf whose ``.grad`` is kept (``retain_grad()`` was called)."""
        hooks = self.grad_fn.pre_hooks if self.grad_fn is not None else None
        return builtins.bool(hooks) and getattr(hooks[-1], "retains_grad", False)

    # ------------------------------------------------------------ arithmetic
    def _binary(self, fn: type, other: Any, reverse: bool = False,
                op: str | None = None) -> Tensor:
        b = other if type(other) is Tensor else Tensor._lift(other, self)
        a = self
        if a.array.dtype != b.array.dtype:
            target = _dtype.promote(a.array.dtype, b.array.dtype, a.ndim == 0, b.ndim == 0)
            a, b = a.to(target), b.to(target)
        if reverse:
            a, b = b, a
        try:
            return fn.apply(a, b)
        except ValueError:
            # Checked only on failure, so the hot path pays nothing for it.
            try:
                np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise RuntimeError(
                    f"{op or fn.__name__.lower()}: shapes {a.shape} and {b.shape} cannot be "
                    "broadcast: compared from the last dim, each pair of sizes must be "
                    "equal or one of them 1."
                ) from None
            raise

    def __add__(self, o: Any) -> Tensor:
        return self._binary(P.Add, o)

    def __radd__(self, o: Any) -> Tensor:
        return self._binary(P.Add, o, reverse=True)

    def __mul__(self, o: Any) -> Tensor:
        return self._binary(P.Mul, o)

    def __rmul__(self, o: Any) -> Tensor:
        return self._binary(P.Mul, o, reverse=True)

    def __neg__(self) -> Tensor:
        return P.Neg.apply(self)

    def __sub__(self, o: Any) -> Tensor:
        if isinstance(o, _Number):
            return self._binary(P.Add, -o)
        return self._binary(P.Add, -Tensor._lift(o, self), op="sub")

    def __rsub__(self, o: Any) -> Tensor:
        return (-self)._binary(P.Add, o)

    def __truediv__(self, o: Any) -> Tensor:
        a = self if self.dtype.kind == "f" else self.to(_dtype.get_default_dtype())
        if isinstance(o, _Number):
            return a._binary(P.Mul, 1.0 / o)
        o = Tensor._lift(o, a)
        return a._binary(P.Mul, o.reciprocal(), op="div")

    def __rtruediv__(self, o: Any) -> Tensor:
        return self.reciprocal() * o

    def __pow__(self, o: Any) -> Tensor:
        a = self
        if isinstance(o, builtins.float) and a.dtype.kind != "f":
            a = a.to(_dtype.get_default_dtype())
        return a._binary(P.Pow, o)

    def __rpow__(self, o: Any) -> Tensor:
        return self._binary(P.Pow, o, reverse=True)

    def __matmul__(self, o: Any) -> Tensor:
        return matmul(self, o)

    def __rmatmul__(self, o: Any) -> Tensor:
        return matmul(Tensor._lift(o, self), self)

    def _compare(self, o: Any, fn: Callable) -> Tensor:
        other = o.array if isinstance(o, Tensor) else o
        return Tensor._wrap(np.asarray(fn(self.array, other)), False)

    def __eq__(self, o: object) -> Tensor:  # type: ignore[override]
        return self._compare(o, np.equal)

    def __ne__(self, o: object) -> Tensor:  # type: ignore[override]
        return self._compare(o, np.not_equal)

    def __lt__(self, o: Any) -> Tensor:
        return self._compare(o, np.less)

    def __le__(self, o: Any) -> Tensor:
        return self._compare(o, np.less_equal)

    def __gt__(self, o: Any) -> Tensor:
        return self._compare(o, np.greater)

    def __ge__(self, o: Any) -> Tensor:
        return self._compare(o, np.greater_equal)

    def __invert__(self) -> Tensor:
        return Tensor._wrap(~self.array, False)

    def __and__(self, o: Any) -> Tensor:
        return self._compare(o, np.logical_and if self.dtype.kind == "b" else np.bitwise_and)

    def __or__(self, o: Any) -> Tensor:
        return self._compare(o, np.logical_or if self.dtype.kind == "b" else np.bitwise_or)

    # ------------------------------------------------------------ elementwise math
    def exp(self) -> Tensor:
        return P.Exp.apply(self._floating("exp"))

    def log(self) -> Tensor:
        return P.Log.apply(self._floating("log"))

    def sqrt(self) -> Tensor:
        return self._floating("sqrt") ** 0.5

    def rsqrt(self) -> Tensor:
        return self._floating("rsqrt") ** -0.5

    def reciprocal(self) -> Tensor:
        return self._floating("reciprocal") ** -1.0

    def square(self) -> Tensor:
        return self * self

    def abs(self) -> Tensor:
        return self * np.sign(self.array)

    def sign(self) -> Tensor:
        return Tensor._wrap(np.sign(self.array), False)

    def sigmoid(self) -> Tensor:
        return P.Sigmoid.apply(self._floating("sigmoid"))

    def tanh(self) -> Tensor:
        return P.Tanh.apply(self._floating("tanh"))

    def relu(self) -> Tensor:
        return P.ReLU.apply(self)

    def softmax(self, dim: int) -> Tensor:
        from .nn import functional as F

        return F.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        from .nn import functional as F

        return F.log_softmax(self, dim)

    def maximum(self, other: Any) -> Tensor:
        return self._binary(P.Maximum, other)

    def minimum(self, other: Any) -> Tensor:
        return -((-self).maximum(-Tensor._lift(other, self)))

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max]; the gradient passes where min <= x <= max."""
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given.")
        lo = -np.inf if min is None else (min.array if isinstance(min, Tensor) else min)
        hi = np.inf if max is None else (max.array if isinstance(max, Tensor) else max)
        inside = (self.array >= lo) & (self.array <= hi)
        clipped = np.clip(self.array, lo, hi).astype(self.dtype, copy=False)
        return where(inside, self, clipped)

    clip = clamp

    def _floating(self, op: str) -> Tensor:
        return self if self.dtype.kind == "f" else self.to(_dtype.get_default_dtype())

    # ------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None, dtype: Any = None) -> Tensor:
        dim, keepdim = (axis if dim is None else dim), (keepdims or keepdim)
        x = self if self.dtype.kind in "fc" or dtype else self.to(_dtype.int64)
        if dtype is not None:
            x = x.to(dtype)
        return P.Sum.apply(x, axes=dims_arg(dim, self.shape, "sum"), keepdim=keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        dim, keepdim = (axis if dim is None else dim), (keepdims or keepdim)
        if self.dtype.kind != "f":
            raise TypeError(
                f"mean: input dtype must be floating point, got {self.dtype}; call "
                ".float() first."
            )
        axes = dims_arg(dim, self.shape, "mean")
        n = self.array.size if axes is None else np.prod([self.shape[a] for a in axes])
        return self.sum(axes, keepdim) * (1.0 / max(builtins.int(n), 1))

    def var(self, dim: Any = None, keepdim: bool = False, *, unbiased: bool = True,
            correction: int | None = None) -> Tensor:
        """Variance; ``correction=1`` (unbiased, the default) as torch.var."""
        axes = dims_arg(dim, self.shape, "var")
        n = self.array.size if axes is None else np.prod([self.shape[a] for a in axes])
        c = (1 if unbiased else 0) if correction is None else correction
        d = self - self.mean(axes, keepdim=True)
        return (d * d).sum(axes, keepdim) * (1.0 / max(builtins.int(n) - c, 0) if n > c
                                            else np.nan)

    def std(self, dim: Any = None, keepdim: bool = False, *, unbiased: bool = True,
            correction: int | None = None) -> Tensor:
        return self.var(dim, keepdim, unbiased=unbiased, correction=correction).sqrt()


    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Max of all elements, or ``(values, indices)`` along ``dim``, as torch.max."""
        return max_min(self, dim, keepdim, 1, "max")

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return max_min(self, dim, keepdim, -1, "min")

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return P.Max.apply(self, axes=dims_arg(dim, self.shape, "amax"), keepdim=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return -(-self).amax(dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        if dim is None:
            return Tensor._wrap(np.asarray(np.argmax(self.array), dtype=np.int64), False)
        (axis,) = dims_arg(dim, self.shape, "argmax")
        return Tensor._wrap(np.argmax(self.array, axis=axis, keepdims=keepdim), False)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return Tensor._wrap(-self.array, False).argmax(dim, keepdim)

    # ------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Tensor:
        shape = shape_arg(shape)
        try:
            target = infer_shape(self.shape, shape)
        except ValueError as e:
            raise RuntimeError(
                f"reshape: {e}. The new shape must hold the same number of elements; "
                "write -1 for one dim to have it inferred."
            ) from None
        if target == self.shape:
            return self
        return P.Reshape.apply(self, shape=target)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:
            return self.reshape(1)
        (s,), (e,) = dims_arg(start_dim, self.shape, "flatten"), dims_arg(end_dim, self.shape, "flatten")
        if s > e:
            raise RuntimeError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor "
                f"of shape {self.shape}; pass start_dim <= end_dim."
            )
        return self.reshape(self.shape[:s] + (-1,) + self.shape[e + 1:])

    def permute(self, *dims: Any) -> Tensor:
        dims = shape_arg(dims)
        axes = tuple(dims_arg(d, self.shape, "permute")[0] for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} dims of a "
                f"tensor of shape {self.shape}."
            )
        return P.Permute.apply(self, axes=axes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        axes = list(range(self.ndim))
        (d0,), (d1,) = dims_arg(dim0, self.shape, "transpose"), dims_arg(dim1, self.shape, "transpose")
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return P.Permute.apply(self, axes=tuple(axes))

    def unsqueeze(self, dim: int) -> Tensor:
        d = new_dim(dim, self.shape, "unsqueeze")
        return self.reshape(self.shape[:d] + (1,) + self.shape[d:])

    def squeeze(self, dim: Any = None) -> Tensor:
        axes = dims_arg(dim, self.shape, "squeeze")
        shape = tuple(n for i, n in enumerate(self.shape)
                      if not (n == 1 and (axes is None or i in axes)))
        return self.reshape(shape)

    def expand(self, *sizes: Any) -> Tensor:
        sizes = shape_arg(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise RuntimeError(f"expand: cannot expand shape {self.shape} to {sizes}.")
        target = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        try:
            np.broadcast_shapes(self.shape, target)
            if np.broadcast_shapes(self.shape, target) != target:
                raise ValueError
        except ValueError:
            raise RuntimeError(
                f"expand: the shape {self.shape} cannot be expanded to {target}; only "
                "size-1 dims can grow."
            ) from None
        return self if target == self.shape else P.Expand.apply(self, shape=target)

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(other.shape)

    def __getitem__(self, index: Any) -> Tensor:
        try:
            return P.GetItem.apply(self, index=_index(index))
        except IndexError as e:  # numpy's message does not say which tensor
            raise IndexError(f"index: {e} (indexing a tensor of shape {self.shape}).") from None

    # ------------------------------------------------------------ in place
    # Each one hands the out-of-place computation to _inplace.write, which writes it into
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
        src_t = Tensor._lift(src, self)
        # where(False, t, src), not t * 0 + src: inf * 0 would write NaN.
        keep = np.zeros(self.shape, dtype=bool)
        return _write_inplace(
            self, "copy_", lambda t: where(keep, t, src_t.to(t.dtype)), src_t
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        idx = _index(index)
        v = Tensor._lift(value, self)
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

    # ------------------------------------------------------------ repr
    def __repr__(self) -> str:
        body = np.array2string(self.array, separator=", ", prefix="tensor(",
                               threshold=1000, edgeitems=3)
        extras = []
        if self.dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
            extras.append(f"dtype=tg.{self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"


# The functions on tensors and the in-place machinery build on Tensor, and its methods
# call them, so they are imported once the class exists. (Import them through this
# module or the package, not first on their own: they need Tensor defined.)
from ._inplace import refresh_views as _refresh_views
from ._inplace import write as _write_inplace
from ._inplace import write_item as _write_item
from .tensor_functions import MinMax, _index, cat, matmul, max_min, stack, tensor, where

__all__ = ["MinMax", "Tensor", "cat", "matmul", "stack", "tensor", "where"]

bind_tensor_class(Tensor, _refresh_views)
autograd._Tensor = Tensor  # read by graph.py until it uses the public names
