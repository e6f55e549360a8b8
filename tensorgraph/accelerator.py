"""``tg.accelerator``: there is none (tensorgraph runs on numpy on the CPU).

Example:
    >>> tg.accelerator.is_available(), tg.accelerator.current_accelerator()
    (False, None)
"""

from __future__ import annotations

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available() -> bool:
    """False: no accelerator."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None, torch's answer when there is no accelerator."""
    return None


def device_count() -> int:
    """0 accelerators."""
    return 0
