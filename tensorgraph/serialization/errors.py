"""The error every file reader of ``tg.load`` raises for a file it cannot load."""

from __future__ import annotations

__all__ = ["CheckpointError", "Invalid", "short_list"]


class CheckpointError(ValueError):
    """A file could not be loaded as a tensorgraph checkpoint or safetensors file (the
    message names the file and says why)."""


class Invalid(Exception):
    """What is wrong with a file; ``tg.load`` adds the file's name."""


def short_list(items: list, what: str, shown: int = 5) -> str:
    """``"3 members missing: a, b, c"`` or ``"600,000 members missing, e.g. a, b, ..."``:
    error messages stay short however many items a hostile file lists."""
    items = [str(i) for i in items]
    if len(items) <= shown:
        return f"{len(items):,} {what}: {', '.join(items)}"
    return f"{len(items):,} {what}, e.g. {', '.join(items[:shown])}, ..."
