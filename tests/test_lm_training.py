"""20 training steps of a 2-layer GPT and of a 2-layer LSTM language model, in torch and
in tensorgraph from the same weights and batches (float64): the losses agree to 1e-6.

The models are written once, against a namespace (``torch`` or ``tensorgraph``), so the
two runs execute the very same code."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import tensorgraph as tg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))


def gpt_class(T):  # T: torch or tensorgraph
    nn, F = T.nn, T.nn.functional

    class Block(nn.Module):
        def __init__(self, width, heads):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.c_attn, self.c_proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"),
                                     nn.Linear(4 * width, width))
            self.heads = heads

        def forward(self, x):
            B, L, C = x.shape
            qkv = self.c_attn(self.ln_1(x)).reshape(B, L, 3, self.heads, C // self.heads)
            q, k, v = (qkv[:, :, i].transpose(1, 2) for i in range(3))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.c_proj(y.transpose(1, 2).reshape(B, L, C))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self, vocab, context, width=16, layers=2, heads=2):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, width), nn.Embedding(context, width)
            self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
            self.ln_f = nn.LayerNorm(width)
            self.head = nn.Linear(width, vocab, bias=False)

        def forward(self, idx):
            x = self.wte(idx) + self.wpe(T.arange(idx.shape[1]))
            for b in self.blocks:
                x = b(x)
            return self.head(self.ln_f(x))

    return GPT


def lstm_class(T):
    nn = T.nn

    class LSTMLM(nn.Module):
        def __init__(self, vocab, width=16):
            super().__init__()
            self.emb = nn.Embedding(vocab, width)
            self.lstm = nn.LSTM(width, width, num_layers=2, batch_first=True)
            self.head = nn.Linear(width, vocab)

        def forward(self, idx):
            return self.head(self.lstm(self.emb(idx))[0])

    return LSTMLM


def trajectory(T, model, batches, steps=20, clip=True):
    F = T.nn.functional
    opt = T.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.99), weight_decay=0.1)
    losses = []
    for x, y in batches[:steps]:
        logits = model(T.tensor(x))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), T.tensor(y).reshape(-1))
        opt.zero_grad()
        loss.backward()
        if clip:
            T.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def _batches(vocab, batch, length, n=20):
    rng = np.random.default_rng(0)
    # a learnable text: a repeating pattern with some random characters mixed in
    data = np.where(rng.random(2000) < 0.1, rng.integers(0, vocab, 2000),
                    np.arange(2000) * 3 % vocab)
    out = []
    for _ in range(n):
        ix = rng.integers(0, len(data) - length - 1, batch)
        w = data[ix[:, None] + np.arange(length + 1)]
        out.append((w[:, :-1], w[:, 1:]))
    return out


@pytest.mark.parametrize("kind", ["gpt", "lstm"])
def test_twenty_training_steps_match_torch(torch, kind):
    make = gpt_class if kind == "gpt" else lstm_class
    vocab, length = 11, 8
    torch.manual_seed(0)
    tm = (make(torch)(vocab, length) if kind == "gpt" else make(torch)(vocab)).double()
    m = (make(tg)(vocab, length) if kind == "gpt" else make(tg)(vocab)).double()
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    batches = _batches(vocab, 4, length)
    t_losses, g_losses = trajectory(torch, tm, batches), trajectory(tg, m, batches)
    assert g_losses[-1] < g_losses[0] - 0.05  # it learns
    np.testing.assert_allclose(g_losses, t_losses, rtol=0, atol=1e-6)
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(dict(m.named_parameters())[name].array,
                                   p.detach().numpy(), atol=1e-6, err_msg=name)


def test_example_gpt_loads_torchs_weights_and_matches(torch):
    """examples/_lm.GPT has nanoGPT's parameter names; a torch twin's weights load."""
    from _lm import GPT

    m = GPT(13, 8, width=16, layers=2, heads=2).double()
    sd = {k: v.array for k, v in m.state_dict().items()}
    x = np.random.default_rng(1).integers(0, 13, (3, 8))
    logits = m(tg.tensor(x)).array
    # the same network, by hand in torch from the same weights
    t = {k: torch.tensor(v) for k, v in sd.items()}
    F = torch.nn.functional
    h = t["wte.weight"][torch.tensor(x)] + t["wpe.weight"][:8]
    for i in range(2):
        p = f"blocks.{i}."
        a = F.layer_norm(h, (16,), t[p + "ln_1.weight"], t[p + "ln_1.bias"])
        qkv = F.linear(a, t[p + "attn.c_attn.weight"], t[p + "attn.c_attn.bias"])
        q, k, v = (qkv.reshape(3, 8, 3, 2, 8)[:, :, j].transpose(1, 2) for j in range(3))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        h = h + F.linear(y.transpose(1, 2).reshape(3, 8, 16), t[p + "attn.c_proj.weight"],
                         t[p + "attn.c_proj.bias"])
        a = F.layer_norm(h, (16,), t[p + "ln_2.weight"], t[p + "ln_2.bias"])
        a = F.gelu(F.linear(a, t[p + "mlp.0.weight"], t[p + "mlp.0.bias"]))
        h = h + F.linear(a, t[p + "mlp.2.weight"], t[p + "mlp.2.bias"])
    h = F.layer_norm(h, (16,), t["ln_f.weight"], t["ln_f.bias"])
    np.testing.assert_allclose(logits, F.linear(h, t["lm_head.weight"]).numpy(), atol=1e-10)
