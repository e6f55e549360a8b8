"""Adamax, NAdam and RAdam: Adam's running averages with another step rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from .adam import check_adam_hyperparameters
from ..tensor import Tensor
from .steps import advance_step, scalar_state
from .optimizer import (
    Optimizer,
    ParamsT,
    buffer,
    direction,
    lerp_,
)
from .defaults import implementation_flags, torch_order

__all__ = ["Adamax", "NAdam", "RAdam"]


class _AdamFamily(Optimizer):
    """Shared argument checks (lr, eps, weight_decay, betas) of the Adam variants."""

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        check_adam_hyperparameters(self, group)

    def _moments(self, p: np.ndarray, d: np.ndarray, state: dict[str, Any],
                 beta1: float, beta2: float, tmp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """m = lerp(m, d, 1 - beta1); v = beta2 * v + (1 - beta2) * d * d (torch's order)."""
        m, v = buffer(state, "exp_avg", p), buffer(state, "exp_avg_sq", p)
        lerp_(m, d, 1.0 - beta1, tmp)
        v *= beta2
        np.multiply(d, 1.0 - beta2, out=tmp)
        tmp *= d
        v += tmp
        return m, v


def _decayed_direction(p: np.ndarray, grad: np.ndarray, group: dict[str, Any],
                       out: np.ndarray) -> np.ndarray:
    """The gradient the step follows, after weight decay (decoupled: shrink ``p``)."""
    wd = float(group["weight_decay"])
    if group.get("decoupled_weight_decay") and wd != 0:
        p *= 1.0 - float(group["lr"]) * wd
        wd = 0.0
    return direction(p, grad, wd, group["maximize"], out)


class Adamax(_AdamFamily):
    r"""Adamax (Adam with the infinity norm), PyTorch's update rule step for step.

    At step ``t``: ``m = lerp(m, g, 1 - beta1)``, ``u = max(beta2 * u, |g| + eps)``,
    ``p = p - lr / (1 - beta1**t) * m / u`` (``g`` after maximize and weight decay).

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        betas: decay rates of the running average and of the infinity norm.
        eps: added to ``|g|`` for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        foreach, capturable, differentiable: torch's implementation switches.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.Adamax(model.parameters(), lr=2e-3)
    """

    state_keys = frozenset({"exp_avg", "exp_inf", "step"})
    required_state_keys = frozenset({"exp_avg", "exp_inf", "step"})

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize,
                    **implementation_flags("Adamax", foreach, None, capturable,
                                           differentiable)}
        defaults = torch_order(defaults, "lr betas eps weight_decay foreach maximize "
                               "differentiable capturable")
        super().__init__(params, defaults)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        beta1, beta2 = (float(b) for b in group["betas"])
        step = advance_step(state)
        work, tmp = self._scratch(p, 2)
        d = direction(p, grad, float(group["weight_decay"]), group["maximize"], work)
        m, u = buffer(state, "exp_avg", p), buffer(state, "exp_inf", p)
        lerp_(m, d, 1.0 - beta1, tmp)
        u *= beta2
        np.abs(d, out=tmp)
        tmp += float(group["eps"])
        np.maximum(u, tmp, out=u)
        clr = float(group["lr"]) / (1 - beta1 ** step)
        update = np.multiply(m, -clr, out=work)
        update /= u
        p += update


class NAdam(_AdamFamily):
    r"""NAdam (Adam with Nesterov momentum), PyTorch's update rule step for step.

    With ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`` and
    ``prod_t = mu_1 ... mu_t``: Adam's ``m`` and ``v``, then
    ``p = p - lr * (1 - mu_t) / (1 - prod_t) * g / denom
    - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / denom`` with
    ``denom = sqrt(v / (1 - beta2**t)) + eps``.

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        betas: decay rates of the running averages of the gradient and its square.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty (or decoupled, with ``decoupled_weight_decay``).
        momentum_decay: the ``psi`` of the momentum schedule.
        decoupled_weight_decay: shrink the weights directly (NAdamW).
        foreach, capturable, differentiable: torch's implementation switches.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.NAdam(model.parameters(), lr=2e-3)
    """

    state_keys = frozenset({"exp_avg", "exp_avg_sq", "mu_product", "step"})
    required_state_keys = frozenset({"exp_avg", "exp_avg_sq", "mu_product", "step"})

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        if not momentum_decay >= 0:
            raise ValueError(f"NAdam: invalid momentum_decay value {momentum_decay!r}; it "
                             "must be >= 0.")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    **implementation_flags("NAdam", foreach, None, capturable,
                                           differentiable)}
        super().__init__(params, defaults)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = (float(b) for b in group["betas"])
        psi = float(group["momentum_decay"])
        step = advance_step(state)
        if "mu_product" not in state:
            state["mu_product"] = scalar_state(1.0)
        work, tmp, denom = self._scratch(p, 3)
        d = _decayed_direction(p, grad, group, work)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        # torch keeps mu_product as a 0-d tensor of its scalar dtype (float32 unless the
        # default dtype is float64), so the product is rounded to that dtype each step.
        held = state["mu_product"]
        if not isinstance(held, Tensor):
            held = state["mu_product"] = scalar_state(held)
        np.multiply(held.array, held.array.dtype.type(mu), out=held.array)
        held._version += 1
        mu_product = float(held.array)
        m, v = self._moments(p, d, state, beta1, beta2, tmp)
        np.divide(v, 1 - beta2 ** step, out=denom)
        np.sqrt(denom, out=denom)
        denom += eps
        np.multiply(d, -lr * (1.0 - mu) / (1.0 - mu_product), out=tmp)
        tmp /= denom
        p += tmp
        np.multiply(m, (-lr * mu_next) / (1.0 - mu_product * mu_next), out=tmp)
        tmp /= denom
        p += tmp


class RAdam(_AdamFamily):
    r"""RAdam (rectified Adam), PyTorch's update rule step for step.

    Adam's ``m`` and ``v``; with ``rho_inf = 2 / (1 - beta2) - 1`` and
    ``rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)``: while ``rho_t <= 5`` the step is
    ``p -= lr * m_hat`` (momentum SGD), after it ``p -= lr * m_hat * r_t *
    sqrt(1 - beta2**t) / (sqrt(v) + eps)`` with the rectification ``r_t``.

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: learning rate.
        betas: decay rates of the running averages of the gradient and its square.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty (or decoupled, with ``decoupled_weight_decay``).
        decoupled_weight_decay: shrink the weights directly (RAdamW).
        foreach, capturable, differentiable: torch's implementation switches.
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.RAdam(model.parameters(), lr=1e-3)
    """

    state_keys = frozenset({"exp_avg", "exp_avg_sq", "step"})
    required_state_keys = frozenset({"exp_avg", "exp_avg_sq", "step"})

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize,
                    **implementation_flags("RAdam", foreach, None, capturable,
                                           differentiable),
                    "decoupled_weight_decay": decoupled_weight_decay}
        defaults = torch_order(defaults, "lr betas eps weight_decay maximize foreach capturable "
                               "decoupled_weight_decay differentiable")
        super().__init__(params, defaults)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = (float(b) for b in group["betas"])
        step = advance_step(state)
        work, tmp, upd = self._scratch(p, 3)
        d = _decayed_direction(p, grad, group, work)
        m, v = self._moments(p, d, state, beta1, beta2, tmp)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        np.divide(m, bias_correction1, out=upd)  # bias-corrected m
        upd *= lr
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = np.sqrt(v, out=tmp)
            adaptive += eps
            np.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
            upd *= adaptive
            upd *= rect
        p -= upd
