"""``torch.nn.modules.conv`` path: convolutions (defined in ``tensorgraph.nn``)."""

from ..conv import Conv2d
from ..convolution import Conv1d, ConvTranspose1d, ConvTranspose2d
from ..lazy import LazyConv1d, LazyConv2d

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "LazyConv1d", "LazyConv2d"]
