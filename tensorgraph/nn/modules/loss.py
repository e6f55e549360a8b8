"""``torch.nn.modules.loss`` path: losses (defined in ``tensorgraph.nn``)."""

from ..loss import *
from ..loss import Loss, WeightedLoss, __all__  # noqa: F401

# torch's names for the base classes (torch.nn.modules.loss._Loss, _WeightedLoss)
_Loss, _WeightedLoss = Loss, WeightedLoss
