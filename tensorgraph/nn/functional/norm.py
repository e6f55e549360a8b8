"""``batch_norm`` and ``layer_norm`` (both fused) for ``tensorgraph.nn.functional``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...ops.fused import const
from ...ops.norm import BatchNorm, LayerNorm
from ...tensor import Tensor
from .check import as_tensor, floating

__all__ = ["batch_norm", "layer_norm", "rms_norm"]


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation over dim 1, as ``torch.nn.functional.batch_norm``.

    In training mode the batch's mean and biased variance normalise the input, and
    ``running_mean``/``running_var`` (if given) are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_stat``, with the
    *unbiased* batch variance for ``running_var``, as torch. In eval mode the running
    statistics normalise the input.

    Args:
        input: ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``.
        running_mean, running_var: ``(C,)`` buffers, or None (training only).
        weight, bias: ``(C,)`` affine parameters, or None (1 and 0).
        training: use batch statistics (and update the running ones).
        momentum: weight of the new batch statistic in the running average.
        eps: added to the variance for stability.

    Example:
        >>> rm, rv = tg.zeros(16), tg.ones(16)
        >>> y = F.batch_norm(x, rm, rv, w, b, training=True)   # rm, rv updated
    """
    op = "batch_norm"
    x = floating(as_tensor(input, op), op)
    if x.ndim < 2:
        raise ValueError(f"{op}: expected input of shape (N, C, ...) with at least 2 dims, "
                         f"got {tuple(x.shape)}.")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(
                f"{op}: {name} has shape {tuple(t.shape)} but the input {tuple(x.shape)} has {c} "
                f"channels (dim 1); it must have shape ({c},)."
            )
    axes = (0,) + tuple(range(2, x.ndim))
    if training and x.array.size == 0:  # torch: an empty batch passes, stats unchanged
        mean, var = np.zeros(c, x.dtype), np.ones(c, x.dtype)
    elif training:
        n = x.array.size // max(c, 1)
        if n == 1:
            raise ValueError(
                f"{op}: expected more than 1 value per channel when training, got input "
                f"{tuple(x.shape)}. Use a batch of 2 or more, or eval mode (model.eval())."
            )
        mean = x.array.mean(axis=axes)
        var = x.array.var(axis=axes)  # biased: this is what normalises the batch
        with_stats = [(running_mean, mean), (running_var, var * (n / (n - 1)))]
        for buf, stat in with_stats:  # unbiased variance for the running estimate
            if buf is not None:
                arr = buf.array
                arr *= 1 - momentum
                arr += (stat * momentum).astype(arr.dtype, copy=False)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(f"{op}: running_mean and running_var are required when "
                             "training=False (eval mode normalises with them).")
        mean = np.array(running_mean.array, dtype=x.dtype)  # copies: later updates of
        var = np.array(running_var.array, dtype=x.dtype)  # the buffers don't leak in
    w = const(np.ones(c, x.dtype)) if weight is None else as_tensor(weight, op, "weight")
    b = const(np.zeros(c, x.dtype)) if bias is None else as_tensor(bias, op, "bias")
    return BatchNorm.apply(x, w, b, mean=mean, var=var, eps=eps, training=bool(training))


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int],
               weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, as torch (the fused
    :class:`~tensorgraph.ops.norm.LayerNorm`).

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: the trailing shape to normalise over.
        weight, bias: tensors of shape ``normalized_shape``, or None.
        eps: added to the (biased) variance.

    Example:
        >>> F.layer_norm(tg.randn(4, 10), (10,)).shape
        torch.Size([4, 10])
    """
    op = "layer_norm"
    x = floating(as_tensor(input, op), op)
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(ns) == 0 or tuple(x.shape[x.ndim - len(ns):]) != ns or len(ns) > x.ndim:
        raise ValueError(
            f"{op}: normalized_shape {ns} must equal the last dims of the input, got "
            f"input {tuple(x.shape)}."
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise ValueError(f"{op}: {name} has shape {tuple(t.shape)}, expected {ns}.")
    w = const(np.ones(ns, x.dtype)) if weight is None else as_tensor(weight, op, "weight")
    b = const(np.zeros(ns, x.dtype)) if bias is None else as_tensor(bias, op, "bias")
    return LayerNorm.apply(x, w, b, eps=eps)


def rms_norm(input: Tensor, normalized_shape: int | Sequence[int],
             weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the last ``len(normalized_shape)`` dims
    (a composite; ``eps`` None is the dtype's machine epsilon, as torch).

    Example:
        >>> F.rms_norm(tg.tensor([[3.0, 4.0]]), (2,))
        tensor([[0.8485, 1.1314]])
    """
    op = "rms_norm"
    x = floating(as_tensor(input, op), op)
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(ns) > x.ndim or tuple(x.shape[x.ndim - len(ns):]) != ns:
        raise RuntimeError(f"{op}: normalized_shape {ns} must equal the last dims of the "
                           f"input, got input {tuple(x.shape)}")
    if weight is not None and tuple(weight.shape) != ns:
        raise RuntimeError(f"{op}: weight has shape {tuple(weight.shape)}, expected {ns}")
    e = float(np.finfo(x.array.dtype).eps) if eps is None else float(eps)
    dims = tuple(range(x.ndim - len(ns), x.ndim))
    y = x * ((x * x).mean(dims, keepdim=True) + e).rsqrt() if dims else x * (x * x + e).rsqrt()
    return y if weight is None else y * weight
