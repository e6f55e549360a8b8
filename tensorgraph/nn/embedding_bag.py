"""EmbeddingBag: sums, means or maxima of bags of embeddings (``torch.nn.EmbeddingBag``)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .functional.embedding_bag import embedding_bag
from .module import Module
from .sparse import padding_row, reset_table, table_parameter


class EmbeddingBag(Module):
    """An embedding table whose lookups are reduced per bag (sum, mean or max), as a
    bag-of-words encoder; cheaper than ``Embedding`` followed by a reduction.

    Args:
        num_embeddings: rows in the table. embedding_dim: size of each row.
        mode: ``'sum'``, ``'mean'`` (default) or ``'max'``.
        padding_idx: that row starts at zeros, and its indices are left out of the bags.
        include_last_offset: ``offsets`` has one more entry, the end of the last bag.
        max_norm, norm_type, scale_grad_by_freq, sparse, _weight: as :class:`Embedding`.

    Shape:
        - input ``(B, N)`` (B bags of N), or 1-D with ``offsets`` ``(B,)`` (bag starts).
        - per_sample_weights (``'sum'`` only): like input.
        - Output: ``(B, embedding_dim)``.

    Example:
        >>> bag = tg.nn.EmbeddingBag(10, 3, mode="sum")
        >>> bag(tg.tensor([1, 2, 4, 5, 4, 3]), tg.tensor([0, 4])).shape
        torch.Size([2, 3])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Tensor | None = None,
                 include_last_offset: bool = False, padding_idx: int | None = None,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.mode, self.sparse = scale_grad_by_freq, mode, sparse
        self.include_last_offset = include_last_offset
        self.padding_idx = padding_row("EmbeddingBag", padding_idx, num_embeddings)
        self.weight = table_parameter("EmbeddingBag", num_embeddings, embedding_dim, dtype,
                                      _weight)
        if _weight is None:
            self.reset_parameters()

    def reset_parameters(self) -> None:
        """N(0, 1) rows, the padding row zeroed (as torch)."""
        reset_table(self.weight, self.padding_idx)

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        s += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag whose weight is ``embeddings`` (2-D), frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D, got "
                             f"shape {tuple(embeddings.shape)}.")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  embeddings, include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag


__all__ = ["EmbeddingBag"]
