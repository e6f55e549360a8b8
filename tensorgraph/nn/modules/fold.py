"""``torch.nn.modules.fold`` path: Fold and Unfold (defined in ``tensorgraph.nn``)."""

from ..sampling import Fold, Unfold

__all__ = ["Fold", "Unfold"]
