"""Top-level function forms of Tensor methods: ``tg.sin(x)`` is ``x.sin()``, as torch.

Most are one line (:func:`_method_form`); the ones whose first argument need not be a
tensor (``tg.pow(2, x)``, ``tg.where(cond)``) or that take several tensors are
written out. ``tensorgraph/__init__.py`` re-exports them all.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from .out_arg import with_out
from .tensor import Tensor, tensor
from .tensor import where as _where3
from .tensor_linalg import einsum
from .tensor_shape import channels_last, channels_last_3d, contiguous_format, preserve_format


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def _method_form(name: str) -> Callable[..., Any]:
    """``fn(input, *args, **kwargs) = input.<name>(*args, **kwargs)``; ``out=`` writes the
    result into a given tensor (:func:`~tensorgraph.out_arg.with_out`)."""

    def fn(input: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = getattr(_as_tensor(input), name)(*args, **kwargs)
        return with_out(name, result, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tg.{name}(input, ...)`` is ``input.{name}(...)``: see ``Tensor.{name}``."
    return fn


method_form = _method_form  # for the other modules of function forms (not exported)


# ---------------------------------------------------------------- elementwise math
exp = _method_form("exp")
exp2 = _method_form("exp2")
expm1 = _method_form("expm1")
log = _method_form("log")
log2 = _method_form("log2")
log10 = _method_form("log10")
log1p = _method_form("log1p")
sqrt = _method_form("sqrt")
rsqrt = _method_form("rsqrt")
square = _method_form("square")
reciprocal = _method_form("reciprocal")
abs = _method_form("abs")
absolute = abs
neg = negative = _method_form("neg")
sign = _method_form("sign")
sgn = _method_form("sgn")
sin = _method_form("sin")
cos = _method_form("cos")
tan = _method_form("tan")
sinh = _method_form("sinh")
cosh = _method_form("cosh")
asin = arcsin = _method_form("asin")
acos = arccos = _method_form("acos")
atan = arctan = _method_form("atan")
erf = _method_form("erf")
erfc = _method_form("erfc")
sigmoid = _method_form("sigmoid")
tanh = _method_form("tanh")
relu = _method_form("relu")
floor = _method_form("floor")
ceil = _method_form("ceil")
trunc = fix = _method_form("trunc")
round = _method_form("round")
frac = _method_form("frac")
clamp = clip = _method_form("clamp")
nan_to_num = _method_form("nan_to_num")


def _binary_form(name: str) -> Callable[..., Any]:
    """``fn(input, other)``: ``input`` may be a number when ``other`` is a tensor."""

    def fn(input: Any, other: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor) and isinstance(other, Tensor):
            input = Tensor.as_operand(input, other)
        result = getattr(_as_tensor(input), name)(other, *args, **kwargs)
        return with_out(name, result, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tg.{name}(input, other)`` is ``input.{name}(other)``; ``input`` may be a number."
    return fn


binary_form = _binary_form  # for the other modules of function forms (not exported)
pow = _binary_form("pow")
float_power = _binary_form("float_power")
atan2 = arctan2 = _binary_form("atan2")
fmod = _binary_form("fmod")
remainder = _binary_form("remainder")
floor_divide = _binary_form("floor_divide")
maximum = _binary_form("maximum")
minimum = _binary_form("minimum")
eq = _binary_form("eq")
ne = not_equal = _binary_form("ne")
lt = less = _binary_form("lt")
le = less_equal = _binary_form("le")
gt = greater = _binary_form("gt")
ge = greater_equal = _binary_form("ge")
isclose = _binary_form("isclose")
allclose = _binary_form("allclose")
equal = _binary_form("equal")
logical_and = _binary_form("logical_and")
logical_or = _binary_form("logical_or")
logical_xor = _binary_form("logical_xor")
logical_not = _method_form("logical_not")
isnan = _method_form("isnan")
isinf = _method_form("isinf")
isposinf = _method_form("isposinf")
isneginf = _method_form("isneginf")
isfinite = _method_form("isfinite")
isreal = _method_form("isreal")

# ---------------------------------------------------------------- reductions
def _reduction_form(name: str) -> Callable[..., Any]:
    """A method form that also takes numpy's ``axis=``/``keepdims=`` for ``dim``/``keepdim``
    (torch accepts both spellings everywhere)."""
    method = _method_form(name)

    def fn(input: Any, *args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return method(input, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = method.__doc__
    return fn


sum = _reduction_form("sum")
mean = _reduction_form("mean")
var = _reduction_form("var")
std = _reduction_form("std")
max = _reduction_form("max")
min = _reduction_form("min")
amax = _reduction_form("amax")
amin = _reduction_form("amin")
argmax = _reduction_form("argmax")
argmin = _reduction_form("argmin")

sort = _method_form("sort")
argsort = _method_form("argsort")
msort = _method_form("msort")
topk = _method_form("topk")
kthvalue = _method_form("kthvalue")
median = _method_form("median")
nanmedian = _method_form("nanmedian")
cumsum = _method_form("cumsum")
cumprod = _method_form("cumprod")
prod = _method_form("prod")
logsumexp = _method_form("logsumexp")
norm = _method_form("norm")
all = _reduction_form("all")
any = _reduction_form("any")
count_nonzero = _method_form("count_nonzero")

# ---------------------------------------------------------------- shape
reshape = _method_form("reshape")
flatten = _method_form("flatten")
transpose = _method_form("transpose")
unsqueeze = _method_form("unsqueeze")
squeeze = _method_form("squeeze")


def permute(input: Tensor, dims: Any) -> Tensor:
    """``input.permute(dims)``: the dims reordered."""
    return _as_tensor(input).permute(*dims)


# ---------------------------------------------------------------- indexing
tril = _method_form("tril")
triu = _method_form("triu")
masked_fill = _method_form("masked_fill")
masked_select = _method_form("masked_select")
nonzero = _method_form("nonzero")
argwhere = _method_form("argwhere")
gather = _method_form("gather")
scatter = _method_form("scatter")
scatter_add = _method_form("scatter_add")
index_select = _method_form("index_select")
take = _method_form("take")
take_along_dim = _method_form("take_along_dim")
narrow = _method_form("narrow")
select = _method_form("select")
split = _method_form("split")
chunk = _method_form("chunk")
tensor_split = _method_form("tensor_split")
unbind = _method_form("unbind")
flip = _method_form("flip")
fliplr = _method_form("fliplr")
flipud = _method_form("flipud")
roll = _method_form("roll")
tile = _method_form("tile")


def repeat_interleave(input: Any, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; with one tensor of counts ``r``,
    ``arange(len(r))`` with element i repeated ``r[i]`` times."""
    if repeats is None:
        counts = _as_tensor(input)
        return Tensor.from_array(np.arange(counts.numel()), False).repeat_interleave(counts)
    return _as_tensor(input).repeat_interleave(repeats, dim, output_size=output_size)


