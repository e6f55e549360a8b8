"""Fuzzer entries for shape ops, indexing, cat / stack / where, ties and fan-out: the
rest of the catalogue of ``fuzz_ops.py`` (written the same way, once for both
libraries); ``fuzz_program`` merges ``SHAPE_OPS`` into the menu right after ``OPS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from fuzz_ops import partner
from hypothesis import strategies as st


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


SHAPE_OPS: dict[str, Callable] = {
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
