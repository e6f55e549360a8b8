"""torch's AVX2 float32 Box-Muller (``normal_fill_16_AVX2`` with ``avx_mathfun.h``'s
``log256_ps``/``sincos256_ps``), fast: the same float operations as
:func:`floatmath.log256_ps`/:func:`floatmath.sincos256_ps`, written for speed.

Why it can drop their care and still give the same bits: both functions see only
2**24 possible inputs (a uniform is ``k * 2**-24``), so equality with the careful
versions is checked on every one of them (``tests/test_random_exhaustive.py``). The
shortcuts it takes:

- a fused multiply-add whose product is exact in float32 (a small integer times a
  constant of few bits: ``e * ln2_hi``, ``j * DP1``, ``j * DP2``, ``z * -0.5``) is a
  float32 multiply and add, which round once, as the FMA does;
- the other FMAs are a float64 product (exact) and sum rounded to float32, without the
  double-rounding check of :func:`floatmath.fma32` (the exhaustive check shows that no
  input reaches a double-rounding tie that changes the result);
- ``1 - u`` for ``u = k * 2**-24`` is ``(2**24 - k) * 2**-24``, exact, and its
  exponent and mantissa come from integer operations on its bits.
"""

from __future__ import annotations

import math

import numpy as np

from .floatmath import COSCOF, DP, FOPI, LOG_P, LOG_Q1, LOG_Q2, SINCOF, SQRTHF, fma32

f32, f64, i32 = np.float32, np.float64, np.int32

_P = [float(p) for p in LOG_P]  # float64 copies of the float32 constants: exact
_SQRTHF_MANT = int(np.array(SQRTHF, f32).view(i32)) & 0x7FFFFF
TWO_PI = f32(2.0 * math.pi)
TWO_PI_ULP = f32(float(TWO_PI) * 2.0**-24)
CHUNK = 16384  # elements per pass: the float64 temporaries stay in the L2 cache


def _fma_into(a64: np.ndarray, b: np.ndarray, c: float | np.ndarray, tmp: np.ndarray,
              out: np.ndarray) -> np.ndarray:
    """``out = float32(a * b + c)``: the product exact in float64, one rounding to float32
    (ties of the float64 sum aside: see the module docstring)."""
    np.multiply(a64, b, out=tmp)
    return np.add(tmp, c, out=out, casting="same_kind")


def log256(m: np.ndarray) -> np.ndarray:
    """``log256_ps(x)`` for ``x = m * 2**-24`` in (0, 1], given the integers m (int32,
    1 .. 2**24): x's bits are those of float32(m), 24 binades lower."""
    bits = m.astype(f32).view(i32)
    mant = bits & 0x7FFFFF
    small = (mant - _SQRTHF_MANT) >> 31  # -1 where the mantissa m' < sqrt(.5), else 0
    # avx_mathfun's e: exponent + 1, less one when small; its x: 2m' - 1 when small, else
    # m' - 1 (m' in [0.5, 1)), both exact: the mantissa with exponent 0 or -1, minus one.
    e = ((bits >> 23) + (small - 126 - 24)).astype(f32)
    x = (mant | (0x3F000000 - (small << 23))).view(f32) - f32(1)
    z = x * x
    x64 = x.astype(f64)
    tmp = np.empty(x.shape, f64)
    y = np.empty(x.shape, f32)
    np.multiply(x64, _P[0], out=tmp)
    np.add(tmp, _P[1], out=y, casting="same_kind")
    for p in _P[2:]:
        _fma_into(x64, y, p, tmp, y)
    _fma_into((y * x).astype(f64), z, e * LOG_Q1, tmp, y)  # fma(y * x, z, e * q1)
    y += z * f32(-0.5)  # fma(z, -0.5, y): the product is exact
    y += x
    y += e * LOG_Q2  # fma(e, q2, x + y): e * q2 is exact
    return y


def sincos256(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps(x)`` (sin, cos) for float32 x >= 0 (no sign to carry in)."""
    j = (x * FOPI).astype(i32)
    j += 1
    j &= ~1
    y = j.astype(f32)
    x = x + y * DP[0]  # fma(y, dp1, x) and fma(y, dp2, x): exact products
    x += y * DP[1]
    tmp = np.empty(x.shape, f64)
    _fma_into(y.astype(f64), f64(DP[2]), x, tmp, x)
    z = x * x
    z64 = z.astype(f64)
    yc = np.empty(x.shape, f32)
    _fma_into(z64, float(COSCOF[0]), float(COSCOF[1]), tmp, yc)
    _fma_into(z64, yc, float(COSCOF[2]), tmp, yc)
    _fma_into(z64, yc * z, z * f32(-0.5), tmp, yc)  # fma(z, yc * z, -(z * 0.5))
    yc += f32(1)
    ys = np.empty(x.shape, f32)
    _fma_into(z64, float(SINCOF[0]), float(SINCOF[1]), tmp, ys)
    _fma_into(z64, ys, float(SINCOF[2]), tmp, ys)
    _fma_into((ys * z).astype(f64), x, x, tmp, ys)  # fma(ys * z, x, x)
    # Which polynomial is sin (j & 2 == 0) and the signs (sin's j & 4, cos's
    # ~(j - 2) & 4), all as bit operations: swap = the bits where the two differ, kept
    # where the polynomials trade places.
    bs, bc = ys.view(i32), yc.view(i32)
    swap = bs ^ bc
    swap &= -((j >> 1) & 1)  # all ones where j & 2
    bs ^= swap  # now sin's
    bc ^= swap  # now cos's
    bs ^= (j & 4) << 29
    bc ^= (~(j - 2) & 4) << 29
    return ys, yc


def box_muller16(words: np.ndarray, mean: float, std: float, out: np.ndarray) -> None:
    """``normal_fill_16_AVX2`` over whole blocks: ``words`` (uint64, a multiple of 16)
    are the 32-bit draws of the uniforms; per block of 16, the first 8 give the radius
    (of ``1 - u``) and the last 8 the angle; ``out`` (float32) gets cos's then sin's."""
    m, s = f32(mean), f32(std)
    step = CHUNK // 8
    for start in range(0, words.size, 16 * step):
        k = words[start:start + 16 * step].astype(np.uint32).view(i32)
        k &= 0xFFFFFF  # u = k * 2**-24
        blocks = k.reshape(-1, 2, 8)
        radius = np.sqrt(f32(-2) * log256((1 << 24) - blocks[:, 0]))  # of 1 - u
        # theta = 2 pi * u, as (2 pi * 2**-24) * k: scaling by 2**-24 is exact
        sin, cos = sincos256(blocks[:, 1].astype(f32) * TWO_PI_ULP)
        d = out[start:start + 16 * step].reshape(-1, 2, 8)
        np.multiply(radius, cos, out=d[:, 0])
        np.multiply(radius, sin, out=d[:, 1])
        if s == 1:  # fma(n, 1, mean) is the float32 sum (even for mean 0: -0 + 0 is +0)
            np.add(d, m, out=d)
        else:
            d[...] = fma32(d, s, m)
