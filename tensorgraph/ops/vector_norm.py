"""The p-norm of a vector (or of a tensor over some axes), as a primitive.

A composite ``(|x|**p).sum() ** (1/p)`` has an infinite slope at a zero vector
(``0 * inf = NaN`` in backward), where torch gives a zero gradient; this primitive's
backward divides by the norm only where it is non-zero.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class VectorNorm(Function):
    """y = (sum |x|**p) ** (1/p) over axes (p >= 1);  dx = g * sign(x) |x|**(p-1) / y**(p-1)
    (0 where y == 0)"""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        y = np.asarray(np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p),
                       dtype=x.dtype)
        ctx.keep_shape = y.shape
        out = y if keepdim else y.reshape(np.sum(x, axis=axes).shape)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        p, xp = ctx.kwargs["p"], ctx.xp
        y_values = xp.values(y)
        y = y.reshape(ctx.keep_shape)
        g = g.reshape(ctx.keep_shape)
        # 1 where y == 0 keeps the division finite; the numerator is 0 there anyway.
        safe_y = xp.where(y_values.reshape(ctx.keep_shape) == 0, 1, y)
        if p == 2:
            return g * x / safe_y
        sign = np.sign(xp.values(x))
        return g * sign * xp.abs(x) ** (p - 1) / safe_y ** (p - 1)
