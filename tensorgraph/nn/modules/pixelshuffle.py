"""``torch.nn.modules.pixelshuffle`` path (defined in ``tensorgraph.nn``)."""

from ..pixelshuffle import PixelShuffle, PixelUnshuffle

__all__ = ["PixelShuffle", "PixelUnshuffle"]
