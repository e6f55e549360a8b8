"""More of torch's top-level functions: the constants (``tg.pi`` ...), ``as_tensor``, the
named arithmetic (``tg.add``/``div``/...), ``logspace``, the stacking helpers (``hstack``,
``atleast_2d``, ...), broadcasting (``broadcast_tensors``/``_shapes``/``_to``),
``rot90``, searching (``isin``, ``searchsorted``, ``bucketize``), ``block_diag``,
``cartesian_prod``, the function forms of the methods in ``tensor_more.py`` /
``tensor_rank.py`` / ``tensor_scatter_reduce.py`` and the in-place forms torch has at top
level (``tg.relu_(x)``). ``tensorgraph/__init__.py`` re-exports them all.

All are composites of differentiable ops (``cat``, ``stack``, ``flip``, indexing, ...);
searching returns integer tensors, which have no gradient.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from .creation import meshgrid
from .device import check_device
from .function_forms import binary_form, method_form
from .function_forms import repeat_interleave as _repeat_interleave
from .size import Size
from .axis_alias import accept_axis
from .out_arg import with_out
from .tensor import Tensor, tensor
from .tensor import cat as _cat
from .tensor import stack as _stack

cat = concat = concatenate = accept_axis(_cat)
stack = accept_axis(_stack)
repeat_interleave = accept_axis(_repeat_interleave)

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, without a copy where possible: a tensor of the right dtype is
    returned as it is; a numpy array of the right dtype is shared (as ``from_numpy``)."""
    check_device(device, "as_tensor")
    want = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data if want is None or data.dtype == want else data.to(want)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and (
            want is None or np.dtype(want) == data.dtype):
        return Tensor.from_array(data, False)
    return tensor(data, dtype=dtype)


# ---------------------------------------------------------------- named arithmetic
def _operands(input: Any, other: Any) -> tuple:
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return Tensor.as_operand(input, other), other
    return _t(input), other


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Tensor:
    """``input / other``, or rounded (``'trunc'``/``'floor'``); see ``Tensor.div``."""
    a, b = _operands(input, other)
    return with_out("div", a.div(b, rounding_mode=rounding_mode), out)


divide = div


def true_divide(dividend: Any, divisor: Any) -> Tensor:
    """``dividend / divisor`` in a float dtype."""
    a, b = _operands(dividend, divisor)
    return a / b


# ---------------------------------------------------------------- creation
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: builtins.bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``, in ``dtype`` (default: the default float)."""
    check_device(device, "logspace")
    want = np.dtype(dtypes.as_dtype(dtype)) if dtype is not None else np.dtype(
        dtypes.get_default_dtype())
    exps = np.linspace(float(start), float(end), steps)
    vals = np.power(float(base), exps)
    if want.kind in "iu":
        vals = np.trunc(vals)
    t = Tensor.from_array(vals.astype(want), False)
    return t.requires_grad_(True) if requires_grad else t


# ---------------------------------------------------------------- stacking
def _seq(tensors: Any, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, "
                        f"got {type(tensors).__name__}")
    return [_t(x) for x in tensors]


def _atleast(tensors: tuple, fn: Callable[[Tensor], Tensor]) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(fn(_t(x)) for x in tensors[0])
    if len(tensors) == 1:
        return fn(_t(tensors[0]))
    return tuple(fn(_t(x)) for x in tensors)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (a 0-d one becomes shape (1,))."""
    return _atleast(tensors, lambda x: x.reshape(1) if x.ndim == 0 else x)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims (a leading 1 is added)."""
    return _atleast(tensors, lambda x: x.reshape((1,) * (2 - x.ndim) + tuple(x.shape))
                    if x.ndim < 2 else x)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    def three(x: Tensor) -> Tensor:
        if x.ndim == 0:
            return x.reshape(1, 1, 1)
        if x.ndim == 1:
            return x.reshape(1, x.shape[0], 1)
        return x.unsqueeze(-1) if x.ndim == 2 else x

    return _atleast(tensors, three)


def hstack(tensors: Any) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    ts = atleast_1d(tuple(_seq(tensors, "hstack")))
    return cat(list(ts), 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Join along dim 0, after making each tensor at least 2-D."""
    return cat(list(atleast_2d(tuple(_seq(tensors, "vstack")))), 0)


row_stack = vstack


def dstack(tensors: Any) -> Tensor:
    """Join along dim 2, after making each tensor at least 3-D."""
    return cat(list(atleast_3d(tuple(_seq(tensors, "dstack")))), 2)


