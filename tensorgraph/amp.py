"""``tg.amp``: torch's mixed-precision switches, as they behave on a CPU-only torch build.

- ``autocast`` for ``"cuda"`` (and other devices this build lacks) warns and does nothing,
  as torch's does without CUDA; ``enabled=False`` does nothing; a CPU autocast to a dtype
  that CPU autocast does not support (``float32``) warns and does nothing, as torch. A CPU
  autocast to ``bfloat16``/``float16`` (the CPU default is bfloat16) would change torch's
  numbers, and tensorgraph has no lower-precision kernels, so it raises
  :class:`NotAvailableError` instead of silently computing in float32.
- ``GradScaler`` (``grad_scaler.py``): for ``"cuda"`` it warns and is a pass-through, as
  torch's without CUDA; ``GradScaler("cpu")`` scales losses and unscales gradients as
  torch's CPU scaler does.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

from .grad_scaler import GradScaler
from .unsupported import not_available

__all__ = ["GradScaler", "autocast", "is_autocast_available", "is_autocast_enabled"]

# torch's device types (RuntimeError for any other autocast device_type).
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                 "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu",
                 "mtia", "privateuseone")


def _device_type(device_type: Any, who: str) -> str:
    name = str(getattr(device_type, "type", device_type)).split(":")[0]
    if name not in _DEVICE_TYPES:
        raise RuntimeError(f"{who}: unsupported device_type {device_type!r}; expected one "
                           f"of {', '.join(_DEVICE_TYPES)}")
    return name


class autocast:
    """torch.autocast / torch.amp.autocast as on a CPU-only build (see the module doc).

    Example:
        >>> with tg.autocast(device_type="cuda", dtype=tg.float16):   # warns, no-op
        ...     y = model(x)
    """

    def __init__(self, device_type: str = "cuda", dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        self.device = _device_type(device_type, "torch.autocast")
        self.fast_dtype = dtype
        self._enabled = False
        if not enabled:
            return
        if self.device == "cuda":
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. "
                          "Disabling", UserWarning, stacklevel=2)
        elif self.device == "cpu":
            name = "bfloat16" if dtype is None else str(getattr(dtype, "name", dtype))
            name = name.replace("torch.", "").replace("tensorgraph.", "")
            if name in ("bfloat16", "float16", "half"):
                raise not_available(
                    f"torch.autocast(device_type='cpu', dtype={name})",
                    f"autocast to {name} (tensorgraph computes in float32/float64; pass "
                    "enabled=False, or leave the autocast out, to run in float32)")
            warnings.warn("In CPU autocast, but the target dtype is not supported. "
                          "Disabling autocast. CPU Autocast only supports dtype of "
                          "torch.bfloat16, torch.float16 currently.", UserWarning,
                          stacklevel=2)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, fn: Any) -> Any:
        return fn  # disabled: the function runs as written


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """False: no autocast region is ever active in tensorgraph."""
    if device_type is not None:
        _device_type(device_type, "torch.is_autocast_enabled")
    return False


def is_autocast_available(device_type: str) -> bool:
    """torch.amp.is_autocast_available: True for the device types torch's autocast knows
    (it then disables itself where the device is missing)."""
    return str(device_type).split(":")[0] in _DEVICE_TYPES
