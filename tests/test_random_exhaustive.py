"""The fast float32 Box-Muller (``tensorgraph.random.normal32``) against the careful
emulation of torch's ``avx_mathfun.h`` (``floatmath``) on every input it can see.

A float32 uniform is ``k * 2**-24`` for one of 2**24 integers k, so ``log256_ps(1 - u)``
and ``sincos256_ps(2 pi u)`` have 2**24 possible inputs each: checking all of them
proves the shortcuts ``normal32`` takes (no double-rounding check, exact products as
float32 arithmetic) change no output. No torch needed; ``test_random_streams`` ties
the careful emulation to torch.
"""

from __future__ import annotations

import numpy as np
import pytest

from tensorgraph.random import floatmath, normal32

f32 = np.float32
STEP = 1 << 20
pytestmark = pytest.mark.slow  # about 10 s: 2 x 2**24 inputs through both versions


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.int32)


def test_log_radius_every_input():
    for k0 in range(0, 1 << 24, STEP):
        k = np.arange(k0, k0 + STEP, dtype=np.int64)
        x = (np.int64(1 << 24) - k).astype(f32) * f32(2.0**-24)  # 1 - u, exact
        assert np.array_equal(x, f32(1) - k.astype(f32) * f32(2.0**-24))
        fast = normal32.log256(((1 << 24) - k).astype(np.int32))
        slow = floatmath.log256_ps(x)
        bad = np.flatnonzero(_bits(fast) != _bits(slow))
        assert bad.size == 0, f"log256 differs at k = {k[bad[:5]]}"


def test_sincos_every_input():
    for k0 in range(0, 1 << 24, STEP):
        k = np.arange(k0, k0 + STEP, dtype=np.int64).astype(f32)
        theta = normal32.TWO_PI * (k * f32(2.0**-24))  # torch's 2 pi * u
        assert np.array_equal(theta, k * normal32.TWO_PI_ULP)  # normal32's one multiply
        fast_s, fast_c = normal32.sincos256(theta)
        slow_s, slow_c = floatmath.sincos256_ps(theta)
        bad = np.flatnonzero((_bits(fast_s) != _bits(slow_s)) | (_bits(fast_c) != _bits(slow_c)))
        assert bad.size == 0, f"sincos256 differs at k = {k0 + bad[:5]}"
