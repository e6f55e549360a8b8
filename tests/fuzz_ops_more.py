"""Fuzzer entries for the ops added after the first catalogue (trigonometric and other
elementwise math, scans, flips, triangular masks, gathers, logsumexp, norms, products).

Each is written once for both libraries, as in ``fuzz_ops.py``; ``fuzz_program`` merges
this table into the menu, so random programs mix old and new ops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from fuzz_ops import binary, bounded, dims_subset, positive, unary
from hypothesis import strategies as st


def _open_unit(b: Any, i: int) -> int:
    """Values strictly inside (-1, 1), for asin / acos / atanh."""
    return b.add("{0}.tanh() * 0.9", lambda L, x: x.tanh() * 0.9, i)


def _one_dim(name: str, call: Callable) -> Callable:
    """An op along one (maybe negative) dim of a tensor with at least one dim."""
    def build(b: Any) -> None:
        i = b.pick()
        x = b.value(i)
        if x.ndim == 0:
            return
        d = b.draw(st.integers(-x.ndim, x.ndim - 1))
        b.add(f"{{0}}.{name}({d})", lambda L, x: call(x, d), i)

    return build


def _flip(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.ndim == 0:
        return
    dims = dims_subset(b.draw, x.ndim)
    dims = (dims,) if isinstance(dims, int) else dims or (0,)
    b.add(f"{{0}}.flip({dims!r})", lambda L, x: x.flip(dims), i)


def _roll(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.ndim == 0:
        return
    d, k = b.draw(st.integers(0, x.ndim - 1)), b.draw(st.integers(-5, 5))
    b.add(f"{{0}}.roll({k}, {d})", lambda L, x: x.roll(k, d), i)


def _triangle(name: str) -> Callable:
    def build(b: Any) -> None:
        i = b.pick()
        if b.value(i).ndim < 2:
            return
        k = b.draw(st.integers(-2, 2))
        b.add(f"{{0}}.{name}({k})", lambda L, x: getattr(x, name)(k), i)

    return build


def _gather(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.ndim == 0 or 0 in x.shape:
        return
    d = b.draw(st.integers(0, x.ndim - 1))
    shape = list(x.shape)
    shape[d] = b.draw(st.integers(1, 4))
    idx = b.rng.integers(0, x.shape[d], size=shape)  # repeats: gradients accumulate
    b.add(f"{{0}}.gather({d}, {idx.tolist()})",
          lambda L, x: x.gather(d, L.index(idx)), i)


def _logsumexp(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.ndim == 0:
        return
    d, keep = b.draw(st.integers(-x.ndim, x.ndim - 1)), b.draw(st.booleans())
    b.add(f"{{0}}.logsumexp({d}, keepdim={keep})",
          lambda L, x: x.logsumexp(d, keepdim=keep), i)


def _norm(b: Any) -> None:
    i = b.pick()
    x = b.value(i)
    if x.size == 0 or np.abs(x).min() < 0.05:  # |x| is not differentiable at 0
        i = b.add("{0} * {0} + 0.5", lambda L, x: x * x + 0.5, i)
    p = b.draw(st.sampled_from([1, 2, 3]))
    b.add(f"{{0}}.norm(p={p})", lambda L, x: x.norm(p=p), i)


def _prod(b: Any) -> None:
    i = bounded(b, b.pick(), 1.5)
    x = b.value(i)
    if x.ndim == 0 or x.size > 24:
        return
    d = b.draw(st.integers(-x.ndim, x.ndim - 1))
    b.add(f"{{0}}.prod({d})", lambda L, x: x.prod(d), i)


def _method(name: str, domain: Callable | None = None) -> Callable:
    return unary(f"{{0}}.{name}()", lambda L, x: getattr(x, name)(), domain)


CANDIDATES: dict[str, Callable] = {
    "sin": _method("sin"),
    "cos": _method("cos"),
    "tan": unary("{0}.tanh().tan()", lambda L, x: x.tanh().tan()),  # away from pi/2
    "sinh": _method("sinh", lambda b, i: bounded(b, i)),
    "cosh": _method("cosh", lambda b, i: bounded(b, i)),
    "asin": _method("asin", _open_unit),
    "acos": _method("acos", _open_unit),
    "atan": _method("atan"),
    "log2": _method("log2", positive),
    "log10": _method("log10", positive),
    "log1p": _method("log1p", positive),
    "expm1": _method("expm1", lambda b, i: bounded(b, i)),
    "erf": _method("erf"),
    "rsqrt": _method("rsqrt", positive),
    "reciprocal": _method("reciprocal", positive),
    "atan2": binary("{0}.atan2({1})", lambda L, x, y: x.atan2(y), positive),
    "cumsum": _one_dim("cumsum", lambda x, d: x.cumsum(d)),
    "cumprod": _one_dim("cumprod", lambda x, d: x.tanh().cumprod(d)),
    "softmax": _one_dim("softmax", lambda x, d: x.softmax(d)),
    "log_softmax": _one_dim("log_softmax", lambda x, d: x.log_softmax(d)),
    "flip": _flip,
    "roll": _roll,
    "tril": _triangle("tril"),
    "triu": _triangle("triu"),
    "gather": _gather,
    "logsumexp": _logsumexp,
    "norm": _norm,
    "prod": _prod,
}


def available(tensor_type: type) -> dict[str, Callable]:
    """The candidates whose method the tensor type has (the op table grows as ops land)."""
    return {name: build for name, build in CANDIDATES.items()
            if hasattr(tensor_type, name)}