def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 0-d and 1-d tensors become (n, 1) columns, then ``hstack``."""
    ts = [x.reshape(x.numel(), 1) if x.ndim <= 1 else x for x in _seq(tensors, "column_stack")]
    return cat(ts, 1)


# ---------------------------------------------------------------- broadcasting
def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that tensors of ``shapes`` broadcast to (RuntimeError if they can't)."""
    norm = [(s,) if isinstance(s, (builtins.int, np.integer)) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(f"broadcast_shapes: shapes {norm} cannot be broadcast: compared "
                           "from the last dim, each pair of sizes must be equal or one of "
                           "them 1.") from None


def broadcast_tensors(*tensors: Any) -> tuple:
    """The tensors expanded to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    ts = [_t(x) for x in tensors]
    shape = broadcast_shapes(*[x.shape for x in ts])
    return tuple(x.expand(*shape) for x in ts)


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """``input.broadcast_to(size)``."""
    return _t(input).broadcast_to(size)


# ---------------------------------------------------------------- searching (no gradient)
def _array_of(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def isin(elements: Any, test_elements: Any, *, assume_unique: builtins.bool = False,
         invert: builtins.bool = False) -> Tensor:
    """A bool tensor of ``elements``' shape: True where the element is in ``test_elements``."""
    a, b = _array_of(elements), _array_of(test_elements)
    return Tensor.from_array(np.isin(a, b, invert=invert), False)


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: builtins.bool = False,
                 right: builtins.bool = False, side: str | None = None,
                 sorter: Any = None) -> Tensor:
    """For each value of ``input``, the index where it would go in ``sorted_sequence``'s
    last dim to keep it sorted (the first such index; the last with ``right=True`` or
    ``side='right'``). An N-d sequence searches row by row."""
    seq = _array_of(sorted_sequence)
    vals = _array_of(input)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' "
                               f"but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    if sorter is not None:
        seq = np.take_along_axis(seq, _array_of(sorter), -1)
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError(
                f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                f"N-1 dimensions of boundaries tensor and input value tensor must match, but "
                f"we got boundaries tensor {list(seq.shape)} and input value tensor "
                f"{list(vals.shape)}")
        rows_s = seq.reshape(-1, seq.shape[-1])
        rows_v = vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)]
                       ).reshape(vals.shape)
    return Tensor.from_array(np.asarray(out).astype(np.int32 if out_int32 else np.int64), False)


def bucketize(input: Any, boundaries: Any, *, out_int32: builtins.bool = False,
              right: builtins.bool = False) -> Tensor:
    """The bucket of each value given 1-D sorted ``boundaries``: the i with
    ``boundaries[i-1] < x <= boundaries[i]`` (``<=``/``<`` swapped with ``right=True``)."""
    b = _array_of(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries tensor must be 1 dimension, but got dim("
                           f"{b.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)


# ---------------------------------------------------------------- block structure
def block_diag(*tensors: Any) -> Tensor:
    """The block-diagonal matrix of the given 0/1/2-D tensors (0-d: 1x1, 1-D: a row)."""
    blocks = []
    for x in tensors:
        x = _t(x)
        if x.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {len(blocks)} has {x.ndim} dimensions")
        blocks.append(x.reshape(1, -1) if x.ndim < 2 else x)
    if not blocks:
        return Tensor.from_array(np.zeros((1, 0), np.dtype(dtypes.get_default_dtype())), False)
    dt = np.result_type(*[b.array.dtype for b in blocks])
    cols = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        w = b.shape[1]
        pieces = [Tensor.from_array(np.zeros((b.shape[0], left), dt), False), b.to(dt),
                  Tensor.from_array(np.zeros((b.shape[0], cols - left - w), dt), False)]
        rows.append(cat(pieces, 1))
        left += w
    return cat(rows, 0)


def cartesian_prod(*tensors: Any) -> Tensor:
    """All combinations of the elements of 1-D tensors, one per row (row-major order);
    one tensor is returned as it is."""
    ts = [_t(x) for x in tensors]
    for x in ts:
        if x.ndim != 1:
            raise RuntimeError(f"cartesian_prod: Expect a 1D vector, but got shape "
                               f"{list(x.shape)}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


# ---------------------------------------------------------------- function forms
rot90 = method_form("rot90")
diff = method_form("diff")
cummax = method_form("cummax")
cummin = method_form("cummin")
mode = method_form("mode")
quantile = method_form("quantile")
nanquantile = method_form("nanquantile")
nansum = method_form("nansum")
nanmean = method_form("nanmean")
lerp = method_form("lerp")
addcmul = method_form("addcmul")
addcdiv = method_form("addcdiv")
clamp_min = method_form("clamp_min")
clamp_max = method_form("clamp_max")
scatter_reduce = method_form("scatter_reduce")
index_put = method_form("index_put")
aminmax = method_form("aminmax")
fmax = binary_form("fmax")
fmin = binary_form("fmin")
bitwise_and = binary_form("bitwise_and")
bitwise_or = binary_form("bitwise_or")
bitwise_xor = binary_form("bitwise_xor")
bitwise_not = method_form("bitwise_not")
bitwise_left_shift = binary_form("bitwise_left_shift")
bitwise_right_shift = binary_form("bitwise_right_shift")

_INPLACE_FORMS = (
    "exp_", "exp2_", "expm1_", "log_", "log2_", "log10_", "log1p_", "abs_", "sqrt_", "rsqrt_",
    "square_", "sigmoid_", "relu_", "tanh_", "neg_", "negative_", "reciprocal_", "sin_",
    "cos_", "tan_", "sinh_", "cosh_", "asin_", "acos_", "atan_", "arcsin_", "arccos_",
    "arctan_", "erf_", "erfc_", "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_",
    "clamp_min_", "clamp_max_", "nan_to_num_", "clamp_", "clip_", "index_put_",
)
for _name in _INPLACE_FORMS:
    globals()[_name] = method_form(_name)

__all__ = [
    "addcdiv", "addcmul", "aminmax", "as_tensor", "bitwise_and", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "fmax", "fmin", "atleast_1d", "atleast_2d", "atleast_3d", "cat",
    "concat", "concatenate", "repeat_interleave", "stack",
    "block_diag", "broadcast_shapes", "broadcast_tensors", "broadcast_to", "bucketize",
    "cartesian_prod", "clamp_max", "clamp_min", "column_stack", "cummax", "cummin", "diff",
    "div", "divide", "dstack", "e", "hstack", "index_put", "inf", "isin", "lerp", "logspace",
    "mode", "nan", "nanmean", "nanquantile", "nansum", "pi", "quantile",
    "rot90", "row_stack", "scatter_reduce", "searchsorted", "true_divide",
    "vstack", *_INPLACE_FORMS,
]
