"""Embedding, one_hot, scaled_dot_product_attention, MultiheadAttention and the
Transformer layers against torch (float64, same weights, option combinations)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from lm_oracle import check_twins, twins

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn


# ---------------------------------------------------------------- embedding, one_hot
@pytest.mark.parametrize(("padding_idx", "scale"), [(None, False), (2, False), (-1, True)])
def test_embedding_matches_torch(torch, padding_idx, scale):
    tm, m = twins(torch, lambda n: n.Embedding(6, 4, padding_idx=padding_idx,
                                               scale_grad_by_freq=scale))
    idx = np.array([[0, 2, 2, 5], [1, 2, 5, 5]])
    check_twins(torch, tm, m, [idx])
    assert repr(m) == repr(tm)


def test_embedding_init_and_padding_row():
    emb = nn.Embedding(50, 8, padding_idx=3)
    assert np.all(emb.weight.array[3] == 0)
    assert abs(emb.weight.array.std() - 1) < 0.2  # N(0, 1) as torch


def test_embedding_max_norm_renormalises_looked_up_rows(torch):
    w = np.random.default_rng(0).standard_normal((5, 3)) * 3
    idx = np.array([0, 1, 1])
    tw, gw = torch.tensor(w), tg.tensor(w)
    tout = torch.nn.functional.embedding(torch.tensor(idx), tw, max_norm=1.0)
    gout = F.embedding(tg.tensor(idx), gw, max_norm=1.0)
    np.testing.assert_allclose(gout.array, tout.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw.array, tw.numpy(), rtol=1e-12)


def test_embedding_from_pretrained_and_errors():
    w = tg.eye(3)
    emb = nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad and emb(tg.tensor([2])).tolist() == [[0, 0, 1]]
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(IndexError, match="out of range"):
        emb(tg.tensor([3]))
    with pytest.raises(RuntimeError, match="integer"):
        emb(tg.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="sparse"):
        F.embedding(tg.tensor([0]), w, sparse=True)


def test_one_hot_matches_torch(torch):
    x = np.array([[0, 3], [1, 1]])
    for n in (-1, 5):
        t = torch.nn.functional.one_hot(torch.tensor(x), n)
        g = F.one_hot(tg.tensor(x), n)
        assert g.dtype == tg.int64 and np.array_equal(g.array, t.numpy())
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tg.tensor([4]), 3)


# ---------------------------------------------------------------- SDPA
def _qkv(rng, B=(2, 3), L=4, S=5, E=6, Ev=7):
    return (rng.standard_normal(B + (L, E)), rng.standard_normal(B + (S, E)),
            rng.standard_normal(B + (S, Ev)))


def _sdpa_both(torch, arrays, **kw):
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    gs = [tg.tensor(a, requires_grad=True) for a in arrays]
    tmask, gmask = kw.pop("attn_mask", None), None
    if tmask is not None:
        gmask = tg.tensor(tmask)
        tmask = torch.tensor(tmask)
    tout = torch.nn.functional.scaled_dot_product_attention(*ts, attn_mask=tmask, **kw)
    gout = F.scaled_dot_product_attention(*gs, attn_mask=gmask, **kw)
    np.testing.assert_allclose(gout.array, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(9).standard_normal(tuple(tout.shape))
    (tout * torch.tensor(w)).sum().backward()
    (gout * tg.tensor(w)).sum().backward()
    for t, g in zip(ts, gs):
        np.testing.assert_allclose(g.grad.array, t.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize(("mask", "causal", "scale"), [
    (None, False, None), (None, True, None), (None, True, 0.3), ("bool", False, None),
    ("float", False, None), ("bool-broadcast", False, 2.0)])
def test_sdpa_matches_torch(torch, mask, causal, scale):
    rng = np.random.default_rng(0)
    q, k, v = _qkv(rng, L=5 if causal else 4)
    kw = {"is_causal": causal, "scale": scale}
    if mask == "bool":
        m = rng.random((2, 3, 4, 5)) > 0.3
        m[..., 0] = True  # no fully-masked rows (they give nan in both)
        kw["attn_mask"] = m
    elif mask == "float":
        kw["attn_mask"] = rng.standard_normal((4, 5))
    elif mask == "bool-broadcast":
        m = rng.random((3, 1, 5)) > 0.5
        m[..., 1] = True
        kw["attn_mask"] = m
    _sdpa_both(torch, [q, k, v], **kw)


def test_sdpa_fully_masked_row_gives_zeros_like_torch(torch):
    rng = np.random.default_rng(3)
    mask = np.ones((3, 4), bool)
    mask[1] = False
    _sdpa_both(torch, list(_qkv(rng, B=(2,), L=3, S=4)), attn_mask=mask)


def test_sdpa_grouped_query_attention_matches_torch(torch):
    rng = np.random.default_rng(4)
    q, k, v = rng.standard_normal((1, 4, 3, 4)), rng.standard_normal((1, 2, 5, 4)), \
        rng.standard_normal((1, 2, 5, 3))
    _sdpa_both(torch, [q, k, v], enable_gqa=True)


def test_sdpa_broadcast_batch_dims(torch):
    rng = np.random.default_rng(1)
    q = rng.standard_normal((2, 3, 4, 6))
    k, v = rng.standard_normal((1, 3, 5, 6)), rng.standard_normal((3, 5, 2))
    _sdpa_both(torch, [q, k, v])


def test_sdpa_gradcheck_and_second_order(torch):
    rng = np.random.default_rng(2)
    arrays = _qkv(rng, B=(2,), L=3, S=4, E=3, Ev=2)
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=False)
    assert tg.testing.gradcheck(fn, xs)
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    tq = torch.autograd.grad(torch.nn.functional.scaled_dot_product_attention(*ts).sum(),
                             ts, create_graph=True)
    gq = tg.autograd.grad(fn(*xs).sum(), xs, create_graph=True)
    t2 = torch.autograd.grad(sum((g ** 2).sum() for g in tq), ts)
    g2 = tg.autograd.grad(sum((g ** 2).sum() for g in gq), xs)
    for a, b in zip(g2, t2):
        np.testing.assert_allclose(a.array, b.numpy(), rtol=1e-8, atol=1e-10)


def test_sdpa_dropout_is_seeded_and_scaled():
    q = k = v = tg.ones(1, 1, 4, 4)
    tg.manual_seed(3)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    tg.manual_seed(3)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert np.array_equal(a.array, b.array)
    assert set(np.unique(a.array)).issubset({0.0, 0.5, 1.0, 1.5, 2.0})


def test_sdpa_errors():
    q = tg.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=tg.ones(3, 3), is_causal=True)
    with pytest.raises(RuntimeError, match="same last dim"):
        F.scaled_dot_product_attention(q, tg.randn(2, 3, 5), q)


# ---------------------------------------------------------------- MultiheadAttention
MHA_OPTIONS = list(itertools.product([False, True], [True, False], [False, True]))


@pytest.mark.parametrize(("batch_first", "bias", "need_weights"), MHA_OPTIONS)
def test_mha_self_attention_matches_torch(torch, batch_first, bias, need_weights):
    rng = np.random.default_rng(0)
    tm, m = twins(torch, lambda n: n.MultiheadAttention(8, 2, bias=bias,
                                                        batch_first=batch_first))
    x = rng.standard_normal((3, 5, 8) if batch_first else (5, 3, 8))
    kpm = np.zeros((3, 5), bool)
    kpm[0, 3:] = True
    causal = np.triu(np.ones((5, 5), bool), 1)
    fn = lambda mod: lambda x: mod(x, x, x, need_weights=need_weights)
    check_twins(torch, _Wrap(fn(tm), tm), _Wrap(fn(m), m), [x])
    kw = {"key_padding_mask": kpm, "attn_mask": causal, "need_weights": need_weights}
    fn2 = lambda mod: lambda x, kpm, am: mod(x, x, x, key_padding_mask=kpm,
                                             attn_mask=am, need_weights=need_weights)
    check_twins(torch, _Wrap(fn2(tm), tm), _Wrap(fn2(m), m), [x, kw["key_padding_mask"],
                                                              kw["attn_mask"]])


class _Wrap:
    def __init__(self, fn, module):
        self.fn, self.named_parameters = fn, module.named_parameters

    def __call__(self, *args):
        return self.fn(*args)


@pytest.mark.parametrize(("kdim", "add_bias_kv", "add_zero_attn", "average"),
                         [(None, True, False, True), (6, False, True, False),
                          (6, True, True, True)])
def test_mha_cross_attention_options_match_torch(torch, kdim, add_bias_kv, add_zero_attn,
                                                 average):
    rng = np.random.default_rng(1)
    tm, m = twins(torch, lambda n: n.MultiheadAttention(
        8, 4, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, kdim=kdim, vdim=kdim))
    q = rng.standard_normal((4, 2, 8))
    kv = rng.standard_normal((6, 2, kdim or 8))
    mask3 = rng.standard_normal((2 * 4, 4, 6))
    fn = lambda mod: lambda q, kv, mask: mod(q, kv, kv, attn_mask=mask,
                                             average_attn_weights=average)
    check_twins(torch, _Wrap(fn(tm), tm), _Wrap(fn(m), m), [q, kv, mask3])


def test_mha_unbatched_matches_torch(torch):
    rng = np.random.default_rng(2)
    tm, m = twins(torch, lambda n: n.MultiheadAttention(4, 2))
    x = rng.standard_normal((5, 4))
    check_twins(torch, _Wrap(lambda x: tm(x, x, x), tm), _Wrap(lambda x: m(x, x, x), m), [x])


# ---------------------------------------------------------------- Transformer layers
@pytest.mark.parametrize(("norm_first", "activation", "batch_first"),
                         list(itertools.product([False, True], ["relu", "gelu"],
                                                [False, True])))
def test_encoder_layer_matches_torch(torch, norm_first, activation, batch_first):
    rng = np.random.default_rng(3)
    tm, m = twins(torch, lambda n: n.TransformerEncoderLayer(
        8, 2, 16, dropout=0.0, activation=activation, norm_first=norm_first,
        batch_first=batch_first))
    x = rng.standard_normal((3, 5, 8) if batch_first else (5, 3, 8))
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    fn = lambda mod: lambda x, mask: mod(x, src_mask=mask)
    check_twins(torch, _Wrap(fn(tm), tm), _Wrap(fn(m), m), [x, mask])


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_matches_torch(torch, norm_first):
    rng = np.random.default_rng(4)
    tm, m = twins(torch, lambda n: n.TransformerDecoderLayer(
        8, 2, 16, dropout=0.0, norm_first=norm_first, activation="gelu"))
    tgt, mem = rng.standard_normal((4, 2, 8)), rng.standard_normal((6, 2, 8))
    mask = np.triu(np.ones((4, 4), bool), 1)
    kpm = np.zeros((2, 6), bool)
    kpm[1, 4:] = True
    fn = lambda mod: lambda t, mem, mask, kpm: mod(t, mem, tgt_mask=mask,
                                                   memory_key_padding_mask=kpm)
    check_twins(torch, _Wrap(fn(tm), tm), _Wrap(fn(m), m), [tgt, mem, mask, kpm])


def test_encoder_and_transformer_match_torch(torch):
    rng = np.random.default_rng(5)
    tm, m = twins(torch, lambda n: n.TransformerEncoder(
        n.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, n.LayerNorm(8),
        enable_nested_tensor=False))
    check_twins(torch, tm, m, [rng.standard_normal((5, 2, 8))])
    tm, m = twins(torch, lambda n: n.Transformer(8, 2, 1, 2, 16, dropout=0.0,
                                                 batch_first=True))
    src, tgt = rng.standard_normal((2, 5, 8)), rng.standard_normal((2, 4, 8))
    mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=tg.float64).array
    np.testing.assert_array_equal(
        mask, torch.nn.Transformer.generate_square_subsequent_mask(4).double().numpy())
    fn = lambda mod: lambda s, t, mk: mod(s, t, tgt_mask=mk)
    check_twins(torch, _Wrap(fn(tm), tm), _Wrap(fn(m), m), [src, tgt, mask])


def test_embedding_gradcheck_and_double_backward():
    w = tg.randn(5, 3, dtype=tg.float64, requires_grad=True)
    idx = tg.tensor([[0, 4, 4], [2, 0, 1]])
    assert tg.testing.gradcheck(lambda w: F.embedding(idx, w), [w])  # (padding_idx: by design no grad)
    (g,) = tg.autograd.grad((F.embedding(idx, w) ** 3).sum(), [w], create_graph=True)
    (gg,) = tg.autograd.grad(g.sum(), [w])
    expected = np.zeros((5, 3))
    np.add.at(expected, idx.array.reshape(-1), 6 * w.array[idx.array.reshape(-1)])
    np.testing.assert_allclose(gg.array, expected, rtol=1e-12)
