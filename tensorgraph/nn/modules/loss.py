"""``torch.nn.modules.loss`` path: losses (defined in ``tensorgraph.nn``)."""

from ..loss import *
from ..loss import (  # noqa: F401  (torch's base classes)
    __all__,
    _Loss,
    _WeightedLoss,
)
