"""``gumbel_softmax`` (``torch.nn.functional.gumbel_softmax``): a differentiable sample
from a categorical distribution, with torch's random stream."""

from __future__ import annotations

from ...creation import empty, zeros
from ...tensor import Tensor
from .check import as_tensor, floating

__all__ = ["gumbel_softmax"]


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """``softmax((logits + g) / tau)`` with Gumbel noise ``g = -log(Exponential(1))``.

    With ``hard=True`` the result is the one-hot of the sample's argmax in the forward
    pass, with the soft sample's gradient (straight-through: ``y_hard - y_soft.detach()
    + y_soft``). The noise is drawn as torch draws it
    (``-empty_like(logits).exponential_().log()``), so seeded samples match torch's.

    Args:
        logits: unnormalised log-probabilities ``(*, num_features)``.
        tau: temperature (> 0); small values give near one-hot samples.
        hard: return one-hot samples (straight-through gradient).
        eps: unused, kept for torch compatibility (torch deprecated it).
        dim: the categories' dim.

    Example:
        >>> F.gumbel_softmax(tg.randn(4, 10), tau=0.5, hard=True).sum(-1)
        tensor([1., 1., 1., 1.])
    """
    x = floating(as_tensor(logits, "gumbel_softmax"), "gumbel_softmax")
    noise = empty(tuple(x.shape), dtype=x.dtype).exponential_().log()
    y_soft = ((x - noise) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros(tuple(x.shape), dtype=x.dtype).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
