"""Adam (with AMSGrad) and AdamW (decoupled weight decay)."""

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
from .defaults import implementation_flags

__all__ = ["Adam", "AdamW", "check_adam_hyperparameters"]


def check_adam_hyperparameters(opt: Optimizer, group: dict[str, Any]) -> None:
    """eps, weight_decay >= 0 and two betas in [0, 1): the checks of every Adam variant."""
    check_nonneg(opt, group, "eps", "epsilon value")
    check_nonneg(opt, group, "weight_decay", "weight_decay value")
    betas = group["betas"]
    if len(betas) != 2 or not all(isinstance(b, (int, float, np.floating)) and 0 <= b < 1
                                  for b in betas):
        raise ValueError(f"{type(opt).__name__}: invalid betas={betas!r}; give two "
                         "numbers in [0, 1), e.g. betas=(0.9, 0.999).")


class Adam(Optimizer):
    r"""Adam, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g``, at step ``t`` (from 1)::

        g = -g if maximize
        p = p * (1 - lr * weight_decay)   if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p          otherwise
        m = m + (1 - beta1) * (g - m);    v = beta2 * v + (1 - beta2) * g * g
        v_hat = max(v_hat, v) if amsgrad else v
        p = p - lr / (1 - beta1**t) * m / (sqrt(v_hat) / sqrt(1 - beta2**t) + eps)

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        betas: decay rates of the running averages of the gradient and its square.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty (added to the gradient, or decoupled for AdamW).
        amsgrad: use the running maximum of ``v`` (AMSGrad).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: shrink the weights directly (AdamW) instead of adding
            ``weight_decay * p`` to the gradient.

    Example:
        >>> opt = tg.optim.Adam(model.parameters(), lr=1e-3)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    state_keys = frozenset({"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"})
    required_state_keys = frozenset({"step", "exp_avg", "exp_avg_sq"})

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize,
                    **implementation_flags(type(self).__name__, foreach, fused, capturable,
                                           differentiable),
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_adam_hyperparameters(self, group)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        if not state:
            state["step"] = scalar_state(0)  # torch's key order: step first
            state["exp_avg"] = Tensor.from_array(np.zeros_like(p), False)
            state["exp_avg_sq"] = Tensor.from_array(np.zeros_like(p), False)
        step = advance_step(state)
        work, tmp = self._scratch(p, 2)
        if group["decoupled_weight_decay"]:
            if wd != 0:
                p *= 1.0 - lr * wd
            d = direction(p, grad, 0.0, group["maximize"], work)
        else:
            d = direction(p, grad, wd, group["maximize"], work)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array
        lerp_(m, d, 1.0 - beta1, tmp)
        v *= beta2
        np.multiply(d, 1.0 - beta2, out=tmp)
        tmp *= d
        v += tmp
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if group["amsgrad"]:
            v_max = buffer(state, "max_exp_avg_sq", p)
            v = np.maximum(v_max, v, out=v_max)
        denom = np.sqrt(v, out=tmp)
        denom /= bias_correction2_sqrt
        denom += eps
        # p + (-step_size * m) / denom, the order of torch's addcdiv_
        update = np.multiply(m, -(lr / bias_correction1), out=work)
        update /= denom
        p += update


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter): the weights shrink by
    ``lr * weight_decay`` each step instead of the decay entering the gradient averages.

    Args:
        params, lr, betas, eps, amsgrad, maximize: as :class:`Adam`.
        weight_decay: decoupled weight decay factor (default 1e-2, as PyTorch).

    Example:
        >>> opt = tg.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # as PyTorch: AdamW decouples, whatever was saved
            group["decoupled_weight_decay"] = True
