"""Embedding: a learnable lookup table (``torch.nn.Embedding``)."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, looked up by index.

    Args:
        num_embeddings: number of rows (the vocabulary size).
        embedding_dim: size of each vector.
        padding_idx: that row starts at zeros and gets no gradient (negative counts from
            the end, as torch).
        max_norm: rows looked up whose norm exceeds it are rescaled in place.
        norm_type: the p of that norm (default 2).
        scale_grad_by_freq: divide gradients by each index's count in the batch.
        sparse: not supported (numpy has no sparse tensors); must be False.
        _weight: use this tensor as the weight instead of a fresh N(0, 1) draw.
        _freeze: with ``_weight``, do not train it.

    Shape:
        - Input: integer tensor ``(*)``.
        - Output: ``(*, embedding_dim)``.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)`` drawn from N(0, 1) (as torch).

    Example:
        >>> emb = tg.nn.Embedding(27, 10)
        >>> emb(tg.tensor([[1, 2, 3]])).shape
        torch.Size([1, 3, 10])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Tensor | None = None, _freeze: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_row("Embedding", padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.weight = table_parameter("Embedding", num_embeddings, embedding_dim, dtype,
                                      _weight, not _freeze)
        if _weight is None:
            self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_table(self.weight, self.padding_idx)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm,
                           self.norm_type, self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is ``embeddings`` (2-D), frozen unless freeze=False.

        Example:
            >>> emb = tg.nn.Embedding.from_pretrained(tg.eye(3))
            >>> emb.weight.requires_grad
            False
        """
        if embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape "
                             f"{tuple(embeddings.shape)}.")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)


def table_parameter(layer: str, num_embeddings: int, embedding_dim: int, dtype: Any,
                    weight: Tensor | None, requires_grad: bool = True) -> Parameter:
    """An embedding table's weight: zeros for ``reset_parameters`` to fill, or the given
    ``_weight`` (checked to be ``(num_embeddings, embedding_dim)``), as torch's layers."""
    if weight is None:
        shape = (num_embeddings, embedding_dim)
        return Parameter(zeros(shape, dtype=dtype or dtypes.get_default_dtype()))
    if tuple(weight.shape) != (num_embeddings, embedding_dim):
        raise AssertionError(f"{layer}: _weight has shape {tuple(weight.shape)}, expected "
                             f"({num_embeddings}, {embedding_dim}).")
    return Parameter(weight.detach(), requires_grad=requires_grad)


def padding_row(layer: str, padding_idx: int | None, num_embeddings: int) -> int | None:
    """``padding_idx`` checked and made non-negative, as torch's embedding layers do."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(f"{layer}: padding_idx {padding_idx} must be within "
                             f"num_embeddings ({num_embeddings}).")
    return padding_idx % num_embeddings


def reset_table(weight: Parameter, padding_idx: int | None) -> None:
    """torch's init of an embedding table: N(0, 1) rows, the padding row zeroed."""
    init.normal_(weight)
    if padding_idx is not None:
        weight.array[padding_idx] = 0
