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
from .shape import AsStrided, Cat, CopySlices, Expand, GetItem, IndexAdd, Permute, Reshape
from . import xp  # noqa: E402,F401,I001  (registers the namespaces behind ctx.xp)

__all__ = [
    "Add", "AsStrided", "Cat", "Copy", "CopySlices", "Exp", "Expand", "GetItem",
    "IndexAdd", "Log", "MatMul", "Max", "Maximum", "Mul", "Neg", "Permute", "Pow", "ReLU",
    "Reshape", "Sigmoid", "Sum", "Tanh", "Where",
]
