"""``group_norm`` for ``tensorgraph.nn.functional`` (a composite)."""

from __future__ import annotations

import math

from ...tensor import Tensor
from .check import as_tensor, floating, same_dtype

__all__ = ["group_norm"]


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each sample over groups of channels (and all spatial positions):
    ``(x - mean) / sqrt(var + eps)`` per (sample, group), then ``* weight + bias`` per
    channel. Statistics never mix samples, so it behaves the same for any batch size.

    Args:
        input: ``(N, C, *)``.
        num_groups: must divide C.
        weight, bias: ``(C,)`` or None.

    Example:
        >>> F.group_norm(tg.randn(4, 6, 5, 5), 3).shape
        torch.Size([4, 6, 5, 5])
    """
    op = "group_norm"
    x = floating(as_tensor(input, op), op)
    if x.ndim < 2:
        raise RuntimeError(f"{op}: expected an input of at least 2 dims (N, C, *), got "
                           f"{tuple(x.shape)}.")
    n, c = x.shape[:2]
    if num_groups < 1 or c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(x.shape)} and num_groups={num_groups}"
        )
    g = x.reshape(n, num_groups, math.prod(x.shape[1:]) // num_groups)  # no -1: n may be 0
    mean = g.mean(-1, keepdim=True)
    centred = g - mean
    var = (centred * centred).mean(-1, keepdim=True)
    y = (centred / (var + eps).sqrt()).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is None:
            continue
        t = same_dtype(as_tensor(t, op, name), x)
        if t.shape != (c,):
            raise RuntimeError(f"{op}: {name} must have shape ({c},), got {tuple(t.shape)}.")
        y = y * t.reshape(shape) if name == "weight" else y + t.reshape(shape)
    return y
