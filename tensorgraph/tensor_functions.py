"""Functions on tensors: ``tg.tensor``, ``tg.matmul``, ``tg.where``, ``tg.cat``,
``tg.stack``, and the longer front-ends behind some ``Tensor`` methods.

They check their arguments (errors that name the op and the shapes) and call the
primitives in ``ops``. ``Tensor``'s methods call them, so ``tensor.py`` imports this
module once the class is defined.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, return_types
from . import ops as P
from .shapes import dims_arg, new_dim
from .device import check_device
from .tensor import Tensor
from .tensor_arithmetic import order_reversed
from .out_arg import with_out
from .autograd.node_names import matmul_node_name, named

MinMax = return_types.max  # the type of x.max(dim); x.min(dim) gives return_types.min


def index_arg(index: Any) -> Any:
    """Turn Tensors and lists inside an index into numpy arrays."""
    if isinstance(index, tuple):
        return tuple(index_arg(i) for i in index)
    if isinstance(index, Tensor):
        return index.array
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(tensor(x).array)


def matmul(a: Any, b: Any, *, out: Any = None) -> Tensor:
    """Matrix product with numpy/torch rules for 1-D and batched operands (``out=``: see
    :func:`~tensorgraph.out_arg.with_out`)."""
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"matmul: both arguments need at least 1 dimension, got shapes {tuple(a.shape)} "
            f"and {tuple(b.shape)}; use * for scalars."
        )
    ka, kb = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        raise RuntimeError(
            f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} are not aligned ({ka} != {kb}). "
            "The last dim of the first must equal the second-to-last of the second."
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"matmul: batch dims of {tuple(a.shape)} and {tuple(b.shape)} do not broadcast."
        ) from None
    if a.array.dtype != b.array.dtype:  # torch refuses, in the words of the kernel used
        folds = (a.ndim <= 2 and b.ndim <= 2) or (b.ndim <= 2)  # into mm / mv / dot
        kernel = ("dot" if a.ndim == b.ndim == 1 else "mv" if b.ndim == 1 else "mm") \
            if folds else "bmm"
        dtypes.check_matmul_dtypes(a.array.dtype, b.array.dtype, kernel)
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    y = P.MatMul.apply(a2, b2)
    if b.ndim == 1:
        y = y.squeeze(-1)
    if a.ndim == 1:
        y = y.squeeze(-2 if b.ndim > 1 else -1)
    return with_out("matmul", named(y, matmul_node_name(a.ndim, b.ndim)), out)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """Elementwise ``x if condition else y``; gradients flow to x and y."""
    if isinstance(condition, Tensor) and condition.array.dtype.kind not in "bu":
        # torch: a bool condition (uint8 is deprecated there, still accepted)
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {dtypes.scalar_type_name(condition.array.dtype)}"
                           " (use condition != 0, or condition.bool())")
    cond = condition.array if isinstance(condition, Tensor) else np.asarray(condition)
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        ref = x if isinstance(x, Tensor) else y
        xt, yt = Tensor.as_operand(x, ref), Tensor.as_operand(y, ref)
    else:  # two numbers: each typed as tg.tensor types it (a float: the default dtype)
        xt, yt = tensor(x), tensor(y)
    if xt.array.dtype != yt.array.dtype:
        target = dtypes.promote(xt.array.dtype, yt.array.dtype, xt.ndim == 0, yt.ndim == 0)
        xt, yt = xt.to(target), yt.to(target)
    try:
        return P.Where.apply(Tensor.from_array(cond, False), xt, yt)
    except ValueError:
        try:
            np.broadcast_shapes(cond.shape, xt.shape, yt.shape)
        except ValueError:
            raise RuntimeError(
                f"where: shapes {tuple(cond.shape)} (condition), {tuple(xt.shape)} and {tuple(yt.shape)} "
                "cannot be broadcast together."
            ) from None
        raise


def cat(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """Concatenate tensors along an existing dim."""
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors.")
    ref = tensors[0]
    (axis,) = dims_arg(dim, ref.shape, "cat")
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(
            a != b for j, (a, b) in enumerate(zip(t.shape, ref.shape)) if j != axis
        ):
            raise RuntimeError(
                f"cat: tensor {i} has shape {tuple(t.shape)} but tensor 0 has shape {tuple(ref.shape)}; "
                f"all dims except dim {dim} must match."
            )
    dtype = ref.array.dtype
    for t in tensors[1:]:
        dtype = dtypes.promote(dtype, t.array.dtype)
    return with_out("cat", P.Cat.apply(*[t.to(dtype) for t in tensors], axis=axis), out)


def stack(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """Stack same-shaped tensors along a new dim."""
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors.")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack: tensor {i} has shape {tuple(t.shape)} but tensor 0 has shape "
                f"{tuple(tensors[0].shape)}; stack needs equal shapes."
            )
    d = new_dim(dim, tensors[0].shape, "stack")
    return with_out("stack", named(cat([t.unsqueeze(d) for t in tensors], d), "StackBackward0"),
                    out)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False, name: str | None = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, Tensors).

    Python floats become the default dtype (float32), ints int64, bools bool; numpy
    arrays and numpy scalars keep their dtype.

    Args:
        name: sets ``Tensor.name``, the label ``tg.graph.trace`` and ``viz`` drawings
            use for this tensor (tensorgraph only; torch has no such keyword).

    Example:
        >>> tg.tensor([[1, 2], [3, 4]], dtype=tg.float32, requires_grad=True)
        >>> x1 = tg.tensor(2.0, name="x1")
    """
    check_device(device, "tensor")
    if isinstance(data, Tensor):
        data = data.array
    is_array = isinstance(data, (np.ndarray, np.generic))  # np.float64(2.) stays float64
    try:
        arr = np.array(data, dtype=None if dtype is None else np.dtype(dtype), copy=True)
    except (TypeError, ValueError, OverflowError):
        check_leaves(data)  # torch's error for the element that is to blame
        raise
    if not is_array and (arr.dtype.kind not in "biuf" or arr.dtype == np.uint64):
        # numpy took Python ints past int64 as uint64 or objects: an error, unless a
        # float beside them makes the tensor float (as torch)
        if check_leaves(data) and dtype is None:
            arr = np.array(data, dtype=np.float64)
    if dtype is None and not is_array:
        if arr.dtype.kind == "f":
            arr = arr.astype(dtypes.get_default_dtype())
        elif arr.dtype.kind in "iu":
            arr = arr.astype(dtypes.int64)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"tensor: can't make a tensor from data of type {arr.dtype}.")
    t = Tensor.from_array(arr, False)
    if requires_grad:
        t.requires_grad_(True)
    if name is not None:
        t.name = str(name)
    return t


