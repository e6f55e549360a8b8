"""Dropout: random zeroing during training, identity in eval mode."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .functional.channel_dropout import dropout1d, dropout2d, dropout3d
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` (so the expected value is unchanged); in ``eval()`` mode, do nothing.

    Masks come from tensorgraph's seeded generator (``tg.manual_seed``).

    Args:
        p: probability of zeroing an element (default 0.5).

    Example:
        >>> drop = tg.nn.Dropout(0.5)
        >>> drop.eval()(tg.ones(4))
        tensor([1., 1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """In training, zero whole channels of ``(N, C, L)`` (or ``(C, L)``) with probability
    ``p`` and scale the rest by ``1 / (1 - p)``; identity in ``eval()`` mode."""

    def forward(self, input: Tensor) -> Tensor:
        return dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """In training, zero whole channels (feature maps) of ``(N, C, H, W)`` with
    probability ``p``; identity in ``eval()`` mode.

    Example:
        >>> y = tg.nn.Dropout2d(0.5)(tg.ones(2, 4, 3, 3))  # each 3x3 map is all 0 or all 2
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Channel dropout for ``(N, C, D, H, W)``."""

    def forward(self, input: Tensor) -> Tensor:
        return dropout3d(input, self.p, self.training, self.inplace)
