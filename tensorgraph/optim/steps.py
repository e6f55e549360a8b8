"""Per-parameter scalar state kept as torch keeps it: ``state[p]['step']`` (and NAdam's
``mu_product``) are 0-d tensors of torch's optimizer scalar dtype (float32, or float64
when that is the default dtype), so ``print(opt.state[p]['step'])`` shows ``tensor(12.)``.

The update rules read them as Python floats (torch's ``_get_value``), so the numbers
are those of integer step counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..tensor import Tensor

__all__ = ["SCALAR_KEYS", "advance_step", "is_scalar", "scalar_state"]

# The state keys torch keeps as 0-d scalar tensors (loaded ints/floats become them too).
SCALAR_KEYS = frozenset({"step", "mu_product", "eta", "mu"})  # eta, mu: ASGD's


def is_scalar(value: Any) -> bool:
    """A step count as torch or an older checkpoint stores it: a number or a 0-d tensor."""
    if isinstance(value, (Tensor, np.ndarray)):
        return value.ndim == 0
    return isinstance(value, (int, float, np.number))


def scalar_state(value: Any) -> Tensor:
    """``value`` (a number, 0-d array or Tensor) as a fresh 0-d tensor of the scalar dtype."""
    if isinstance(value, Tensor):
        value = value.array
    scalar = np.float64 if dtypes.get_default_dtype() == dtypes.float64 else np.float32
    return Tensor.from_array(np.array(float(np.asarray(value)), dtype=scalar), False)


def advance_step(state: dict[str, Any]) -> float:
    """``state['step'] += 1`` in place (created at 0 on first use; an int from an old
    checkpoint becomes a tensor); returns the new count as a float."""
    t = state.get("step")
    if not isinstance(t, Tensor):
        t = state["step"] = scalar_state(0 if t is None else t)
    np.add(t.array, 1, out=t.array)
    t._version += 1
    return float(t.array)
