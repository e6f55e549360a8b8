"""``tg.cuda.amp``: the old home of ``autocast`` / ``GradScaler`` (see ``tg.amp``)."""

from ..amp import GradScaler, autocast

__all__ = ["GradScaler", "autocast"]
