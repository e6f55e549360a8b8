"""tensorgraph's random numbers against torch's (CPU): the same seed gives the same
bits, for every sampler, size and dtype, and the generator state stays in step."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgraph as tg

SIZES = [0, 1, 7, 15, 16, 17, 1000]
SEEDS = [0, 1, 2147483647]
DTYPES = ["float32", "float64"]


def same(t_out, g_out) -> None:
    """Bit-for-bit equal: same shape, dtype and bytes (NaNs included)."""
    a = t_out.detach().numpy() if hasattr(t_out, "detach") else np.asarray(t_out)
    b = np.asarray(g_out.array)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    bits = np.dtype(f"u{a.dtype.itemsize}") if a.dtype != np.bool_ else np.dtype("u1")
    diff = np.flatnonzero(np.ascontiguousarray(a).view(bits) != np.ascontiguousarray(b).view(bits))
    assert diff.size == 0, f"{diff.size} of {a.size} differ, first at {diff[:5]}"


def samplers(lib, dt):
    """The same calls in torch and in tensorgraph: (name, fn(n))."""
    d = getattr(lib, dt)
    return [
        ("rand", lambda n: lib.rand(n, dtype=d)),
        ("randn", lambda n: lib.randn(n, dtype=d)),
        ("uniform_", lambda n: lib.zeros(n, dtype=d).uniform_(-2.5, 3.0)),
        ("normal_", lambda n: lib.zeros(n, dtype=d).normal_(0.5, 2.5)),
        ("exponential_", lambda n: lib.zeros(n, dtype=d).exponential_(1.5)),
        ("bernoulli_", lambda n: lib.zeros(n, dtype=d).bernoulli_(0.3)),
        ("randint", lambda n: lib.randint(-5, 10, (n,))),
        ("randint_wide", lambda n: lib.randint(0, 2**40, (n,))),
        ("randint_2_28", lambda n: lib.randint(3, 3 + 2**28, (n,))),
        ("randperm", lambda n: lib.randperm(n)),
        ("random_", lambda n: lib.zeros(n, dtype=d).random_()),
        ("random_to", lambda n: lib.zeros(n, dtype=d).random_(100)),
        ("random_int32", lambda n: lib.zeros(n, dtype=lib.int32).random_(-3, 1000)),
    ]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_sampler_draws_torch_stream(torch, seed, dt):
    for (name, t_fn), (_, g_fn) in zip(samplers(torch, dt), samplers(tg, dt)):
        for n in SIZES:
            torch.manual_seed(seed)
            tg.manual_seed(seed)
            same(t_fn(n), g_fn(n))
            same(torch.get_rng_state(), tg.get_rng_state())  # advanced as far as torch


@pytest.mark.parametrize("dt", DTYPES)
def test_large_tensors(torch, dt):
    for (name, t_fn), (_, g_fn) in zip(samplers(torch, dt), samplers(tg, dt)):
        torch.manual_seed(7)
        tg.manual_seed(7)
        same(t_fn(100_000), g_fn(100_000))


@pytest.mark.parametrize("seed", [0, 1, 5, 2147483647])
def test_randperm_sizes(torch, seed):
    """The sort-and-pointer-jumping shuffle against torch's loop, up to 10**6."""
    for n in [0, 1, 2, 3, 7, 16, 1000, 65536, 65537, 100_000, 1_000_000]:
        torch.manual_seed(seed)
        tg.manual_seed(seed)
        same(torch.randperm(n), tg.randperm(n))
        same(torch.get_rng_state(), tg.get_rng_state())


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("seed", [0, 3, 2147483647])
def test_randn_sizes(torch, seed, dt):
    """The 16-wide Box-Muller (its n % 16 tail included) and the serial path around 16,
    with mean 0 / std 1 (randn), a shifted mean and a scaled std (normal_)."""
    for n in [15, 16, 17, 31, 1000, 1_000_000]:
        for mean, std in [(0.0, 1.0), (3.0, 1.0), (-1.0, 0.25)]:
            torch.manual_seed(seed)
            tg.manual_seed(seed)
            same(torch.empty(n, dtype=getattr(torch, dt)).normal_(mean, std),
                 tg.empty(n, dtype=getattr(tg, dt)).normal_(mean, std))
            same(torch.get_rng_state(), tg.get_rng_state())
        torch.manual_seed(seed)
        tg.manual_seed(seed)
        same(torch.randn(n, dtype=getattr(torch, dt)), tg.randn(n, dtype=getattr(tg, dt)))


