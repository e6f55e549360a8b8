"""Process-wide torch switches that numpy makes moot, accepted with torch's signatures.

numpy's kernels are deterministic and always compute float32 matmuls in float32, so
``use_deterministic_algorithms`` and ``set_float32_matmul_precision`` only record what
was asked (torch's getters then answer it back); thread counts are numpy's BLAS's own.
"""

from __future__ import annotations

import os

__all__ = [
    "are_deterministic_algorithms_enabled",
    "get_float32_matmul_precision",
    "get_num_threads",
    "set_float32_matmul_precision",
    "set_num_threads",
    "use_deterministic_algorithms",
]

_settings = {"deterministic": False, "matmul_precision": "highest",
             "threads": os.cpu_count() or 1}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded; every tensorgraph op is deterministic already."""
    _settings["deterministic"] = bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    return _settings["deterministic"]


def set_float32_matmul_precision(precision: str) -> None:
    """Recorded (``"highest"``, ``"high"`` or ``"medium"``); numpy always computes in full
    float32 precision, which is torch's ``"highest"``."""
    if precision not in ("highest", "high", "medium"):
        raise ValueError(f"set_float32_matmul_precision: expected 'highest', 'high' or "
                         f"'medium', got {precision!r}")
    _settings["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _settings["matmul_precision"]


def set_num_threads(num: int) -> None:
    """Recorded; numpy's BLAS picks its threads at start-up (OMP_NUM_THREADS)."""
    if int(num) < 1:
        raise ValueError(f"set_num_threads: expected a positive number, got {num}")
    _settings["threads"] = int(num)


def get_num_threads() -> int:
    return _settings["threads"]
