"""``scaled_dot_product_attention`` for ``tensorgraph.nn.functional`` (as torch's).

The math is :class:`tensorgraph.ops.attention.ScaledDotProductAttention` (fused, one
node); this file checks arguments and turns ``attn_mask`` / ``is_causal`` into the
additive bias that op takes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...ops.attention import ScaledDotProductAttention, attention_composite
from ...random.sampling import dropout_mask
from ...tensor import Tensor
from .check import as_tensor, floating

__all__ = ["causal_bias", "mask_to_bias", "scaled_dot_product_attention"]


def causal_bias(L: int, S: int, dtype: Any) -> np.ndarray:
    """(L, S) additive mask: 0 on and below the diagonal, -inf above (``tril`` kept)."""
    return np.where(np.tri(L, S, dtype=bool), 0, -np.inf).astype(dtype)


def mask_to_bias(mask: Any, dtype: Any, op: str, allowed_is_true: bool) -> Any:
    """A bool or float mask as an additive float bias (array; or the Tensor itself
    when it is a float mask that needs a gradient).

    ``allowed_is_true``: True for SDPA's convention (True = may attend), False for
    MultiheadAttention's (True = masked out).
    """
    t = mask if isinstance(mask, Tensor) else Tensor.from_array(np.asarray(mask), False)
    if t.dtype == np.bool_:
        blocked = ~t.array if allowed_is_true else t.array
        return np.where(blocked, -np.inf, 0).astype(dtype)
    if t.dtype.kind != "f":
        raise TypeError(
            f"{op}: the mask must be bool or floating point, got {t.dtype} (shape "
            f"{tuple(t.shape)}). Use mask.bool() for a keep/ignore mask, or a float additive mask."
        )
    if t.requires_grad:
        return t if t.dtype == dtype else t.to(dtype)
    return t.array.astype(dtype, copy=False)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value``, as
    ``torch.nn.functional.scaled_dot_product_attention``.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: broadcastable to ``(..., L, S)``: bool (True = may attend) or a float
            mask added to the scores (e.g. ``-inf`` to block).
        dropout_p: dropout probability on the attention weights (applied whenever
            ``> 0``, as torch: pass ``dropout_p=p if self.training else 0``).
        is_causal: mask out keys after each query (``tril``); not with ``attn_mask``.
        scale: multiplies the scores; default ``1/sqrt(E)``.
        enable_gqa: let key/value have fewer heads (dim -3) than query, repeated.

    Shape:
        Output: ``(..., L, Ev)``.

    Example:
        >>> q = k = v = tg.randn(2, 4, 8, 16)            # (batch, heads, seq, dim)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        torch.Size([2, 4, 8, 16])
    """
    op = "scaled_dot_product_attention"
    q = floating(as_tensor(query, op, "query"), op, "query")
    k = floating(as_tensor(key, op, "key"), op, "key")
    v = floating(as_tensor(value, op, "value"), op, "value")
    for name, t in (("query", q), ("key", k), ("value", v)):
        if t.ndim < 2:
            raise ValueError(f"{op}: {name} must have at least 2 dims (..., seq, dim), "
                             f"got shape {tuple(t.shape)}.")
        if t.dtype != q.dtype:
            raise TypeError(f"{op}: query is {q.dtype} but {name} is {t.dtype}; "
                            "they must match.")
    if k.shape[-1] != q.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise RuntimeError(
            f"{op}: query {tuple(q.shape)}, key {tuple(k.shape)} and value {tuple(v.shape)} do not fit: "
            "query and key need the same last dim E, key and value the same seq length S."
        )
    if enable_gqa and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:
        if q.shape[-3] % k.shape[-3]:
            raise RuntimeError(f"{op}: with enable_gqa the query heads {q.shape[-3]} must "
                               f"be a multiple of the key heads {k.shape[-3]}.")
        rep = q.shape[-3] // k.shape[-3]
        index = (Ellipsis, np.repeat(np.arange(k.shape[-3]), rep), slice(None), slice(None))
        k, v = k[index], v[index]
    if not 0 <= dropout_p <= 1:
        raise ValueError(f"{op}: dropout_p must be in [0, 1], got {dropout_p}.")
    L, S = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{op}: pass either attn_mask or is_causal=True, not both "
                               "(torch refuses the pair too).")
        bias = causal_bias(L, S, q.dtype)
    elif attn_mask is not None:
        bias = mask_to_bias(attn_mask, q.dtype, op, allowed_is_true=True)
        try:
            np.broadcast_shapes(bias.shape, q.shape[:-1] + (S,))
        except ValueError:
            raise RuntimeError(
                f"{op}: attn_mask of shape {tuple(bias.shape)} cannot be broadcast to the "
                f"scores' shape {q.shape[:-1] + (S,)} (..., L, S)."
            ) from None
    keep = None
    if dropout_p > 0:
        score_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (L, S)
        keep = dropout_mask(score_shape, dropout_p, q.dtype)  # torch's at::dropout noise
    if isinstance(bias, Tensor):  # a float mask that wants its gradient: composite path
        return attention_composite(q, k, v, scale, bias, keep)
    return ScaledDotProductAttention.apply(q, k, v, scale=scale, bias=bias, keep=keep)
