"""``torch.nn.modules.instancenorm`` path (defined in ``tensorgraph.nn``)."""

from ..normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]
