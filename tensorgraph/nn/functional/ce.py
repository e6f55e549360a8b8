"""``cross_entropy`` (fused log-softmax + NLL) and ``nll_loss`` (composite)."""

from __future__ import annotations

import numpy as np

from ..._checks import check_finite_loss
from ...autograd import Function
from ...tensor import Tensor
from .activation import LogSoftmax
from .check import as_tensor, floating
from .check import reduction as reduction_arg
from .fused import composite_grad, const, is_array

__all__ = ["cross_entropy", "nll_loss"]


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


class CrossEntropy(Function):
    """l = -sum_c a_c log softmax(x)_c with a = (1-eps) w_t onehot(t) + (eps/C) w
    (or a = w * ((1-eps) target + eps/C) for class-probability targets);
    dx = softmax(x) * sum_c a_c - a,  dtarget = -(1-eps) w log softmax(x)

    Fused for speed and stability: one node; the max-subtracted exp is computed once
    and serves as both log-softmax (forward) and softmax (backward), so logits of 1e4
    give exact finite values, and the backward is one expression (softmax - onehot).
    """

    @staticmethod
    def forward(ctx, x, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean", probs=False):
        x2 = rows(x)
        m, c = x2.shape
        z = x2 - x2.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        logp = z - np.log(s)
        ctx.p, eps = e / s, label_smoothing
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
        if reduction == "none":
            return loss.reshape(x.shape[:1] + x.shape[2:])
        total = loss.sum()
        with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: NaN, as torch
            out = total if reduction == "sum" else total / ctx.denom
        return np.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        k = ctx.kwargs
        if not is_array(g):
            return composite_grad(ctx, g, lambda x, t: ce_composite(x, t, **k))
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


# ---------------------------------------------------------------- validation
def _check(op: str, input, target, weight, ignore_index: int, eps: float):
    """Validate and normalise arguments; returns (x, target, weight array, probs)."""
    x = floating(as_tensor(input, op), op)
    t = as_tensor(target, op, "target")
    shapes = f"(input {x.shape}, target {t.shape})"
    if x.ndim == 0:
        raise ValueError(f"{op}: input must have a class dim, got a 0-D tensor.")
    if x.ndim == 1:  # one unbatched prediction (C,)
        x, t = x.unsqueeze(0), t.unsqueeze(0)
    c = x.shape[1]
    index_shape = x.shape[:1] + x.shape[2:]
    probs = t.dtype.kind == "f" and t.shape == x.shape
    if t.dtype.kind == "f" and not probs:
        if t.shape == index_shape:
            raise TypeError(
                f"{op}: target is {t.dtype} with shape {t.shape}, which looks like class "
                f"indices, but class-index targets must be integers: use target.long(). "
                f"(Float targets are class probabilities and need the input's shape "
                f"{x.shape}.)"
            )
        raise ValueError(
            f"{op}: target shape {t.shape} does not match input {x.shape}: expected "
            f"class indices of shape {index_shape} or class probabilities of shape "
            f"{x.shape}."
        )
    if not probs:
        if t.dtype.kind not in "iu":
            raise TypeError(f"{op}: target must hold integer class indices, got {t.dtype}.")
        if t.shape != index_shape:
            raise ValueError(
                f"{op}: target shape {t.shape} does not match input {x.shape}: expected "
                f"class indices of shape {index_shape} (the input's shape without dim 1, "
                f"the {c} classes)."
            )
        labels = t.array[t.array != ignore_index]
        if labels.size and (labels.min() < 0 or labels.max() >= c):
            bad = int(labels.max()) if labels.max() >= c else int(labels.min())
            raise ValueError(
                f"{op}: target has class {bad} but input has {c} classes {shapes}. "
                f"Labels must be in [0, {c - 1}] (or ignore_index={ignore_index})."
            )
    if not 0 <= eps <= 1:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {eps}.")
    w = None
    if weight is not None:
        wt = as_tensor(weight, op, "weight")
        if wt.shape != (c,):
            raise ValueError(
                f"{op}: weight has shape {wt.shape} but the input has {c} classes; it must "
                f"have shape ({c},), one weight per class."
            )
        w = np.asarray(wt.array, dtype=x.dtype)
    return x, t, w, probs


def _unbatch(out: Tensor, input, how: str) -> Tensor:
    return out.squeeze(0) if how == "none" and as_tensor(input, "").ndim == 1 else out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy on raw scores, as ``torch.nn.functional.cross_entropy``.

    Args:
        input: logits ``(N, C)``, ``(N, C, d1, ...)`` or unbatched ``(C,)``.
        target: class indices (integers) of shape ``(N,)`` / ``(N, d1, ...)``, or
            class probabilities (floats) with the input's shape.
        weight: ``(C,)`` weight per class, or None.
        ignore_index: a target value that contributes nothing (index targets only).
        reduction: ``'mean'`` (weighted mean over non-ignored targets) | ``'sum'`` |
            ``'none'``.
        label_smoothing: mix the target with the uniform distribution by this amount.

    Example:
        >>> logits, labels = tg.randn(64, 10), tg.randint(0, 10, (64,))
        >>> F.cross_entropy(logits, labels)
    """
    op = "cross_entropy"
    how = reduction_arg(reduction, op)
    x, t, w, probs = _check(op, input, target, weight, ignore_index, label_smoothing)
    out = CrossEntropy.apply(x, t, weight=w, ignore_index=ignore_index,
                             label_smoothing=float(label_smoothing), reduction=how,
                             probs=probs)
    return check_finite_loss(_unbatch(out, input, how), op)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities (a composite).

    ``loss_i = -weight[t_i] * input[i, t_i]``; 'mean' divides by the summed weights of
    the non-ignored targets, as torch. Use on ``log_softmax`` outputs.

    Args:
        input: log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: integer class indices ``(N,)`` / ``(N, d1, ...)``.

    Example:
        >>> F.nll_loss(F.log_softmax(logits, dim=1), labels)
    """
    op = "nll_loss"
    how = reduction_arg(reduction, op)
    x, t, w, probs = _check(op, input, target, weight, ignore_index, 0.0)
    if probs:
        raise TypeError(f"{op}: target must hold integer class indices of shape "
                        f"{x.shape[:1] + x.shape[2:]}, got floats of shape {t.shape}.")
    out = _unbatch(class_loss(x, t, w, ignore_index, 0.0, how, False), input, how)
    return check_finite_loss(out, op)
