"""Shared plumbing for the fused ops (linear, cross-entropy, batch_norm, conv2d, ...).

A fused op has a fast numpy backward and, next to it, a *composite* twin: the same
function written with primitives, declared on the class as
``composite(ctx, *inputs) -> Tensor`` (the forward's keyword arguments are in
``ctx.kwargs``). During ``backward(create_graph=True)`` the engine differentiates the
composite instead of calling the numpy backward (``autograd.composite_grad``), so
higher derivatives work and the backward itself never asks which case it is in. The
tests check that both definitions agree with PyTorch, second derivatives included.
"""

from __future__ import annotations

import numpy as np

from ..autograd import composite_grad
from ..tensor import Tensor

__all__ = ["composite_grad", "const"]


def const(arr: np.ndarray) -> Tensor:
    """A constant (no-grad) Tensor around ``arr`` for use in a composite."""
    return Tensor.from_array(arr, False)

