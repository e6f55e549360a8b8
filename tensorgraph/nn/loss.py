"""Loss modules: each stores its options and calls the ``tg.nn.functional`` loss.

Every loss takes ``reduction``: ``'mean'`` (default) averages over elements (or over
the weights of the targets, for weighted cross-entropy/NLL, as PyTorch), ``'sum'``
adds, ``'none'`` returns the per-element losses.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .functional.check import legacy_reduction
from .functional.distance import cosine_embedding_loss, kl_div
from .functional.regression_loss import huber_loss, smooth_l1_loss
from .module import Module


class Loss(Module):
    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        # checks reduction, and folds in torch's deprecated size_average/reduce flags
        self.reduction = legacy_reduction(size_average, reduce, reduction, type(self).__name__)


class WeightedLoss(Loss):
    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(Loss):
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


class L1Loss(Loss):
    """Mean absolute error ``|input - target|`` (shapes as :class:`MSELoss`)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(WeightedLoss):
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


class BCEWithLogitsLoss(Loss):
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

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction,
            pos_weight=self.pos_weight)


class CrossEntropyLoss(WeightedLoss):
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

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class NLLLoss(WeightedLoss):
    """Negative log-likelihood of log-probabilities (pair with ``LogSoftmax``):
    ``-input[n, target[n]]`` (arguments and shapes as :class:`CrossEntropyLoss`)."""

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class SmoothL1Loss(Loss):
    """``0.5 d^2 / beta`` for ``|d| < beta``, else ``|d| - 0.5 beta`` (d = input - target):
    L1 that is smooth at 0 (Fast R-CNN's box loss).

    Args:
        reduction: 'mean' | 'sum' | 'none'.
        beta: where the quadratic part ends (default 1).
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(Loss):
    """``0.5 d^2`` for ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    Args:
        reduction: 'mean' | 'sum' | 'none'.
        delta: where the quadratic part ends (default 1; must be positive).
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(Loss):
    """Kullback-Leibler divergence of log-probabilities ``input`` from ``target``.

    Args:
        reduction: 'batchmean' (the real KL divergence), 'sum', 'mean', 'none'.
        log_target: the target is given as log-probabilities.

    Example:
        >>> kl = tg.nn.KLDivLoss(reduction="batchmean")
        >>> loss = kl(F.log_softmax(student, 1), F.softmax(teacher, 1))
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        batchmean = reduction == "batchmean"
        super().__init__(size_average, reduce, "mean" if batchmean else reduction)
        if batchmean and size_average is None and reduce is None:
            self.reduction = "batchmean"
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(x1, x2)`` for pairs labelled 1, ``max(0, cos(x1, x2) - margin)`` for -1."""

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "HuberLoss",
    "KLDivLoss", "L1Loss", "MSELoss", "NLLLoss", "SmoothL1Loss",
]
