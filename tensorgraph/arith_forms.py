"""``tg.add``/``sub``/``subtract``/``mul``/``multiply``/``rsub``/``baddbmm``/``addbmm`` and
torch's legacy typed constructors (``tg.LongTensor([1, 2])``, ``tg.FloatTensor(2, 3)``).

The arithmetic forms call the Tensor methods (composites of ``+ - *``), so gradients and
dtype promotion are the operators'.
"""

from __future__ import annotations

import builtins
from typing import Any

from . import dtypes
from .out_arg import with_out
from .tensor import Tensor, tensor
from .creation import zeros


def _operands(input: Any, other: Any) -> tuple[Tensor, Any]:
    """``input`` as a tensor: a number ``input`` takes ``other``'s dtype rules, as torch."""
    if not isinstance(input, Tensor):
        input = Tensor.as_operand(input, other) if isinstance(other, Tensor) else tensor(input)
    return input, other


def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """``input + alpha * other``. Example: ``tg.add(a, b, alpha=2)``."""
    input, other = _operands(input, other)
    return with_out("add", input.add(other, alpha=alpha), out)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """``input - alpha * other``."""
    input, other = _operands(input, other)
    return with_out("sub", input.sub(other, alpha=alpha), out)


subtract = sub


def mul(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """``input * other``."""
    input, other = _operands(input, other)
    return with_out("mul", input * other, out)


multiply = mul


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input`` (``sub`` with the operands swapped)."""
    input, other = _operands(input, other)
    if not isinstance(other, Tensor):
        other = Tensor.as_operand(other, input)
    return other.sub(input, alpha=alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1, out: Any = None) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    return with_out("baddbmm", input.baddbmm(batch1, batch2, beta=beta, alpha=alpha), out)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1, out: Any = None) -> Tensor:
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``."""
    return with_out("addbmm", input.addbmm(batch1, batch2, beta=beta, alpha=alpha), out)


class _LegacyTensorType(type):
    """``tg.FloatTensor`` and friends: calling one builds a tensor of its dtype (from data
    or from sizes), ``isinstance(t, tg.FloatTensor)`` checks the dtype, as torch."""

    dtype: Any

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        proto = zeros((), dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], builtins.float):
            raise TypeError(f"{cls.__name__}: data must be a sequence (got float).")
        return proto.new(*args, device=device)

    def __instancecheck__(cls, obj: Any) -> builtins.bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


def _legacy(name: str, dtype: Any) -> type:
    return _LegacyTensorType(name, (), {"dtype": dtype, "__doc__":
                             f"``tg.{name}(data)`` or ``tg.{name}(*sizes)``: a {dtype} tensor."})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)

__all__ = [
    "add", "addbmm", "baddbmm", "mul", "multiply", "rsub", "sub", "subtract",
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor",
    "IntTensor", "LongTensor", "ShortTensor",
]
