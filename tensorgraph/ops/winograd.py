"""Winograd F(2x2, 3x3) for a stride-1, dilation-1 3x3 convolution, forward and backward.

Each 2x2 output tile comes from a 4x4 input tile ``d`` (stride 2):
``Y = A^T [ (G g G^T) (.) (B^T d B) ] A``, so the 9 multiply-adds per output pixel and
input channel become 4: the three GEMMs of the layer shrink by 2.25x, and the tile
transforms are a handful of strided adds/subtracts (entries 0, +-1, +-1/2).

Signs: against the textbook matrices, row 3 of ``B^T`` and column 3 of ``A^T`` are
negated (``B^T[3] = (0, -1, 0, 1)``, ``A^T[:, 3] = (0, 1)``). Both scale tile element
(i, j) by s_i s_j with s = (1, 1, 1, -1), so the flips cancel in ``U (.) V`` and ``G`` is
unchanged; in exchange the adjoint transforms in the backward start from plain copies
and views instead of negated ones.

Layout: everything is batch-last as in ``conv.py``: the padded input is
``(C, Hq, Wq, N)``, a transformed tile set is ``(16, C, P)`` with
``P = th * tw * N`` (``th, tw`` = tiles down/across), and the output is
``(O, 2 th, 2 tw, N)``, cropped to ``(Ho, Wo)`` when Ho or Wo is odd.
"""

from __future__ import annotations

import numpy as np

__all__ = ["weight_transform", "weight_grad", "input_transform", "input_grad",
           "output_transform", "output_grad", "tiles"]

# G (4x3): U = G g G^T (textbook). B^T, A^T: see the module docstring for the signs.
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
_AT = np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 1.0, -1.0, 1.0]])
# Both 2-D transforms as one matrix on flattened tiles: vec(G g G^T) = (G kron G) vec(g).
_KG = np.kron(_G, _G)  # (16, 9)
_KA = np.kron(_AT, _AT)  # (4, 16): a 2x2 output tile from a 4x4 M tile


def tiles(ho: int, wo: int) -> tuple:
    """Output tiles (th, tw) of 2x2 covering an (ho, wo) output."""
    return (ho + 1) // 2, (wo + 1) // 2


def weight_transform(w: np.ndarray, dtype) -> np.ndarray:
    """U = G g G^T for every (O, C) pair: w (O, C, 3, 3) -> (16, O, C), contiguous."""
    o, c = w.shape[:2]
    return (_KG.astype(dtype) @ w.reshape(o * c, 9).T.astype(dtype)).reshape(16, o, c)


def weight_grad(du: np.ndarray, shape: tuple) -> np.ndarray:
    """Adjoint of weight_transform: dg = G^T dU G, (16, O, C) -> (O, C, 3, 3)."""
    return (du.reshape(16, -1).T @ _KG.astype(du.dtype)).reshape(shape)


def input_transform(xq: np.ndarray, th: int, tw: int) -> np.ndarray:
    """V = B^T d B of every 4x4 tile (stride 2) of xq (C, 2th+2, 2tw+2, N) -> (16, C, P).

    Across first (4 passes with runs of N floats), then down (4 passes over all 4
    column results at once, runs of tw*N floats).
    """
    c, hq, _, n = xq.shape
    c0, c1, c2, c3 = (xq[:, :, b:b + 2 * tw:2] for b in range(4))  # (C, Hq, tw, N)
    t = np.empty((4, c, hq, tw, n), xq.dtype)  # t[j] = d B[:, j], every row
    np.subtract(c0, c2, out=t[0])
    np.add(c1, c2, out=t[1])
    np.subtract(c2, c1, out=t[2])
    np.subtract(c3, c1, out=t[3])
    r0, r1, r2, r3 = (t[:, :, a:a + 2 * th:2] for a in range(4))  # (4, C, th, tw, N)
    v = np.empty((4, 4, c, th, tw, n), xq.dtype)
    np.subtract(r0, r2, out=v[0])
    np.add(r1, r2, out=v[1])
    np.subtract(r2, r1, out=v[2])
    np.subtract(r3, r1, out=v[3])
    return v.reshape(16, c, -1)


