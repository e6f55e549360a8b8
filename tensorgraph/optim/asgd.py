"""ASGD: stochastic gradient descent with a decaying step and a running average of the iterates."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .defaults import implementation_flags, torch_order
from .optimizer import Optimizer, ParamsT, check_nonneg, direction
from .steps import advance_step, scalar_state

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``, at step ``t`` (from 1), with ``eta`` (``lr``
    at first) and ``mu`` (1 at first) from the step before::

        g = -g if maximize;  g = g + weight_decay * p
        p = p * (1 - lambd * eta) - eta * g
        ax = p if mu == 1 else ax + mu * (p - ax)      (the averaged iterate)
        eta = lr / (1 + lambd * lr * t) ** alpha;  mu = 1 / max(1, t - t0)

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        lambd: decay term.
        alpha: power of the step-size decay.
        t0: the step from which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: torch's implementation switches.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.ASGD(model.parameters(), lr=0.01)
        >>> averaged = opt.state[p]["ax"]
    """

    state_keys = frozenset({"step", "eta", "mu", "ax"})
    required_state_keys = frozenset({"step", "eta", "mu", "ax"})

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "maximize": maximize,
                    **implementation_flags("ASGD", foreach, None, capturable, differentiable)}
        defaults = torch_order(defaults, "lr lambd alpha t0 weight_decay foreach maximize "
                               "differentiable capturable")
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_nonneg(self, group, "weight_decay", "weight_decay value")

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, lambd = float(group["lr"]), float(group["lambd"])
        if not state:
            state["step"] = scalar_state(0)
            state["eta"] = scalar_state(lr)
            state["mu"] = scalar_state(1)
            state["ax"] = Tensor.from_array(np.zeros_like(p), False)
        step = advance_step(state)
        work, tmp = self._scratch(p, 2)
        g = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        eta, mu = float(state["eta"].array), float(state["mu"].array)
        p *= p.dtype.type(1 - lambd * eta)
        p -= np.multiply(g, p.dtype.type(eta), out=tmp)
        ax = state["ax"].array
        if mu != 1:
            ax += np.multiply(np.subtract(p, ax, out=tmp), p.dtype.type(mu), out=tmp)
        else:
            np.copyto(ax, p)
        for key, value in (("eta", lr / ((1 + lambd * lr * step) ** float(group["alpha"]))),
                           ("mu", 1 / max(1, step - float(group["t0"])))):
            state[key].array[...] = value
            state[key]._version += 1
