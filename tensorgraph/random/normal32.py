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

Speed: the uniforms go through in chunks of ``CHUNK`` (cache-sized), every numpy call
writes into a buffer of :class:`Work` allocated once per fill (``out=``), and sin's and
cos's polynomials run as the two rows of one array.
"""

from __future__ import annotations

import math

import numpy as np

from .floatmath import COSCOF, DP, FOPI, LOG_P, LOG_Q1, LOG_Q2, SINCOF, SQRTHF, fma32

f32, f64, i32 = np.float32, np.float64, np.int32


def _c(value: object, dtype: type) -> np.ndarray:
    """A 0-d array constant: numpy takes these faster than Python numbers."""
    return np.array(value, dtype)


_P = [_c(p, f64) for p in LOG_P]  # float64 copies of the float32 constants: exact
_SQRTHF_MANT = _c(int(np.array(SQRTHF, f32).view(i32)) & 0x7FFFFF, i32)
_I = {v: _c(v, i32) for v in (1, 2, 23, 24, 29, 30, 31, ~1, 0x7FFFFF, 0x3F000000)}
_LOW24 = _c(0xFFFFFF, np.uint32)
_F = {v: _c(v, f32) for v in (1, -0.5, -2, 1 << 24)}
_HALF = np.dtype((np.void, 32))  # 8 words of 4 bytes: half a block
_Q1, _Q2, _FOPI = _c(LOG_Q1, f32), _c(LOG_Q2, f32), _c(FOPI, f32)
_DP = (_c(DP[0], f32), _c(DP[1], f32), _c(DP[2], f64))
TWO_PI = f32(2.0 * math.pi)
TWO_PI_ULP = f32(float(TWO_PI) * 2.0**-24)
_TWO_PI_ULP = _c(TWO_PI_ULP, f32)
_COS_SIN = [np.array([[c], [s]], f64) for c, s in zip(COSCOF, SINCOF)]  # rows: cos, sin
CHUNK = 65536  # uniforms per pass (a multiple of 16): numpy's per-call cost against cache misses
_SIGN = _c(-(1 << 31), i32)


class Work:
    """The buffers for one chunk of ``n`` radius and ``n`` angle inputs (``out=`` of
    every call: nothing is allocated per operation)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.ia, self.ib, self.ic = (np.empty(n, i32) for _ in range(3))
        self.r, self.fa, self.fb, self.fc, self.fd = (np.empty(n, f32) for _ in range(5))
        self.k2 = np.empty((2, n), np.uint32)  # the words: radius's, angle's
        self.dz = np.empty(n, f64)
        self.d2 = np.empty((2, n), f64)
        self.rows = np.empty((3, n), f32)  # sincos: -z/2, x, z (as views: [z, x], [-z/2, x])
        self.poly = np.empty((2, n), f32)  # sincos: cos's and sin's polynomial

    def sized(self, n: int) -> Work:
        return self if n == self.n else Work(n)


def log_into(w: Work) -> np.ndarray:
    """``log256_ps(x)`` for ``x = m * 2**-24`` in (0, 1], given float32(m) in ``w.r``
    (m an integer 1 .. 2**24): x's bits are those of float32(m), 24 binades lower.
    Writes the result over ``w.r`` and returns it."""
    bits, mant, small = w.r.view(i32), w.ia, w.ib
    x, z, e, t = w.fa, w.fb, w.fc, w.fd
    np.bitwise_and(bits, _I[0x7FFFFF], out=mant)
    np.subtract(mant, _SQRTHF_MANT, out=small)
    np.right_shift(small, _I[31], out=small)  # -1 where the mantissa m' < sqrt(.5), else 0
    # avx_mathfun's x: 2m' - 1 when small, else m' - 1 (m' in [0.5, 1)): the mantissa
    # with exponent -1, one higher when small, minus one.
    np.left_shift(small, _I[23], out=small)
    np.bitwise_or(mant, _I[0x3F000000], out=mant)
    np.subtract(mant, small, out=mant)
    # its e: exponent + 1, less one when small: the exponent x lost, less 24.
    np.subtract(bits, mant, out=bits)
    np.right_shift(bits, _I[23], out=bits)
    np.subtract(bits, _I[24], out=bits)
    np.copyto(e, bits, casting="unsafe")
    np.subtract(mant.view(f32), _F[1], out=x)
    np.multiply(x, x, out=z)
    d, x64, y = w.d2[0], w.d2[1], w.r  # r's bits are spent: it holds y from here
    np.copyto(x64, x)
    np.multiply(x64, _P[0], out=d)
    np.add(d, _P[1], out=y)
    for p in _P[2:]:  # y = fma(x, y, p)
        np.multiply(x64, y, out=d)
        np.add(d, p, out=y)
    np.multiply(y, x, out=y)  # fma(y * x, z, e * q1)
    np.multiply(y, z, out=d, dtype=f64)
    np.multiply(e, _Q1, out=t)
    np.add(d, t, out=y)
    np.multiply(z, _F[-0.5], out=t)  # fma(z, -0.5, y): the product is exact
    np.add(y, t, out=y)
    np.add(y, x, out=y)
    np.multiply(e, _Q2, out=t)  # fma(e, q2, x + y): e * q2 is exact
    np.add(y, t, out=y)
    return y


