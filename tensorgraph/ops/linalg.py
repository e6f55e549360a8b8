"""Matrix multiplication (batched, with broadcasting of the batch dimensions)."""

from __future__ import annotations

from ..autograd import Function


class MatMul(Function):
    """y = a @ b;  da = g @ b^T,  db = a^T @ g   (batch dims summed back by the engine)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (g @ b.mT if na else None), (a.mT @ g if nb else None)
