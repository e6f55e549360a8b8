"""Division with a rounding mode (``torch.div(a, b, rounding_mode='trunc'|'floor')``).

The result is piecewise constant in both inputs, so the gradient is zero, as in torch
(which records the node and sends back zeros). Integer inputs stay integer.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


def _check_integer_zero(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype.kind in "iub" and b.dtype.kind in "iub" and not np.all(b):
        raise RuntimeError("ZeroDivisionError: div: integer division by zero (a divisor "
                           "element is 0); use a float tensor for inf/nan results.")


class DivFloor(Function):
    """y = floor(a / b) (Python's //, as torch's div_floor);  da = 0,  db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        _check_integer_zero(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g * 0


class DivTrunc(Function):
    """y = trunc(a / b) (C's integer division);  da = 0,  db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        _check_integer_zero(a, b)
        if a.dtype.kind in "iub":
            q = np.floor_divide(a, b)
            # floor and trunc differ where the exact quotient is negative and not whole
            q += (np.remainder(a, b) != 0) & ((a < 0) != (b < 0))
            return q
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.trunc(a / b)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g * 0
