"""Decompositions with several differentiable outputs: eigh, qr, svd (torch.linalg).

A Function has one output, so each forward returns its factors packed side by side in
one flat array (``(..., n_1 + n_2 + ...)``); :func:`unpack` cuts them out again with
recorded indexing, so a gradient reaching any factor flows back through the one node.
Backward unpacks the gradient the same way (factors the loss did not use get zeros, which
is what torch's undefined gradients mean). The formulas are torch's (real case).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function
from .linalg_solve import solve_any
from .svd import svd_backward


def pack(arrays: list, batch: tuple) -> np.ndarray:
    """Factors with batch dims ``batch``, flattened and joined on the last axis."""
    return np.concatenate([a.reshape(batch + (-1,)) for a in arrays], -1)


def unpack(flat: Any, shapes: list) -> list:
    """The factors of shapes ``shapes`` (trailing dims only) out of ``flat``."""
    batch, out, start = tuple(flat.shape[:-1]), [], 0
    for shape in shapes:
        size = int(np.prod(shape, dtype=np.int64))
        out.append(flat[..., start:start + size].reshape(batch + tuple(shape)))
        start += size
    return out


def _eye_like(n: int, x: Any) -> np.ndarray:
    return np.eye(n, dtype=x.dtype if isinstance(x, np.ndarray) else x.array.dtype)


class Eigh(Function):
    """y = [L | V] = eigh(A), packed;  dA = V (diag(gL) + skew(V^T gV) / (L_j - L_i)) V^T"""

    @staticmethod
    def forward(ctx, a, uplo="L"):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        n = a.shape[-1]
        ctx.shapes = [(n,), (n, n)]
        out = pack([w, v], a.shape[:-2])
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        w, v = unpack(out, ctx.shapes)
        gw, gv = unpack(g, ctx.shapes)
        n = w.shape[-1]
        eye = _eye_like(n, w)
        vtg = v.mT @ gv
        skew = (vtg - vtg.mT) * 0.5
        gap = w[..., None, :] - w[..., :, None] + eye  # 1 on the diagonal (skew is 0 there)
        inner = skew / gap + gw[..., :, None] * eye
        return v @ inner @ v.mT


def _qr_tall_backward(q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """dA of A = Q R with k = n <= m (R square): torch's linalg_qr_backward, m >= n."""
    k = r.shape[-2]
    dtype = q.dtype if isinstance(q, np.ndarray) else q.array.dtype
    upper = np.triu(np.ones((k, k), dtype))
    mm = (gr @ r.mT - q.mT @ gq) * upper
    sym = mm + mm.mT - mm * np.eye(k, dtype=dtype)
    ga = q @ sym + gq
    return solve_any(r, ga.mT).mT  # ga R^-T


class Qr(Function):
    """y = [Q | R] = qr(A), packed;  dA = (gQ + Q copyltu(M)) R^-T, M = triu(gR R^T -
    Q^T gQ) for m >= n; for m < n, A = [X | Y], R = [U | V]: dY = Q gV and dX from
    the square case with gQ + Y gV^T  (torch's linalg_qr_backward)"""

    @staticmethod
    def forward(ctx, a, mode="reduced"):
        q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        ctx.shapes, ctx.mode = [q.shape[-2:], r.shape[-2:]], mode
        out = pack([q, r], a.shape[:-2])
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        q, r = unpack(out, ctx.shapes)
        gq, gr = unpack(g, ctx.shapes)
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not "
                               "computed when mode='r'. Please use linalg.qr(A, "
                               "mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_tall_backward(q, r, gq, gr)
        y, gu, gv = a[..., m:], gr[..., :m], gr[..., m:]
        gx = _qr_tall_backward(q, r[..., :m], gq + y @ gv.mT, gu)
        dtype = q.dtype if isinstance(q, np.ndarray) else q.array.dtype
        place = np.eye(n, dtype=dtype)  # [gX | gY] = gX @ I[:m] + gY @ I[m:]
        return gx @ place[:m] + (q @ gv) @ place[m:]


class Svd(Function):
    """y = [U | S | Vh] = svd(A), packed;  dA = U diag(gS) Vh + svd_backward(gU, gVh)  (thin parts;
    for full_matrices only the first k columns of U / rows of Vh carry gradient, as torch)"""

    @staticmethod
    def forward(ctx, a, full_matrices=True):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        ctx.shapes = [u.shape[-2:], s.shape[-1:], vh.shape[-2:]]
        out = pack([u, s, vh], a.shape[:-2])
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        u, s, vh = unpack(out, ctx.shapes)
        gu, gs, gvh = unpack(g, ctx.shapes)
        k = s.shape[-1]
        u, vh, gu, gvh = u[..., :k], vh[..., :k, :], gu[..., :k], gvh[..., :k, :]
        ga = u @ (gs[..., :, None] * vh)
        if ctx.xp.values(gu).any() or ctx.xp.values(gvh).any():  # as torch: no U/V terms (and no 1/(s_i^2 - s_j^2)) unless used
            ga = ga + svd_backward(gu, gvh, u, s, vh)
        return ga