# ---------------------------------------------------------------- products
mm = _method_form("mm")
bmm = _method_form("bmm")
mv = _method_form("mv")
dot = _method_form("dot")
vdot = _method_form("vdot")
inner = _method_form("inner")
outer = ger = _method_form("outer")
addmm = _method_form("addmm")

# ---------------------------------------------------------------- more shape, counting
t = _method_form("t")
unflatten = _method_form("unflatten")
movedim = moveaxis = _method_form("movedim")
swapaxes = swapdims = _method_form("swapaxes")
ravel = _method_form("ravel")
histc = _method_form("histc")
histogram = _method_form("histogram")
bincount = _method_form("bincount")
unique = _method_form("unique")
unique_consecutive = _method_form("unique_consecutive")


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of ``input`` (differentiable); see ``Tensor.clone`` for memory formats."""
    return input.clone(memory_format=memory_format)


def is_complex(input: Tensor) -> builtins.bool:
    """False: tensorgraph has no complex dtypes."""
    return input.dtype.kind == "c"


def is_nonzero(input: Tensor) -> builtins.bool:
    """The truth of a one-element tensor (``RuntimeError`` for other sizes, as torch)."""
    if input.numel() != 1:
        raise RuntimeError(f"is_nonzero: boolean value of a tensor with {input.numel()} "
                           "elements is ambiguous (expected exactly one).")
    return builtins.bool(input.item())


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """``tg.pad`` is ``torch.nn.functional.pad`` (one implementation, in
    ``nn/functional/padding.py``): pad the last dims by ``pad`` (last dim first)."""
    from .nn.functional.padding import pad as functional_pad

    return functional_pad(input, pad, mode, value)


# ---------------------------------------------------------------- misc
def is_tensor(obj: object) -> builtins.bool:
    """True for a tensorgraph Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> builtins.bool:
    """True when ``input``'s dtype is a floating-point dtype."""
    return input.dtype.kind == "f"


def numel(input: Tensor) -> builtins.int:
    """Number of elements of ``input``."""
    return input.numel()


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """``where(cond, x, y)``: x where cond else y (differentiable in x and y);
    ``where(cond)``: the tuple of index tensors of the True elements (``nonzero``)."""
    if input is None and other is None:
        return _as_tensor(condition).nonzero(as_tuple=True)
    if input is None or other is None:
        raise TypeError("where: pass both input and other, or only the condition.")
    return _where3(condition, input, other)


# ---------------------------------------------------------------- found missing by compat programs
log_softmax = _method_form("log_softmax")
softmax = _method_form("softmax")


