"""Process-wide torch switches that numpy makes moot, accepted with torch's signatures.

numpy's kernels are deterministic and always compute float32 matmuls in float32, so
``use_deterministic_algorithms`` and ``set_float32_matmul_precision`` only record what
was asked (torch's getters then answer it back); thread counts are numpy's BLAS's own.
"""

from __future__ import annotations

import os
import warnings

__all__ = [
    "are_deterministic_algorithms_enabled",
    "get_float32_matmul_precision",
    "get_num_interop_threads",
    "get_num_threads",
    "is_deterministic_algorithms_warn_only_enabled",
    "set_float32_matmul_precision",
    "set_num_interop_threads",
    "set_num_threads",
    "use_deterministic_algorithms",
]

_settings = {"deterministic": False, "warn_only": False, "matmul_precision": "highest",
             "threads": os.cpu_count() or 1, "interop_threads": os.cpu_count() or 1}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded; every tensorgraph op is deterministic already."""
    _settings["deterministic"] = bool(mode)
    _settings["warn_only"] = bool(mode) and bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _settings["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """True after ``use_deterministic_algorithms(True, warn_only=True)``, as torch."""
    return _settings["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """Recorded (``"highest"``, ``"high"`` or ``"medium"``); numpy always computes in full
    float32 precision, which is torch's ``"highest"``. Anything else warns and changes
    nothing, as torch. ``tg.backends.cuda.matmul.allow_tf32`` reads and sets the same
    switch (True is ``"high"``), as torch links them."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"set_float32_matmul_precision: {precision!r} is not one of "
                      "'highest', 'high', or 'medium'; the call has no effect.",
                      UserWarning, stacklevel=2)
        return
    _settings["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _settings["matmul_precision"]


def _record_count(key: str, num: int, who: str) -> None:
    if int(num) < 1:
        raise ValueError(f"{who}: expected a positive number, got {num}")
    _settings[key] = int(num)


def set_num_threads(num: int) -> None:
    """Recorded; numpy's BLAS picks its threads at start-up (OMP_NUM_THREADS)."""
    _record_count("threads", num, "set_num_threads")


def get_num_threads() -> int:
    return _settings["threads"]


def set_num_interop_threads(num: int) -> None:
    """Recorded; tensorgraph runs no inter-op thread pool."""
    _record_count("interop_threads", num, "set_num_interop_threads")


def get_num_interop_threads() -> int:
    return _settings["interop_threads"]
