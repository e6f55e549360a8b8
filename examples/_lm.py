"""What the language-model examples share: finding the text files, a character
vocabulary, a small GPT (nanoGPT's layout) and sampling from a model's logits.

The GPT is written with tensorgraph's torch-named layers only (Embedding, LayerNorm,
Linear, GELU, F.scaled_dot_product_attention), so the same class runs under real torch
too (the tests train both from the same weights and compare losses).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn

SOURCES = {
    "names.txt": "the makemore repository (github.com/karpathy/makemore, names.txt)",
    "tinyshakespeare.txt": "char-rnn's data/tinyshakespeare/input.txt "
                           "(github.com/karpathy/char-rnn), saved as tinyshakespeare.txt",
}


class TextNotFoundError(FileNotFoundError):
    """A text file the example needs is in none of the folders searched."""


def find_text(name: str, data_dir: str | None) -> Path:
    """``name`` in ``data_dir`` (or its ``text/``), then ``$TENSORGRAPH_DATA/text``."""
    folders = []
    if data_dir:
        folders += [Path(data_dir), Path(data_dir) / "text"]
    env = os.environ.get("TENSORGRAPH_DATA")
    if env:
        folders.append(Path(env) / "text")
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    searched = ", ".join(str(f) for f in folders) or "(none: no --data-dir, no $TENSORGRAPH_DATA)"
    raise TextNotFoundError(
        f"{name} not found. Searched: {searched}. Get it from {SOURCES.get(name, 'its source')} "
        f"and pass --data-dir FOLDER or set TENSORGRAPH_DATA=FOLDER (the file in FOLDER/text/)."
    )


class CharVocab:
    """Characters <-> integer ids (sorted, so the mapping is the same every run)."""

    def __init__(self, chars: str, reserved: str = "") -> None:
        self.itos = list(reserved) + sorted(set(chars) - set(reserved))
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> np.ndarray:
        return np.array([self.stoi[c] for c in text], dtype=np.int64)

    def decode(self, ids: Any) -> str:
        return "".join(self.itos[int(i)] for i in ids)


# ------------------------------------------------------------------ the GPT
class CausalSelfAttention(nn.Module):
    """Multi-head self-attention with a causal mask, one fused qkv projection."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        self.resid_dropout = nn.Dropout(dropout)
        self.heads, self.width, self.dropout = heads, width, dropout

    def forward(self, x: Any) -> Any:
        B, T, C = x.shape
        qkv = on_rows(self.c_attn, x).reshape(B, T, 3, self.heads, C // self.heads)
        q, k, v = (qkv[:, :, i].transpose(1, 2) for i in range(3))  # (B, heads, T, hd)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           dropout_p=self.dropout if self.training else 0.0)
        return self.resid_dropout(on_rows(self.c_proj, y.transpose(1, 2)))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads, dropout)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                 nn.Linear(4 * width, width), nn.Dropout(dropout))

    def forward(self, x: Any) -> Any:
        x = x + self.attn(self.ln_1(x))
        return x + on_rows(self.mlp, self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, ``layers`` blocks, a final LayerNorm, logits.

    Args:
        vocab_size: number of tokens. context: the longest sequence (block size).
        width, layers, heads, dropout: the usual; ``heads`` must divide ``width``.
    """

    def __init__(self, vocab_size: int, context: int, width: int = 128, layers: int = 4,
                 heads: int = 4, dropout: float = 0.0) -> None:
        super().__init__()
        self.context = context
        self.wte = nn.Embedding(vocab_size, width)
        self.wpe = nn.Embedding(context, width)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(width, heads, dropout) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.lm_head = nn.Linear(width, vocab_size, bias=False)
        for name, p in self.named_parameters():  # GPT-2's init: N(0, 0.02), zero biases
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.ndim == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, idx: Any) -> Any:
        T = idx.shape[1]
        pos = tg.arange(T)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.blocks:
            x = block(x)
        return on_rows(self.lm_head, self.ln_f(x))


def on_rows(layer: Any, x: Any) -> Any:
    """``layer`` applied to (B, T, C) as one (B*T, C) matrix, reshaped back.

    The same as ``layer(x)``; done because numpy's matmul of a 3-D array by a matrix
    loops over the batch (about 10x slower than one GEMM on the flattened rows).
    """
    B, T = x.shape[0], x.shape[1]
    y = layer(x.reshape(B * T, -1))
    return y.reshape(B, T, y.shape[-1])


# ------------------------------------------------------------------ sampling
def sample_next(logits: np.ndarray, rng: np.random.Generator, temperature: float = 1.0
                ) -> np.ndarray:
    """One token id per row of ``logits`` (N, V), drawn from softmax(logits / T)."""
    z = logits.astype(np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random((p.shape[0], 1))
    return np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