def var_mean(input: Any, *args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over the same dims, as ``torch.var_mean`` (``correction`` / ``unbiased``
    go to the variance)."""
    x = _as_tensor(input)
    dim = kwargs.get("dim", args[0] if args and not isinstance(args[0], builtins.bool) else None)
    keepdim = kwargs.get("keepdim", False)
    mean_kw = {"keepdim": keepdim} if dim is None else {"dim": dim, "keepdim": keepdim}
    return x.var(*args, **kwargs), (x.mean(**mean_kw) if dim is not None or keepdim else x.mean())


def std_mean(input: Any, *args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over the same dims, as ``torch.std_mean``."""
    var, mean = var_mean(input, *args, **kwargs)
    return _as_tensor(input).std(*args, **kwargs), mean


def _triangle_indices(name: str, row: int, col: int, offset: int, lower: bool,
                      dtype: Any) -> Tensor:
    if row < 0 or col < 0:
        raise RuntimeError(f"{name}: row and col must be non-negative, got row={row}, col={col}")
    r, c = np.indices((row, col))
    keep = (c - r <= offset) if lower else (c - r >= offset)
    out = tensor(np.stack([r[keep], c[keep]]).astype(np.int64))
    return out if dtype is None else out.to(dtype)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) row/column indices of the lower triangle of a row x col matrix, row-major
    (``torch.tril_indices``)."""
    return _triangle_indices("tril_indices", row, col, offset, True, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) row/column indices of the upper triangle, row-major (``torch.triu_indices``)."""
    return _triangle_indices("triu_indices", row, col, offset, False, dtype)


def typename(obj: Any) -> str:
    """``'torch.FloatTensor'`` for a tensor (its ``type()``), else the object's class path."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in (None, "builtins") else f"{module}.{cls.__qualname__}"



# ---------------------------------------------------------------- matrices (see tensor_matrix.py)
det = _method_form("det")
inverse = _method_form("inverse")
logdet = _method_form("logdet")
slogdet = _method_form("slogdet")
svd = _method_form("svd")
qr = _method_form("qr")
pinverse = _method_form("pinverse")
cholesky = _method_form("cholesky")
matrix_power = _method_form("matrix_power")
trace = _method_form("trace")
diag = _method_form("diag")
diagonal = _method_form("diagonal")
kron = _method_form("kron")
cross = _method_form("cross")
MATRIX_FORMS = ["cholesky", "cross", "det", "diag", "diagonal", "inverse", "kron", "logdet",
                "matrix_power", "pinverse", "qr", "slogdet", "svd", "trace"]


__all__ = [
    "channels_last", "channels_last_3d", "contiguous_format", "einsum", "preserve_format",
    "abs", "absolute", "acos", "addmm", "all", "allclose", "amax", "amin", "any", "arccos",
    "arcsin", "arctan", "arctan2", "argmax", "argmin", "argsort", "argwhere", "asin",
    "atan", "atan2", "bincount", "bmm", "ceil", "chunk", "clamp", "clip", "clone", "cos",
    "cosh", "count_nonzero", "cumprod", "cumsum", "dot", "eq", "equal", "erf", "erfc",
    "exp", "exp2", "expm1", "fix", "flatten", "flip", "fliplr", "flipud", "float_power",
    "floor", "floor_divide", "fmod", "frac", "gather", "ge", "ger", "greater",
    "greater_equal", "gt", "histc", "histogram", "index_select", "inner", "is_complex",
    "is_floating_point", "is_nonzero", "is_tensor", "isclose", "isfinite", "isinf", "isnan",
    "isneginf", "isposinf", "isreal", "kthvalue", "le", "less", "less_equal", "log",
    "log10", "log1p", "log2", "log_softmax", "softmax", "std_mean", "tril_indices",
    "triu_indices", "typename", "var_mean", "logical_and", "logical_not", "logical_or", "logical_xor",
    "logsumexp", "lt", "masked_fill", "masked_select", "max", "maximum", "mean", "median", "nanmedian",
    "min", "minimum", "mm", "moveaxis", "movedim", "msort", "mv", "nan_to_num", "narrow",
    "ne", "neg", "negative", "nonzero", "norm", "not_equal", "numel", "outer", "pad",
    "permute", "pow", "prod", "ravel", "reciprocal", "relu", "remainder",
    "repeat_interleave", "reshape", "roll", "round", "rsqrt", "scatter", "scatter_add",
    "select", "sgn", "sigmoid", "sign", "sin", "sinh", "sort", "split", "sqrt", "square",
    "squeeze", "std", "sum", "swapaxes", "swapdims", "t", "take", "take_along_dim", "tan",
    "tanh", "tensor_split", "tile", "topk", "transpose", "tril", "triu", "trunc", "unbind",
    "unflatten", "unique", "unique_consecutive", "unsqueeze", "var", "vdot", "where",
    *MATRIX_FORMS,
]
