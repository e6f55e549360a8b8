"""``torch.nn.modules.flatten`` path: Flatten and Unflatten (defined in ``tensorgraph.nn``)."""

from ..conv import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
