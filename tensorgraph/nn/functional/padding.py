"""``pad`` for ``tensorgraph.nn.functional`` (also ``tg.pad``): constant, reflect,
replicate and circular padding of the last dims (a composite).

Constant padding writes the input into a zero tensor (one ``IndexAdd``, whose gradient
is the matching slice) and adds the fill value outside; negative pads crop. The other
modes gather the input with an index array per padded dim (``x[..., idx]``), so each
padded element's gradient goes back to the element it copies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...ops import IndexAdd
from ...tensor import Tensor
from .check import as_tensor

__all__ = ["pad"]

_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pairs(pad: Sequence[int], ndim: int) -> list[tuple[int, int]]:
    """torch's pad list (last dim first) as (before, after) for every dim of the input."""
    pairs = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        pairs[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return pairs


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims, as ``torch.nn.functional.pad``.

    Args:
        input: a Tensor.
        pad: ``(left, right)`` for the last dim, then ``(top, bottom)`` for the one
            before, and so on; negative values crop (constant mode).
        mode: ``'constant'`` (fill with ``value``, default 0), ``'reflect'`` (mirror,
            edge not repeated), ``'replicate'`` (repeat the edge) or ``'circular'``
            (wrap around). The last three pad 1 to 3 trailing dims of a batched or
            unbatched input, as torch.
        value: the fill of constant padding.

    Example:
        >>> F.pad(tg.ones(1, 2, 2), (1, 1), value=0).shape
        torch.Size([1, 2, 4])
        >>> F.pad(tg.tensor([[[1.0, 2.0, 3.0]]]), (2, 1), mode="reflect")
        tensor([[[3., 2., 1., 2., 3., 2.]]])
    """
    x = as_tensor(input, "pad")
    if isinstance(pad, int) or len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got pad={pad!r}.")
    if len(pad) // 2 > x.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension {x.ndim}."
        )
    pairs = _pairs(pad, x.ndim)
    if mode == "constant":
        return _constant(x, pairs, 0.0 if value is None else value)
    if mode not in _NUMPY_MODE:
        raise NotImplementedError(
            f"pad: mode {mode!r} is not one of 'constant', 'reflect', 'replicate', "
            "'circular'."
        )
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    n = len(pad) // 2
    if not (n + 1 <= x.ndim <= n + 2) or n > 3:
        raise NotImplementedError(
            f"pad: {mode} padding of {n} dim(s) needs a {n + 1}-D or {n + 2}-D input "
            f"(unbatched or batched), got {x.ndim}-D {tuple(x.shape)}; only 1 to 3 trailing dims."
        )
    for d, (lo, hi) in enumerate(pairs):
        if lo == hi == 0:
            continue
        size = x.shape[d]
        if lo < 0 or hi < 0:
            raise RuntimeError(f"pad: negative padding {(lo, hi)} is only supported in "
                               "'constant' mode.")
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"{tuple(x.shape)}"
            )
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError(
                f"pad: circular padding ({lo}, {hi}) must be at most the size {size} of "
                f"dimension {d} (input {tuple(x.shape)})."
            )
        if mode == "replicate" and size == 0:
            raise RuntimeError(f"pad: cannot replicate-pad the empty dimension {d}.")
        idx = np.pad(np.arange(size), (lo, hi), mode=_NUMPY_MODE[mode])
        x = x[(slice(None),) * d + (idx,)]
    return x


def _constant(x: Tensor, pairs: list[tuple[int, int]], value: float) -> Tensor:
    # Negative pads first: they crop.
    crop = tuple(slice(max(-lo, 0), x.shape[d] - max(-hi, 0)) for d, (lo, hi) in
                 enumerate(pairs))
    if any(lo < 0 or hi < 0 for lo, hi in pairs):
        x = x[crop]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    if not any(lo or hi for lo, hi in grow):
        return x
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, grow))
    if min(shape, default=1) < 0:
        raise RuntimeError(f"pad: the padded shape {shape} would be negative.")
    inside = tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape, grow))
    out = IndexAdd.apply(x, shape=shape, index=inside)
    if value != 0:
        fill = np.full(shape, value, dtype=x.dtype)
        fill[inside] = 0
        out = out + Tensor.from_array(fill, False)
    return out
