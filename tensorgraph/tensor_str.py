"""How a tensor's values print: torch's formatter (``torch/_tensor_str.py``) on numpy arrays.

Floats get 4 decimals (``tensor([0.3006, 1.0000])``), integers-valued floats a trailing dot
(``tensor([1., 2.])``), scientific notation when the nonzero finite magnitudes span more than
1000x, exceed 1e8 or go below 1e-4 (``1.5000e-03``); every element is padded to the widest.
``set_printoptions`` changes precision, threshold, edgeitems, linewidth and sci_mode, as torch.

Example:
    >>> tg.tensor([0.1, 2.0])
    tensor([0.1000, 2.0000])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import dtypes
from .autograd.node_names import torch_name

__all__ = ["get_printoptions", "set_printoptions", "values_str"]


@dataclass
class _Options:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _Options()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """torch.set_printoptions: a profile ('default', 'short', 'full') first, then each
    option given; ``sci_mode`` None means the formatter decides."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}; use one of "
                             f"{sorted(_PROFILES)}")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as a dict (torch.get_printoptions)."""
    return dict(vars(PRINT_OPTS))


class _Formatter:
    """One width and one notation for all the values of a tensor (torch's _Formatter)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        p = PRINT_OPTS.precision
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
        else:
            finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
            if finite.size:
                big, small = np.abs(finite).max(), np.abs(finite).min()
                self.int_mode = bool(np.all(finite == np.ceil(finite)))
                self.sci_mode = (big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4
                                 if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
                if self.sci_mode:
                    widths = [len(f"{v:.{p}e}") for v in finite.tolist()]
                elif self.int_mode:
                    widths = [len(f"{v:.0f}") + 1 for v in finite.tolist()]
                else:
                    widths = [len(f"{v:.{p}f}") for v in finite.tolist()]
                self.max_width = max([self.max_width, *widths])

    def format(self, value: Any) -> str:
        p = PRINT_OPTS.precision
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{p}f}"
        return (self.max_width - len(text)) * " " + text


def _summarized(a: np.ndarray) -> np.ndarray:
    """The corner values that a summarized print shows (for the formatter's width)."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:e], a[-e:]]) if a.shape[0] > 2 * e else a
    rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0])) if a.shape[0] > 2 * e \
        else range(a.shape[0])
    return np.stack([_summarized(a[i]) for i in rows]) if len(rows) else a


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([fmt.format(v) for v in a[:e].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-e:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e, n = PRINT_OPTS.edgeitems, a.shape[0]
    if summarize and n > 2 * e:
        parts = ([_nested(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."]
                 + [_nested(a[i], indent + 1, summarize, fmt) for i in range(n - e, n)])
    else:
        parts = [_nested(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def values_str(array: np.ndarray, indent: int) -> str:
    """The bracketed values of ``array`` as torch prints them after a prefix ``indent`` wide."""
    if array.size == 0:
        return "[]"
    if array.dtype == np.float16:
        array = array.astype(np.float32)
    summarize = array.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(array) if summarize else array)
    return _nested(array, indent, summarize, fmt)


def tensor_repr(t: Any) -> str:
    """``repr(tensor)`` as torch prints it: values, then dtype/size, grad_fn or requires_grad."""
    body = values_str(t.array, len("tensor("))
    extras = []
    dt, default = t.dtype, dtypes.get_default_dtype()
    if t.array.size == 0:  # torch: no values to tell int64 by, so only the default float
        if t.array.ndim != 1:  # dtype goes unsaid, and a shape other than (0,) is said
            extras.append(f"size={tuple(t.array.shape)}")
        if dt is not default:
            extras.append(f"dtype={dt}")
    elif dt is not default and dt is not dtypes.int64 and dt is not dtypes.bool_:
        extras.append(f"dtype={dt}")
    if t.grad_fn is not None:
        # torch numbers its node classes (MulBackward0); tensorgraph's names are torch's
        # without the number, so a printed tensor reads as torch's
        fn = t.grad_fn
        if getattr(fn, "user_class", None) is not None:
            extras.append(f"grad_fn=<{fn.name()}>")  # a custom Function: torch adds no 0
        elif fn.name() == "GetItemBackward" and not getattr(fn, "torch_name", None):
            extras.append(f"grad_fn=<{_indexing_node_name(fn.index)}0>")
        else:
            extras.append(f"grad_fn=<{torch_name(fn)}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return _add_suffixes("tensor(" + body, extras, len("tensor("))


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """torch's rule: a suffix that would pass the line width starts a new line."""
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(parts) + ")"


def _indexing_node_name(index: Any) -> str:
    """The node torch records for ``x[index]``: select for an int, slice for a slice,
    index for an advanced (list / tensor / mask) index."""
    items = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, (list, np.ndarray)) for i in items):
        return "IndexBackward"
    real = [i for i in items if i is not None and i is not Ellipsis]
    if real and isinstance(real[-1], (int, np.integer)):
        return "SelectBackward"
    if real and isinstance(real[-1], slice):
        return "SliceBackward"
    return "AliasBackward" if not real else "SelectBackward"
