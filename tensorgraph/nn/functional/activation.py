"""Activations, softmax/log_softmax and dropout for ``tensorgraph.nn.functional``.

Most are composites of the engine's primitives. Two call primitives of their own, in
``tensorgraph/ops/activation.py``: ``LogSoftmax`` (fused for stability) and ``Gelu``
(fused for speed; its twin ``x * NormCdf(x)``, as numpy has no erf).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ...shapes import dims_arg
from ...ops.activation import Gelu, LogSoftmax
from ...random.sampling import dropout_mask
from ...tensor import Tensor
from .check import as_tensor, floating
from .inplace import inplace_form
from ...autograd.node_names import named

__all__ = [
    "dropout",
    "gelu",
    "leaky_relu",
    "log_softmax",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


# ---------------------------------------------------------------- simple activations
@inplace_form("relu")
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), elementwise (the ReLU primitive: its backward is a saved mask).

    Example:
        >>> F.relu(tg.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return as_tensor(input, "relu").relu()


@inplace_form("leaky_relu")
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0 else negative_slope * x (a composite: x * where(x > 0, 1, slope)).

    Example:
        >>> F.leaky_relu(tg.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1,  2. ])
    """
    x = floating(as_tensor(input, "leaky_relu"), "leaky_relu")
    # The slope per element is a constant array, so the gradient is g * slope exactly.
    one, slope = x.dtype.type(1), x.dtype.type(negative_slope)  # no float64 temporary
    slope = np.where(x.array > 0, one, slope)
    return x * Tensor.from_array(slope, False)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) (the engine's stable Sigmoid primitive)."""
    return as_tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh(x) (the engine's Tanh primitive)."""
    return as_tensor(input, "tanh").tanh()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF.

    Args:
        input: any shape, floating point.
        approximate: ``'none'`` (exact, the fused :class:`Gelu`) or ``'tanh'``
            (``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``), as torch.

    Example:
        >>> F.gelu(tg.tensor([0.0, 1.0]))
        tensor([0.    , 0.8413])
    """
    x = floating(as_tensor(input, "gelu"), "gelu")
    if approximate == "none":
        return Gelu.apply(x)
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
        return x * 0.5 * (inner.tanh() + 1)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}.")


def _cast(x: Tensor, dtype: Any, op: str) -> Tensor:
    """torch's ``dtype=`` of softmax-like ops: the input is cast before the op."""
    return x if dtype is None else as_tensor(x, op).to(dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably (see :class:`LogSoftmax`).

    Args:
        input: any shape, floating point.
        dim: the dim to normalise over. Left out, torch's deprecated legacy choice is
            made (0 for 0-, 1- and 3-d input, else 1) with torch's UserWarning.
        dtype: cast the input to this dtype first (e.g. float64 for precision).

    Example:
        >>> F.log_softmax(tg.tensor([[1000.0, 0.0]]), dim=1)
        tensor([[    0., -1000.]])
    """
    x = floating(_cast(as_tensor(input, "log_softmax"), dtype, "log_softmax"), "log_softmax")
    if dim is None:
        dim = implicit_softmax_dim(x, "log_softmax", _stacklevel)
    if x.ndim == 0:
        return LogSoftmax.apply(x.reshape(1), dim=0).reshape(())
    return LogSoftmax.apply(x, dim=dims_arg(dim, x.shape, "log_softmax")[0])


def implicit_softmax_dim(x: Tensor, op: str, stacklevel: int) -> int:
    """torch's legacy dim for ``softmax(x)`` without ``dim=`` (warned as deprecated)."""
    warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if x.ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``: the composite exp(log_softmax(x)).

    Example:
        >>> F.softmax(tg.tensor([0.0, 0.0]), dim=0)
        tensor([0.5, 0.5])
    """
    x = floating(_cast(as_tensor(input, "softmax"), dtype, "softmax"), "softmax")
    if dim is None:
        dim = implicit_softmax_dim(x, "softmax", _stacklevel)
    if x.ndim:
        dims_arg(dim, x.shape, "softmax")  # so a wrong dim is reported as softmax's, not log_softmax's
    return named(log_softmax(x, dim).exp(), "SoftmaxBackward0")


# ---------------------------------------------------------------- dropout
@inplace_form("dropout")
def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p).

    The mask comes from tensorgraph's seeded generator (``tg.manual_seed``); in eval
    mode (``training=False``) or with ``p=0`` the input is returned unchanged.

    Args:
        input: any shape, floating point.
        p: drop probability in [0, 1].
        training: apply dropout only when True.

    Example:
        >>> y = F.dropout(x, p=0.2, training=model.training)
    """
    x = floating(as_tensor(input, "dropout"), "dropout")
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}.")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0
    # As torch: noise = empty_like(x).bernoulli_(1 - p); noise.div_(1 - p); x * noise
    # The noise is empty_like(x)'s: for a transposed x it is drawn in memory order. Only
    # a view of a C-ordered tensor follows its memory layout: other results are
    # contiguous in torch, whatever layout tensorgraph's kernels leave them in (a conv's
    # output is batch-innermost), and so are views of those.
    base = x._base
    like = x.array if base is not None and base.array.flags.c_contiguous else None
    mask = dropout_mask(x.shape, p, x.dtype, like=like)
    return x * Tensor.from_array(mask.astype(x.dtype, copy=False), False)

