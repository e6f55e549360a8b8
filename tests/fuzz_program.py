"""Random programs: what the differential fuzzer and the property suite run.

A :class:`Program` is leaves plus steps ``fn(L, *values)`` from the catalogue in
``fuzz_ops.py``; ``programs()`` is the hypothesis strategy that draws one. A
program runs on any :class:`Lib` (tensorgraph or torch, at a float dtype).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fuzz_ops import OPS
from fuzz_ops_more import available
from fuzz_ops_shapes import SHAPE_OPS
from hypothesis import strategies as st

import tensorgraph as tg


class Lib:
    """One library (tensorgraph or torch) at one float dtype."""

    def __init__(self, module: Any, dtype: Any) -> None:
        self.m, self.dtype = module, dtype
        self.is_torch = module is not tg

    def leaf(self, arr: np.ndarray) -> Any:
        return self.m.tensor(arr, dtype=self.dtype, requires_grad=True)

    def const(self, arr: Any) -> Any:
        return self.m.tensor(np.asarray(arr, dtype=np.float64), dtype=self.dtype)

    def index(self, arr: np.ndarray) -> Any:
        """An integer or boolean index array as this library's tensor."""
        return self.m.tensor(arr)

    def grad(self, out: Any, inputs: list, create_graph: bool) -> list:
        return list(self.m.autograd.grad(out, inputs, create_graph=create_graph,
                                         allow_unused=True))

    def slices(self, x: Any, index: tuple) -> Any:
        """``x[index]`` for a tuple of slices and ints (one per leading dim)."""
        if not any(isinstance(ix, slice) and (ix.step or 1) < 0 for ix in index):
            return x[index]
        # torch (and tensorgraph) reject negative steps: pick the same elements with index_select,
        # last dim first so earlier dims keep their positions.
        for d in reversed(range(len(index))):
            ix = index[d]
            if isinstance(ix, int):
                x = x.select(d, ix)
            else:
                pos = np.arange(x.shape[d])[ix]
                x = x.index_select(d, self.m.from_numpy(pos.astype(np.int64)))
        return x


@dataclass
class Program:
    """Leaves and steps; a step is (text, fn(L, *values), argument indices)."""

    leaves: dict = field(default_factory=dict)  # value index -> ndarray
    steps: list = field(default_factory=list)  # (text, fn | None, args)

    def text(self) -> str:
        return "\n".join(t for t, _, _ in self.steps)

    def run(self, L: Lib) -> tuple[list, list]:
        """All values and the leaf tensors, computed with library ``L``."""
        vals: list = []
        leaves: list = []
        for i, (_, fn, args) in enumerate(self.steps):
            if fn is None:
                vals.append(L.leaf(self.leaves[i]))
                leaves.append(vals[-1])
            else:
                vals.append(fn(L, *[vals[j] for j in args]))
        return vals, leaves

    def sinks(self) -> list[int]:
        """Values no later step reads: the outputs the scalar root projects."""
        used = {j for _, _, args in self.steps for j in args}
        return [i for i in range(len(self.steps)) if i not in used]

    def root(self, L: Lib, vals: list, seed: int) -> Any:
        """A scalar: sum over the sinks of ``(v * w).sum()``, with fixed random ``w``."""
        rng = np.random.default_rng(seed)
        total = None
        for i in self.sinks():
            term = (vals[i] * L.const(rng.standard_normal(vals[i].shape))).sum()
            total = term if total is None else total + term
        return total


class Builder:
    """Grows a Program while evaluating it on tensorgraph float64 (for the guards)."""

    def __init__(self, draw: Callable, rng: np.random.Generator) -> None:
        self.draw, self.rng = draw, rng
        self.prog = Program()
        self.vals: list = []  # tensorgraph float64 values of every step
        self.L = Lib(tg, tg.float64)

    def leaf(self, shape: tuple) -> int:
        arr = self.rng.uniform(-2.0, 2.0, size=shape)
        i = len(self.vals)
        self.prog.leaves[i] = arr
        self.prog.steps.append((f"v{i} = leaf{tuple(shape)}", None, ()))
        self.vals.append(self.L.leaf(arr))
        return i

    def add(self, text: str, fn: Callable, *args: int) -> int:
        i = len(self.vals)
        self.vals.append(fn(self.L, *[self.vals[j] for j in args]))
        names = [f"v{j}" for j in args]
        self.prog.steps.append((f"v{i} = " + text.format(*names), fn, args))
        return i

    def pick(self) -> int:
        # Bias towards recent values so expressions grow deep, not only wide.
        n = len(self.vals)
        return n - 1 - self.draw(st.integers(0, n - 1))

    def value(self, i: int) -> np.ndarray:
        return self.vals[i].array


MENU = {**OPS, **SHAPE_OPS, **available(tg.Tensor)}


@st.composite
def programs(draw: Callable) -> Program:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    b = Builder(draw, rng)
    for _ in range(draw(st.integers(1, 2))):
        b.leaf(tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))))
    # Hypothesis favours the first entries of a list it samples from; a per-example
    # shuffle (from the drawn seed) spreads that preference evenly over all ops.
    menu = list(rng.permutation(sorted(MENU)))
    for _ in range(draw(st.integers(1, 7))):
        name = draw(st.sampled_from(menu))
        MENU[name](b)
        # Keep magnitudes moderate so exp/pow/square chains stay finite.
        last = len(b.vals) - 1
        if b.value(last).size and np.abs(b.value(last)).max() > 1e3:
            b.add("{0}.tanh()", lambda L, x: x.tanh(), last)
    return b.prog
