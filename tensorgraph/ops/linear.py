"""The fused affine map ``Linear`` (x @ W^T + b in one node)."""

from __future__ import annotations

from ..autograd import Function

__all__ = ["Linear"]


class Linear(Function):
    """y = x @ W^T + b;  dx = g @ W,  dW = g^T @ x,  db = sum(g)   (leading dims flattened)

    Fused for speed: one node instead of three (MatMul, transpose, Add); W^T is a view
    that BLAS reads transposed (no copy); the leading dims of x are flattened so dW is
    a single GEMM; gradients nobody needs (e.g. of the input batch) are not computed.
    The backward uses only operators, so it also runs on Tensors (create_graph).
    """

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        out = x @ w.T
        if b is not None:
            out += b  # out is a fresh array: add the bias in place
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        g2 = g.reshape(-1, g.shape[-1])
        dx = g @ w if need[0] else None
        dw = g2.mT @ x.reshape(-1, x.shape[-1]) if need[1] else None
        db = g2.sum(axis=0) if len(need) > 2 and need[2] else None
        return dx, dw, db
