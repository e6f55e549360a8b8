"""Softplus: the one activation of ``nn.functional`` that needs a primitive of its own."""

from __future__ import annotations

import numpy as np

from ..autograd import Function


def _sigmoid(z):
    """Sigmoid of an array (stable on both signs) or of a Tensor (recorded)."""
    if hasattr(z, "grad_fn"):
        return z.sigmoid()
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta  (y = x where beta x > threshold);  dx = g * sigmoid(beta x)

    A primitive for stability: log(1 + exp(z)) overflows for z > 88 (float32) and its
    composite gradient exp(z) / (1 + exp(z)) becomes inf / inf = NaN; here
    ``max(z, 0) + log1p(exp(-|z|))`` never overflows and the gradient is a sigmoid.
    Above ``threshold`` the result is x itself with gradient g, exactly as torch.
    """

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        z = x * x.dtype.type(beta)
        ctx.save_for_backward(x)
        ctx.linear = z > threshold  # a constant mask: the linear region
        soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / x.dtype.type(beta)
        return np.where(ctx.linear, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        beta, lin = ctx.kwargs.get("beta", 1.0), ctx.linear
        s = _sigmoid(x * beta)
        return g * (s * ~lin + lin)
