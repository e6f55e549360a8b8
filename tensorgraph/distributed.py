"""``tg.distributed``: not available (tensorgraph runs in one process on the CPU).

``is_available()`` and ``is_initialized()`` answer False so scripts can branch on them;
every other name exists but raises :class:`~tensorgraph.unsupported.NotAvailableError`
when used.
"""

from __future__ import annotations


from .unsupported import raising_getattr

_WHAT = "distributed training"


def is_available() -> bool:
    """False: no process groups, no collectives."""
    return False


def is_initialized() -> bool:
    """False: no process group was (or can be) initialised."""
    return False


__getattr__ = raising_getattr("torch.distributed", _WHAT)
