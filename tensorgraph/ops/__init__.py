"""Every Function (every gradient): each with forward and backward side by side.

The primitives the Tensor methods use are imported here. The fused ops (``linear``,
``norm``, ``activation``, ``cross_entropy``, ``loss``; plumbing in ``fused``) build on
``Tensor`` for their composite twins, so import them from their modules
(``from tensorgraph.ops.linear import Linear``).
"""

import warnings

from .elementwise import (
    Add,
    Copy,
    Div,
    Exp,
    Hypot,
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
    "Add", "AsStrided", "Cat", "Copy", "CopySlices", "Div", "Exp", "Expand", "GetItem", "Hypot",
    "IndexAdd", "Log", "MatMul", "Max", "Maximum", "Mul", "Neg", "Permute", "Pow", "ReLU",
    "Reshape", "Sigmoid", "Sum", "Tanh", "Where",
]

# x / 0, log(0), 0 ** -1 and friends give inf/nan silently, as in torch: numpy's
# floating-point RuntimeWarnings are ignored, but only those raised inside tensorgraph
# (the filter matches the module the warning is attributed to; user code still warns).
warnings.filterwarnings("ignore", r"(divide by zero|invalid value|overflow) encountered",
                        RuntimeWarning, r"tensorgraph(\.|$)")
