"""``tg.cuda``: the answers a CPU-only PyTorch build gives, so device-agnostic scripts run.

Queries answer honestly (``is_available()`` is False, ``device_count()`` 0); seeding is a
no-op (as torch's is without CUDA); anything that needs a GPU raises one clear error.

Example:
    >>> device = tg.device("cuda" if tg.cuda.is_available() else "cpu")   # cpu
"""

from __future__ import annotations

from typing import Any

from ..device import DeviceUnavailableError
from . import amp

__all__ = [
    "amp",
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_name",
    "is_available",
    "is_bf16_supported",
    "manual_seed",
    "manual_seed_all",
    "seed",
    "seed_all",
    "synchronize",
]


def is_available() -> bool:
    """False: tensorgraph runs on numpy on the CPU."""
    return False


def device_count() -> int:
    """0: there are no CUDA devices."""
    return 0


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def manual_seed(seed: int) -> None:
    """A no-op, as in torch without CUDA (seed the CPU stream with ``tg.manual_seed``)."""


def manual_seed_all(seed: int) -> None:
    """A no-op, as in torch without CUDA."""


def seed() -> None:
    """A no-op, as in torch without CUDA."""


def seed_all() -> None:
    """A no-op, as in torch without CUDA."""


def empty_cache() -> None:
    """A no-op: there is no CUDA cache to empty (torch does nothing here either)."""


def _no_cuda(name: str) -> DeviceUnavailableError:
    return DeviceUnavailableError(
        f"torch.cuda.{name}: tensorgraph runs on numpy on the CPU only (no CUDA device); "
        "check torch.cuda.is_available() first."
    )


def synchronize(device: Any = None) -> None:
    raise _no_cuda("synchronize")


def current_device() -> int:
    raise _no_cuda("current_device")


def get_device_name(device: Any = None) -> str:
    raise _no_cuda("get_device_name")


def memory_allocated(device: Any = None) -> int:
    raise _no_cuda("memory_allocated")

