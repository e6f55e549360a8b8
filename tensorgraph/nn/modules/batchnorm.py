"""``torch.nn.modules.batchnorm`` path: batch normalisation (defined in ``tensorgraph.nn``)."""

from ..normalization import BatchNorm1d, BatchNorm2d

__all__ = ["BatchNorm1d", "BatchNorm2d"]
