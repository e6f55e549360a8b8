"""``batch_norm`` (fused) and ``layer_norm`` (composite) for ``tensorgraph.nn.functional``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...autograd import Function
from ...tensor import Tensor
from .check import as_tensor, floating
from .fused import composite_grad, const, is_array

__all__ = ["batch_norm", "layer_norm"]


def _channel_shape(x_ndim: int, c: int) -> tuple:
    return (1, c) + (1,) * (x_ndim - 2)


class BatchNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b,  per channel (dim 1).

    training (mean, var of this batch, so they depend on x):
        dx = w / sqrt(var + eps) * (g - mean(g) - xhat * mean(g * xhat))
    eval (running statistics, constants):  dx = g * w / sqrt(var + eps)
    dw = sum(g * xhat),  db = sum(g)   (sums and means over every dim but 1)

    Fused for speed (one node and one backward formula instead of ~12 nodes) and so
    the normalised input is computed once and shared by forward and backward.
    """

    @staticmethod
    def forward(ctx, x, w, b, mean, var, eps, training):
        shape = _channel_shape(x.ndim, x.shape[1])
        invstd = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat = (x - mean.reshape(shape)) * invstd.reshape(shape)
        ctx.save_for_backward(x, w, b)
        ctx.xhat, ctx.invstd = xhat, invstd
        return xhat * w.reshape(shape) + b.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        if not is_array(g):
            k = ctx.kwargs
            return composite_grad(ctx, g, lambda x, w, b: batch_norm_composite(
                x, w, b, k["mean"], k["var"], k["eps"], k["training"]))
        _, w, _ = ctx.saved_tensors
        need = ctx.needs_input_grad
        shape = _channel_shape(g.ndim, g.shape[1])
        axes = (0,) + tuple(range(2, g.ndim))
        xhat = ctx.xhat
        dx = dw = db = None
        if need[1] or need[0]:
            g_xhat = (g * xhat).sum(axis=axes)
            dw = g_xhat if need[1] else None
        if need[2] or (need[0] and ctx.kwargs["training"]):
            g_sum = g.sum(axis=axes)
            db = g_sum if need[2] else None
        if need[0]:
            scale = (w * ctx.invstd).reshape(shape)
            if ctx.kwargs["training"]:
                n = g.size // g.shape[1]
                dx = (g - (g_sum / n).reshape(shape) - xhat * (g_xhat / n).reshape(shape))
                dx *= scale
            else:
                dx = g * scale
        return dx, dw, db


def batch_norm_composite(x: Tensor, w: Tensor, b: Tensor, mean: np.ndarray,
                         var: np.ndarray, eps: float, training: bool) -> Tensor:
    """batch_norm from primitives (the readable definition; used for create_graph)."""
    shape = _channel_shape(x.ndim, x.shape[1])
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        mu = x.mean(dim=axes, keepdim=True)
        d = x - mu
        v = (d * d).mean(dim=axes, keepdim=True)
    else:
        d = x - const(mean.reshape(shape))
        v = const(var.reshape(shape))
    return d * (v + eps) ** -0.5 * w.reshape(shape) + b.reshape(shape)


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
                         f"got {x.shape}.")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(
                f"{op}: {name} has shape {tuple(t.shape)} but the input {x.shape} has {c} "
                f"channels (dim 1); it must have shape ({c},)."
            )
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        n = x.array.size // max(c, 1)
        if n <= 1:
            raise ValueError(
                f"{op}: expected more than 1 value per channel when training, got input "
                f"{x.shape}. Use a batch of 2 or more, or eval mode (model.eval())."
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
    """Normalise over the last ``len(normalized_shape)`` dims (a composite), as torch.

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: the trailing shape to normalise over.
        weight, bias: tensors of shape ``normalized_shape``, or None.
        eps: added to the (biased) variance.

    Example:
        >>> F.layer_norm(tg.randn(4, 10), (10,)).shape
        (4, 10)
    """
    op = "layer_norm"
    x = floating(as_tensor(input, op), op)
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(ns) == 0 or tuple(x.shape[x.ndim - len(ns):]) != ns or len(ns) > x.ndim:
        raise ValueError(
            f"{op}: normalized_shape {ns} must equal the last dims of the input, got "
            f"input {x.shape}."
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise ValueError(f"{op}: {name} has shape {tuple(t.shape)}, expected {ns}.")
    dims = tuple(range(x.ndim - len(ns), x.ndim))
    d = x - x.mean(dim=dims, keepdim=True)
    y = d * ((d * d).mean(dim=dims, keepdim=True) + eps) ** -0.5
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
