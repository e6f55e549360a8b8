"""``torch.nn.modules.sparse`` path: Embedding, EmbeddingBag (defined in ``tensorgraph.nn``)."""

from ..embedding_bag import EmbeddingBag
from ..sparse import Embedding

__all__ = ["Embedding", "EmbeddingBag"]