def check_leaves(data: Any) -> None:
    """Raise torch's error for the first element of nested ``data`` that is not a
    number: ``'str'`` (TypeError), an int beyond int64 where no float makes the tensor
    float (ValueError), ``None`` or another object (RuntimeError); else return whether
    ``data`` holds a float."""
    stack, floats, too_big = [data], False, None
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, str):
            raise TypeError(f"tensor: new(): invalid data type 'str' (the element {item!r}); "
                            "a tensor holds numbers only")
        elif isinstance(item, int) and not -2**63 <= item < 2**63:
            too_big = item if too_big is None else too_big
        elif not isinstance(item, (int, float, complex, np.generic, np.ndarray, Tensor)):
            raise RuntimeError(f"tensor: Could not infer dtype of {type(item).__name__}; a "
                               "tensor holds numbers (nested lists of them, arrays, tensors)")
        else:
            floats = floats or isinstance(item, (float, np.floating))
    if too_big is not None and not floats:
        raise ValueError(f"tensor: Overflow when unpacking long long: {too_big} does not "
                         "fit in int64; pass a float (dtype=tg.float64) instead")
    return floats


def max_min(x: Tensor, dim: Any, keepdim: bool, sign: int, op: str) -> Any:
    """``x.max(dim)`` (sign 1) or ``x.min(dim)`` (sign -1): all elements, ``(values,
    indices)`` along ``dim``, or the elementwise max/min when ``dim`` is a Tensor."""
    s = x if sign > 0 else order_reversed(x)  # -x would wrap for uint8 and int64
    if isinstance(dim, Tensor):
        return x.maximum(dim) if sign > 0 else x.minimum(dim)
    if dim is None:
        check_reduction(x, None, op)
        out = P.Max.apply(s, axes=None, keepdim=False, nan_ties=True)
        out = out if sign > 0 else order_reversed(out)
        return named(out, "MaxBackward1" if sign > 0 else "MinBackward1")
    (axis,) = dims_arg(dim, x.shape, op)
    check_reduction(x, (axis,), op)
    idx = np.expand_dims(np.argmax(s.array, axis=axis), axis)
    index = tuple(
        idx if i == axis else np.arange(n).reshape([-1 if j == i else 1
                                                    for j in range(x.ndim)])
        for i, n in enumerate(x.shape)
    )
    values = x[index]
    if not keepdim:
        values, idx = values.squeeze(axis), idx.squeeze(axis)
    result = return_types.max if sign > 0 else return_types.min
    values = named(values, "MaxBackward0" if sign > 0 else "MinBackward0")
    return result(values, Tensor.from_array(idx.astype(np.int64), False))


def check_reduction(x: Tensor, axes: tuple | None, op: str) -> None:
    """max/min/argmax-style reductions need elements to reduce, with torch's errors."""
    if axes is None:
        if x.array.size == 0:
            # torch raises IndexError for argmax/argmin, RuntimeError for max/min/amax
            raise (IndexError if op.startswith("arg") else RuntimeError)(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                f"Specify the reduction dim with the 'dim' argument (input shape {tuple(x.shape)})."
            )
        return
    for a in axes:
        if x.shape[a] == 0:
            raise IndexError(
                f"{op}(): Expected reduction dim {a} to have non-zero size (input shape "
                f"{tuple(x.shape)})."
            )
