"""``torch.nn.modules.normalization`` path: layer and group normalisation (defined in ``tensorgraph.nn``)."""

from ..normalization import GroupNorm, LayerNorm

__all__ = ["GroupNorm", "LayerNorm"]
