"""Shared test fixtures: the PyTorch oracle and hypothesis settings."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")

REQUIRE_TORCH = os.environ.get("TENSORGRAPH_REQUIRE_TORCH") == "1"


def import_torch():
    """torch, or None when absent; absent is a failure under TENSORGRAPH_REQUIRE_TORCH=1."""
    try:
        import torch
    except ImportError:
        if REQUIRE_TORCH:
            raise RuntimeError(
                "TENSORGRAPH_REQUIRE_TORCH=1 but torch is not installed: "
                "pip install torch==2.13.0"
            ) from None
        return None
    return torch


def torch_or_skip():
    """torch for tests that cannot take a fixture (hypothesis); skips like the fixture."""
    t = import_torch()
    if t is None:
        pytest.skip("torch is not installed (oracle test); pip install torch==2.13.0")
    return t


@pytest.fixture(scope="session")
def torch():
    """The PyTorch oracle; oracle tests skip when it is absent (fail in CI)."""
    t = import_torch()
    if t is None:
        pytest.skip("torch is not installed (oracle test); pip install torch==2.13.0")
    t.set_num_threads(1)
    return t


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same seed, so failures reproduce."""
    import tensorgraph as tg

    tg.manual_seed(0)
    np.random.seed(0)
    yield
