"""Every Function (every gradient): each with forward and backward side by side.

The primitives the Tensor methods use are imported here. The fused ops (``linear``,
``norm``, ``activation``, ``cross_entropy``, ``loss``; plumbing in ``fused``) build on
``Tensor`` for their composite twins, so import them from their modules
(``from tensorgraph.ops.linear import Linear``).
"""

from .elementwise import (
    Add,
    Copy,
    Exp,
    Log,
    Maximum,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Tanh,
    Where,
)
from .linalg import MatMul
from .reduce import Max, Sum
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape

__all__ = [
    "Add", "Cat", "Copy", "Exp", "Expand", "GetItem", "IndexAdd", "Log", "MatMul", "Max",
    "Maximum", "Mul", "Neg", "Permute", "Pow", "ReLU", "Reshape", "Sigmoid", "Sum",
    "Tanh", "Where",
]
