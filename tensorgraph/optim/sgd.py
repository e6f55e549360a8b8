"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    ParamsT,
    check_nonneg,
    direction,
)
from .defaults import implementation_flags

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        if momentum:  buf = g (first step)  or  buf = momentum * buf + (1 - dampening) * g
                      g = g + momentum * buf  if nesterov  else  buf
        p = p - lr * g

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        momentum: momentum factor (0 disables the buffer).
        dampening: scales the new gradient entering the momentum buffer by
            ``1 - dampening``.
        weight_decay: L2 penalty added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    state_keys = frozenset({"momentum_buffer"})
    required_state_keys = frozenset({"momentum_buffer"})

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False,
                 *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    **implementation_flags("SGD", foreach, fused, None, differentiable)}
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_nonneg(self, group, "momentum", "momentum value")
        check_nonneg(self, group, "weight_decay", "weight_decay value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: Nesterov momentum requires a momentum and zero dampening (got "
                f"momentum={group['momentum']}, dampening={group['dampening']}); pass "
                "momentum=0.9 (say) with nesterov=True, or drop nesterov."
            )

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, momentum = float(group["lr"]), float(group["momentum"])
        dampening = float(group["dampening"])
        buf = state.get("momentum_buffer")
        if (buf is not None and momentum != 0 and dampening == 0 and not group["nesterov"]
                and not group["maximize"] and float(group["weight_decay"]) == 0):
            # The usual step (plain momentum, after the first): the general code below
            # with d = grad, in the same four passes and no more Python than needed.
            b = buf.array
            b *= momentum
            b += grad
            (spare,) = self._scratch(p, 1)
            p += np.multiply(b, -lr, out=spare)
            return
        work, spare = self._scratch(p, 2)
        d = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        if momentum != 0:
            if buf is None:
                buf = state["momentum_buffer"] = Tensor.from_array(np.array(d, copy=True), False)
                b = buf.array
            else:
                b = buf.array
                b *= momentum
                if dampening == 0:
                    b += d
                else:
                    b += np.multiply(d, 1.0 - dampening, out=spare)
            if group["nesterov"]:
                d = np.add(d, np.multiply(b, momentum, out=spare), out=spare)
            else:
                d = b
        # p + (-lr) * d, as torch's add_(d, alpha=-lr); scratch d may be overwritten,
        # the gradient and the momentum buffer may not.
        scratch = d is work or d is spare
        p += np.multiply(d, -lr, out=d if scratch else spare)
