"""The float arithmetic torch's samplers do, reproduced bit for bit on whole arrays.

Two things numpy lacks: a fused multiply-add (torch's kernels are compiled with FMA
contraction, so ``x * a + b`` is rounded once) and the polynomial ``log``/``sincos``
of ``avx_mathfun.h`` that torch's vectorised ``randn`` uses. Both are written here
with numpy operations whose rounding is known.
"""

from __future__ import annotations

import numpy as np

f32, f64 = np.float32, np.float64


def fma32(a: np.ndarray, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """float32 ``round(a * b + c)`` with one rounding, as the FMA instruction.

    The product of two floats is exact in float64; the float64 sum may round once
    more, which changes the float32 result only when it lands exactly on a float32
    tie (low 29 bits ``1000...``) without being exact: those (found among the few
    ties) are moved one float64 step towards the exact value.
    """
    # Operands may come as float64 arrays holding float32 values (hoisted out of a
    # polynomial's loop): then they are used as they are, with no conversion pass.
    a64 = a if isinstance(a, np.ndarray) and a.dtype == f64 else np.asarray(a, f32).astype(f64)
    b32 = b if isinstance(b, np.ndarray) and b.dtype == f64 else np.asarray(b, f32)
    c32 = c if isinstance(c, np.ndarray) and c.dtype == f64 else np.asarray(c, f32)
    p = a64 * b32
    s = p + c32
    tie = np.flatnonzero((s.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000))
    if tie.size:
        _break_ties(s, tie, a64, b32, c32)
    return s.astype(f32)


def _at(v: np.ndarray, idx: np.ndarray, shape: tuple) -> np.ndarray:
    return v if v.ndim == 0 else np.broadcast_to(v, shape).reshape(-1)[idx]


def _break_ties(s: np.ndarray, idx: np.ndarray, a64: np.ndarray, b32: np.ndarray,
                c32: np.ndarray) -> None:
    """TwoSum's exact error of ``p + c`` at the tied elements; step the inexact ones."""
    flat = s.reshape(-1)  # s is a fresh contiguous array: a view, written in place
    t = flat[idx]
    p = _at(a64, idx, s.shape) * _at(b32, idx, s.shape)
    c = _at(c32, idx, s.shape).astype(f64)
    bv = t - p
    err = (p - (t - bv)) + (c - bv)
    flat[idx] = np.where(err == 0, t, np.nextafter(t, np.where(err > 0, np.inf, -np.inf)))


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = a * 134217729.0  # Veltkamp: 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def fma64(a: np.ndarray, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """float64 ``a * b + c`` rounded once (Dekker's exact product, then TwoSum)."""
    a, b, c = np.asarray(a, f64), np.asarray(b, f64), np.asarray(c, f64)
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bv = s - p
    se = (p - (s - bv)) + (c - bv)
    return s + (pe + se)


# ---------------------------------------------------------------- avx_mathfun.h
# Cephes constants as torch's avx_mathfun.h declares them (float32); normal32 uses them too.
LOG_P = [f32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                           -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                           2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
LOG_Q1, LOG_Q2 = f32(-2.12194440e-4), f32(0.693359375)
SQRTHF = f32(0.707106781186547524)
DP = (f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8))
SINCOF = (f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1))
COSCOF = (f32(2.443315711809948e-005), f32(-1.388731625493765e-003),
           f32(4.166664568298827e-002))
FOPI = f32(1.27323954473516)


def log256_ps(x: np.ndarray) -> np.ndarray:
    """avx_mathfun's ``log256_ps`` for x > 0, with the multiply-adds GCC fuses."""
    x = np.maximum(x.astype(f32), np.array(0x00800000, np.int32).view(f32))
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(f32) + f32(1)
    x = ((bits & ~0x7F800000) | np.array(0.5, f32).view(np.int32)).view(f32)
    small = x < SQRTHF  # x in [0.5, sqrt(0.5)): use 2x - 1 and one less exponent
    tmp = np.where(small, x, f32(0))
    x = x - f32(1)
    e = e - np.where(small, f32(1), f32(0))
    x = x + tmp
    z = x * x
    x64 = x.astype(f64)
    y = np.full_like(x, LOG_P[0])
    for p in LOG_P[1:]:
        y = fma32(x64, y, p)
    y = fma32(y * x, z, e * LOG_Q1)
    y = fma32(z, f32(-0.5), y)
    return fma32(e, LOG_Q2, x + y)


def sincos256_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """avx_mathfun's ``sincos256_ps`` (sin, cos), with the multiply-adds GCC fuses."""
    sign_sin = np.signbit(x)
    x = np.abs(x)
    j = (x * FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(f32)
    sign_sin = sign_sin ^ ((j & 4) != 0)
    sign_cos = (~(j - 2) & 4) != 0
    poly_is_sin = (j & 2) == 0
    for dp in DP:  # extended-precision reduction: x - y * pi/4 in three parts
        x = fma32(y, dp, x)
    z = x * x
    z64 = z.astype(f64)
    yc = fma32(z64, COSCOF[0], COSCOF[1])
    yc = fma32(z64, yc, COSCOF[2])
    yc = fma32(z64, yc * z, -(z * f32(0.5))) + f32(1)
    ys = fma32(z64, SINCOF[0], SINCOF[1])
    ys = fma32(z64, ys, SINCOF[2])
    ys = fma32(ys * z, x, x)
    s = np.where(poly_is_sin, ys, yc)
    c = np.where(poly_is_sin, yc, ys)
    return np.where(sign_sin, -s, s), np.where(sign_cos, -c, c)
