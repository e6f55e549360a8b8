"""torch's reading of an index where it differs from numpy's (used by ``x[i]`` and
``x[i] = v``; the numpy index itself is built by ``tensor_functions.index_arg``).

- An integer (or a 0-d integer tensor) next to advanced indices (lists, integer or
  bool tensors) is a *select* in torch, applied first: ``x[0, :, [0, 2]]`` of a
  (2, 3, 4) tensor is (3, 2), where numpy, which counts the int as one more advanced
  index split off by the ``:``, gives (2, 3). The elements are the same; only where the
  advanced dims land differs, so the numpy result is moved into torch's order.
- A slice step must be positive (torch has no negative strides).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _is_int(e: Any) -> bool:
    if isinstance(e, (int, np.integer)):
        return not isinstance(e, (bool, np.bool_))
    return isinstance(e, np.ndarray) and e.ndim == 0 and e.dtype.kind in "iu"


def check_steps(index: Any) -> None:
    """Refuse a slice with a step below 1, in torch's words."""
    for e in index if isinstance(index, tuple) else (index,):
        if isinstance(e, slice) and e.step is not None and e.step <= 0:
            raise ValueError("slice step cannot be zero" if e.step == 0 else
                             "step must be greater than zero")


def advanced_dims(index: Any, ndim: int) -> tuple | None:
    """``(numpy_at, torch_at, basic)`` when numpy puts the broadcast dims of the advanced
    indices at result position ``numpy_at`` and torch at ``torch_at`` (they differ), with
    ``basic`` the number of result dims from slices / None / ``...``; None when torch and
    numpy agree (no int mixed with advanced indices, the common case)."""
    if not isinstance(index, tuple):
        return None
    ints = [k for k, e in enumerate(index) if _is_int(e)]
    arrays = [k for k, e in enumerate(index) if isinstance(e, np.ndarray) and k not in ints]
    if not ints or not arrays:
        return None
    consumed = sum(e.ndim if isinstance(e, np.ndarray) and e.dtype == np.bool_ else
                   0 if e is None or e is Ellipsis else 1 for e in index)
    before, count = [], 0  # basic result dims made by the entries before each entry
    for e in index:
        before.append(count)
        if isinstance(e, slice) or e is None:
            count += 1
        elif e is Ellipsis:
            count += ndim - consumed
    if not any(e is Ellipsis for e in index):
        count += ndim - consumed  # the dims left unindexed at the end
    adv = sorted(ints + arrays)
    numpy_at = before[adv[0]] if adv[-1] - adv[0] + 1 == len(adv) else 0
    # torch: the ints are gone; the arrays are together if only ints lie between them
    between = range(arrays[0], arrays[-1] + 1)
    together = all(k in arrays or k in ints for k in between)
    torch_at = before[arrays[0]] if together else 0
    return None if numpy_at == torch_at else (numpy_at, torch_at, count)


def move(n_result: int, at: tuple, to_torch: bool = True) -> list:
    """The permutation taking numpy's result order to torch's (or back)."""
    numpy_at, torch_at, basic = at
    nb = n_result - basic
    src, dst = (numpy_at, torch_at) if to_torch else (torch_at, numpy_at)
    rest = [d for d in range(n_result) if not src <= d < src + nb]
    return rest[:dst] + list(range(src, src + nb)) + rest[dst:]


__all__ = ["advanced_dims", "check_steps", "move"]
