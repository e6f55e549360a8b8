"""tensorgraph: a computation-graph engine with tensor autograd, on numpy.

Script it like PyTorch::

    import tensorgraph as tg
    x = tg.randn(4, 3, requires_grad=True)
    loss = (x.tanh() ** 2).mean()
    loss.backward()
    x.grad          # d loss / d x
"""

# Submodules import what they need themselves, so this order is only isort's.
from . import autograd, data, graph, nn, ops, optim, testing, utils
from ._checks import NonFiniteLossWarning
from ._dtype import (
    bool_,
    double,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    uint8,
)
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    zeros,
    zeros_like,
)
from .random import manual_seed
from .serialization import CheckpointError, load, save
from .tensor import Tensor, cat, matmul, stack, tensor, where

from . import _allocator  # noqa: F401  # isort: skip  (malloc keeps freed memory)

bool = bool_  # torch.bool


def exp(x: Tensor) -> Tensor:
    return x.exp()


def log(x: Tensor) -> Tensor:
    return x.log()


def sqrt(x: Tensor) -> Tensor:
    return x.sqrt()


def abs(x: Tensor) -> Tensor:
    return x.abs()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def relu(x: Tensor) -> Tensor:
    return x.relu()


def maximum(a: Tensor, b: Tensor) -> Tensor:
    return a.maximum(b)


def minimum(a: Tensor, b: Tensor) -> Tensor:
    return a.minimum(b)


def clamp(x: Tensor, min=None, max=None) -> Tensor:
    return x.clamp(min, max)


clip = clamp


def sum(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return x.sum(dim, keepdim)


def mean(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return x.mean(dim, keepdim)


def max(x: Tensor, dim=None, keepdim: bool = False):
    return x.max(dim, keepdim)


def min(x: Tensor, dim=None, keepdim: bool = False):
    return x.min(dim, keepdim)


def argmax(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return x.argmax(dim, keepdim)


def reshape(x: Tensor, shape) -> Tensor:
    return x.reshape(shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return x.flatten(start_dim, end_dim)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    return x.transpose(dim0, dim1)


def permute(x: Tensor, dims) -> Tensor:
    return x.permute(*dims)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    return x.unsqueeze(dim)


def squeeze(x: Tensor, dim=None) -> Tensor:
    return x.squeeze(dim)


def var(x: Tensor, dim=None, keepdim: bool = False, unbiased: bool = True) -> Tensor:
    return x.var(dim, keepdim, unbiased=unbiased)


def std(x: Tensor, dim=None, keepdim: bool = False, unbiased: bool = True) -> Tensor:
    return x.std(dim, keepdim, unbiased=unbiased)


def is_tensor(x: object) -> bool:
    return isinstance(x, Tensor)


__all__ = [
    "CheckpointError", "NonFiniteLossWarning", "Tensor", "abs", "arange", "argmax",
    "autograd", "bool", "bool_", "cat", "clamp", "clip", "data", "double",
    "enable_grad", "exp", "eye", "flatten", "float", "float16", "float32", "float64",
    "from_numpy", "full", "full_like", "get_default_dtype", "graph", "half", "int",
    "int8", "int16", "int32", "int64", "is_grad_enabled", "is_tensor", "linspace",
    "load", "log", "long", "manual_seed", "matmul", "max", "maximum", "mean", "min",
    "minimum", "nn", "no_grad", "ones", "ones_like", "ops", "optim", "permute", "rand",
    "randint", "randn", "randperm", "relu", "reshape", "save", "set_default_dtype",
    "set_grad_enabled", "sigmoid", "sqrt", "squeeze", "stack", "std", "sum", "tanh",
    "tensor", "testing", "transpose", "uint8", "unsqueeze", "utils", "var", "where",
    "zeros", "zeros_like"
]

__version__ = "0.1.0"
