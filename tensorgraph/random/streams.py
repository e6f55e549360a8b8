"""torch's CPU distributions (ATen ``DistributionsHelper.h``, ``TransformationHelper.h``,
``cpu/DistributionTemplates.h``) as whole-array numpy transforms of a Generator's words.

Each function returns a flat array of ``n`` samples in the order torch writes them
and advances the generator exactly as far as torch does.
"""

from __future__ import annotations

import math
import time
from functools import cache

import numpy as np

from . import libm, normal32
from .floatmath import f32, f64, fma32, fma64
from .generator import Generator

_F32_DIV, _F64_DIV = f32(2.0**-24), 2.0**-53
_CHUNK = 128 * 1024  # elements per Box-Muller pass (multiple of 16): big enough to amortise numpy's per-call cost, small enough to reuse freed memory


def unit_float32(g: Generator, n: int) -> np.ndarray:
    """``uniform_real_distribution<float>(0, 1)``: 24 bits of one word, times 2**-24."""
    u = (g.words32(n) & np.uint32(0xFFFFFF)).astype(f32)
    u *= _F32_DIV
    return u


def _unit53(words: np.ndarray) -> np.ndarray:
    return (words & np.uint64(2**53 - 1)).astype(f64) * _F64_DIV


def unit_float64(g: Generator, n: int) -> np.ndarray:
    """``uniform_real_distribution<double>(0, 1)``: 53 bits of a 64-bit word."""
    return _unit53(g.random64(n))


def _compute_dtype(dtype: np.dtype) -> np.dtype:
    # Half-precision samplers compute in float (torch's opmath), then round down.
    return np.dtype(f64) if dtype == np.float64 else np.dtype(f32)


def uniform(g: Generator, n: int, low: float, high: float, dtype: np.dtype) -> np.ndarray:
    """``uniform_(low, high)``: ``x * (high - low) + low`` fused, and a result that
    rounds up to ``high`` is replaced by ``low`` (torch keeps the interval half-open)."""
    if low == 0 and high == 1:  # x * 1 + 0 is x, and x < 1: nothing to round or clamp
        unit = unit_float64(g, n) if dtype == np.float64 else unit_float32(g, n)
        return unit.astype(dtype, copy=False)
    wide = dtype == np.float64
    lo, hi = (f64(low), f64(high)) if wide else (f32(low), f32(high))
    unit = unit_float64(g, n) if wide else unit_float32(g, n)
    fma = fma64 if wide else fma32
    out = np.empty(n, dtype=unit.dtype)
    for start in range(0, n, _CHUNK):  # cache-sized pieces, as in the normal fill
        out[start:start + _CHUNK] = fma(unit[start:start + _CHUNK], hi - lo, lo)
    out = out.astype(dtype, copy=False)
    top = np.asarray(high).astype(dtype)
    return np.where(out == top, np.asarray(low).astype(dtype), out)


# ---------------------------------------------------------------- normal
def _box_muller16_float64(words: np.ndarray, mean: float, std: float, out: np.ndarray) -> None:
    """``NormalFill16<double>``: the same layout as the float32 fill (first 8 of each 16
    uniforms for the radius of ``1 - u``, last 8 the angle), glibc's log/cos/sin in double."""
    u = _unit53(words).reshape(-1, 2, 8)
    dest = out.reshape(-1, 2, 8)
    radius = np.sqrt(-2.0 * libm.glibc_log(1.0 - u[:, 0]))
    theta = (2.0 * math.pi) * u[:, 1]
    cos, sin = np.cos(theta), np.sin(theta)
    cos *= radius
    sin *= radius
    if std == 1:  # fma(n, 1, mean) is the double sum
        np.add(cos, mean, out=dest[:, 0])
        np.add(sin, mean, out=dest[:, 1])
    else:
        dest[:, 0] = fma64(cos, std, mean)
        dest[:, 1] = fma64(sin, std, mean)


def _normal_fill(g: Generator, n: int, mean: float, std: float, dtype: np.dtype) -> np.ndarray:
    """The vectorised path (contiguous, >= 16 elements): ``n`` uniforms, Box-Muller on
    each full block of 16, and, when ``n % 16``, 16 fresh uniforms for the last 16."""
    wide = _compute_dtype(dtype) == np.float64
    full = n - n % 16
    out = np.empty(n, dtype=f64 if wide else f32)
    if wide:
        words = g.random64(n)
        for start in range(0, full, _CHUNK):  # cache-sized pieces: far fewer page faults
            stop = min(start + _CHUNK, full)
            _box_muller16_float64(words[start:stop], mean, std, out[start:stop])
    else:  # normal32 goes through in cache-sized pieces itself
        normal32.box_muller16(g.words32(n)[:full], mean, std, out[:full])
    if n % 16:
        last = np.empty(16, dtype=out.dtype)
        if wide:
            _box_muller16_float64(g.random64(16), mean, std, last)
        else:
            normal32.box_muller16(g.words32(16), mean, std, last)
        out[n - 16:] = last
    return out.astype(dtype, copy=False)


