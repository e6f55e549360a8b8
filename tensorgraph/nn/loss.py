"""Loss modules: each stores its options and calls the ``tg.nn.functional`` loss.

Every loss takes ``reduction``: ``'mean'`` (default) averages over elements (or over
the weights of the targets, for weighted cross-entropy/NLL, as PyTorch), ``'sum'``
adds, ``'none'`` returns the per-element losses.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"{type(self).__name__}: reduction must be 'mean', 'sum' or 'none', got "
                f"{reduction!r}."
            )
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error ``(input - target) ** 2``.

    Shape:
        input and target: the same shape ``(*)``; output scalar (or ``(*)`` with
        ``reduction='none'``).

    Example:
        >>> tg.nn.MSELoss()(tg.tensor([1.0, 3.0]), tg.tensor([1.0, 1.0]))
        tensor(2.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``|input - target|`` (shapes as :class:`MSELoss`)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities: ``-(t*log(p) + (1-t)*log(1-p))``.

    The logs are clamped at -100 (as PyTorch) so p = 0 or 1 gives a finite loss.
    Prefer :class:`BCEWithLogitsLoss` on raw scores: it is more stable.

    Args:
        weight: rescales each element's loss (broadcast to the input).
        reduction: 'mean' | 'sum' | 'none'.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid plus binary cross-entropy in one stable step, on raw scores (logits).

    Args:
        weight: rescales each element's loss.
        reduction: 'mean' | 'sum' | 'none'.
        pos_weight: weight of the positive class per output (e.g. n_neg / n_pos for
            imbalanced labels), broadcast along the last dim.

    Example:
        >>> loss = tg.nn.BCEWithLogitsLoss()(tg.tensor([1000.0]), tg.tensor([1.0]))
        >>> loss.item()
        0.0
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction,
            pos_weight=self.pos_weight)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of raw scores (logits) against class indices or class probabilities:
    ``log_softmax`` and ``nll_loss`` fused (stable for huge logits).

    Args:
        weight: ``(C,)`` per-class weights.
        ignore_index: targets with this class contribute nothing (index targets).
        reduction: 'mean' | 'sum' | 'none'.
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution.

    Shape:
        - input: ``(N, C)`` or ``(N, C, d1, ...)`` logits.
        - target: ``(N)`` / ``(N, d1, ...)`` int64 class indices in ``[0, C)``, or
          float probabilities shaped like the input.

    Example:
        >>> criterion = tg.nn.CrossEntropyLoss()
        >>> loss = criterion(tg.randn(64, 10), tg.randint(0, 10, (64,)))
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (pair with ``LogSoftmax``):
    ``-input[n, target[n]]`` (arguments and shapes as :class:`CrossEntropyLoss`)."""

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)
