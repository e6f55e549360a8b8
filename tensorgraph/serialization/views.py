"""Tensors that share memory stay sharing it through a checkpoint, as in ``torch.save``.

When two or more saved Tensors are views of one numpy buffer (``a`` and ``a[2:4]``, a
weight and its transpose), the buffer is stored once, flat, and each Tensor as a window
on it: ``{"offset": k, "shape": [...], "strides": [...]}`` in elements. Loading rebuilds
the windows with ``as_strided`` after checking that every element they can reach lies
inside the stored buffer, so a lying index cannot read outside it. A view saved alone is
stored compactly (its own elements only), unlike torch, which stores the whole buffer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..tensor import Tensor
from .errors import Invalid

__all__ = ["shared_roots", "view_root", "window", "from_window"]


def view_root(array: np.ndarray) -> np.ndarray | None:
    """The C-contiguous buffer that ``array`` is a writable, same-dtype view of, else None
    (read-only views such as ``expand``'s, and buffers of another layout, are copied)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.dtype != array.dtype or not root.flags.c_contiguous \
            or not array.flags.writeable or not root.flags.writeable:
        return None
    return root


def shared_roots(obj: Any) -> set[int]:
    """ids of the buffers that two or more distinct Tensors inside ``obj`` are views of."""
    counts: Counter[int] = Counter()
    seen: set[int] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            if id(item) not in seen:
                seen.add(id(item))
                root = view_root(item.array)
                if root is not None:
                    counts[id(root)] += 1
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) and id(item) not in seen:
            seen.add(id(item))  # a cycle is reported by the encoder, not looped on here
            stack.extend(item)
    return {root for root, n in counts.items() if n > 1}


def window(array: np.ndarray, root: np.ndarray) -> dict:
    """Where ``array`` lies in ``root`` (offset, shape and strides in elements)."""
    size = root.dtype.itemsize
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return {"offset": start // size, "shape": list(array.shape),
            "strides": [s // size for s in array.strides]}


def from_window(flat: np.ndarray, spec: Any) -> np.ndarray:
    """The view of the 1-D ``flat`` that ``spec`` describes, refused unless every element
    it reaches lies inside ``flat``."""
    if not isinstance(spec, dict) or spec.keys() != {"offset", "shape", "strides"}:
        raise Invalid(f"malformed view in index.json: {str(spec)[:80]}")
    offset, shape, strides = spec["offset"], spec["shape"], spec["strides"]
    ints = isinstance(shape, list) and isinstance(strides, list) and len(shape) == len(strides) \
        and len(shape) <= 64 and all(type(v) is int for v in [offset, *shape, *strides])
    if not ints or offset < 0 or any(d < 0 for d in shape) or flat.ndim != 1:
        raise Invalid(f"malformed view in index.json: {str(spec)[:80]}")
    if 0 in shape:
        if offset > flat.size:
            raise Invalid(f"a view starts at element {offset} of a buffer of {flat.size}")
        return flat[:0].reshape(shape)
    low = offset + sum(min(0, (d - 1) * s) for d, s in zip(shape, strides))
    high = offset + sum(max(0, (d - 1) * s) for d, s in zip(shape, strides))
    if low < 0 or high >= flat.size:
        raise Invalid(f"a view reaches elements {low}..{high} of a buffer of {flat.size}")
    item = flat.dtype.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:] if offset < flat.size else flat,
                                           shape=tuple(shape),
                                           strides=tuple(s * item for s in strides))
