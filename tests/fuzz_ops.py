"""The op catalogue of the random programs in tests/fuzz_program.py: elementwise ops,
matmul and reductions (shape ops, indexing, cat/stack/where: fuzz_ops_shapes.py; later
ops: fuzz_ops_more.py).

Each entry takes the fuzzer's ``Builder`` and appends one or a few steps. A step is
a function ``fn(L, *values)`` written once for both libraries: ``L`` is a
``fuzz_program.Lib`` wrapping ``tensorgraph`` or ``torch``, whose tensor methods share
names (``exp``, ``sum(dim, keepdim)``, ``permute``...). Where they differ (torch has
no negative-step slicing) ``Lib`` holds the translation.

Guards that keep an op in its domain (positive input for log, a safe denominator,
no ties under ``max(dim)``) are decided while building, on the real values, and are
baked into the program so both libraries compute the same expression.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st


# ---------------------------------------------------------------- helpers
def dims_subset(draw: Callable, ndim: int) -> Any:
    """None, one (maybe negative) int, or a tuple of distinct dims."""
    if ndim == 0:
        return None
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    dims = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(d - ndim if draw(st.booleans()) else d for d in dims)


def _count(shape: tuple, dim: Any) -> int:
    if dim is None:
        return int(np.prod(shape))
    dims = (dim,) if isinstance(dim, int) else dim
    return int(np.prod([shape[d] for d in dims]))


def positive(b: Any, i: int) -> int:
    """A strictly positive value derived from v_i (itself when already >= 0.05)."""
    x = b.value(i)
    if x.size and x.min() >= 0.05:
        return i
    return b.add("{0} * {0} + 0.5", lambda L, x: x * x + 0.5, i)


def bounded(b: Any, i: int, limit: float = 4.0) -> int:
    x = b.value(i)
    if not x.size or np.abs(x).max() <= limit:
        return i
    return b.add("{0}.tanh()", lambda L, x: x.tanh(), i)


def partner(b: Any, i: int) -> int:
    """A value that broadcasts with v_i: an earlier value or a new leaf."""
    shape = b.value(i).shape
    for j in reversed(range(len(b.vals))):
        if j != i and b.draw(st.booleans()):
            try:
                np.broadcast_shapes(shape, b.value(j).shape)
                return j
            except ValueError:
                pass
    keep = b.draw(st.integers(0, len(shape)))
    new = [n if b.draw(st.booleans()) else 1 for n in shape[len(shape) - keep:]]
    grow = keep == len(shape) and len(shape) < 4  # a new leading dim broadcasts v_i up
    lead = b.draw(st.lists(st.integers(1, 3), max_size=1 if grow else 0))
    return b.leaf(tuple(lead + new))


# ---------------------------------------------------------------- unary
def unary(text: str, fn: Callable, domain: Callable | None = None) -> Callable:
    def build(b: Any) -> None:
        i = b.pick()
        if domain is not None:
            i = domain(b, i)
        b.add(text, fn, i)

    return build


def _clamp(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    # Bounds halfway between values, never equal to one: torch may compute a value
    # one ulp away from ours, and at a bound that would flip the gradient.
    v = np.unique(x)
    mids = (v[1:] + v[:-1]) / 2 if v.size > 1 else np.array([v.min(initial=0) - 0.5])
    lo = float(mids[len(mids) // 4])
    hi = float(mids[(3 * len(mids)) // 4]) if v.size > 1 else lo + 1.0
    kind = b.draw(st.sampled_from(["both", "min", "max"]))
    if kind == "both":
        b.add(f"{{0}}.clamp({lo!r}, {hi!r})", lambda L, x: x.clamp(lo, hi), i)
    elif kind == "min":
        b.add(f"{{0}}.clamp(min={lo!r})", lambda L, x: x.clamp(min=lo), i)
    else:
        b.add(f"{{0}}.clamp(max={hi!r})", lambda L, x: x.clamp(max=hi), i)


def _pow_scalar(b: Any) -> None:
    i = b.pick()
    p = b.draw(st.sampled_from([2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5, 0]))
    if not (isinstance(p, int) and p >= 0):
        i = positive(b, i)  # fractional or negative powers need a positive base
    else:
        i = bounded(b, i)
    b.add(f"{{0}} ** {p!r}", lambda L, x: x**p, i)


def _rpow(b: Any) -> None:
    i = bounded(b, b.pick())
    base = b.draw(st.sampled_from([2.0, 0.5, 3.0]))
    b.add(f"{base!r} ** {{0}}", lambda L, x: base**x, i)


# ---------------------------------------------------------------- binary
def binary(text: str, fn: Callable, rhs_domain: Callable | None = None,
            lhs_domain: Callable | None = None) -> Callable:
    def build(b: Any) -> None:
        i = b.pick()
        j = partner(b, i)
        if lhs_domain is not None:
            i = lhs_domain(b, i)
        if rhs_domain is not None:
            j = rhs_domain(b, j)
        # Either order: the partner may be the one that broadcasts up.
        b.add(text, fn, *((i, j) if b.draw(st.booleans()) else (j, i)))

    return build


def _safe_denominator(b: Any, j: int) -> int:
    x = b.value(j)
    if x.size and np.abs(x).min() >= 0.1:
        return j
    return b.add("{0} * {0} + 0.5", lambda L, x: x * x + 0.5, j)


def _div(b: Any) -> None:
    i = b.pick()
    j = _safe_denominator(b, partner(b, i))
    b.add("{0} / {1}", lambda L, x, y: x / y, i, j)


def _pow_tensor(b: Any) -> None:
    i = positive(b, b.pick())
    j = bounded(b, partner(b, i), 2.0)
    b.add("{0} ** {1}", lambda L, x, y: x**y, i, j)


def _scalar_arith(b: Any) -> None:
    i = b.pick()
    c = b.draw(st.sampled_from([2.0, -0.5, 3, 1.25]))
    op = b.draw(st.sampled_from(["+", "-", "*", "r-", "r/"]))
    if op == "r/":
        i = _safe_denominator(b, i)
        b.add(f"{c!r} / {{0}}", lambda L, x: c / x, i)
    elif op == "r-":
        b.add(f"{c!r} - {{0}}", lambda L, x: c - x, i)
    else:
        fns = {"+": lambda L, x: x + c, "-": lambda L, x: x - c, "*": lambda L, x: x * c}
        b.add(f"{{0}} {op} {c!r}", fns[op], i)


def _matmul(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if not shape:
        i = b.add("{0}.reshape(1)", lambda L, x: x.reshape(1), i)
        shape = (1,)
    m = b.draw(st.integers(1, 3))
    if b.draw(st.booleans()) or len(shape) == 1:
        k = shape[-1]
        batch = {1: 2, 2: 2, 3: b.draw(st.sampled_from([1, shape[0]]))}.get(len(shape))
        other = b.draw(st.sampled_from([(k,), (k, m)] + ([(batch, k, m)] if batch else [])))
        j = b.leaf(other)
        b.add("{0} @ {1}", lambda L, x, y: x @ y, i, j)
    else:
        k = shape[-2]
        j = b.leaf((m, k))
        b.add("{0} @ {1}", lambda L, x, y: x @ y, j, i)


# ---------------------------------------------------------------- reductions
def _reduce(name: str) -> Callable:
    def build(b: Any) -> None:
        i = b.pick()
        x = b.value(i)
        dim = dims_subset(b.draw, x.ndim)
        keep = b.draw(st.booleans())
        if name in ("amax", "amin") and x.size == 0:
            return
        b.add(f"{{0}}.{name}(dim={dim!r}, keepdim={keep})",
              lambda L, x: getattr(x, name)(dim=dim, keepdim=keep), i)

    return build


def _max_dim(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.ndim == 0:
        b.add("{0}.max()", lambda L, x: x.max(), i)
        return
    d = b.draw(st.integers(-x.ndim, x.ndim - 1))
    keep = b.draw(st.booleans())
    name = b.draw(st.sampled_from(["max", "min"]))
    ext = x.max(axis=d, keepdims=True) if name == "max" else x.min(axis=d, keepdims=True)
    if ((x == ext).sum(axis=d) > 1).any():
        # Tied extremes: torch.max(dim) may pick any index; amax splits evenly.
        a = "amax" if name == "max" else "amin"
        b.add(f"{{0}}.{a}({d}, keepdim={keep})", lambda L, x: getattr(x, a)(d, keep), i)
        return
    b.add(f"{{0}}.{name}({d}, keepdim={keep}).values",
          lambda L, x: getattr(x, name)(d, keepdim=keep).values, i)


def _var_std(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    dim = dims_subset(b.draw, x.ndim)
    keep = b.draw(st.booleans())
    corr = b.draw(st.sampled_from([0, 1]))
    if _count(x.shape, dim) <= corr:
        corr = 0
    if _count(x.shape, dim) == 0:
        return
    name = b.draw(st.sampled_from(["var", "std"]))
    axes = None if dim is None else ((dim,) if isinstance(dim, int) else dim)
    if name == "std" and np.var(x, axis=axes).min(initial=np.inf) < 1e-6:
        name = "var"  # d std = 1 / (2 std): infinite at zero variance, in both libraries
    b.add(f"{{0}}.{name}(dim={dim!r}, keepdim={keep}, correction={corr})",
          lambda L, x: getattr(x, name)(dim=dim, keepdim=keep, correction=corr), i)


OPS: dict[str, Callable] = {
    "exp": unary("{0}.exp()", lambda L, x: x.exp(), lambda b, i: bounded(b, i)),
    "log": unary("{0}.log()", lambda L, x: x.log(), positive),
    "sqrt": unary("{0}.sqrt()", lambda L, x: x.sqrt(), positive),
    "tanh": unary("{0}.tanh()", lambda L, x: x.tanh()),
    "sigmoid": unary("{0}.sigmoid()", lambda L, x: x.sigmoid()),
    "relu": unary("{0}.relu()", lambda L, x: x.relu()),
    "abs": unary("{0}.abs()", lambda L, x: x.abs()),
    "neg": unary("-{0}", lambda L, x: -x),
    "square": unary("{0}.square()", lambda L, x: x.square(), lambda b, i: bounded(b, i, 30)),
    "clamp": _clamp,
    "pow_scalar": _pow_scalar,
    "rpow": _rpow,
    "add": binary("{0} + {1}", lambda L, x, y: x + y),
    "sub": binary("{0} - {1}", lambda L, x, y: x - y),
    "mul": binary("{0} * {1}", lambda L, x, y: x * y),
    "div": _div,
    "maximum": binary("maximum({0}, {1})", lambda L, x, y: L.m.maximum(x, y)),
    "minimum": binary("minimum({0}, {1})", lambda L, x, y: L.m.minimum(x, y)),
    "pow_tensor": _pow_tensor,
    "scalar": _scalar_arith,
    "matmul": _matmul,
    "sum": _reduce("sum"),
    "mean": _reduce("mean"),
    "amax": _reduce("amax"),
    "amin": _reduce("amin"),
    "max_dim": _max_dim,
    "var_std": _var_std,
}
