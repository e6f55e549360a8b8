"""Device and dtype arguments of ``Module.to`` (and of layers' ``device=``/``dtype=``).

tensorgraph runs on numpy on the CPU: ``'cpu'``, ``'cpu:0'`` and device objects whose
``type`` is ``'cpu'`` (``tg.device('cpu')``, even a ``torch.device('cpu')``) are
accepted; every other device is refused with one clear error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_DEVICE_NAMES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "ipu", "hpu", "mtia")


def is_device(a: Any) -> bool:
    """Whether ``a`` names a device (a device string, an int ordinal or a device object)."""
    if isinstance(a, str):
        return a.split(":")[0] in _DEVICE_NAMES
    if isinstance(a, (int, np.integer)) and not isinstance(a, bool):
        return True  # torch reads an int as a CUDA ordinal
    return hasattr(a, "type") and isinstance(getattr(a, "type", None), str)


def check_device(device: Any, op: str) -> None:
    """Accept the CPU (or None); refuse any other device, saying why."""
    if device is None:
        return
    kind = device if isinstance(device, str) else getattr(device, "type", None)
    if isinstance(device, (int, np.integer)):
        kind = f"cuda:{int(device)}"
    name = str(kind).split(":")[0]
    if name != "cpu":
        raise RuntimeError(
            f"{op}: device {device!r} is not available: tensorgraph runs on numpy on the "
            "CPU only. Use 'cpu' (e.g. device = 'cuda' if torch.cuda.is_available() else "
            "'cpu', which picks 'cpu' here)."
        )


def as_dtype(d: Any, op: str) -> np.dtype:
    """A dtype argument as a numpy dtype; bfloat16 and unknown names are refused."""
    if isinstance(d, str) and "bfloat16" in d:
        d = "bfloat16"
    try:
        return np.dtype(d)
    except TypeError:
        name = getattr(d, "__name__", None) or str(d)
        if "bfloat16" in name:
            raise TypeError(
                f"{op}: numpy has no bfloat16 dtype, so tensorgraph cannot store it; use "
                "float32, float16 or float64."
            ) from None
        raise TypeError(f"{op}: {d!r} is not a dtype (use e.g. tg.float32).") from None
