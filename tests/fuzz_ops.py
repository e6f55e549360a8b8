"""The op catalogue of the random programs in tests/fuzz_program.py.

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


# ---------------------------------------------------------------- shapes
def _reshape(b: Any) -> None:
    i = b.pick()
    n = b.value(i).size
    factors, m = [], n
    for p in (2, 3, 5, 7, 11, 13):
        while m % p == 0 and m > 1:
            factors.append(p)
            m //= p
    factors += [m] if m > 1 else []
    k = b.draw(st.integers(1, 4))
    shape = [1] * k
    for f in factors:
        shape[b.draw(st.integers(0, k - 1))] *= f
    if b.draw(st.booleans()):
        shape[b.draw(st.integers(0, k - 1))] = -1
    shape = tuple(shape)
    b.add(f"{{0}}.reshape{shape}", lambda L, x: x.reshape(shape), i)


def _transpose(b: Any) -> None:
    i = b.pick()
    nd = b.value(i).ndim
    if nd < 2:
        b.add("{0}.unsqueeze(0)", lambda L, x: x.unsqueeze(0), i)
        return
    d0, d1 = b.draw(st.integers(-nd, nd - 1)), b.draw(st.integers(-nd, nd - 1))
    b.add(f"{{0}}.transpose({d0}, {d1})", lambda L, x: x.transpose(d0, d1), i)


def _permute(b: Any) -> None:
    i = b.pick()
    nd = b.value(i).ndim
    if nd == 0:
        return
    perm = tuple(b.draw(st.permutations(range(nd))))
    b.add(f"{{0}}.permute{perm}", lambda L, x: x.permute(*perm), i)


def _unsqueeze_squeeze(b: Any) -> None:
    i = b.pick()
    nd = b.value(i).ndim
    if b.draw(st.booleans()):
        d = b.draw(st.integers(-nd - 1, nd))
        b.add(f"{{0}}.unsqueeze({d})", lambda L, x: x.unsqueeze(d), i)
    elif nd == 0 or b.draw(st.booleans()):
        b.add("{0}.squeeze()", lambda L, x: x.squeeze(), i)
    else:
        d = b.draw(st.integers(-nd, nd - 1))
        b.add(f"{{0}}.squeeze({d})", lambda L, x: x.squeeze(d), i)


def _expand(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    sizes = [b.draw(st.integers(2, 3)) if n == 1 and b.draw(st.booleans())
             else (-1 if b.draw(st.booleans()) else n) for n in shape]
    lead = b.draw(st.lists(st.integers(1, 3), max_size=1 if len(shape) < 4 else 0))
    sizes = tuple(lead + sizes)
    if not sizes:
        return  # torch's expand needs at least one size
    b.add(f"{{0}}.expand{sizes}", lambda L, x: x.expand(*sizes), i)


def _flatten(b: Any) -> None:
    i = b.pick()
    nd = max(b.value(i).ndim, 1)
    s = b.draw(st.integers(0, nd - 1))
    e = b.draw(st.integers(s, nd - 1))
    s, e = s - nd if b.draw(st.booleans()) else s, e - nd if b.draw(st.booleans()) else e
    b.add(f"{{0}}.flatten({s}, {e})", lambda L, x: x.flatten(s, e), i)


# ---------------------------------------------------------------- indexing
def _slices(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if not shape:
        return
    index = []
    for n in shape[: b.draw(st.integers(1, len(shape)))]:
        if b.draw(st.integers(0, 4)) == 0:
            index.append(b.draw(st.integers(-n, n - 1)))
            continue
        step = b.draw(st.sampled_from([1, 2, -1, -2, 3]))
        start = b.draw(st.one_of(st.none(), st.integers(-n - 1, n)))
        stop = b.draw(st.one_of(st.none(), st.integers(-n - 1, n)))
        sl = slice(start, stop, step)
        if len(range(n)[sl]) == 0:
            sl = slice(None, None, step)
        index.append(sl)
    index = tuple(index)
    b.add(f"{{0}}[{index!r}]", lambda L, x: L.slices(x, index), i)


def _int_array(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if not shape:
        return
    d = b.draw(st.integers(0, len(shape) - 1))
    n = shape[d]
    idx_shape = b.draw(st.sampled_from([(3,), (5,), (2, 2), (1,)]))
    idx = b.rng.integers(-n, n, size=idx_shape)  # repeats and negative positions
    lead = (slice(None),) * d
    b.add(f"{{0}}[{lead!r} + ({idx.tolist()},)]",
          lambda L, x: x[lead + (L.index(idx),)], i)


def _two_arrays(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if len(shape) < 2:
        return
    i0 = b.rng.integers(-shape[0], shape[0], size=(3,))
    i1 = b.rng.integers(-shape[1], shape[1], size=(1,))  # broadcasts against i0
    b.add(f"{{0}}[{i0.tolist()}, {i1.tolist()}]",
          lambda L, x: x[L.index(i0), L.index(i1)], i)


def _bool_mask(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if not shape:
        return
    full = b.draw(st.booleans())
    mask = b.rng.random(shape if full else shape[:1]) < 0.5
    mask.flat[0] = True  # never select nothing
    b.add(f"{{0}}[mask{mask.shape}]", lambda L, x: x[L.index(mask)], i)


# ---------------------------------------------------------------- cat / stack / where
def _cat(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    if not shape:
        return
    d = b.draw(st.integers(-len(shape), len(shape) - 1))
    parts = [i]
    for _ in range(b.draw(st.integers(1, 2))):
        if b.draw(st.booleans()):
            parts.append(i)  # the same tensor twice: gradients must add up
        else:
            other = list(shape)
            other[d] = b.draw(st.integers(1, 3))
            parts.append(b.leaf(tuple(other)))
    names = ", ".join(f"{{{k}}}" for k in range(len(parts)))
    b.add(f"cat([{names}], {d})", lambda L, *xs: L.m.cat(list(xs), d), *parts)


def _stack(b: Any) -> None:
    i = b.pick()
    shape = b.value(i).shape
    j = i if b.draw(st.booleans()) else b.leaf(shape)
    d = b.draw(st.integers(-len(shape) - 1, len(shape)))
    b.add(f"stack([{{0}}, {{1}}], {d})", lambda L, x, y: L.m.stack([x, y], d), i, j)


def _where(b: Any) -> None:
    i = b.pick()
    j = partner(b, i)
    cond = np.broadcast_to(b.value(i) > 0, np.broadcast_shapes(b.value(i).shape,
                                                              b.value(j).shape)).copy()
    b.add("where({0} > 0, {0}, {1})",
          lambda L, x, y: L.m.where(L.index(cond), x, y), i, j)


def _ties(b: Any) -> None:
    """maximum/minimum against a constant equal to x at about half the positions:
    at a tie torch gives each side half the gradient."""
    i = b.draw(st.sampled_from(sorted(b.prog.leaves)))  # exact ties need exact values
    x = b.value(i)
    c = np.where(b.rng.random(x.shape) < 0.5, x, b.rng.uniform(-2, 2, x.shape))
    name = b.draw(st.sampled_from(["maximum", "minimum"]))
    b.add(f"{name}({{0}}, const equal to {{0}} in places)",
          lambda L, x: getattr(L.m, name)(x, L.const(c)), i)


def _fan_out(b: Any) -> None:
    i = b.pick()
    b.add("{0} * {0}.sigmoid()", lambda L, x: x * x.sigmoid(), i)


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
    "reshape": _reshape,
    "transpose": _transpose,
    "permute": _permute,
    "unsqueeze_squeeze": _unsqueeze_squeeze,
    "expand": _expand,
    "flatten": _flatten,
    "slices": _slices,
    "int_array": _int_array,
    "two_arrays": _two_arrays,
    "bool_mask": _bool_mask,
    "cat": _cat,
    "stack": _stack,
    "where": _where,
    "fan_out": _fan_out,
    "ties": _ties,
}
