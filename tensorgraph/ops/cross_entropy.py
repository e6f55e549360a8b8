"""Cross-entropy on logits: the fused ``CrossEntropy`` (log-softmax + weighted NLL in one
node) and its composite twin ``ce_composite``, which ``nll_loss`` shares (``class_loss``)."""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from .activation import LogSoftmax
from .fused import const

__all__ = ["CrossEntropy", "ce_composite", "class_loss"]


def rows(a: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) -> (N*d1*..., C): one row of class scores per prediction."""
    return a if a.ndim == 2 else np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def unrows(a2: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of :func:`rows`."""
    if len(shape) == 2:
        return a2
    return np.moveaxis(a2.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)


class _Targets:
    """Class-index targets flattened to one per row, with ignore_index resolved."""

    def __init__(self, t: np.ndarray, w: np.ndarray | None, ignore_index: int, dtype):
        t = t.reshape(-1)
        self.valid = t != ignore_index
        self.safe = np.where(self.valid, t, 0)  # an ignored row points at class 0, weight 0
        wt = self.valid.astype(dtype) if w is None else w[self.safe] * self.valid
        self.wt = wt  # per-row weight w[t] (0 where ignored)
        self.denom = np.asarray(wt.sum(), dtype=dtype)  # 'mean' divides by this, as torch


_ARANGE: dict = {}


def _arange(m: int) -> np.ndarray:
    """np.arange(m), read-only and kept: the row index of every loss call."""
    r = _ARANGE.get(m)
    if r is None:
        r = np.arange(m)
        r.flags.writeable = False
        if len(_ARANGE) < 64:
            _ARANGE[m] = r
    return r