@pytest.mark.parametrize("dt", DTYPES)
def test_mixed_sequence_keeps_state_and_normal_cache(torch, dt):
    """Odd-sized serial normals leave a cached value that the next call uses."""
    def run(lib):
        d = getattr(lib, dt)
        g = lib.Generator().manual_seed(2147483647)
        out = [lib.randn(3, dtype=d), lib.randn(5, dtype=d, generator=g), lib.randn(1, dtype=d),
               lib.rand(4, 4, dtype=d), lib.randn(2, 3, dtype=d), lib.randint(10, (7,)),
               lib.randn((27, 27), generator=g, dtype=d), lib.randn(15, dtype=d),
               lib.zeros(9, dtype=d).normal_(1.0, 0.5), lib.randperm(30, generator=g),
               lib.randn(33, dtype=d), lib.randn(1, generator=g, dtype=d),
               lib.randint(0, 5, (3, 2), generator=g)]
        return out, g.get_state()

    torch.manual_seed(3)
    tg.manual_seed(3)
    t_out, t_state = run(torch)
    g_out, g_state = run(tg)
    for a, b in zip(t_out, g_out):
        same(a, b)
    same(t_state, g_state)
    same(torch.get_rng_state(), tg.get_rng_state())


def test_states_load_across_libraries(torch):
    torch.manual_seed(11)
    torch.randn(5)  # leaves a cached normal
    tg.set_rng_state(tg.tensor(torch.get_rng_state().numpy()))
    same(torch.randn(9), tg.randn(9))
    tg.manual_seed(12)
    tg.randn(3)
    torch.set_rng_state(torch.from_numpy(tg.get_rng_state().array.copy()))
    same(torch.rand(20), tg.rand(20))


def test_calling_forms(torch):
    for lib in (torch, tg):
        lib.manual_seed(5)
    forms = [
        lambda L: L.randint(10, (3,)), lambda L: L.randint(2, 10, (3, 2)),
        lambda L: L.randint(0, 10, size=(4,)), lambda L: L.randint(low=-4, high=4, size=(5,)),
        lambda L: L.randint(10, (3,), dtype=L.int32), lambda L: L.randint(7, (6,), dtype=L.float32),
        lambda L: L.rand(2, 3), lambda L: L.rand((2, 3)), lambda L: L.rand([4]),
        lambda L: L.rand(size=(2, 2)), lambda L: L.randn(4, 5, dtype=L.float64),
        lambda L: L.randn(3, requires_grad=True), lambda L: L.randperm(12, dtype=L.int32),
        lambda L: L.normal(0.0, 1.0, (3, 4)), lambda L: L.normal(2.0, 3.0, size=(40,)),
        lambda L: L.normal(L.arange(6.0), L.full((6,), 2.0)),
        lambda L: L.normal(L.arange(20.0), 0.5), lambda L: L.normal(1.5, L.full((2, 9), 0.1)),
        lambda L: L.rand_like(L.zeros(3, 3)), lambda L: L.randn_like(L.zeros(20, dtype=L.float64)),
        lambda L: L.randint_like(L.zeros(5), 4), lambda L: L.randint_like(L.zeros(5), 2, 9),
        lambda L: L.bernoulli(L.full((50,), 0.3)),
        lambda L: L.bernoulli(L.full((50,), 0.7, dtype=L.float64)),
        lambda L: L.bernoulli(L.zeros(30), 0.25),
    ]
    for f in forms:
        same(f(torch), f(tg))
    same(torch.get_rng_state(), tg.get_rng_state())


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial(torch, dt, replacement):
    rng = np.random.default_rng(0)
    for shape, k in [((27,), 1), ((27,), 5), ((4, 10), 1), ((4, 10), 3), ((1000,), 20)]:
        p = rng.random(shape).astype(dt)
        p[..., 0] = 0  # a zero-probability category is never drawn
        for lib in (torch, tg):
            lib.manual_seed(9)
        gen_t = torch.Generator().manual_seed(2147483647)
        gen_g = tg.Generator().manual_seed(2147483647)
        same(torch.multinomial(torch.tensor(p), k, replacement, generator=gen_t),
             tg.multinomial(tg.tensor(p), k, replacement, generator=gen_g))
        same(torch.tensor(p).multinomial(k, replacement), tg.tensor(p).multinomial(k, replacement))
        same(gen_t.get_state(), gen_g.get_state())


def test_dropout_mask(torch):
    for p in (0.1, 0.5, 0.8):
        for dt in DTYPES:
            x = np.random.default_rng(1).standard_normal((64, 33)).astype(dt)
            torch.manual_seed(4)
            tg.manual_seed(4)
            same(torch.nn.functional.dropout(torch.tensor(x), p),
                 tg.nn.functional.dropout(tg.tensor(x), p))
            same(torch.nn.Dropout(p)(torch.tensor(x)), tg.nn.Dropout(p)(tg.tensor(x)))


def test_non_contiguous_fills_follow_memory_order(torch):
    torch.manual_seed(2)
    tg.manual_seed(2)
    a, b = torch.zeros(20, 30), tg.zeros(20, 30)
    a.t().normal_()  # non-contiguous: torch's serial path, in memory order
    b.transpose(0, 1).normal_()
    same(a, b)
    a.t().uniform_(-1, 1)
    b.transpose(0, 1).uniform_(-1, 1)
    same(a, b)


