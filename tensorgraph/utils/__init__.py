"""PyTorch-compatible home of the data utilities: ``tg.utils.data`` is ``tg.data``."""

from . import data

__all__ = ["data"]
