"""``tg.xpu``: Intel GPUs, of which tensorgraph has none (code that probes
``torch.xpu.is_available()`` next to ``torch.cuda`` takes its CPU path).

Example:
    >>> tg.xpu.is_available(), tg.xpu.device_count()
    (False, 0)
"""

from __future__ import annotations

__all__ = ["device_count", "is_available"]


def is_available() -> bool:
    """False: no XPU."""
    return False


def device_count() -> int:
    """0 XPUs."""
    return 0
