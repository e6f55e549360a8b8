"""NLP-facing fixes, each checked against torch: named arithmetic (add/sub/mul/rsub with
alpha), nn.utils.rnn and PackedSequence through RNN/LSTM/GRU, tril/triu dtypes, relu-style
activations at -inf and signed zeros, dropout's mask order on non-contiguous inputs and the
RNN/attention output layouts, softmax dtype=, StepLR float steps, EmbeddingBag,
gumbel_softmax, legacy typed constructors, Tensor.new, baddbmm/addbmm."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.utils.rnn  # noqa: F401  (the import path torch code uses)
from tensorgraph.nn.utils.rnn import PackedSequence, pad_sequence
from tensorgraph.testing import gradcheck

RNG = np.random.default_rng(0)


def _pair(torch, arr, requires_grad=True):
    return (tg.tensor(arr, requires_grad=requires_grad),
            torch.tensor(arr, requires_grad=requires_grad))


def _close(a, b, atol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, atol=atol, rtol=1e-7)


# ---------------------------------------------------------------- named arithmetic
@pytest.mark.parametrize("name,kw", [("add", {}), ("add", {"alpha": 2}), ("sub", {}),
                                     ("sub", {"alpha": 0.5}), ("subtract", {}),
                                     ("mul", {}), ("multiply", {}), ("rsub", {"alpha": 3})])
def test_named_arithmetic_matches_torch(torch, name, kw):
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4,))
    (ta, xa), (tb, xb) = _pair(torch, a), _pair(torch, b)
    y, z = getattr(tg, name)(ta, tb, **kw), getattr(torch, name)(xa, xb, **kw)
    _close(y, z)
    y.sum().backward()
    z.sum().backward()
    _close(ta.grad, xa.grad)
    _close(tb.grad, xb.grad)
    if name != "rsub":  # torch has no Tensor.rsub
        _close(getattr(ta, name)(tb, **kw), getattr(xa, name)(xb, **kw))
    assert gradcheck(lambda p, q: getattr(tg, name)(p, q, **kw),
                     (tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)))


def test_named_arithmetic_promotion_and_numbers(torch):
    for lib in (tg, torch):
        i, f = lib.tensor([1, 2]), lib.tensor([0.5, 1.5])
        assert str(lib.add(i, f).dtype).split(".")[-1] == "float32"
        assert lib.add(i, 3, alpha=2).tolist() == [7, 8]
        assert lib.rsub(f, 3).tolist() == [2.5, 1.5]
        assert lib.mul(2, f).tolist() == [1.0, 3.0]
        with pytest.raises(RuntimeError, match="alpha"):
            lib.add(i, 3, alpha=2.5)


def test_baddbmm_addbmm_and_new(torch):
    m, b1, b2 = RNG.standard_normal((2, 3)), RNG.standard_normal((4, 2, 5)), \
        RNG.standard_normal((4, 5, 3))
    for name in ("baddbmm", "addbmm"):
        inp = m if name == "addbmm" else m[None]
        got = getattr(tg, name)(tg.tensor(inp), tg.tensor(b1), tg.tensor(b2), beta=0.5,
                                alpha=2)
        _close(got, getattr(torch, name)(torch.tensor(inp), torch.tensor(b1),
                                         torch.tensor(b2), beta=0.5, alpha=2))
        assert gradcheck(lambda p, q, r: getattr(tg, name)(p, q, r, beta=0.5, alpha=2),
                         tuple(tg.tensor(v, requires_grad=True) for v in (inp, b1, b2)))
    for lib in (tg, torch):
        x = lib.zeros(2, dtype=lib.float64)
        assert tuple(x.new(2, 3).shape) == (2, 3) and x.new(2, 3).dtype == lib.float64
        assert x.new([1, 2]).tolist() == [1.0, 2.0] and x.new().shape == (0,)
        assert tuple(x.new(lib.Size([4])).shape) == (4,)
        assert lib.LongTensor([1, 2]).dtype == lib.int64
        assert tuple(lib.FloatTensor(2, 3).shape) == (2, 3)
        assert lib.BoolTensor([1, 0]).tolist() == [True, False]
        assert lib.IntTensor([1.7]).tolist() == [1] and lib.DoubleTensor().shape == (0,)
        assert isinstance(lib.zeros(2), lib.FloatTensor)
        assert not isinstance(lib.zeros(2, dtype=lib.int64), lib.FloatTensor)


# ---------------------------------------------------------------- tril / triu
def test_tril_triu_keep_dtype_and_bool_mask_attention(torch):
    for lib in (tg, torch):
        for dt in (lib.bool, lib.int32, lib.float64, lib.uint8):
            assert lib.ones(3, 3, dtype=dt).tril().dtype == dt
            assert lib.ones(3, 3, dtype=dt).triu(1).dtype == dt
    q = RNG.standard_normal((2, 4, 8)).astype(np.float32)
    got = tg.nn.functional.scaled_dot_product_attention(
        tg.tensor(q), tg.tensor(q), tg.tensor(q),
        attn_mask=tg.ones(4, 4, dtype=tg.bool).tril())
    want = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(q), torch.tensor(q),
        attn_mask=torch.ones(4, 4, dtype=torch.bool).tril())
    _close(got, want, atol=1e-6)


# ---------------------------------------------------------------- activations
@pytest.mark.parametrize("name,args", [("relu", ()), ("relu6", ()), ("hardtanh", ()),
                                       ("hardtanh", (-0.5, 2.0)), ("threshold", (0.5, -2.0)),
                                       ("elu", ()), ("celu", (0.7,)), ("selu", ()),
                                       ("hardsigmoid", ()), ("hardswish", ()),
                                       ("hardshrink", ()), ("softshrink", (0.7,))])
def test_relu_like_at_inf_and_signed_zero(torch, name, args):
    vals = [-np.inf, -5.0, -1.0, -0.0, 0.0, 0.5, 3.0, 7.0, np.inf]
    t, x = _pair(torch, vals)
    y = getattr(tg.nn.functional, name)(t, *args)
    z = getattr(torch.nn.functional, name)(x, *args)
    np.testing.assert_array_equal(np.signbit(y.detach().numpy()),
                                  np.signbit(z.detach().numpy()))
    _close(y, z, atol=1e-7)
    y.sum().backward()
    z.sum().backward()
    _close(t.grad, x.grad, atol=1e-7)


def test_prelu_at_inf(torch):
    vals = [-np.inf, -2.0, -0.0, 0.0, 1.5, np.inf]
    res = []
    for lib in (tg, torch):
        x, w = lib.tensor(vals, requires_grad=True), lib.tensor([0.25], requires_grad=True)
        y = lib.nn.functional.prelu(x, w)
        y.sum().backward()
        res.append((y, x.grad, w.grad, np.signbit(y.detach().numpy())))
    for a, b in zip(*res):
        _close(a, b)


def test_relu_nan_and_gradcheck(torch):
    t, x = _pair(torch, [np.nan, -1.0, 2.0])
    y, z = t.relu(), x.relu()
    y.sum().backward()
    z.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), z.detach().numpy())
    np.testing.assert_array_equal(t.grad.numpy(), x.grad.numpy())
    assert gradcheck(tg.relu, (tg.tensor([-1.3, 0.4, 2.0], dtype=tg.float64, requires_grad=True),))
    assert gradcheck(tg.nn.functional.hardtanh,
                     (tg.tensor([-1.3, 0.4, 2.0], dtype=tg.float64, requires_grad=True),))


# ---------------------------------------------------------------- dropout layout
@pytest.mark.parametrize("view", ["t", "permute", "slice_t", "step", "contig"])
def test_dropout_mask_in_memory_order(torch, view):
    def make(lib):
        x = lib.tensor(np.arange(1.0, 121.0).reshape(4, 5, 6))
        v = {"t": lambda a: a.transpose(0, 1), "permute": lambda a: a.permute(2, 0, 1),
             "slice_t": lambda a: a.transpose(1, 2)[:, 1:], "step": lambda a: a[:, ::2],
             "contig": lambda a: a}[view](x)
        lib.manual_seed(3)
        return lib.nn.functional.dropout(v, 0.4), v
    (y, v), (z, w) = make(tg), make(torch)
    np.testing.assert_array_equal(y.numpy(), z.numpy())
    assert v.stride() == w.stride()


def test_rnn_and_attention_output_layouts_and_dropout_after_them(torch):
    def layouts(lib):
        lib.manual_seed(0)
        out = {}
        for name, m, shape in [
                ("lstm_bf", lib.nn.LSTM(3, 4, batch_first=True), (2, 5, 3)),
                ("lstm", lib.nn.LSTM(3, 4), (5, 2, 3)),
                ("gru_bf", lib.nn.GRU(3, 4, batch_first=True), (2, 5, 3)),
                ("rnn_bi", lib.nn.RNN(3, 4, 2, batch_first=True, bidirectional=True),
                 (2, 5, 3)),
                ("mha_bf", lib.nn.MultiheadAttention(8, 2, batch_first=True), (2, 5, 8)),
                ("mha", lib.nn.MultiheadAttention(8, 2), (5, 2, 8))]:
            x = lib.randn(*shape)
            y = m(x, x, x)[0] if name.startswith("mha") else m(x)[0]
            out[name] = y.stride()
        return out
    assert layouts(tg) == layouts(torch)

    def lstm_dropout(lib, src):
        m = lib.nn.LSTM(3, 4, batch_first=True)
        if lib is tg:
            m.load_state_dict({k: tg.tensor(v.detach().numpy())
                               for k, v in src.state_dict().items()})
        x = lib.tensor(RNG_FIXED.astype(np.float32))
        lib.manual_seed(11)
        return lib.nn.Dropout(0.5)(m(x)[0]), m
    z, tm = lstm_dropout(torch, None)
    y, _ = lstm_dropout(tg, tm)
    _close(y, z, atol=1e-6)


RNG_FIXED = np.random.default_rng(5).standard_normal((2, 5, 3))


def test_transformer_layer_dropout_matches_torch(torch):
    torch.manual_seed(0)
    tm = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True)
    m = tg.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True)
    m.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 5, 8)).astype(np.float32)
    torch.manual_seed(11)
    want = tm(torch.tensor(x))
    tg.manual_seed(11)
    _close(m(tg.tensor(x)), want, atol=1e-5)


# ---------------------------------------------------------------- nn.utils.rnn
def test_pack_pad_roundtrip_and_grad(torch):
    x = np.arange(24.0).reshape(4, 3, 2)
    res = []
    for lib in (tg, torch):
        R = lib.nn.utils.rnn
        t = lib.tensor(x, requires_grad=True)
        p = R.pack_padded_sequence(t, lib.tensor([2, 4, 1]), enforce_sorted=False)
        y, n = R.pad_packed_sequence(p, batch_first=True, padding_value=-1.0, total_length=5)
        (y * lib.arange(5.0)[None, :, None]).sum().backward()
        res.append((p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices, y, n,
                    t.grad))
        assert isinstance(p, tuple) and p._fields == ("data", "batch_sizes",
                                                       "sorted_indices", "unsorted_indices")
    for a, b in zip(*res):
        _close(a, b)
    assert res[0][1].dtype == tg.int64
    assert gradcheck(lambda t: tg.nn.utils.rnn.pad_packed_sequence(
        tg.nn.utils.rnn.pack_padded_sequence(t, [3, 2], batch_first=True))[0],
        (tg.tensor(RNG.standard_normal((2, 3, 2)), requires_grad=True),))


def test_pad_pack_sequence_helpers(torch):
    seqs = [RNG.standard_normal((n, 2)) for n in (2, 4, 3)]
    res = []
    for lib in (tg, torch):
        R = lib.nn.utils.rnn
        ts = [lib.tensor(s) for s in seqs]
        ps = R.pack_sequence(ts, enforce_sorted=False)
        res.append([R.pad_sequence(ts), R.pad_sequence(ts, batch_first=True,
                                                       padding_value=7.0),
                    R.pad_sequence(ts, padding_side="left"), ps.data, ps.batch_sizes,
                    *R.unpack_sequence(ps),
                    *R.unpad_sequence(R.pad_sequence(ts, batch_first=True),
                                      lib.tensor([2, 4, 3]), batch_first=True)])
    for a, b in zip(*res):
        _close(a, b)
    assert tg.nn.utils.rnn.pad_sequence is pad_sequence


def test_pack_errors_match_torch(torch):
    for lib in (tg, torch):
        R = lib.nn.utils.rnn
        with pytest.raises(RuntimeError, match="sorted in decreasing order"):
            R.pack_padded_sequence(lib.zeros(3, 4, 2), [1, 2, 2, 3])
        with pytest.raises(RuntimeError, match="greater than 0"):
            R.pack_padded_sequence(lib.zeros(3, 4, 2), [0, 2, 2, 3], enforce_sorted=False)
        p = R.pack_padded_sequence(lib.zeros(3, 4, 2), [3, 2, 2, 1])
        with pytest.raises(ValueError, match="total_length"):
            R.pad_packed_sequence(p, total_length=2)


def _run_packed(lib, mode, layers, bidir, bf, src, dropout=0.0, hx=False):
    lib.manual_seed(0)
    m = getattr(lib.nn, mode)(3, 4, layers, bidirectional=bidir, batch_first=bf,
                              dropout=dropout).double()
    if src is not None:
        m.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})
    rng = np.random.default_rng(1)
    x = lib.tensor(rng.standard_normal((4, 5, 3) if bf else (5, 4, 3)), requires_grad=True)
    p = lib.nn.utils.rnn.pack_padded_sequence(x, [3, 5, 1, 4], batch_first=bf,
                                              enforce_sorted=False)
    d = 2 if bidir else 1
    args = ()
    if hx:
        h0 = lib.tensor(rng.standard_normal((layers * d, 4, 4)), requires_grad=True)
        args = ((h0, h0 * 0.5),) if mode == "LSTM" else (h0,)
    lib.manual_seed(5)
    out, h = m(p, *args)
    assert type(out).__name__ == "PackedSequence"
    hn = h[0] + 2 * h[1] if mode == "LSTM" else h
    y, _ = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=bf)
    loss = (y * lib.tensor(rng.standard_normal(tuple(y.shape)))).sum() + \
        (hn * lib.tensor(rng.standard_normal(tuple(hn.shape)))).sum()
    loss.backward()
    got = [y, hn, x.grad, out.batch_sizes] + [q.grad for q in m.parameters()]
    return got + ([h0.grad] if hx else []), m


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("layers,bidir,bf,kw", [
    (1, False, False, {}), (1, True, True, {}), (2, True, False, {"hx": True}),
    (2, False, True, {"dropout": 0.5}), (2, True, True, {"dropout": 0.5, "hx": True})])
def test_rnn_packed_matches_torch(torch, mode, layers, bidir, bf, kw):
    want, tm = _run_packed(torch, mode, layers, bidir, bf, None, **kw)
    got, _ = _run_packed(tg, mode, layers, bidir, bf, tm, **kw)
    for a, b in zip(got, want):
        _close(a, b)


def test_packed_sequence_methods():
    p = tg.nn.utils.rnn.pack_sequence([tg.ones(3), tg.ones(2)])
    assert isinstance(p, PackedSequence) and p.double().data.dtype == tg.float64
    assert p.sorted_indices is None and p.unsorted_indices is None and not p.is_cuda
    q = PackedSequence(p.data, p.batch_sizes, tg.tensor([1, 0]))
    assert q.unsorted_indices.tolist() == [1, 0]


# ---------------------------------------------------------------- softmax / StepLR
def test_softmax_dtype(torch):
    for name in ("softmax", "log_softmax"):
        y = getattr(tg.nn.functional, name)(tg.tensor([1, 2, 3]), 0, dtype=tg.float64)
        z = getattr(torch.nn.functional, name)(torch.tensor([1, 2, 3]), 0, dtype=torch.float64)
        assert y.dtype == tg.float64
        _close(y, z)
        _close(getattr(tg.tensor([1.0, 2.0]), name)(0, dtype=tg.float64),
               getattr(torch.tensor([1.0, 2.0]), name)(0, dtype=torch.float64))
        _close(getattr(tg, name)(tg.tensor([1.0, 2.0]), 0, dtype=tg.float64),
               getattr(torch, name)(torch.tensor([1.0, 2.0]), 0, dtype=torch.float64))


def test_steplr_float_step_size(torch):
    lrs = []
    for lib in (tg, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2.5, 0.5)
        seen = []
        for _ in range(11):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        lrs.append(seen)
    assert lrs[0] == lrs[1]


# ---------------------------------------------------------------- EmbeddingBag
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("case", ["offsets", "2d", "padding", "last_offset", "psw"])
def test_embedding_bag_matches_torch(torch, mode, case):
    if case == "psw" and mode != "sum":
        pytest.skip("per_sample_weights is sum-only")
    w = RNG.standard_normal((6, 3))
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 0])
    res = []
    for lib in (tg, torch):
        weight = lib.tensor(w, requires_grad=True)
        kw = {"mode": mode}
        inp = lib.tensor(idx)
        if case == "2d":
            inp = lib.tensor(idx.reshape(2, 4))
        else:
            kw["offsets"] = lib.tensor([0, 4, 4] if case != "last_offset" else [0, 3, 3, 8])
        if case == "padding":
            kw["padding_idx"] = 2
        if case == "last_offset":
            kw["include_last_offset"] = True
        psw = None
        if case == "psw":
            psw = lib.tensor(RNG_PSW, requires_grad=True)
            kw["per_sample_weights"] = psw
        y = lib.nn.functional.embedding_bag(inp, weight, **kw)
        (y * lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(y.shape))).sum() \
            .backward()
        res.append([y, weight.grad] + ([psw.grad] if psw is not None else []))
    for a, b in zip(*res):
        _close(a, b)


RNG_PSW = np.random.default_rng(9).standard_normal(8)


def test_embedding_bag_module_and_gradcheck(torch):
    tg.manual_seed(0)
    bag = tg.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=1)
    torch.manual_seed(0)
    tbag = torch.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=1)
    _close(bag.weight, tbag.weight, atol=1e-7)
    assert repr(bag) == repr(tbag)
    _close(bag(tg.tensor([1, 2, 4, 5, 4, 3]), tg.tensor([0, 4])),
           tbag(torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 4])), atol=1e-6)
    w = tg.tensor(RNG.standard_normal((6, 3)), requires_grad=True)
    for mode in ("sum", "mean", "max"):
        assert gradcheck(lambda t: tg.nn.functional.embedding_bag(
            tg.tensor([1, 2, 4, 5, 0]), t, tg.tensor([0, 2]), mode=mode), (w,))
    with pytest.raises(NotImplementedError, match="per_sample_weights"):
        tg.nn.functional.embedding_bag(tg.tensor([1, 2]), w, tg.tensor([0]), mode="mean",
                                       per_sample_weights=tg.ones(2, dtype=tg.float64))
    with pytest.raises(ValueError, match="offsets has to be None"):
        tg.nn.functional.embedding_bag(tg.tensor([[1, 2]]), w, tg.tensor([0]))


# ---------------------------------------------------------------- gumbel_softmax
@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_matches_torch(torch, hard):
    x = RNG.standard_normal((3, 5))
    res = []
    for lib in (tg, torch):
        t = lib.tensor(x, requires_grad=True)
        lib.manual_seed(4)
        y = lib.nn.functional.gumbel_softmax(t, tau=0.7, hard=hard)
        (y * lib.arange(5.0)).sum().backward()
        res.append((y, t.grad))
    for a, b in zip(*res):
        _close(a, b, atol=1e-12)


def test_rnn_utils_layouts_match_torch(torch):
    def strides(lib):
        R = lib.nn.utils.rnn
        s = [lib.ones(3, 2), lib.ones(2, 2)]
        p, q = R.pack_sequence(s), R.pack_sequence(s[::-1], enforce_sorted=False)
        return [R.pad_packed_sequence(p)[0].stride(),
                R.pad_packed_sequence(p, batch_first=True)[0].stride(),
                R.pad_packed_sequence(q, batch_first=True)[0].stride(),
                R.pad_sequence(s).stride(), R.pad_sequence(s, batch_first=True).stride(),
                [t.stride() for t in R.unpack_sequence(q)]]
    assert strides(tg) == strides(torch)


def test_packed_lstm_then_dropout_program_matches_torch(torch):
    """pad -> pack -> bidirectional LSTM -> pad -> Dropout: every seeded number as torch."""
    def run(lib):
        lib.manual_seed(0)
        emb, lstm = lib.nn.Embedding(10, 4), lib.nn.LSTM(4, 5, batch_first=True,
                                                          bidirectional=True)
        R = lib.nn.utils.rnn
        seqs = [lib.tensor([1, 2, 3]), lib.tensor([4, 5]), lib.tensor([6, 7, 8, 9])]
        x = emb(R.pad_sequence(seqs, batch_first=True))
        out, (h, c) = lstm(R.pack_padded_sequence(x, lib.tensor([3, 2, 4]), batch_first=True,
                                                  enforce_sorted=False))
        y, _ = R.pad_packed_sequence(out, batch_first=True)
        loss = lib.nn.Dropout(0.3)(y).sum() + h.sum()
        loss.backward()
        return loss, emb.weight.grad
    for a, b in zip(run(tg), run(torch)):
        _close(a, b, atol=1e-5)
