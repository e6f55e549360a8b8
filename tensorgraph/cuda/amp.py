"""``tg.cuda.amp``: the deprecated home of ``autocast`` / ``GradScaler`` (see ``tg.amp``).

As torch's, each warns that it is deprecated (FutureWarning) and then behaves as
``tg.amp``'s ``"cuda"`` form: on this CPU-only build, disabled.
"""

from __future__ import annotations

import warnings
from typing import Any

from .. import amp

__all__ = ["GradScaler", "autocast"]


class autocast(amp.autocast):
    """torch.cuda.amp.autocast(args...): deprecated for torch.amp.autocast("cuda", ...)."""

    def __init__(self, enabled: bool = True, dtype: Any = None,
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(amp.GradScaler):
    """torch.cuda.amp.GradScaler(args...): deprecated for torch.amp.GradScaler("cuda")."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor,
                         growth_interval, enabled)