def _normal_serial(g: Generator, n: int, mean: float, std: float, dtype: np.dtype) -> np.ndarray:
    """The element-by-element path: ``normal_distribution<double>``, which makes two
    values per pair of uniforms and keeps the second (``r * sin``) in the generator
    for the next call."""
    values = []
    if n and g.next_double_normal is not None:
        values.append(np.array([g.next_double_normal]))
        g.next_double_normal = None
    fresh = n - len(values)
    pairs = (fresh + 1) // 2
    if pairs:
        u = unit_float64(g, 2 * pairs).reshape(-1, 2)
        r = np.sqrt(-2.0 * libm.glibc_log1p(-u[:, 1]))
        theta = (2.0 * math.pi) * u[:, 0]
        cos_sin = np.stack([r * np.cos(theta), r * np.sin(theta)], 1).reshape(-1)
        if fresh % 2:
            g.next_double_normal = float(cos_sin[-1])
        values.append(cos_sin[:fresh])
    z = np.concatenate(values) if values else np.empty(0)
    return fma64(z, std, mean).astype(dtype)


def normal(g: Generator, n: int, mean: float, std: float, dtype: np.dtype,
           contiguous: bool = True) -> np.ndarray:
    """``normal_(mean, std)``: torch's vectorised path for contiguous tensors of at
    least 16 elements, its serial path (with the cached value) otherwise."""
    if n >= 16 and contiguous:
        return _normal_fill(g, n, mean, std, dtype)
    return _normal_serial(g, n, mean, std, dtype)


# ---------------------------------------------------------------- integers
def integers(g: Generator, n: int, low: int, high: int, dtype: np.dtype) -> np.ndarray:
    """``random_(low, high)`` / ``randint``: ``word % (high - low) + low``, with 64-bit
    words once the range reaches 2**28 (torch's bound on the modulo's skew)."""
    span = high - low
    words = g.random64(n) if span >= 2**28 else g.random32(n)
    base = np.uint64(low % 2**64)  # two's complement: the sum wraps like torch's
    return ((words % np.uint64(span)) + base).view(np.int64).astype(dtype)


