"""Singular values (``linalg.svdvals``), the primitive behind the nuclear and spectral
norms, with the gradient torch gives (first and second order).

``dA = U diag(gS) V^T`` depends on ``A`` through ``U`` and ``V``, so under
``create_graph`` backward records :class:`SvdvalsBackward`, whose own backward is
torch's ``svd_backward`` for the gradients reaching ``U`` and ``V``. Singular values must
be distinct for that second order (as torch: repeated ones give inf/NaN there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


def _mT(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def _svd(a: np.ndarray) -> tuple:
    return np.linalg.svd(a, full_matrices=False)


def svd_backward(gU: np.ndarray, gVh: np.ndarray, U: np.ndarray, S: np.ndarray,
                 Vh: np.ndarray) -> np.ndarray:
    """dA for gradients ``gU``, ``gVh`` of a thin SVD ``A = U diag(S) Vh`` (gS = 0), as
    torch's ``svd_backward`` (real case)."""
    m, n, k = U.shape[-2], Vh.shape[-1], S.shape[-1]
    # Operators and .mT only, so this also runs on Tensors (linalg.svd's create_graph).
    V, gV = Vh.mT, gVh.mT
    skew = lambda x: x - x.mT  # noqa: E731
    UhgU, VhgV = skew(U.mT @ gU), skew(Vh @ gV)
    S2 = S * S
    dtype = S.dtype if isinstance(S, np.ndarray) else S.array.dtype
    E = S2[..., None, :] - S2[..., :, None] + np.eye(k, dtype=dtype)  # 1 on the diagonal
    inner = (UhgU * S[..., None, :] + S[..., :, None] * VhgV) / E
    if m > k:  # U's columns span only part of R^m: (I - U U^T) gU S^-1 adds the rest
        gUSinv = gU / S[..., None, :]
        gA = U @ inner + gUSinv - U @ (U.mT @ gUSinv)
        return gA @ Vh
    if n > k:
        SinvgVh = gVh / S[..., :, None]
        gA = inner @ Vh + SinvgVh - (SinvgVh @ V) @ Vh
        return U @ gA
    return U @ inner @ Vh


class Svdvals(Function):
    """y = singular values of x (descending, over the last two dims);  dx = U diag(g) V^T"""

    @staticmethod
    def forward(ctx, x):
        U, S, Vh = _svd(x)
        ctx.save_for_backward(x)
        ctx.U, ctx.Vh = U, Vh
        return S

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if hasattr(g, "grad_fn"):  # create_graph: dx is itself differentiable in x and g
            return SvdvalsBackward.apply(x, g)
        return ctx.U @ (g[..., :, None] * ctx.Vh)


class SvdvalsBackward(Function):
    """y = U diag(g) V^T with U, V from svd(x);  dg = diag(U^T G V),
    dx = svd_backward(gU = G V diag(g), gVh = diag(g) U^T G)"""

    @staticmethod
    def forward(ctx, x, g):
        U, S, Vh = _svd(x)
        ctx.U, ctx.S, ctx.Vh, ctx.g = U, S, Vh, g
        return U @ (g[..., :, None] * Vh)

    @staticmethod
    def backward(ctx, G):
        if hasattr(G, "array"):
            raise NotImplementedError(
                "linalg.svdvals: third-order gradients are not implemented (first and "
                "second order are)."
            )
        U, S, Vh, g = ctx.U, ctx.S, ctx.Vh, ctx.g
        UtGV = _mT(U) @ G @ _mT(Vh)
        dg = np.diagonal(UtGV, axis1=-2, axis2=-1)
        gU = (G @ _mT(Vh)) * g[..., None, :]
        gVh = g[..., :, None] * (_mT(U) @ G)
        return svd_backward(gU, gVh, U, S, Vh), dg


def svdvals(x: Any) -> Any:
    """The recorded singular values of a Tensor (the last two dims are the matrix)."""
    return Svdvals.apply(x)
