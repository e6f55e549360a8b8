"""``torch.nn.modules.distance`` path: distances (defined in ``tensorgraph.nn``)."""

from ..distance import CosineSimilarity, PairwiseDistance

__all__ = ["CosineSimilarity", "PairwiseDistance"]
