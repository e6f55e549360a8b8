"""Tensor: a numpy array plus the autograd bookkeeping; every method calls an op."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes, autograd, tensor_arithmetic, tensor_views
from . import ops as P
from .autograd import RemovableHandle
from .autograd.function import bind_tensor_class
from .autograd.grad_mode import counters
from .device_methods import DeviceMethods
from .display import DisplayMethods
from .random_methods import RandomMethods
from .size import Size
from .tensor_arithmetic import ArithmeticMethods
from .tensor_inplace_math import InplaceMathMethods
from .tensor_ops import OpMethods
from .tensor_views import ViewMethods

_OF_NUMPY = dtypes.OF_NUMPY  # numpy dtype -> tg dtype, for Tensor.dtype

_new_size = tuple.__new__  # Size from a numpy shape (already ints): no per-item checks
_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)


class Tensor(ArithmeticMethods, InplaceMathMethods, ViewMethods, OpMethods, RandomMethods,
             DisplayMethods, DeviceMethods):
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
    def from_array(cls, data: np.ndarray, requires_grad: bool) -> Tensor:
        """A Tensor around ``data`` as it is: no checks, no copy (what ops build outputs with)."""
        t = object.__new__(cls)
        t.array = data
        t.requires_grad = requires_grad
        t._grad = t.grad_fn = t._hooks = t.name = t._vc = t._view = None
        return t

    @classmethod
    def as_operand(cls, value: Any, like: Any) -> Tensor:
        """A constant (number, array, list) as a Tensor, typed to combine with ``like``."""
        if isinstance(value, Tensor):
            return value
        ref = like.array.dtype if isinstance(like, Tensor) else np.asarray(like).dtype
        if isinstance(value, _Number):
            return cls.from_array(dtypes.scalar_array(value, ref), False)
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc":  # 'a', None, objects: a TypeError, as torch
            raise TypeError(f"unsupported operand type for a tensor op: {type(value).__name__}")
        if not isinstance(value, np.ndarray) and arr.dtype == np.float64:
            arr = arr.astype(ref if ref.kind == "f" else dtypes.get_default_dtype())
        return cls.from_array(arr, False)

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> Tensor:
        """This tensor's values as a new Tensor cut from the graph, sharing memory (torch).

        In-place ops on it change this tensor, unseen by autograd's version counter
        (use ``detach()`` for a view that is checked); ``t.data = other`` swaps the
        storage for ``other``'s (any shape).
        """
        return Tensor.from_array(self.array, False)

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
        """The gradient accumulated by ``backward()`` (None until then). Reading it on a
        non-leaf that does not ``retain_grad()`` warns, as torch (it stays None)."""
        g = self._grad
        if g is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.array.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a "
                    f"tensor of size '{list(self.array.shape)}'. Please ensure that the gradient "
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
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        vc[0] = value
        counters.inplace_ops += 1
        if len(vc) > 1:  # the memory of a split/chunk/unbind output: see refresh_views
            counters.view_rebases += 1

    @property
    def shape(self) -> Size:
        """The sizes of the dims, a ``tg.Size`` (inside the engine use ``array.shape``)."""
        return _new_size(Size, self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> dtypes.dtype:
        """The element type, a ``tg.dtype`` (inside the engine use ``array.dtype``)."""
        d = self.array.dtype
        return _OF_NUMPY.get(d, d)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def _is_view(self) -> bool:
        """torch's name: True for a view (basic index, transpose, view, ...) of another tensor."""
        return self._view is not None

    @property
    def _base(self) -> Tensor | None:
        """torch's name: the tensor whose memory this view shares (None if not a view)."""
        return None if self._view is None else self._view[0]

    @property
    def T(self) -> Tensor:
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def size(self, dim: int | None = None) -> Any:
        """The shape as a ``tg.Size``, or the size of one dim as an int."""
        return _new_size(Size, self.array.shape) if dim is None else self.array.shape[dim]

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
            raise RuntimeError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar "
                f"(item() of a tensor of shape {self.array.shape}; index one element first)."
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
        if self.array.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with "
                f"{'no values' if self.array.size == 0 else 'more than one value'} is "
                f"ambiguous (a tensor of shape {self.array.shape}; use .any() or .all())."
            )
        return builtins.bool(self.array.reshape(()).item())

    def _scalar(self) -> Any:
        if self.array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars "
                             f"(this one has shape {self.array.shape}).")
        return self.array.reshape(()).item()

    def __float__(self) -> float:
        return builtins.float(self._scalar())

    def __int__(self) -> int:
        return builtins.int(self._scalar())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be an index")
        return builtins.int(self.item())

    __hash__ = object.__hash__

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

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
        t = Tensor.from_array(self.array, False)
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
                f"this one is {self.dtype} (shape {self.array.shape}). Convert it first: "
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
                g = g if g.requires_grad else Tensor.from_array(g.array.copy(), False)
                t.grad = g if t.grad is None else t.grad + g

        keep.retains_grad = True  # register_prehook keeps it after the other hooks
        self.grad_fn.register_prehook(keep)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf whose ``.grad`` is kept (``retain_grad()`` was called)."""
        hooks = self.grad_fn.pre_hooks if self.grad_fn is not None else None
        return builtins.bool(hooks) and getattr(hooks[-1], "retains_grad", False)

    # ------------------------------------------------------------ repr
    def __repr__(self) -> str:
        return tensor_repr(self)


from .tensor_str import tensor_repr  # noqa: E402

_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")

# The functions on tensors and the in-place machinery build on Tensor, and its methods
# call them, so they are imported once the class exists. (Import them through this
# module or the package, not first on their own: they need Tensor defined.)
from .inplace import refresh_views as _refresh_views
from .inplace import write as write_inplace
from .inplace import write_item
from .tensor_functions import (
    MinMax,
    cat,
    check_reduction,
    index_arg,
    matmul,
    max_min,
    stack,
    tensor,
    where,
)

__all__ = ["MinMax", "Tensor", "cat", "matmul", "stack", "tensor", "where"]

bind_tensor_class(Tensor, _refresh_views)
# The mixins' methods are built on Tensor and the functions above: fill in their names.
_late = {"Tensor": Tensor, "where": where, "matmul": matmul, "max_min": max_min,
         "check_reduction": check_reduction, "_index": index_arg,
         "_write_inplace": write_inplace, "_write_item": write_item}
for _mixin in (tensor_arithmetic, tensor_views):
    vars(_mixin).update({k: v for k, v in _late.items() if k in vars(_mixin)})
