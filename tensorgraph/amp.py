"""``tg.amp``: mixed precision is not available (numpy on the CPU, no autocast).

``autocast(..., enabled=False)`` and ``GradScaler(enabled=False)`` do what torch's do
when disabled (nothing, and pass-through), so scripts with an ``--amp`` switch run with
it off; enabling either raises :class:`NotAvailableError`.
"""

from __future__ import annotations

from typing import Any

from .unsupported import not_available

__all__ = ["GradScaler", "autocast"]

_WHAT = "automatic mixed precision"


class autocast:  # noqa: N801 - torch's name
    """torch.amp.autocast: a no-op when ``enabled=False``; refused otherwise."""

    def __init__(self, device_type: str = "cpu", dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if enabled:
            raise not_available("torch.autocast", _WHAT)

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, fn: Any) -> Any:
        return fn


class GradScaler:
    """torch.amp.GradScaler: with ``enabled=False`` a pass-through (``scale(loss)`` is
    ``loss``, ``step(opt)`` is ``opt.step()``), as torch's; refused when enabled."""

    def __init__(self, device: str = "cpu", init_scale: float = 2.0**16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        if enabled:
            raise not_available("torch.amp.GradScaler", _WHAT)

    def scale(self, outputs: Any) -> Any:
        return outputs

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        return optimizer.step(*args, **kwargs)

    def unscale_(self, optimizer: Any) -> None:
        return None

    def update(self, new_scale: Any = None) -> None:
        return None

    def is_enabled(self) -> bool:
        return False

    def get_scale(self) -> float:
        return 1.0

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state_dict: dict) -> None:
        return None
