"""tg.Generator and the samplers' own behaviour (no torch needed): seeding, state
round trips, the permutation algorithm, argument checking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgraph as tg
from tensorgraph.random import streams


def test_generator_seeding_api():
    g = tg.Generator()
    assert g.initial_seed() == 67280421310721  # torch.Generator()'s default seed
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    assert tg.manual_seed(3) is tg.default_generator and tg.initial_seed() == 3
    s = tg.seed()
    assert isinstance(s, int) and tg.initial_seed() == s
    assert tg.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(RuntimeError, match="seed must be within range"):
        g.manual_seed(2**64)


def test_state_round_trip_reproduces_samples():
    g = tg.Generator().manual_seed(7)
    tg.randn(3, generator=g)  # odd serial draw: a cached normal is part of the state
    state = g.get_state()
    assert state.dtype == tg.uint8 and state.shape == (5056,)
    first = [tg.randn(5, generator=g).array, tg.rand(20, generator=g).array,
             tg.randperm(9, generator=g).array]
    g.set_state(state)
    again = [tg.randn(5, generator=g).array, tg.rand(20, generator=g).array,
             tg.randperm(9, generator=g).array]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert np.array_equal(g.get_state().array, tg.Generator().set_state(g.get_state())
                          .get_state().array)


def test_global_state_round_trip():
    tg.manual_seed(0)
    state = tg.get_rng_state()
    a = tg.randn(17).array
    tg.set_rng_state(state)
    np.testing.assert_array_equal(tg.randn(17).array, a)
    tg.manual_seed(0)
    np.testing.assert_array_equal(tg.randn(17).array, a)


def test_words32_are_random32s_words():
    """The uint32 draw (numpy's full-range integers) is the raw mt19937 stream too."""
    a, b = tg.Generator().manual_seed(11), tg.Generator().manual_seed(11)
    for n in (1, 7, 623, 624, 625, 10_000, 3):
        w32 = a.words32(n)
        assert w32.dtype == np.uint32
        np.testing.assert_array_equal(w32, b.random32(n))
        np.testing.assert_array_equal(a.random32(5), b.words32(5))
        np.testing.assert_array_equal(a.get_state().array, b.get_state().array)


def test_generators_are_independent():
    g1, g2 = tg.Generator().manual_seed(1), tg.Generator().manual_seed(1)
    tg.manual_seed(9)
    a = tg.rand(4, generator=g1).array
    tg.rand(100)  # the default generator does not disturb g2
    np.testing.assert_array_equal(tg.rand(4, generator=g2).array, a)


def test_set_state_rejects_wrong_input():
    g = tg.Generator()
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(tg.zeros(5056))
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size to be 10"):
        g.set_state(tg.zeros(10, dtype=tg.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(tg.zeros(5056, dtype=tg.uint8))


def reference_randperm(g: tg.Generator, n: int) -> np.ndarray:
    """torch's loop, written out: swap r[i] with r[i + word % (n - i)]."""
    r = list(range(n))
    words = g.random32(max(n - 1, 0)).tolist()
    for i in range(n - 1):
        z = words[i] % (n - i)
        r[i], r[i + z] = r[i + z], r[i]
    return np.array(r, dtype=np.int64)


@given(st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_vectorised_permutation_is_torchs_loop(n, seed):
    a = streams.permutation(tg.Generator().manual_seed(seed), n)
    np.testing.assert_array_equal(a, reference_randperm(tg.Generator().manual_seed(seed), n))


def test_randperm_large_is_a_permutation():
    p = tg.randperm(100_000).array
    np.testing.assert_array_equal(np.sort(p), np.arange(100_000))


def test_in_place_samplers_return_self_and_respect_leaves():
    w = tg.zeros(4, 3)
    v = w._version
    assert w.normal_() is w and w._version > v
    leaf = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        leaf.uniform_()
    with tg.no_grad():
        leaf.uniform_()
    assert leaf.requires_grad


@pytest.mark.parametrize("call,err,msg", [
    (lambda: tg.randint(5, 5, (3,)), RuntimeError, "from=5 >= to=5"),
    (lambda: tg.randint(0, (3,)), RuntimeError, "from=0 >= to=0"),
    (lambda: tg.zeros(3).random_(5, 2), RuntimeError, "from=5 >= to=2"),
    (lambda: tg.zeros(3).uniform_(1, 0), RuntimeError, "from=1 > to=0"),
    (lambda: tg.zeros(3).normal_(0, -1), RuntimeError, "std >= 0.0, but found std -1"),
    (lambda: tg.normal(0.0, -1.0, (2,)), RuntimeError, "found std -1"),
    (lambda: tg.normal(tg.zeros(2), tg.tensor([1.0, -1.0])), RuntimeError, "all elements of std"),
    (lambda: tg.normal(0.0, 1.0), TypeError, "give a size"),
    (lambda: tg.zeros(3).exponential_(0), RuntimeError, "lambda > 0.0, but found lambda=0"),
    (lambda: tg.zeros(3).bernoulli_(1.5), RuntimeError, "p to be in \\[0, 1\\], but got p=1.5"),
    (lambda: tg.bernoulli(tg.tensor([0.5, 1.5])), RuntimeError, "p_in >= 0 && p_in <= 1"),
    (lambda: tg.multinomial(tg.ones(2), 0), RuntimeError, "n_sample <= 0"),
    (lambda: tg.multinomial(tg.ones(2), -1), RuntimeError, "num_samples=-1"),
    (lambda: tg.multinomial(tg.ones(2), 3), RuntimeError, "without replacement \\(num_samples=3 > 2"),
    (lambda: tg.multinomial(tg.tensor([0.5, -0.5]), 1), RuntimeError, "element < 0"),
    (lambda: tg.multinomial(tg.tensor([0.5, float("nan")]), 1), RuntimeError, "`nan`"),
    (lambda: tg.multinomial(tg.tensor([0.5, float("inf")]), 1), RuntimeError, "`inf`"),
    (lambda: tg.multinomial(tg.zeros(2), 1), RuntimeError, "sum of probabilities <= 0"),
    (lambda: tg.multinomial(tg.tensor([0.5, -0.5]), 2, True), RuntimeError, "entry < 0"),
    (lambda: tg.multinomial(tg.tensor([0.5, float("inf")]), 2, True), RuntimeError, "infinity or NaN"),
    (lambda: tg.multinomial(tg.zeros(2, 3), 2, True), RuntimeError, "sum of probabilities <= 0"),
    (lambda: tg.multinomial(tg.tensor([1, 2]), 1), RuntimeError, "floating-point dtypes.*Long"),
    (lambda: tg.multinomial(tg.ones(2, 2, 2), 1), RuntimeError, "1 or 2 dim"),
    (lambda: tg.rand(-1), RuntimeError, "negative dimension -1"),
    (lambda: tg.randperm(-1), RuntimeError, "negative dimension -1"),
    (lambda: tg.rand(2, dtype=tg.int64), NotImplementedError, "'Long'"),
    (lambda: tg.randn(2, dtype=tg.int64), NotImplementedError, "normal_kernel_cpu"),
    (lambda: tg.randint(3, (2,), requires_grad=True), RuntimeError, "floating point"),
    (lambda: tg.randint(10), TypeError, "size"),
    (lambda: tg.rand(2, generator=np.random.default_rng()), TypeError, "tg.Generator"),
    (lambda: tg.randn(2, device="cuda"), RuntimeError, "CPU"),
    (lambda: tg.Generator(device="cuda"), RuntimeError, "CPU"),
])
def test_bad_arguments_raise_torchs_errors(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_sample_statistics():
    x = tg.randn(100_000, dtype=tg.float64).array
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02
    u = tg.rand(100_000).array
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    e = tg.zeros(100_000).exponential_(2.0).array
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    counts = np.bincount(tg.multinomial(tg.tensor([1.0, 2.0, 7.0]), 10_000, True).array)
    np.testing.assert_allclose(counts / 10_000, [0.1, 0.2, 0.7], atol=0.02)
    k = tg.multinomial(tg.tensor([0.0, 1.0, 1.0, 1.0]), 3).array
    assert sorted(k.tolist()) == [1, 2, 3]


def test_fork_rng_restores_the_default_stream():
    tg.manual_seed(4)
    expected = tg.rand(3).array
    tg.manual_seed(4)
    with tg.random.fork_rng():
        tg.randn(100)
    np.testing.assert_array_equal(tg.rand(3).array, expected)


def test_glibc_log_paths_agree(monkeypatch):
    """numpy's log/log1p (where numpy hands float64 to glibc) and the emulation give the
    same bits, and a float64 randn is the same whichever path it takes."""
    from tensorgraph.random import libm

    x = 1.0 - np.random.default_rng(0).random(200_000)
    np.testing.assert_array_equal(libm.glibc_log(x).view(np.uint64), libm.log(x).view(np.uint64))
    np.testing.assert_array_equal(libm.glibc_log1p(-x).view(np.uint64),
                                  libm.log1p(-x).view(np.uint64))
    tg.manual_seed(4)
    fast = tg.randn(4099, dtype=tg.float64).array
    monkeypatch.setattr(libm, "_use_numpy", lambda name: False)
    tg.manual_seed(4)
    np.testing.assert_array_equal(tg.randn(4099, dtype=tg.float64).array, fast)


# Inputs where the unfused main path of log_fast rounds differently from glibc's fused
# one (found among 2**24 uniforms): its midpoint check must send them to the emulation.
UNFUSED_MISROUNDS = ["0x1.53f6c2715584ep-1", "0x1.260edffb5d4abp-1", "0x1.1be6473c61da0p-5",
                     "0x1.0fcc1ac61da0bp-1", "0x1.3bed4dce77a2bp-1", "0x1.3a1c3c0a70ee9p-1"]


def test_log_fast_gives_the_emulations_bits():
    """log_fast (plain operations plus a rounding-midpoint check) equals the exact
    emulation of glibc's FMA log bit for bit: uniforms as randn feeds it, the whole
    exponent range, inputs near 1, powers of two, special values, and the inputs where
    skipping the fused operations alone would round wrong."""
    from tensorgraph.random import libm

    rng = np.random.default_rng(11)
    special = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324, 2.2250738585072014e-308,
               1e-300, 1.7976931348623157e308, 1 - 2**-53, 1 + 2**-52]
    cases = [1.0 - rng.random(1 << 19), np.exp(rng.uniform(-745, 709, 1 << 17)),
             rng.uniform(0.9, 1.1, 1 << 16), np.ldexp(1.0, np.arange(-1074, 1024)),
             np.array(special), np.array([float.fromhex(h) for h in UNFUSED_MISROUNDS])]
    for x in cases:
        with np.errstate(all="ignore"):  # log of 0, -1, nan: numpy's warnings
            fast, exact = libm.log_fast(x), libm.log(x)
        same = (fast.view(np.uint64) == exact.view(np.uint64)) | (np.isnan(fast) & np.isnan(exact))
        assert same.all(), x[~same][:5]
    hard = np.array([float.fromhex(h) for h in UNFUSED_MISROUNDS])
    unfused, unsure = libm.log_unfused(hard)
    assert (unfused.view(np.uint64) != libm.log(hard).view(np.uint64)).all()  # really hard
    assert unsure.all()  # ... and caught
    grid = (1.0 - rng.random(4 << 10)).reshape(-1, 2, 8)[:, 0]  # a strided 2-D view, as randn's
    assert libm.log_fast(grid).view(np.uint64).tolist() == libm.log(grid).view(np.uint64).tolist()


@pytest.mark.parametrize("radix", [True, False])
def test_randperm_paths_give_the_same_permutation(monkeypatch, radix):
    """randperm orders its steps by radix passes or by one sort of packed keys,
    whichever this machine runs faster: both give the same (torch's) permutation."""
    from tensorgraph.random import streams

    expected = {n: streams.permutation(tg.Generator().manual_seed(n), n)
                for n in (2, 3, 17, 1000, 65536, 65537, 100_003)}
    monkeypatch.setattr(streams, "radix_is_faster", lambda: radix)
    for n, perm in expected.items():
        got = streams.permutation(tg.Generator().manual_seed(n), n)
        np.testing.assert_array_equal(got, perm)
        assert np.array_equal(np.sort(got), np.arange(n))
