"""``torch.nn.modules.padding`` path: padding layers (defined in ``tensorgraph.nn``)."""

from ..padding import *
