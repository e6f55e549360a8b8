"""``torch.nn.modules.dropout`` path: dropout layers (defined in ``tensorgraph.nn``)."""

from ..dropout import Dropout, Dropout1d, Dropout2d, Dropout3d

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]
