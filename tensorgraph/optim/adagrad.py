"""Adagrad and Adadelta: per-coordinate step sizes from accumulated squared gradients."""

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
)
from .defaults import implementation_flags, torch_order

__all__ = ["Adadelta", "Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``, at step ``t`` (from 1)::

        g = -g if maximize;  g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        sum = sum + g * g
        p = p - clr * g / (sqrt(sum) + eps)

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        lr_decay: learning-rate decay per step.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: the starting value of ``sum``.
        eps: added to the denominator for numerical stability.
        foreach, fused, differentiable: torch's implementation switches (see
            :func:`~tensorgraph.optim.defaults.implementation_flags`).
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.Adagrad(model.parameters(), lr=0.01)
    """

    state_keys = frozenset({"step", "sum"})
    required_state_keys = frozenset({"step", "sum"})

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "maximize": maximize,
                    **implementation_flags("Adagrad", foreach, fused, None, differentiable)}
        defaults = torch_order(defaults, "lr lr_decay eps weight_decay initial_accumulator_value "
                               "foreach maximize differentiable fused")
        super().__init__(params, defaults)
        for group in self.param_groups:  # torch fills the state at construction
            for p in group["params"]:
                self._init_state(self.state[p], p.array, group)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_nonneg(self, group, "lr_decay", "lr_decay value")
        check_nonneg(self, group, "weight_decay", "weight_decay value")
        check_nonneg(self, group, "initial_accumulator_value", "initial_accumulator_value")
        check_nonneg(self, group, "eps", "epsilon value")

    @staticmethod
    def _init_state(state: dict[str, Any], p: np.ndarray, group: dict[str, Any]) -> None:
        if not state:
            state["step"] = scalar_state(0)
            state["sum"] = Tensor.from_array(
                np.full_like(p, float(group["initial_accumulator_value"])), False)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        self._init_state(state, p, group)
        step = advance_step(state)
        work, tmp = self._scratch(p, 2)
        g = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        clr = float(group["lr"]) / (1 + (step - 1) * float(group["lr_decay"]))
        total = state["sum"].array
        np.multiply(g, g, out=tmp)
        total += tmp
        std = np.sqrt(total, out=tmp)
        std += float(group["eps"])
        update = np.multiply(g, -clr, out=work)  # p + (-clr * g) / std, torch's addcdiv_
        update /= std
        p += update


class Adadelta(Optimizer):
    r"""Adadelta, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``::

        g = -g if maximize;  g = g + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: scales the update (1.0 is the method as published).
        rho: decay rate of the running averages.
        eps: added inside the square roots for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: torch's implementation switches.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.Adadelta(model.parameters(), lr=1.0)
    """

    state_keys = frozenset({"acc_delta", "square_avg", "step"})
    required_state_keys = frozenset({"acc_delta", "square_avg", "step"})

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize,
                    **implementation_flags("Adadelta", foreach, None, capturable,
                                           differentiable)}
        defaults = torch_order(defaults, "lr rho eps weight_decay maximize capturable foreach "
                               "differentiable")
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_nonneg(self, group, "eps", "epsilon value")
        check_nonneg(self, group, "weight_decay", "weight_decay value")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: invalid rho value {group['rho']!r}; it must lie "
                             "in [0, 1].")

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
        advance_step(state)
        square_avg, acc_delta = buffer(state, "square_avg", p), buffer(state, "acc_delta", p)
        work, tmp, delta = self._scratch(p, 3)
        g = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        square_avg *= rho
        np.multiply(g, 1.0 - rho, out=tmp)
        tmp *= g
        square_avg += tmp
        std = np.add(square_avg, eps, out=tmp)
        np.sqrt(std, out=std)
        np.add(acc_delta, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        acc_delta *= rho
        np.multiply(delta, 1.0 - rho, out=tmp)
        tmp *= delta
        acc_delta += tmp
        delta *= -lr
        p += delta
