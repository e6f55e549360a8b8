"""``cross_entropy`` (the fused ``ops.cross_entropy.CrossEntropy``) and ``nll_loss``
(composite): argument checks and the ``.apply`` call."""

from __future__ import annotations

import numpy as np

from ...checks import check_finite_loss
from ...ops.cross_entropy import CrossEntropy, class_loss
from ...tensor import Tensor
from .check import as_tensor, floating
from .check import reduction as reduction_arg
from ...autograd.node_names import named

__all__ = ["cross_entropy", "nll_loss"]


# ---------------------------------------------------------------- validation
def _check(op: str, input, target, weight, ignore_index: int, eps: float):
    """Validate and normalise arguments; returns (x, target, weight array, probs)."""
    x = floating(as_tensor(input, op), op)
    t = as_tensor(target, op, "target")
    given = (x.array.shape, t.array.shape)  # for messages, before any unsqueeze
    if x.ndim == 0:
        raise ValueError(f"{op}: input must have a class dim, got a 0-D tensor.")
    if x.ndim == 1:  # one unbatched prediction (C,)
        x, t = x.unsqueeze(0), t.unsqueeze(0)
    c = x.array.shape[1]
    index_shape = x.array.shape[:1] + x.array.shape[2:]
    probs = t.array.dtype.kind == "f" and t.array.shape == x.array.shape
    if t.array.dtype.kind == "f" and not probs:
        if t.shape == index_shape:
            raise TypeError(
                f"{op}: target is {t.dtype} with shape {tuple(t.shape)}, which looks like class "
                f"indices, but class-index targets must be integers: use target.long(). "
                f"(Float targets are class probabilities and need the input's shape "
                f"{tuple(x.shape)}.)"
            )
        raise ValueError(
            f"{op}: target shape {tuple(t.shape)} does not match input {tuple(x.shape)}: expected "
            f"class indices of shape {index_shape} or class probabilities of shape "
            f"{tuple(x.shape)}."
        )
    if not probs:
        if t.array.dtype.kind not in "iu":
            raise TypeError(f"{op}: target must hold integer class indices, got {t.dtype}.")
        if t.array.shape != index_shape:
            raise ValueError(
                f"{op}: target shape {tuple(t.shape)} does not match input {tuple(x.shape)}: expected "
                f"class indices of shape {index_shape} (the input's shape without dim 1, "
                f"the {c} classes)."
            )
        ta = t.array
        if ta.size and not (0 <= np.minimum.reduce(ta, axis=None)
                            and np.maximum.reduce(ta, axis=None) < c):
            _check_labels(op, c, t, ignore_index, given)
    if not 0 <= eps <= 1:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {eps}.")
    w = None
    if weight is not None:
        wt = as_tensor(weight, op, "weight")
        if wt.shape != (c,):
            raise ValueError(
                f"{op}: weight has shape {tuple(wt.shape)} but the input has {c} classes; it must "
                f"have shape ({c},), one weight per class."
            )
        w = np.asarray(wt.array, dtype=x.dtype)
    return x, t, w, probs


def _check_labels(op: str, c: int, t: Tensor, ignore_index: int, given: tuple) -> None:
    """Raise for a class index out of range (one that is not ignore_index)."""
    labels = t.array[t.array != ignore_index]
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        bad = int(labels.max()) if labels.max() >= c else int(labels.min())
        raise ValueError(
            f"{op}: target has class {bad} but input has {c} classes (input "
            f"{given[0]}, target {given[1]}). "
            f"Labels must be in [0, {c - 1}] (or ignore_index={ignore_index})."
        )


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
                        f"{x.shape[:1] + x.shape[2:]}, got floats of shape {tuple(t.shape)}.")
    out = _unbatch(class_loss(x, t, w, ignore_index, 0.0, how, False), input, how)
    return check_finite_loss(named(out, "NllLossBackward0"), op)