def _overlap_add(f: np.ndarray, out: np.ndarray) -> None:
    """out = the adjoint of "4-wide windows at stride 2 along axis 2, then B^T", i.e.
    B f overlap-added: f (4, .., .., T, ..) -> out (.., .., 2T+2, ..). With the columns
    of B^T, F0 = f0, F1 = f1 - f2 - f3, F2 = f1 + f2 - f0, F3 = f3, and
    out[2t] = F0[t] + F2[t-1], out[2t+1] = F1[t] + F3[t-1]."""
    f0, f1, f2, f3 = f
    t = f0.shape[2]
    ev, od = out[:, :, 0::2], out[:, :, 1::2]  # T + 1 each along axis 2
    np.add(f1, f2, out=ev[:, :, 1:])
    ev[:, :, 1:] -= f0
    ev[:, :, 0] = 0
    ev[:, :, :t] += f0
    np.subtract(f1, f2, out=od[:, :, :t])
    od[:, :, :t] -= f3
    od[:, :, t] = 0
    od[:, :, 1:] += f3


def input_grad(dv: np.ndarray, c: int, th: int, tw: int, n: int) -> np.ndarray:
    """Adjoint of input_transform: dd = B dV B^T per tile, overlap-added (stride 2) into
    a (C, 2th+2, 2tw+2, N) padded input gradient. Down first (long runs), then across."""
    dv = dv.reshape(4, 4, c, th, tw, n)
    r = np.empty((4, c, 2 * th + 2, tw, n), dv.dtype)  # r[j]: rows done, columns not
    _overlap_add(dv, r)
    out = np.empty((c, 2 * th + 2, 2 * tw + 2, n), dv.dtype)
    _overlap_add(r, out)
    return out


def output_transform(m: np.ndarray, o: int, th: int, tw: int, n: int) -> np.ndarray:
    """Y = A^T M A per tile: m (16, O, P) -> y (O, 2th, 2tw, N).

    One small GEMM (4, 16) @ (16, O*P) gives the four output phases (r, s) apart;
    one strided copy interleaves them into rows/columns 2t + r, 2t + s.
    """
    y4 = (_KA.astype(m.dtype) @ m.reshape(16, -1)).reshape(2, 2, o, th, tw, n)
    y = np.empty((o, th, 2, tw, 2, n), m.dtype)
    np.copyto(y, y4.transpose(2, 3, 0, 4, 1, 5))
    return y.reshape(o, 2 * th, 2 * tw, n)


def output_grad(g: np.ndarray, th: int, tw: int) -> np.ndarray:
    """Adjoint of output_transform: dM = A dY A^T per tile, g (N, O, Ho, Wo) -> (16, O, P).

    g (any memory order) is split into its four phases (r, s) by one strided copy
    (zeros where an odd Ho or Wo leaves a tile half outside); then, with A's rows
    (1, 0), (1, 1), (1, -1), (0, 1): the columns j = 0, 3 of every dM tile are copies
    and sums of the phases, and the columns j = 1, 2 their sum and difference.
    """
    n, o, ho, wo = g.shape
    gb = g.transpose(1, 2, 3, 0)  # (O, Ho, Wo, N) view
    d = np.empty((2, 2, o, th, tw, n), g.dtype)
    if ho == 2 * th and wo == 2 * tw:
        np.copyto(d, gb.reshape(o, th, 2, tw, 2, n).transpose(2, 4, 0, 1, 3, 5))
    else:
        for r in range(2):
            for s in range(2):
                ph = gb[:, r::2, s::2]
                d[r, s, :, ph.shape[1]:] = 0
                d[r, s, :, :ph.shape[1], ph.shape[2]:] = 0
                d[r, s, :, :ph.shape[1], :ph.shape[2]] = ph
    dm = np.empty((4, 4, o, th, tw, n), g.dtype)
    for s, j in ((0, 0), (1, 3)):
        dm[0, j] = d[0, s]
        np.add(d[0, s], d[1, s], out=dm[1, j])
        np.subtract(d[0, s], d[1, s], out=dm[2, j])
        dm[3, j] = d[1, s]
    np.add(dm[:, 0], dm[:, 3], out=dm[:, 1])
    np.subtract(dm[:, 0], dm[:, 3], out=dm[:, 2])
    return dm.reshape(16, o, -1)
