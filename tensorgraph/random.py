"""The global random generator behind ``tg.manual_seed``, randn, rand, init and dropout."""

from __future__ import annotations

import numpy as np

_generator = [np.random.default_rng()]


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw of tensorgraph (init, dropout, randn, shuffling)."""
    _generator[0] = np.random.default_rng(int(seed))
    return _generator[0]


def default_generator() -> np.random.Generator:
    """The generator tensorgraph draws from unless given another one."""
    return _generator[0]
