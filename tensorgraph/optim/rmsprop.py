"""RMSprop, plain, with momentum, and centered."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .steps import advance_step, scalar_state
from .optimizer import (
    Optimizer,
    ParamsT,
    check_nonneg,
    buffer,
    direction,
    lerp_,
)
from .defaults import implementation_flags, torch_order

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v - mean_g**2) + eps   with  mean_g = mean_g + (1 - alpha) * (g - mean_g)
                                          if centered, else  sqrt(v) + eps
        buf = momentum * buf + g / avg;  p = p - lr * buf   if momentum > 0
        p = p - lr * g / avg                                otherwise

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        alpha: smoothing constant of the running average of squared gradients.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor.
        centered: normalise by an estimate of the gradient's variance instead of its
            second moment.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9)
    """

    state_keys = frozenset({"step", "square_avg", "grad_avg", "momentum_buffer"})
    required_state_keys = frozenset({"step", "square_avg"})

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "maximize": maximize,
                    **implementation_flags("RMSprop", foreach, None, capturable,
                                           differentiable)}
        defaults = torch_order(defaults, "lr momentum alpha eps centered weight_decay "
                               "capturable foreach maximize differentiable")
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_nonneg(self, group, "eps", "epsilon value")
        check_nonneg(self, group, "momentum", "momentum value")
        check_nonneg(self, group, "weight_decay", "weight_decay value")
        check_nonneg(self, group, "alpha", "alpha value")

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        momentum = float(group["momentum"])
        if not state:
            state["step"] = scalar_state(0)  # torch's key order: step first
            state["square_avg"] = Tensor.from_array(np.zeros_like(p), False)
        advance_step(state)
        work, tmp = self._scratch(p, 2)
        d = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        v = state["square_avg"].array
        v *= alpha
        np.multiply(d, 1.0 - alpha, out=tmp)
        tmp *= d
        v += tmp
        if group["centered"]:
            mean_g = buffer(state, "grad_avg", p)
            lerp_(mean_g, d, 1.0 - alpha, tmp)
            avg = np.subtract(v, np.multiply(mean_g, mean_g, out=tmp), out=tmp)
            np.sqrt(avg, out=avg)
        else:
            avg = np.sqrt(v, out=tmp)
        avg += eps
        if momentum > 0:
            buf = buffer(state, "momentum_buffer", p)
            buf *= momentum
            buf += np.divide(d, avg, out=avg)
            p += np.multiply(buf, -lr, out=tmp)
        else:
            # p + (-lr * g) / avg, the order of torch's addcdiv_
            update = np.multiply(d, -lr, out=work)
            update /= avg
            p += update