def full_range_integers(g: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """``random_()`` with no bounds: ``[0, 2**mantissa]`` for floats, ``[0, max]`` for ints."""
    if dtype == np.bool_:
        return (g.random32(n) & np.uint64(1)).astype(bool)
    if dtype.kind == "f":
        digits = {2: 11, 4: 24, 8: 53}[dtype.itemsize]
        words = g.random64(n) if dtype == np.float64 else g.random32(n)
        return (words % np.uint64(2**digits + 1)).astype(dtype)
    top = int(np.iinfo(dtype).max) + 1
    words = g.random64(n) if dtype == np.int64 else g.random32(n)
    return (words % np.uint64(top)).astype(dtype)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``argsort(keys, kind="stable")`` for uint32 keys, as two 16-bit radix passes
    (numpy's stable sort of 16-bit keys is a radix sort: ~3x faster than sorting
    int64 here)."""
    order = np.argsort(keys.astype(np.uint16), kind="stable")  # the low 16 bits
    if keys.size and int(keys.max()) >> 16:
        high = (keys[order] >> np.uint32(16)).astype(np.uint16)
        order = order[np.argsort(high, kind="stable")]
    return order


@cache
def radix_is_faster() -> bool:
    """Whether :func:`stable_order` beats one int64 sort of packed keys on this machine
    (timed once, best of 3 on 2**15 keys). numpy's int64 sort is a SIMD sort on some
    CPUs (then ~3x faster than the radix passes) and a scalar one on others (then ~3x
    slower); both give the same order, so only the speed depends on the answer."""
    keys = np.random.default_rng(0).integers(0, 1 << 17, 1 << 15).astype(np.uint32)
    packed = (keys.astype(np.int64) << 17) + np.arange(keys.size)
    radix = sort = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        stable_order(keys)
        t1 = time.perf_counter()
        np.sort(packed)
        t2 = time.perf_counter()
        radix, sort = min(radix, t1 - t0), min(sort, t2 - t1)
    return radix < sort


def permutation(g: Generator, n: int) -> np.ndarray:
    """``randperm(n)``: torch's shuffle, ``swap(r[i], r[t_i])`` with ``t_i = i + word_i %
    (n - i)`` for i = 0 .. n-2, resolved without a loop over i.

    Position i is final after step i, and only the steps aimed at a position change it
    before then. So order the steps by (target, step) (a stable sort by target, or a
    sort of packed keys, whichever :func:`radix_is_faster` picks): in the
    group of steps aimed at p, the first takes p's original value and each later one
    takes what its predecessor left there, ``A[pred]``, where ``A[k]`` is what position
    k held just before step k (step n-1, and any step aimed at itself, sits last in its
    own group and takes the same rule). ``A[k]`` is ``A`` of the last step before k
    aimed at k, or k itself: chains resolved by pointer jumping, on the shrinking set
    not yet resolved.
    """
    if n >= 2**32 // 20:
        raise RuntimeError(
            f"randperm: n={n} uses torch's 64-bit shuffle, which tensorgraph does not "
            "reproduce (and an int64 permutation that long needs > 1.7 GB)."
        )
    if n < 2:
        return np.arange(n, dtype=np.int64)
    z = np.empty(n, dtype=np.uint32)  # z_i = word_i % (n - i); step n-1 aims at itself
    np.remainder(g.words32(n - 1), np.arange(n, 1, -1, dtype=np.uint32), out=z[:-1])
    z[-1] = 0
    target = z + np.arange(n, dtype=np.uint32)
    steps = np.arange(n, dtype=np.int64)
    if radix_is_faster():
        step = stable_order(target)
        aim = target[step].astype(np.int64)
    else:  # one sort of packed (target, step) keys
        shift = int(n - 1).bit_length()
        keys = target.astype(np.int64)
        keys <<= shift
        keys += steps
        keys.sort()
        aim, step = keys >> shift, keys & ((1 << shift) - 1)
    # parent[k]: the last step before k aimed at k (else k): in the sorted keys, the one
    # just before where (k, k) sorts, if that is still in k's group.
    count = np.bincount(aim, minlength=n)
    at = np.cumsum(count)  # where k's group ends
    zero = z == 0  # step k aimed at k: the last of its group, and (k, k) sorts before it
    at -= zero
    count -= zero  # the steps before k aimed at k
    at -= 1
    has = count > 0
    parent = np.where(has, step[at], steps)
    todo = np.flatnonzero(has)
    while todo.size:  # pointer jumping: parent[k] <- parent[parent[k]] until a root
        up = parent[todo]
        upup = parent[up]
        parent[todo] = upup
        todo = todo[upup != up]
    pred_value = np.empty(n, dtype=np.int64)  # A[the step before in the sorted keys]
    pred_value[0] = aim[0]
    np.take(parent, step[:-1], out=pred_value[1:])
    first = np.empty(n, dtype=bool)  # first step of its group
    first[0] = True
    np.not_equal(aim[1:], aim[:-1], out=first[1:])
    out = np.empty(n, dtype=np.int64)
    out[step] = np.where(first, aim, pred_value)
    return out


# ---------------------------------------------------------------- bernoulli, exponential
def bernoulli_scalar(g: Generator, n: int, p: float) -> np.ndarray:
    """``bernoulli_(p)`` for a float p: a double uniform ``< p`` (torch 2.13's kernel on
    AMD and Intel CPUs alike; some older torch builds called MKL's generator on Intel)."""
    return unit_float64(g, n) < p


def bernoulli_tensor(g: Generator, p: np.ndarray) -> np.ndarray:
    """``bernoulli_(p_tensor)``: one uniform per element in p's own precision."""
    flat = p.reshape(-1)
    if flat.dtype == np.float64:
        return unit_float64(g, flat.size) < flat
    return unit_float32(g, flat.size) < flat.astype(f32)


def exponential(g: Generator, n: int, lambd: float, dtype: np.dtype) -> np.ndarray:
    """``exponential_(lambd)``: ``-1/lambd * log1p(-u)`` in double (glibc's log1p)."""
    return ((-1.0 / lambd) * libm.glibc_log1p(-unit_float64(g, n))).astype(dtype)


def multinomial_with_replacement(g: Generator, probs: np.ndarray, num_samples: int) -> np.ndarray:
    """torch's CPU kernel for several samples with replacement: per row, the running
    sum in the input's precision divided by the total, then for each sample a double
    uniform placed by binary search (the first bucket whose cumulative mass >= u)."""
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for i, row in enumerate(rows):  # one numpy pass per distribution
        cum = np.cumsum(row, dtype=row.dtype)
        cum = cum / cum[-1]
        cum[-1] = 1
        u = unit_float64(g, num_samples)
        out[i] = np.searchsorted(cum.astype(f64), u, side="left")
    return out