def sincos_into(w: Work) -> np.ndarray:
    """``sincos256_ps(x)`` for float32 x >= 0 (no sign to carry in) in ``w.fa``
    (overwritten): returns ``w.poly``, cos in row 0 and sin in row 1. Leaves ``w.r``."""
    x, y, t = w.fa, w.fb, w.fc
    j, swap, sign = w.ia, w.ib, w.ic
    rows, poly, d2, z64 = w.rows, w.poly, w.d2, w.dz
    np.multiply(x, _FOPI, out=t)
    np.copyto(j, t, casting="unsafe")  # truncation, as the cvttps
    np.add(j, _I[1], out=j)
    np.bitwise_and(j, _I[~1], out=j)
    np.copyto(y, j, casting="unsafe")
    np.multiply(y, _DP[0], out=t)  # fma(y, dp1, x) and fma(y, dp2, x): exact products
    np.add(x, t, out=x)
    np.multiply(y, _DP[1], out=t)
    np.add(x, t, out=x)
    mhalf, xr, z = rows
    np.multiply(y, _DP[2], out=d2[0], dtype=f64)
    np.add(d2[0], x, out=xr)
    np.multiply(xr, xr, out=z)
    np.copyto(z64, z)
    np.multiply(z64, _COS_SIN[0], out=d2)  # both polynomials at once
    np.add(d2, _COS_SIN[1], out=poly)
    np.multiply(z64, poly, out=d2)
    np.add(d2, _COS_SIN[2], out=poly)
    # cos: fma(z, yc * z, -(z * 0.5)) + 1; sin: fma(ys * z, x, x)
    np.multiply(poly, z, out=poly)
    np.multiply(z, _F[-0.5], out=mhalf)
    np.multiply(poly, rows[2:0:-1], out=d2, dtype=f64)
    np.add(d2, rows[0:2], out=poly)
    np.add(poly[0], _F[1], out=poly[0])
    # Which polynomial is sin (j & 2 == 0) and the signs (sin's j & 4, cos's
    # ~(j - 2) & 4), all as bit operations: swap = the bits where the two differ, kept
    # where the polynomials trade places.
    bc, bs = poly.view(i32)
    np.bitwise_xor(bs, bc, out=swap)
    np.left_shift(j, _I[30], out=sign)
    np.right_shift(sign, _I[31], out=sign)  # all ones where j & 2
    np.bitwise_and(swap, sign, out=swap)
    np.bitwise_xor(bs, swap, out=bs)  # now sin's
    np.bitwise_xor(bc, swap, out=bc)  # now cos's
    np.left_shift(j, _I[29], out=sign)
    np.bitwise_and(sign, _SIGN, out=sign)
    np.bitwise_xor(bs, sign, out=bs)
    np.add(j, _I[2], out=j)  # ~(j - 2) & 4 is (j + 2) & 4 (j is even)
    np.left_shift(j, _I[29], out=sign)
    np.bitwise_and(sign, _SIGN, out=sign)
    np.bitwise_xor(bc, sign, out=bc)
    return poly


def log256(m: np.ndarray) -> np.ndarray:
    """``log256_ps(m * 2**-24)`` for int32 m in 1 .. 2**24 (the radius's log)."""
    w = Work(m.size)
    np.copyto(w.r, m, casting="unsafe")
    return log_into(w).copy()


def sincos256(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps(x)`` (sin, cos) for float32 x >= 0 (the angle's)."""
    w = Work(x.size)
    np.copyto(w.fa, x)
    cos_sin = sincos_into(w)
    return cos_sin[1].copy(), cos_sin[0].copy()


def box_muller16(words: np.ndarray, mean: float, std: float, out: np.ndarray,
                 chunk: int = CHUNK) -> None:
    """``normal_fill_16_AVX2`` over whole blocks: ``words`` (32-bit draws as uint32 or
    uint64, a multiple of 16) are the uniforms; per block of 16, the first 8 give the
    radius (of ``1 - u``) and the last 8 the angle; ``out`` (float32) gets cos's then
    sin's."""
    m, s = _c(mean, f32), f32(std)
    words = words.astype(np.uint32, copy=False)  # 32-bit draws, if given as uint64
    if words.size == 0:
        return
    w = Work(min(words.size, chunk) // 2)
    for start in range(0, words.size, chunk):
        stop = min(start + chunk, words.size)
        w = w.sized((stop - start) // 2)
        # The blocks' first and last 8 words as two contiguous rows (8 words are 32
        # bytes: one void element, so the copy moves whole halves).
        halves = w.k2.view(_HALF).reshape(2, -1)
        np.copyto(halves, words[start:stop].view(_HALF).reshape(-1, 2).T)
        np.bitwise_and(w.k2, _LOW24, out=w.k2)  # u = k * 2**-24
        np.subtract(_F[1 << 24], w.k2[0], out=w.r, dtype=f32)  # m = 2**24 - k: 1 - u
        radius = log_into(w)
        np.multiply(radius, _F[-2], out=radius)
        np.sqrt(radius, out=radius)
        # theta = 2 pi * u, as (2 pi * 2**-24) * k: scaling by 2**-24 is exact
        np.multiply(w.k2[1], _TWO_PI_ULP, out=w.fa, dtype=f32)
        cos_sin = sincos_into(w)
        np.multiply(cos_sin, radius, out=cos_sin)
        if s == 1:  # fma(n, 1, mean) is the float32 sum (even for mean 0: -0 + 0 is +0)
            np.add(cos_sin, m, out=cos_sin)
        else:
            cos_sin[...] = fma32(cos_sin, s, m)
        # back to torch's layout: per block, the 8 cos's then the 8 sin's
        np.copyto(out[start:stop].view(_HALF).reshape(-1, 2), cos_sin.view(_HALF).reshape(2, -1).T)