def _reduce(loss: np.ndarray, x: np.ndarray, how: str, denom: np.ndarray) -> np.ndarray:
    """The per-row losses reduced as ``reduction`` says (the output of forward)."""
    if how == "none":
        return loss.reshape(x.shape[:1] + x.shape[2:])
    total = np.add.reduce(loss, axis=None)
    if how == "sum":
        return np.asarray(total, dtype=x.dtype)
    if denom:
        return np.asarray(total / denom, dtype=x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: NaN, as torch
        return np.asarray(total / denom, dtype=x.dtype)


class CrossEntropy(Function):
    """l = mean_n -log softmax(x)[t];  dx = g * (softmax(x) - onehot(t)) / N

    In general l = -sum_c a_c log softmax(x)_c with a = (1-eps) w_t onehot(t) + (eps/C) w
    (or a = w * ((1-eps) target + eps/C) for class-probability targets), so
    dx = g * (softmax(x) * sum_c a_c - a) / (N, or sum of w_t with weights; 1 for 'sum'),
    dtarget = -(1-eps) w log softmax(x) (times the same g / N).

    Fused for speed and stability: one node; the max-subtracted exp is computed once
    and serves as both log-softmax (forward) and softmax (backward), so logits of 1e4
    give exact finite values, and the backward is one expression (softmax - onehot).
    """

    @staticmethod
    def forward(ctx, x, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean", probs=False):
        x2 = rows(x)
        m, c = x2.shape
        # ufunc.reduce, not x2.max()/.sum(): the same reductions without the Python
        # wrappers (a few µs per call, which is most of the op at small batches).
        z = x2 - np.maximum.reduce(x2, axis=1, keepdims=True)
        e = np.exp(z)
        s = np.add.reduce(e, axis=1, keepdims=True)
        eps = label_smoothing
        if not probs and weight is None and not eps:
            t = target.reshape(-1)
            if not (t == ignore_index).any():
                # The usual case: plain class indices, nothing ignored, no weights. The
                # general formulas below with w_t = 1 and eps = 0, term for term (the
                # same floats): loss_n = -(z - log s)[n, t_n], p = e / s.
                ctx.t, ctx.denom = t, np.asarray(m, dtype=x.dtype)
                loss = np.negative(z[_arange(m), t] - np.log(s[:, 0]))
                np.divide(e, s, out=e)  # e is ours: softmax in place
                ctx.p = e
                return _reduce(loss, x, reduction, ctx.denom)
        logp = z - np.log(s)
        ctx.p = e / s
        if probs:
            a = rows(target)
            if eps:
                a = a * (1 - eps) + eps / c
            if weight is not None:
                a = a * weight
            loss = -(logp * a).sum(axis=1)
            ctx.a, ctx.denom, ctx.logp = a, m, logp  # logp: for d/dtarget
        else:
            tg_ = _Targets(target, weight, ignore_index, x.dtype)
            loss = -(1 - eps) * tg_.wt * logp[np.arange(m), tg_.safe]
            if eps:
                smooth = logp.sum(axis=1) if weight is None else logp @ weight
                loss -= (eps / c) * smooth * tg_.valid
            ctx.t, ctx.denom = tg_, tg_.denom
        return _reduce(loss, x, reduction, ctx.denom)

    @staticmethod
    def composite(ctx, x, t):
        return ce_composite(x, t, **ctx.kwargs)

    @staticmethod
    def backward(ctx, g):
        k = ctx.kwargs
        eps, how, w = k["label_smoothing"], k["reduction"], k["weight"]
        gs = g.reshape(-1) if how == "none" else (g if how == "sum" else g / ctx.denom)
        p = ctx.p
        c = p.shape[1]
        dx = dt = None
        if k["probs"]:
            if ctx.needs_input_grad[0]:
                dx = p * (ctx.a.sum(axis=1) * gs)[:, None] - ctx.a * np.reshape(gs, (-1, 1))
            if ctx.needs_input_grad[1]:
                dt2 = -ctx.logp * (1 - eps) * np.reshape(gs, (-1, 1))
                dt = unrows(dt2 if w is None else dt2 * w, ctx.inputs[0].shape)
        elif type(ctx.t) is np.ndarray:  # the plain case of forward: w_t = 1, eps = 0
            gcol = gs if gs.ndim == 0 else gs.reshape(-1, 1)
            dx = p * gcol
            dx[_arange(p.shape[0]), ctx.t] -= gs
        else:
            t = ctx.t
            total_w = t.wt * (1 - eps)  # sum_c a_c per row
            if eps:
                # valid as p's dtype: a Python float times a bool array is float64
                total_w = total_w + (eps * (c if w is None else w.sum()) / c) * t.valid.astype(
                    p.dtype)
            dx = p * (total_w * gs)[:, None]
            if eps:
                dx -= (eps / c) * (1 if w is None else w) * (t.valid * gs)[:, None]
            dx[np.arange(p.shape[0]), t.safe] -= (1 - eps) * t.wt * gs
        if dx is not None:
            dx = unrows(dx, ctx.inputs[0].shape)
        return dx, dt


def ce_composite(x: Tensor, t: Tensor, weight=None, ignore_index=-100, label_smoothing=0.0,
                 reduction="mean", probs=False) -> Tensor:
    """cross_entropy from primitives: log_softmax then the weighted NLL (create_graph)."""
    logp = LogSoftmax.apply(x, dim=1)
    return class_loss(logp, t, weight, ignore_index, label_smoothing, reduction, probs)


def class_loss(logp: Tensor, t: Tensor, weight, ignore_index: int, eps: float, how: str,
               probs: bool) -> Tensor:
    """-sum_c a_c logp_c per prediction (see CrossEntropy), reduced as torch does."""
    c = logp.shape[1]
    lp = logp if logp.ndim == 2 else logp.permute(0, *range(2, logp.ndim), 1).reshape(-1, c)
    if probs:
        a = t if t.ndim == 2 else t.permute(0, *range(2, t.ndim), 1).reshape(-1, c)
        if eps:
            a = a * (1 - eps) + eps / c
        if weight is not None:
            a = a * const(weight)
        loss, denom = -(lp * a).sum(dim=1), lp.shape[0]
    else:
        tt = _Targets(t.array, weight, ignore_index, logp.dtype)
        picked = lp[np.arange(lp.shape[0]), tt.safe]
        loss = picked * const(tt.wt * -(1 - eps))
        if eps:
            smooth = lp.sum(dim=1) if weight is None else lp @ const(weight)
            loss = loss - smooth * const((tt.valid * (eps / c)).astype(logp.dtype))
        denom = tt.denom
    if how == "none":
        return loss.reshape(logp.shape[:1] + logp.shape[2:])
    if how == "sum":
        return loss.sum()
    return loss.sum() * (1.0 / float(denom) if float(denom) else float("nan"))
