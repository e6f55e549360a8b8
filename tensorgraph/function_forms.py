"""Top-level function forms of Tensor methods: ``tg.sin(x)`` is ``x.sin()``, as torch.

Most are one line (:func:`_method_form`); the ones whose first argument need not be a
tensor (``tg.pow(2, x)``, ``tg.where(cond)``) or that take several tensors are
written out. ``tensorgraph/__init__.py`` re-exports them all.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from .tensor import Tensor, tensor
from .tensor import where as _where3


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def _method_form(name: str) -> Callable[..., Any]:
    """``fn(input, *args, **kwargs) = input.<name>(*args, **kwargs)``."""

    def fn(input: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(_as_tensor(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tg.{name}(input, ...)`` is ``input.{name}(...)``: see ``Tensor.{name}``."
    return fn


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

    def fn(input: Any, other: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor) and isinstance(other, Tensor):
            input = Tensor._lift(input, other)
        return getattr(_as_tensor(input), name)(other, *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tg.{name}(input, other)`` is ``input.{name}(other)``; ``input`` may be a number."
    return fn


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
sum = _method_form("sum")
mean = _method_form("mean")
var = _method_form("var")
std = _method_form("std")
max = _method_form("max")
min = _method_form("min")
amax = _method_form("amax")
amin = _method_form("amin")
argmax = _method_form("argmax")
argmin = _method_form("argmin")

# ---------------------------------------------------------------- shape
reshape = _method_form("reshape")
flatten = _method_form("flatten")
transpose = _method_form("transpose")
unsqueeze = _method_form("unsqueeze")
squeeze = _method_form("squeeze")


def permute(input: Tensor, dims: Any) -> Tensor:
    """``input.permute(dims)``: the dims reordered."""
    return _as_tensor(input).permute(*dims)


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


__all__ = [
    "abs", "absolute", "acos", "allclose", "amax", "amin", "arccos", "arcsin", "arctan",
    "arctan2", "argmax", "argmin", "asin", "atan", "atan2", "ceil", "clamp", "clip", "cos",
    "cosh", "eq", "equal", "erf", "erfc", "exp", "exp2", "expm1", "fix", "flatten",
    "float_power", "floor", "floor_divide", "fmod", "frac", "ge", "greater",
    "greater_equal", "gt", "is_floating_point", "is_tensor", "isclose", "isfinite",
    "isinf", "isnan", "isneginf", "isposinf", "isreal", "le", "less", "less_equal", "log",
    "log1p", "log2", "log10", "logical_and", "logical_not", "logical_or", "logical_xor",
    "lt", "max", "maximum", "mean", "min", "minimum", "nan_to_num", "ne", "neg",
    "negative", "not_equal", "numel", "permute", "pow", "reciprocal", "relu", "remainder",
    "reshape", "round", "rsqrt", "sgn", "sigmoid", "sign", "sin", "sinh", "sqrt",
    "square", "squeeze", "std", "sum", "tan", "tanh", "transpose", "trunc", "unsqueeze",
    "var", "where",
]
