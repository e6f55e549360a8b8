"""``torch.nn.modules.linear`` path: Linear, LazyLinear, Identity (defined in ``tensorgraph.nn``)."""

from ..lazy import LazyLinear
from ..linear import Identity, Linear

__all__ = ["Identity", "LazyLinear", "Linear"]
