"""glibc's double ``log`` and ``log1p`` as numpy array code, bit for bit.

torch's float64 samplers call the C library (``std::log`` in the vectorised
``randn``, ``std::log1p`` in the serial one and in ``exponential_``); numpy's own
``log``/``log1p`` differ from glibc's in the last bit for some inputs (0.2% and 8%
of uniform inputs). These follow glibc 2.28+ on x86-64: ``log`` from ARM's
optimized-routines in its FMA build (glibc picks it on CPUs with FMA), ``log1p``
the fdlibm code, also in its FMA build. Inputs here are the samplers' own: finite, ``log`` of x > 0 and
``log1p`` of x > -1 (other inputs give NaN/inf as numpy does).

``glibc_log``/``glibc_log1p`` are what the samplers call: numpy's own ``np.log``/
``np.log1p`` where numpy hands float64 to the C library (every target but its AVX-512
kernels: SVML on X86_V4, its own AVX512F log), which is glibc itself and ~10x faster
than the emulation; the emulation otherwise. A probe of known inputs checks the choice.
"""

from __future__ import annotations

import numpy as np

from functools import cache

from .floatmath import fma64
from .log_table import INVC_LOGC

_INVC = np.array([float.fromhex(a) for a, _ in INVC_LOGC])
_LOGC = np.array([float.fromhex(b) for _, b in INVC_LOGC])
_LN2HI, _LN2LO = float.fromhex("0x1.62e42fefa3800p-1"), float.fromhex("0x1.ef35793c76730p-45")
_A = [float.fromhex(h) for h in ("-0x1.0000000000001p-1", "0x1.555555551305bp-2",
                                 "-0x1.fffffffeb459p-3", "0x1.999b324f10111p-3",
                                 "-0x1.55575e506c89fp-3")]
_B = [float.fromhex(h) for h in (
    "-0x1p-1", "0x1.5555555555577p-2", "-0x1.ffffffffffdcbp-3", "0x1.999999995dd0cp-3",
    "-0x1.55555556745a7p-3", "0x1.24924a344de3p-3", "-0x1.fffffa4423d65p-4",
    "0x1.c7184282ad6cap-4", "-0x1.999eb43b068ffp-4", "0x1.78182f7afd085p-4",
    "-0x1.5521375d145cdp-4")]
_OFF = np.uint64(0x3FE6000000000000)


def _near_one(x: np.ndarray) -> np.ndarray:
    """log(x) for |x - 1| < ~0.06: a degree-11 polynomial in r = x - 1, with r*r's
    rounding error carried separately (glibc's split of r into 27-bit halves)."""
    r = x - 1.0
    r2 = r * r
    r3 = r * r2
    inner = fma64(r3, _B[10], fma64(r2, _B[9], fma64(r, _B[8], _B[7])))
    mid = fma64(r3, inner, fma64(r2, _B[6], fma64(r, _B[5], _B[4])))
    outer = fma64(r3, mid, fma64(r2, _B[3], fma64(r, _B[2], _B[1])))
    w = r * 2.0**27
    rhi = r + w - w
    rlo = r - rhi
    w = rhi * rhi * _B[0]  # exact: rhi has 26 bits
    hi = r + w
    lo = r - hi + w
    lo = fma64(_B[0] * rlo, rhi + r, lo)
    y = fma64(r3, outer, lo)
    return y + hi


