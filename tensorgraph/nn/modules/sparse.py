"""``torch.nn.modules.sparse`` path: Embedding (defined in ``tensorgraph.nn``)."""

from ..sparse import Embedding

__all__ = ["Embedding"]