LAYERS = [
    ("Linear", lambda nn: nn.Linear(784, 10)),
    ("Linear_nobias", lambda nn: nn.Linear(30, 7, bias=False)),
    ("Linear_small", lambda nn: nn.Linear(3, 2)),
    ("Conv2d", lambda nn: nn.Conv2d(3, 16, 3)),
    ("Conv2d_groups", lambda nn: nn.Conv2d(4, 8, (3, 5), groups=2)),
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(8)),
    ("LayerNorm", lambda nn: nn.LayerNorm(12)),
    ("MLP", lambda nn: nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))),
    ("Embedding", lambda nn: nn.Embedding(27, 10)),
    ("Embedding_padding", lambda nn: nn.Embedding(30, 8, padding_idx=0)),
    ("RNN", lambda nn: nn.RNN(10, 20, num_layers=2)),
    ("LSTM", lambda nn: nn.LSTM(8, 16)),
    ("GRU", lambda nn: nn.GRU(8, 16, bidirectional=True)),
    ("LSTMCell", lambda nn: nn.LSTMCell(5, 7)),
    ("MultiheadAttention", lambda nn: nn.MultiheadAttention(16, 4)),
    ("TransformerEncoderLayer", lambda nn: nn.TransformerEncoderLayer(16, 4, dim_feedforward=32)),
]
LAYERS = [(n, b) for n, b in LAYERS if n == "MLP" or hasattr(tg.nn, n.split("_")[0])]


@pytest.mark.parametrize("seed", [0, 1, 42])
@pytest.mark.parametrize("name,build", LAYERS, ids=[n for n, _ in LAYERS])
def test_layers_start_with_torch_weights(torch, seed, name, build):
    torch.manual_seed(seed)
    tg.manual_seed(seed)
    t_sd, g_sd = build(torch.nn).state_dict(), build(tg.nn).state_dict()
    assert list(t_sd) == list(g_sd)
    for k in t_sd:
        same(t_sd[k], g_sd[k])
    same(torch.get_rng_state(), tg.get_rng_state())


@pytest.mark.parametrize("dt", DTYPES)
def test_init_functions(torch, dt):
    calls = [
        lambda init, w: init.uniform_(w, -0.1, 0.2), lambda init, w: init.normal_(w, 0.0, 0.02),
        lambda init, w: init.xavier_uniform_(w), lambda init, w: init.xavier_normal_(w, gain=2.0),
        lambda init, w: init.kaiming_uniform_(w, nonlinearity="relu"),
        lambda init, w: init.kaiming_normal_(w, mode="fan_out"),
    ]
    for f in calls:
        for shape in [(5, 3), (64, 100)]:
            torch.manual_seed(8)
            tg.manual_seed(8)
            a = torch.zeros(shape, dtype=getattr(torch, dt))
            b = tg.zeros(shape, dtype=getattr(tg, dt))
            same(f(torch.nn.init, a), f(tg.nn.init, b))
    g_t, g_g = torch.Generator().manual_seed(1), tg.Generator().manual_seed(1)
    same(torch.nn.init.uniform_(torch.zeros(40), generator=g_t),
         tg.nn.init.uniform_(tg.zeros(40), generator=g_g))


@pytest.mark.parametrize("args", [{"std": 0.02}, {"mean": 0.5, "std": 1.0, "a": -1.0, "b": 2.0},
                                  {"mean": 0.0, "std": 1.0, "a": 1.5, "b": 3.0}])
def test_trunc_normal(torch, args):
    torch.manual_seed(8)
    tg.manual_seed(8)
    a = torch.nn.init.trunc_normal_(torch.zeros(200, 50), **args)
    b = tg.nn.init.trunc_normal_(tg.zeros(200, 50), **args)
    same(a, b)
    same(torch.get_rng_state(), tg.get_rng_state())


def test_makemore_style_sampling(torch):
    """Lecture code: a seeded generator, randn weights, softmax, multinomial per step."""
    def sample(lib):
        g = lib.Generator().manual_seed(2147483647)
        W = lib.randn((27, 27), generator=g)
        out, ix = [], 0
        for _ in range(40):
            logits = W[ix]
            p = (logits.exp() / logits.exp().sum())
            ix = lib.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(ix)
        return out
    assert sample(torch) == sample(tg)
    assert math.isfinite(sum(sample(tg)))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 2, 3)])
def test_orthogonal_draws_torchs_normals(torch, shape):
    torch.manual_seed(0)
    tg.manual_seed(0)
    a = torch.nn.init.orthogonal_(torch.empty(shape), gain=2.0).numpy()
    b = tg.nn.init.orthogonal_(tg.zeros(*shape), gain=2.0).array
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-6)  # QR by numpy's LAPACK, not torch's
    same(torch.get_rng_state(), tg.get_rng_state())
