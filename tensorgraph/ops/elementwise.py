"""Elementwise primitives. Broadcasting is undone by the engine, not here."""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class Add(Function):
    """y = a + b;  da = g,  db = g"""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Mul(Function):
    """y = a * b;  da = g * b,  db = g * a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (g * b if na else None), (g * a if nb else None)


class Div(Function):
    """y = a / b;  da = g / b,  db = -g * a / b**2"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):  # x / 0 is inf/nan, as torch
            return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g / b if na else None), (-g * a / (b * b) if nb else None)


class Neg(Function):
    """y = -x;  dx = -g"""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """y = a ** b;  da = g * b * a**(b-1)  (0 where b == 0),  db = g * y * log(a)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if np.asarray(b).dtype.kind in "iu" and np.asarray(a).dtype.kind in "biu" \
                and (np.asarray(b) < 0).any():
            # torch's integer a ** negative b (numpy refuses): 1 for a == 1, +-1 for
            # a == -1, else 0 (the truncated quotient 1 / a**|b|)
            neg = np.asarray(b) < 0
            odd = np.where(np.asarray(b) % 2 == 0, 1, -1)
            special = np.where(a == 1, 1, np.where(a == -1, odd, 0))
            return np.where(neg, special, a ** np.where(neg, 0, b)).astype(
                np.result_type(a, b))
        return a**b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        da = db = None
        if na:
            # Where b == 0 the gradient is 0 (as PyTorch), even at a == 0 where
            # b * a**(b-1) would be 0 * inf = NaN: use exponent 1 there instead.
            zero_b = np.asarray(b) == 0
            e = ctx.xp.where(zero_b, 1, b) if zero_b.any() else b
            da = g * b * a ** (e - 1)
        if nb:
            # d(a^b)/db = a^b log a, taken as 0 where a == 0 (as PyTorch does) so that
            # 0 ** b does not poison the exponent's gradient with NaN.
            safe_a = ctx.xp.where(np.asarray(a) == 0, 1, a)
            db = g * a**b * ctx.xp.log(safe_a)
        return da, db


class Exp(Function):
    """y = exp(x);  dx = g * y"""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class Log(Function):
    """y = log(x);  dx = g / x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  dx = g * y * (1 - y)

    A primitive, not a composite: the composite's backward overflows to inf/inf = NaN
    for x < -88 (float32), while y * (1 - y) stays exact.
    """

    @staticmethod
    def forward(ctx, x):
        # exp of a non-positive number never overflows: split on the sign of x.
        e = np.exp(-np.abs(x))
        y = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y * (1 - y)


class Tanh(Function):
    """y = tanh(x);  dx = g * (1 - y**2)

    A primitive for the same reason as Sigmoid: a composite through exp overflows.
    """

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1 - y * y)


class ReLU(Function):
    """y = max(x, 0);  dx = g * (x > 0)"""

    @staticmethod
    def forward(ctx, x):
        # As torch: relu(-1) is +0.0 and relu(-inf) is 0 (x * mask would give -0.0 and
        # NaN), relu(-0.0) stays -0.0 and NaN passes through with gradient g.
        ctx.mask = ~(x <= 0)
        return np.maximum(x.dtype.type(0), x)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.mask


class Maximum(Function):
    """y = max(a, b);  da = g * [a > b] + g/2 * [a == b],  db likewise (ties split as PyTorch)"""

    @staticmethod
    def forward(ctx, a, b):
        wa = (a > b) + 0.5 * (a == b)
        ctx.wa = wa.astype(np.result_type(a, b), copy=False)  # a constant, not saved
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.wa, g * (1 - ctx.wa)


class Where(Function):
    """y = c ? a : b;  da = g * c,  db = g * (1 - c)   (c is a boolean constant)"""

    @staticmethod
    def forward(ctx, c, a, b):
        ctx.c = c = c.astype(bool, copy=False)
        return np.where(c, a, b)

    @staticmethod
    def backward(ctx, g):
        c = ctx.c
        _, na, nb = ctx.needs_input_grad
        return None, (g * c if na else None), (g * ~c if nb else None)


class Copy(Function):
    """y = copy of x as dtype;  dx = g (cast back to x's dtype by the engine)"""

    @staticmethod
    def forward(ctx, x, dtype, order="K"):
        return np.array(x, dtype=dtype, copy=True, order=order)

    @staticmethod
    def backward(ctx, g):
        return g


class Hypot(Function):
    """y = sqrt(a**2 + b**2);  da = g * a / y,  db = g * b / y"""

    @staticmethod
    def forward(ctx, a, b):
        y = np.hypot(a, b)  # no overflow for huge a, b (unlike sqrt(a*a + b*b))
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        return g * a / y, g * b / y
