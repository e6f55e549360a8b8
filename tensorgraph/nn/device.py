"""The dtype argument of ``Module.type`` (device arguments: ``tensorgraph.device``)."""

from __future__ import annotations

from typing import Any

import numpy as np


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
