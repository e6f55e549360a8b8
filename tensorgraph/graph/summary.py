"""What a traced graph says about each node: value and gradient summaries, and the
chain-rule formula read from a primitive's math docstring.

Used by ``tensorgraph.graph.trace``; ``Summary``, ``backward_formula`` and
``slot_formulas`` are public through ``tensorgraph.graph``.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Tensors with at most this many elements show their values, not just statistics.
SMALL = 12


# ---------------------------------------------------------------- summaries
@dataclass(frozen=True)
class Summary:
    """Statistics of one array (a value or a gradient), computed once at trace time.

    ``values`` holds the elements (row-major) when there are at most ``SMALL`` of them.
    Statistics ignore NaN/inf, which are counted separately.
    """

    shape: tuple
    numel: int
    mean: float
    std: float
    min: float
    max: float
    norm: float
    nan: int = 0
    inf: int = 0
    values: tuple | None = None

    @classmethod
    def of(cls, array: Any) -> Summary:
        a = np.asarray(array)
        shape = tuple(a.shape)
        if a.dtype.kind not in "fiub" or a.size == 0:
            return cls(shape, int(a.size), *(float("nan"),) * 5)
        if a.size <= SMALL:  # plain Python is far faster than numpy for a few numbers
            return cls._of_values(shape, [float(v) for v in a.ravel().tolist()])
        a = a.astype(np.float64, copy=False)  # display only: never fed back to the engine
        finite = np.isfinite(a)
        n_nan = int(np.isnan(a).sum())
        n_inf = int(a.size - finite.sum() - n_nan)
        f = a if n_nan + n_inf == 0 else a[finite]
        values = tuple(a.ravel().tolist()) if a.size <= SMALL else None
        if f.size == 0:
            return cls(shape, int(a.size), *(float("nan"),) * 5, n_nan, n_inf, values)
        return cls(shape, int(a.size), float(f.mean()), float(f.std()), float(f.min()),
                   float(f.max()), float(np.sqrt(np.dot(f.ravel(), f.ravel()))),
                   n_nan, n_inf, values)

    @classmethod
    def _of_values(cls, shape: tuple, values: list) -> Summary:
        f = [v for v in values if math.isfinite(v)]
        n_nan = sum(1 for v in values if math.isnan(v))
        n_inf = len(values) - len(f) - n_nan
        if not f:
            return cls(shape, len(values), *(float("nan"),) * 5, n_nan, n_inf, tuple(values))
        mean = math.fsum(f) / len(f)
        std = math.sqrt(math.fsum((v - mean) ** 2 for v in f) / len(f))
        norm = math.sqrt(math.fsum(v * v for v in f))
        return cls(shape, len(values), mean, std, min(f), max(f), norm, n_nan, n_inf,
                   tuple(values))

    @property
    def finite(self) -> bool:
        return self.nan == 0 and self.inf == 0

    def text(self, digits: int = 3) -> str:
        """Short human text: the values of a small tensor, else mean/std/min/max/norm."""
        if self.values is not None:
            nums = [_num(v, digits) for v in self.values]
            if len(self.shape) >= 2 and self.numel:  # one line per row, like numpy
                w = self.shape[-1]
                rows = [", ".join(nums[i:i + w]) for i in range(0, len(nums), w)]
                text = "[" + "\n ".join(f"[{r}]" for r in rows) + "]"
            else:
                body = ", ".join(nums)
                text = body if self.shape == () else f"[{body}]"
        else:
            text = (f"mean {_num(self.mean, digits)}  std {_num(self.std, digits)}\n"
                    f"min {_num(self.min, digits)}  max {_num(self.max, digits)}  "
                    f"norm {_num(self.norm, digits)}")
        if self.values is None and not self.finite:
            text += f"\n{self.nan} NaN, {self.inf} inf"
        return text


def _num(v: float, digits: int) -> str:
    return f"{v + 0.0:.{digits}g}"  # + 0.0 turns -0.0 into 0.0


# ---------------------------------------------------------------- formulas
def backward_formula(op: type) -> tuple[str | None, str | None]:
    """``(forward, local derivative)`` of a primitive, read from its docstring.

    A primitive's docstring starts ``"y = <math>;  dx = <math>,  dw = <math>"`` with
    ``g`` the incoming gradient (the first paragraph may span lines, as fused ops'
    do). This rewrites the backward half in chain-rule notation:
    ``dL/dx = <math with dL/dy>``. Returns ``(None, None)`` for an op whose
    docstring does not follow the convention.

    Example:
        >>> backward_formula(tg.ops.MatMul)
        ('y = a @ b', 'dL/da = dL/dy @ b^T,  dL/db = a^T @ dL/dy   (batch dims ...)')
    """
    return formula_of(op)


_BACKWARD_START = re.compile(r";\s*(?=d\w+\s*=)")
_SLOT = re.compile(r"(?:^|,\s+|;\s*)dL/d(\w+)\s*=\s*")


@functools.cache
def formula_of(op: type) -> tuple[str | None, str | None]:
    """Cached :func:`backward_formula`."""
    doc = (inspect.getdoc(op) or "").strip()
    first = " ".join(line.strip() for line in doc.split("\n\n", 1)[0].splitlines())
    cut = _BACKWARD_START.search(first)
    if cut is None or not re.match(r"\w+ =", first):
        return None, None
    fwd, bwd = first[:cut.start()].strip(), first[cut.end():].strip()
    # The incoming gradient is called g, except in ops whose input is itself
    # called g (IndexAdd), where the docstring says dy.
    upstream = r"\bdy\b" if re.search(r"\bdy\b", bwd) else r"\bg\b"
    bwd = re.sub(upstream, "dL/dy", bwd)
    bwd = re.sub(r"(^|,\s*)d(\w+)(\s*=)", r"\1dL/d\2\3", bwd)
    return fwd, bwd


def slot_formulas(formula: str | None) -> dict[str, str]:
    """``{slot: right-hand side}`` from a chain-rule formula.

    Example:
        >>> slot_formulas("dL/da = dL/dy * b,  dL/db = dL/dy * a")
        {'a': 'dL/dy * b', 'b': 'dL/dy * a'}
    """
    if not formula:
        return {}
    marks = list(_SLOT.finditer(formula))
    out = {}
    for m, nxt in zip(marks, [*marks[1:], None]):
        rhs = formula[m.end(): nxt.start() if nxt else len(formula)].strip().rstrip(",;")
        out[m.group(1)] = rhs
    return out


@functools.cache
def _arg_names(op: type) -> tuple[tuple, str | None]:
    """Tensor-input names of ``op.forward`` (fixed ones, then the ``*varargs`` name)."""
    try:
        params = list(inspect.signature(op.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return (), None
    # Parameters with defaults count too (Linear's optional bias ``b=None``): callers
    # take only as many names as the node has tensor inputs, and options come as kwargs.
    fixed = tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                       p.POSITIONAL_OR_KEYWORD))
    var = next((p.name for p in params if p.kind == p.VAR_POSITIONAL), None)
    return fixed, var


def input_names(op: type, n: int) -> tuple:
    """Names of an op's first ``n`` tensor inputs, from its ``forward`` signature."""
    fixed, var = _arg_names(op)
    names = list(fixed[:n])
    for i in range(n - len(names)):
        names.append(f"{var}_{i}" if var else f"input{len(names)}")
    return tuple(names)


def short_repr(v: Any, limit: int = 40) -> str:
    """A short ``repr`` of an op's non-tensor argument."""
    text = f"array{tuple(v.shape)}" if isinstance(v, np.ndarray) and v.size > 8 else repr(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."