def log(x: np.ndarray) -> np.ndarray:
    """glibc's ``log`` (FMA build) for finite x > 0."""
    x = np.asarray(x, dtype=np.float64)
    ix = x.view(np.uint64)
    tmp = ix - _OFF
    i = ((tmp >> np.uint64(45)) % np.uint64(128)).astype(np.intp)
    k = tmp.view(np.int64) >> 52
    iz = ix - (tmp & np.uint64(0xFFF << 52))
    z = iz.view(np.float64)
    invc, logc = _INVC[i], _LOGC[i]
    r = fma64(z, invc, -1.0)
    kd = k.astype(np.float64)
    w = kd * _LN2HI + logc
    hi = w + r
    lo = fma64(kd, _LN2LO, w - hi + r)
    r2 = r * r
    poly = fma64(r2, fma64(r, _A[4], _A[3]), fma64(r, _A[2], _A[1]))
    y = fma64(r * r2, poly, fma64(r2, _A[0], lo)) + hi
    lo_bound = np.float64(1.0 - 2.0**-4).view(np.uint64)
    near = (ix - lo_bound) < (np.float64(1.0 + float.fromhex("0x1.09p-4")).view(np.uint64)
                              - lo_bound)
    if np.any(near):
        y = np.where(near, _near_one(np.where(near, x, 1.0)), y)
    y = np.where(x == 1.0, 0.0, y)
    bad = ~(x > 0) | ~np.isfinite(x) | (x < 2.0**-1022)
    if np.any(bad):
        y = np.where(bad, np.log(np.where(bad, x, 1.0)), y)  # edges: numpy's answer
    return y


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split of doubles into 26-bit halves, a = hi + lo exactly."""
    t = a * 134217729.0  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


_INVC_HI, _INVC_LO = _split(_INVC)


def log_unfused(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """glibc's main-path ``log`` without fused operations, and where that may differ.

    ``r = fma(z, invc, -1)`` is computed exactly with plain operations (Dekker's exact
    error ``e`` of ``p = z * invc``; ``p - 1`` is exact since ``p`` is within 2**-7 of
    1, so ``(p - 1) + e`` rounds once, as the FMA does); the rest runs unfused, which
    moves the tail added to ``hi`` last by less than ``delta = r**2 2**-50 + 2**-80``
    (a bound of the rounding errors, |r| < 2**-8). So ``tail + hi`` rounds as glibc's
    unless it lies within ``delta`` of a rounding midpoint (Fast2Sum gives the exact
    residual). Returns ``(y, unsure)``: ``unsure`` marks those, the inputs near 1
    (glibc's other polynomial) and the special ones.
    """
    x = np.asarray(x, dtype=np.float64)
    ix = x.view(np.uint64)
    tmp = ix - _OFF
    i = ((tmp >> np.uint64(45)) % np.uint64(128)).astype(np.intp)
    kd = (tmp.view(np.int64) >> 52).astype(np.float64)
    z = (ix - (tmp & np.uint64(0xFFF << 52))).view(np.float64)
    p = z * _INVC[i]
    zh, zl = _split(z)
    ih, il = _INVC_HI[i], _INVC_LO[i]
    r = (p - 1.0) + (((zh * ih - p) + zh * il + zl * ih) + zl * il)
    w = kd * _LN2HI + _LOGC[i]  # exact (the table's design), fused or not
    hi = w + r
    lo = (w - hi + r) + kd * _LN2LO
    r2 = r * r
    poly = (_A[1] + r * _A[2]) + r2 * (_A[3] + r * _A[4])
    tail = (lo + r2 * _A[0]) + (r * r2) * poly
    y = tail + hi
    residual = tail - (y - hi)  # exact: |hi| > 2**-5 > |tail| off the near-1 path
    delta = r2 * 2.0**-50 + 2.0**-80
    unsure = np.abs(residual) + delta >= 0.5 * np.abs(np.spacing(y))
    unsure |= (y.view(np.uint64) & np.uint64(2**52 - 1)) == 0  # a power of 2: ulps differ
    lo_bound = np.float64(1.0 - 2.0**-4).view(np.uint64)
    unsure |= (ix - lo_bound) < (np.float64(1.0 + float.fromhex("0x1.09p-4")).view(np.uint64)
                                 - lo_bound)  # near 1
    unsure |= ~(x >= 2.0**-1022) | ~(x < np.inf)  # subnormal, zero, negative, inf, NaN
    return y, unsure


def log_fast(x: np.ndarray) -> np.ndarray:
    """:func:`log`'s bits (glibc's) at about a third of its cost: :func:`log_unfused`,
    with the few elements it is unsure of computed by :func:`log`."""
    y, unsure = log_unfused(x)
    redo = np.flatnonzero(unsure)
    if redo.size:
        flat = y.reshape(-1)  # y is a fresh contiguous array: a view
        flat[redo] = log(np.asarray(x, dtype=np.float64).reshape(-1)[redo])
    return y


# fdlibm's log1p constants
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_LP = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
       2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
       1.479819860511658591e-01)


def _high_word(x: np.ndarray) -> np.ndarray:
    return (x.view(np.uint64) >> np.uint64(32)).astype(np.uint32).view(np.int32)


def _with_high_word(x: np.ndarray, hi: np.ndarray) -> np.ndarray:
    low = x.view(np.uint64) & np.uint64(0xFFFFFFFF)
    return ((hi.astype(np.uint32).astype(np.uint64) << np.uint64(32)) | low).view(np.float64)


def log1p(x: np.ndarray) -> np.ndarray:
    """glibc's ``log1p`` (fdlibm's algorithm, FMA build) for finite x > -1."""
    x = np.asarray(x, dtype=np.float64)
    hx = _high_word(x)
    ax = hx & 0x7FFFFFFF
    tiny = (hx < 0x3FDA827A) & (ax < 0x3E200000)  # |x| < 2**-29
    k_zero = (hx < 0x3FDA827A) & ~tiny & ((hx > 0) | (hx <= np.int32(-1076707645)))
    # k != 0: 1 + x = 2**k * (1 + f), with c the rounding error of 1 + x
    big = hx >= 0x43400000
    u = np.where(big, x, 1.0 + x)
    hu = _high_word(u)
    k = (hu >> 20) - 1023
    c = np.where(k > 0, 1.0 - (u - x), x - (u - 1.0)) / np.where(big, 1.0, u)
    c = np.where(big, 0.0, c)
    hu = hu & 0x000FFFFF
    low_half = hu < 0x6A09E
    u = _with_high_word(u, np.where(low_half, hu | 0x3FF00000, hu | 0x3FE00000))
    k = np.where(low_half, k, k + 1)
    hu = np.where(low_half, hu, (0x00100000 - hu) >> 2)
    f = np.where(k_zero, x, u - 1.0)
    hu = np.where(k_zero, 1, hu)
    k = np.where(k_zero, 0, k).astype(np.float64)
    hfsq = 0.5 * f * f
    # |f| < 2**-20. The fused multiply-adds are those of glibc's FMA build (read from
    # its machine code): only these, the rest rounds step by step.
    r_small = fma64(-0.66666666666666666, f, 1.0) * hfsq
    k_lo_c = fma64(k, _LN2_LO, c)
    small = np.where(k == 0, f - r_small, k * _LN2_HI - ((r_small - k_lo_c) - f))
    small = np.where(f == 0, np.where(k == 0, 0.0, k * _LN2_HI + k_lo_c), small)
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    z6 = z4 * z2
    big_r = fma64(z6, fma64(z, _LP[6], _LP[5]), fma64(z4, fma64(z, _LP[4], _LP[3]),
                                                      fma64(z, _LP[0], z2 * fma64(z, _LP[2], _LP[1]))))
    t = (hfsq + big_r) * s
    general = np.where(k == 0, f - (hfsq - t), k * _LN2_HI - ((hfsq - (t + k_lo_c)) - f))
    y = np.where(hu == 0, small, general)
    y = np.where(tiny, np.where(ax < 0x3C900000, x, fma64(-(x * x), 0.5, x)), y)
    bad = ~(x > -1) | ~np.isfinite(x)
    if np.any(bad):
        y = np.where(bad, np.log1p(np.where(bad, x, 0.0)), y)
    return y


# ---------------------------------------------------------------- dispatch
def _numpy_calls_libm(name: str) -> bool:
    """True when numpy's float64 ``name`` loop is the C library's scalar function (not
    one of its AVX-512 kernels), judged by numpy's own dispatch report and a probe."""
    try:
        from numpy.lib.introspect import opt_func_info
    except ImportError:  # numpy < 2: no report, so no trust
        return False
    target = opt_func_info(func_name=f"^{name}$").get(name, {})
    current = target.get("dd", {}).get("current", "")
    if not current or "AVX512" in current or "X86_V4" in current:
        return False
    # The probe: inputs where numpy's SIMD kernels and glibc are known to part ways are
    # rare, so this guards against a numpy that reports one thing and runs another
    # (e.g. a vendor build on a vector library), not against single-ulp surprises.
    probe = 1.0 - np.arange(1, 4097, dtype=np.float64) * (1 / 4099.0)
    if name == "log":
        return bool(np.array_equal(np.log(probe), log(probe)))
    return bool(np.array_equal(np.log1p(-probe), log1p(-probe)))


@cache
def _use_numpy(name: str) -> bool:
    return _numpy_calls_libm(name)


def glibc_log(x: np.ndarray) -> np.ndarray:
    """glibc's ``log`` of float64 x > 0: numpy's when it is glibc's, else :func:`log`."""
    return np.log(x) if _use_numpy("log") else log_fast(x)


def glibc_log1p(x: np.ndarray) -> np.ndarray:
    """glibc's ``log1p`` of float64 x > -1: numpy's when it is glibc's, else :func:`log1p`."""
    return np.log1p(x) if _use_numpy("log1p") else log1p(x)
