"""Rprop: resilient backpropagation, a per-coordinate step size driven by gradient signs."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .defaults import implementation_flags, torch_order
from .optimizer import Optimizer, ParamsT
from .steps import advance_step, scalar_state

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop, PyTorch's update rule step for step.

    For each parameter ``p`` with gradient ``g`` (negated if maximize), previous gradient
    ``prev`` (0 at first) and step sizes ``s`` (``lr`` at first)::

        f = etaplus where g * prev > 0, etaminus where < 0, else 1
        s = clamp(s * f, step_size_min, step_size_max)
        g = 0 where f == etaminus          (a sign flip: skip this coordinate once)
        p = p - sign(g) * s;  prev = g

    Args:
        params: tensors or param-group dicts to optimize (see :class:`Optimizer`).
        lr: the initial step size of every coordinate.
        etas: ``(etaminus, etaplus)``, the factors a step size shrinks and grows by
            (``0 < etaminus < 1 < etaplus``).
        step_sizes: ``(min, max)`` allowed step sizes.
        capturable, foreach, differentiable: torch's implementation switches (see
            :func:`~tensorgraph.optim.defaults.implementation_flags`).
        maximize: ascend the objective instead of descending it.

    Example:
        >>> opt = tg.optim.Rprop(model.parameters(), lr=0.01)
    """

    state_keys = frozenset({"step", "prev", "step_size"})
    required_state_keys = frozenset({"step", "prev", "step_size"})

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]} (Rprop needs "
                             "0 < etaminus < 1 < etaplus, e.g. etas=(0.5, 1.2))")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize,
                    **implementation_flags("Rprop", foreach, None, capturable, differentiable)}
        defaults = torch_order(defaults, "lr etas step_sizes foreach maximize differentiable "
                               "capturable")
        super().__init__(params, defaults)

    def _update(self, p: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if not state:
            state["step"] = scalar_state(0)
            state["prev"] = Tensor.from_array(np.zeros_like(p), False)
            state["step_size"] = Tensor.from_array(np.full_like(p, float(group["lr"])), False)
        advance_step(state)
        etaminus, etaplus = (p.dtype.type(e) for e in group["etas"])
        lo, hi = group["step_sizes"]
        prev, size = state["prev"].array, state["step_size"].array
        work, factor, spare = self._scratch(p, 3)
        mask = spare.reshape(-1).view(np.bool_)[:p.size].reshape(p.shape)  # scratch bytes
        g = work  # a copy of the direction: its flipped coordinates are zeroed below
        if group["maximize"]:
            np.negative(grad, out=g)
        else:
            np.copyto(g, grad)
        np.sign(np.multiply(g, prev, out=factor), out=factor)
        for test, value in ((np.greater, etaplus), (np.less, etaminus), (np.equal, 1)):
            np.copyto(factor, value, where=test(factor, 0, out=mask))  # torch's order
        size *= factor
        np.clip(size, lo, hi, out=size)
        np.copyto(g, 0, where=np.equal(factor, etaminus, out=mask))
        p -= np.multiply(np.sign(g, out=factor), size, out=factor)
        np.copyto(prev, g)
