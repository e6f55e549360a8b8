"""MultiheadAttention (``torch.nn.MultiheadAttention``): projections around the fused
scaled dot-product attention of ``tensorgraph.ops.attention``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..creation import zeros
from ..tensor_functions import cat
from ..ops.attention import ScaledDotProductAttention
from ..random.sampling import dropout_mask
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.attention import mask_to_bias
from .linear import Linear
from .module import Module
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """The Linear class torch uses for ``out_proj`` (same as Linear; the name keeps
    ``print(model)`` identical to torch's)."""


def _param(*shape: int, dtype: Any) -> Parameter:
    return Parameter(zeros(*shape, dtype=dtype or dtypes.get_default_dtype()))


class MultiheadAttention(Module):
    """Attention over ``num_heads`` heads: ``out_proj(concat_h(softmax(q_h k_h^T /
    sqrt(d)) v_h))`` with q, k, v linear projections of query, key, value.

    Args:
        embed_dim: model width E (the query's last dim).
        num_heads: heads; E must divide by it (each head has E / num_heads dims).
        dropout: dropout on the attention weights in training (default 0).
        bias: biases in the in and out projections.
        add_bias_kv: learn one extra key and value (``bias_k``, ``bias_v``) appended
            to every sequence.
        add_zero_attn: append a zero key and value to every sequence.
        kdim, vdim: key / value widths when they differ from E (then the projection
            weights are ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``).
        batch_first: inputs and outputs are ``(N, L, E)`` instead of ``(L, N, E)``.

    Shape:
        - query ``(L, N, E)`` (or ``(N, L, E)`` batch_first, or ``(L, E)`` unbatched),
          key ``(S, N, kdim)``, value ``(S, N, vdim)``.
        - key_padding_mask ``(N, S)``: True (or a float added) for keys to ignore.
        - attn_mask ``(L, S)`` or ``(N * num_heads, L, S)``: True = not allowed.
        - Returns ``(attn_output, attn_weights)``: output like query; weights
          ``(N, L, S)`` averaged over heads (``(N, num_heads, L, S)`` with
          ``average_attn_weights=False``), or None when ``need_weights=False``.

    Example:
        >>> mha = tg.nn.MultiheadAttention(16, 4, batch_first=True)
        >>> x = tg.randn(2, 5, 16)
        >>> out, w = mha(x, x, x)
        >>> out.shape, w.shape
        ((2, 5, 16), (2, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: int | None = None, vdim: int | None = None, batch_first: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be > 0, got "
                             f"{embed_dim} and {num_heads}.")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError(f"MultiheadAttention: embed_dim {embed_dim} must be "
                                 f"divisible by num_heads {num_heads}.")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = _param(3 * embed_dim, embed_dim, dtype=dtype)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = _param(embed_dim, embed_dim, dtype=dtype)
            self.k_proj_weight = _param(embed_dim, self.kdim, dtype=dtype)
            self.v_proj_weight = _param(embed_dim, self.vdim, dtype=dtype)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = _param(3 * embed_dim, dtype=dtype)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        dtype=dtype)
        if add_bias_kv:
            self.bias_k = _param(1, 1, embed_dim, dtype=dtype)
            self.bias_v = _param(1, 1, embed_dim, dtype=dtype)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        # torch: xavier_uniform_ on the in projections, zero biases, normal_ bias_k/v.
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    # ------------------------------------------------------------ projections
    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple:
        E, b = self.embed_dim, self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one GEMM, then split
                qkv = F.linear(query, w, b)
                return qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def _heads(self, x: Tensor) -> Tensor:
        """(N, T, E) -> (N, H, T, head_dim)."""
        n, t, _ = x.shape
        return x.reshape(n, t, self.num_heads, self.head_dim).permute(0, 2, 1, 3)

    def _bias(self, attn_mask: Any, key_padding_mask: Any, n: int, L: int, S: int,
              extra: int, dtype: Any) -> Any:
        """The masks as one additive bias broadcastable to (N, H, L, S + extra)."""
        op, bias = "MultiheadAttention", None
        if attn_mask is not None:
            m = mask_to_bias(attn_mask, dtype, op, allowed_is_true=False)
            if m.ndim == 2 and tuple(m.shape) == (L, S):
                m = m.reshape(1, 1, L, S)
            elif m.ndim == 3 and tuple(m.shape) == (n * self.num_heads, L, S):
                m = m.reshape(n, self.num_heads, L, S)
            else:
                raise RuntimeError(
                    f"{op}: attn_mask has shape {tuple(m.shape)}; expected ({L}, {S}) or "
                    f"({n * self.num_heads}, {L}, {S}) (batch * num_heads, L, S).")
            bias = m
        if key_padding_mask is not None:
            m = mask_to_bias(key_padding_mask, dtype, op, allowed_is_true=False)
            if tuple(m.shape) != (n, S):
                raise RuntimeError(f"{op}: key_padding_mask has shape {tuple(m.shape)}, "
                                   f"expected (batch, S) = ({n}, {S}).")
            m = m.reshape(n, 1, 1, S)
            bias = m if bias is None else bias + m
        if bias is not None and extra:  # the appended keys (bias_k, zero_attn) are allowed
            pad = np.zeros(tuple(bias.shape[:-1]) + (extra,), dtype)
            bias = (np.concatenate([bias, pad], -1) if isinstance(bias, np.ndarray)
                    else cat([bias, Tensor.from_array(pad, False)], -1))
        return bias

    # ------------------------------------------------------------ forward
    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: is_causal=True is only a hint and needs "
                               "attn_mask too (e.g. nn.Transformer."
                               "generate_square_subsequent_mask(L)), as in torch.")
        batched = query.ndim == 3
        if query.ndim not in (2, 3):
            raise ValueError(f"MultiheadAttention: query must be 2-D (L, E) or 3-D, got "
                             f"shape {tuple(query.shape)}.")
        if query.shape[-1] != self.embed_dim:
            raise AssertionError(f"MultiheadAttention: was expecting embedding dimension of "
                                 f"{self.embed_dim}, but got {query.shape[-1]}.")
        same = query is key and key is value
        if not batched:  # unbatched: a batch of one, batch first
            query, key, value = (t.unsqueeze(0) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.reshape(1, -1)
        elif not self.batch_first:  # (T, N, E) -> (N, T, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if same:
            key = value = query
        q, k, v = self._project(query, key, value)
        n, L, S = q.shape[0], q.shape[1], k.shape[1]
        extra = 0
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(n, 1, self.embed_dim)], 1)
            v = cat([v, self.bias_v.expand(n, 1, self.embed_dim)], 1)
            extra += 1
        q, k, v = self._heads(q), self._heads(k), self._heads(v)
        if self.add_zero_attn:
            z = Tensor.from_array(np.zeros(k.shape[:2] + (1, self.head_dim), k.dtype), False)
            k, v = cat([k, z], 2), cat([v, z], 2)
            extra += 1
        bias = self._bias(attn_mask, key_padding_mask, n, L, S, extra, q.dtype)
        p = self.dropout if self.training else 0.0
        keep = None
        if p > 0:
            keep = dropout_mask((n, self.num_heads, L, S + extra), p, q.dtype)  # torch's noise
        scale = 1 / math.sqrt(self.head_dim)
        weights = None
        if need_weights or isinstance(bias, Tensor):
            s = (q @ k.transpose(-2, -1)) * scale
            if bias is not None:
                s = s + (bias if isinstance(bias, Tensor) else Tensor.from_array(bias, False))
            weights = s.softmax(-1)
            if keep is not None:
                weights = weights * Tensor.from_array(keep, False)
            out = weights @ v
        else:
            out = ScaledDotProductAttention.apply(q, k, v, scale=scale, bias=bias, keep=keep)
        # Projected time-major, (L, N, E), as torch: batch_first returns a transposed view
        # of it, so dropout on the output draws its mask in torch's (memory) order.
        out = self.out_proj(out.permute(2, 0, 1, 3).reshape(L, n, self.embed_dim))
        if not batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(dim=1)
        return out, (weights.squeeze(0) if not batched else weights)


__all__ = ["MultiheadAttention"]
