"""Activations, softmax/log_softmax and dropout for ``tensorgraph.nn.functional``.

Most are composites of the engine's primitives. Two are primitives here:
``LogSoftmax`` (fused for stability) and ``NormCdf`` (numpy has no erf; GELU needs it).
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd import Function
from ...tensor import Tensor
from .check import as_tensor, floating

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


def dual_exp(x):
    """exp of an array or a Tensor (backward code runs on both)."""
    return np.exp(x) if isinstance(x, np.ndarray) else x.exp()


def _dim(dim: int, x: Tensor, op: str) -> int:
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise IndexError(
            f"{op}: dim {dim} is out of range for an input of shape {x.shape} "
            f"(expected a dim in [{-max(x.ndim, 1)}, {max(x.ndim, 1) - 1}])."
        )
    return dim % x.ndim if x.ndim else 0


# ---------------------------------------------------------------- simple activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), elementwise (the ReLU primitive: its backward is a saved mask).

    Example:
        >>> F.relu(tg.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return as_tensor(input, "relu").relu()


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
    return x * Tensor._wrap(slope, False)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) (the engine's stable Sigmoid primitive)."""
    return as_tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh(x) (the engine's Tanh primitive)."""
    return as_tensor(input, "tanh").tanh()


# ---------------------------------------------------------------- GELU and erf
def _erfcx_scalar(z: float) -> float:
    """exp(z^2) * erfc(z) for z >= 0, to full double accuracy (used at import only)."""
    if z < 2:
        return math.erfc(z) * math.exp(z * z)
    f = z  # the continued fraction erfc(z) = exp(-z^2)/sqrt(pi) / (z + 1/2/(z + 1/(z + ...)))
    for n in range(400, 0, -1):
        f = z + (n / 2) / f
    return 1 / (math.sqrt(math.pi) * f)


# erfc(z) = exp(-z^2) * erfcx(z) on z >= 0, with erfcx (smooth, from 1 down to
# 1/(z sqrt(pi))) as a Chebyshev series in t = (z - 3)/(z + 3), which maps [0, inf)
# onto [-1, 1). Interpolated at import from math.erfc: max abs error of erf < 1e-14
# in float64 (tests check it against math.erf), 12 terms give float32 accuracy.
_ERF_K = 3.0
_ERFCX_CHEB = np.polynomial.chebyshev.chebinterpolate(
    np.vectorize(lambda t: _erfcx_scalar(_ERF_K * (1 + t) / (1 - t))), 24)
_ERFCX_BY_DTYPE = {np.dtype(np.float64): _ERFCX_CHEB,
                   np.dtype(np.float32): _ERFCX_CHEB[:12].astype(np.float32),
                   np.dtype(np.float16): _ERFCX_CHEB[:6].astype(np.float16)}


def erfc(z: np.ndarray) -> np.ndarray:
    """Complementary error function of a float array, in its own dtype."""
    a = np.abs(z)
    t = (a - _ERF_K) / (a + _ERF_K)
    coef = _ERFCX_BY_DTYPE.get(z.dtype, _ERFCX_CHEB)
    # Clenshaw's recurrence for sum_k coef[k] T_k(t).
    b1 = np.zeros_like(t)
    b2 = np.zeros_like(t)
    for c in coef[:0:-1]:
        b1, b2 = c + 2 * t * b1 - b2, b1
    e = np.exp(-(a * a)) * (coef[0] + t * b1 - b2)
    return np.where(z >= 0, e, 2 - e).astype(z.dtype, copy=False)


_INV_SQRT2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class NormCdf(Function):
    """y = Phi(x) = erfc(-x/sqrt(2)) / 2;  dx = g * exp(-x^2/2) / sqrt(2 pi)

    A primitive because numpy has no erf; its backward is written with operators, so
    second derivatives of GELU work without a separate composite.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erfc(x * -_INV_SQRT2) * 0.5

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * dual_exp(x * x * -0.5) * _INV_SQRT_2PI


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF.

    Args:
        input: any shape, floating point.
        approximate: ``'none'`` (exact, through :class:`NormCdf`) or ``'tanh'``
            (``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``), as torch.

    Example:
        >>> F.gelu(tg.tensor([0.0, 1.0]))
        tensor([0.    , 0.8413])
    """
    x = floating(as_tensor(input, "gelu"), "gelu")
    if approximate == "none":
        return x * NormCdf.apply(x)
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
        return x * 0.5 * (inner.tanh() + 1)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}.")


# ---------------------------------------------------------------- softmax family
class LogSoftmax(Function):
    """y = x - logsumexp(x, dim);  dx = g - exp(y) * sum(g, dim)

    Fused for stability: subtracting the max before exp means no overflow for logits
    of 1e4, and log never sees an underflowed 0 (the composite log(softmax) would give
    -inf and NaN gradients there).
    """

    @staticmethod
    def forward(ctx, x, dim):
        z = x - x.max(axis=dim, keepdims=True)
        y = z - np.log(np.exp(z).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        # Under create_graph y is rebuilt as a recorded LogSoftmax of the input, so this
        # same line is differentiable again.
        (y,) = ctx.saved_tensors
        dim = ctx.kwargs["dim"]
        return g - dual_exp(y) * g.sum(axis=dim, keepdims=True)


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably (see :class:`LogSoftmax`).

    Args:
        input: any shape, floating point.
        dim: the dim to normalise over (required, as recommended by torch).

    Example:
        >>> F.log_softmax(tg.tensor([[1000.0, 0.0]]), dim=1)
        tensor([[    0., -1000.]])
    """
    x = floating(as_tensor(input, "log_softmax"), "log_softmax")
    if dim is None:
        raise TypeError("log_softmax: pass dim= (e.g. dim=-1 for the last axis).")
    if x.ndim == 0:
        return LogSoftmax.apply(x.reshape(1), dim=0).reshape(())
    return LogSoftmax.apply(x, dim=_dim(dim, x, "log_softmax"))


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``: the composite exp(log_softmax(x)).

    Example:
        >>> F.softmax(tg.tensor([0.0, 0.0]), dim=0)
        tensor([0.5, 0.5])
    """
    if dim is None:
        raise TypeError("softmax: pass dim= (e.g. dim=-1 for the last axis).")
    x = as_tensor(input, "softmax")
    if x.ndim:
        _dim(dim, x, "softmax")  # so a wrong dim is reported as softmax's, not log_softmax's
    return log_softmax(x, dim).exp()


# ---------------------------------------------------------------- dropout
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
    # (the same stream, and the scale 1 / (1 - p) rounded in x's dtype).
    noise = Tensor._wrap(np.empty(x.shape, dtype=x.dtype), False).bernoulli_(1 - p)
    mask = noise.array / np.asarray(1 - p, dtype=x.dtype)
    return x * Tensor._wrap(mask.astype(x.dtype, copy=False), False)

