"""``torch.nn.modules.upsampling`` path: Upsample (defined in ``tensorgraph.nn``)."""

from ..sampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]
