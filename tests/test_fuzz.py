"""Differential fuzzing against PyTorch: random expressions, same float64 inputs.

Hypothesis draws a random *program*: leaves, then a sequence of ops (elementwise,
broadcasting binaries, matmul, reductions over random dims, shape ops, basic and
advanced indexing, cat/stack), each reading earlier values. The program is built
once on tensorgraph (so data-dependent guards -- positive inputs for log, safe
denominators, no ties under ``max(dim)`` -- are decided on real values) and then
replayed on PyTorch. We compare every intermediate value, the gradients of a random
projection of the outputs to a scalar, and, for a subset, Hessian-vector products
(``create_graph=True``). A float32 replay checks that no op silently upcasts.

CI runs a bounded, derandomized number of examples; ``make fuzz`` sets
``TENSORGRAPH_FUZZ_EXAMPLES=2000`` and explores with fresh random seeds.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from fuzz_program import Lib, Program, programs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tensorgraph as tg

N_EXAMPLES = int(os.environ.get("TENSORGRAPH_FUZZ_EXAMPLES", "150"))
FUZZ_SETTINGS = settings(
    max_examples=N_EXAMPLES,
    deadline=None,
    # Bounded runs in CI are reproducible; an explicit long run explores new seeds.
    derandomize="TENSORGRAPH_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


# ---------------------------------------------------------------- comparison
def _np(x: Any) -> np.ndarray:
    if x is None or isinstance(x, tg.Tensor):
        return None if x is None else x.array
    if x._is_zerotensor():  # torch's lazy all-zero gradients have no storage
        return np.zeros(tuple(x.shape))
    return x.detach().numpy()


def assert_same(got: Any, want: Any, what: str, prog: Program) -> None:
    g, w = _np(got), _np(want)
    if g is None and w is None:
        return
    # One library may skip a gradient that is identically zero (None) where the
    # other returns zeros: compare the values, not the representation.
    g = np.zeros_like(w) if g is None else g
    w = np.zeros_like(g) if w is None else w
    scale = 1.0 + (np.abs(w).max() if w.size else 0.0)
    ok = g.shape == w.shape and np.allclose(g, w, rtol=1e-7, atol=1e-9 * scale,
                                            equal_nan=True)
    if not ok:
        pytest.fail(f"{what} differs from PyTorch\nprogram:\n{prog.text()}\n"
                    f"tensorgraph {g.shape}:\n{g}\ntorch {w.shape}:\n{w}", pytrace=False)


def _hvp(L: Lib, root: Any, leaves: list, us: list) -> tuple[list, list]:
    """First-order grads through create_graph, then d/dleaves of sum(grad * u)."""
    gs = L.grad(root, leaves, create_graph=True)
    s = None
    for g, u in zip(gs, us):
        if g is not None and g.requires_grad:
            term = (g * L.const(u)).sum()
            s = term if s is None else s + term
    hv = [None] * len(leaves) if s is None else L.grad(s, leaves, create_graph=False)
    return gs, hv


@FUZZ_SETTINGS
@given(prog=programs(), second_order=st.booleans(), seed=st.integers(0, 2**16))
def test_random_expressions_match_torch(torch, prog, second_order, seed):
    T = Lib(torch, torch.float64)
    G = Lib(tg, tg.float64)
    tv, tleaves = prog.run(T)
    gv, gleaves = prog.run(G)
    for i, (g, t) in enumerate(zip(gv, tv)):
        assert_same(g, t, f"value v{i}", prog)

    troot = prog.root(T, tv, seed)
    groot = prog.root(G, gv, seed)
    troot.backward()
    groot.backward()
    for leaf_i, (g, t) in zip(prog.leaves, zip(gleaves, tleaves)):
        assert_same(g.grad, t.grad, f"gradient of leaf v{leaf_i}", prog)

    if second_order:
        rng = np.random.default_rng(seed + 1)
        us = [rng.standard_normal(x.shape) for x in prog.leaves.values()]
        tv, tleaves = prog.run(T)
        gv, gleaves = prog.run(G)
        tgs, thv = _hvp(T, prog.root(T, tv, seed), tleaves, us)
        ggs, ghv = _hvp(G, prog.root(G, gv, seed), gleaves, us)
        for leaf_i, g, t in zip(prog.leaves, ggs, tgs):
            assert_same(g, t, f"create_graph gradient of leaf v{leaf_i}", prog)
        for leaf_i, g, t in zip(prog.leaves, ghv, thv):
            assert_same(g, t, f"Hessian-vector product of leaf v{leaf_i}", prog)


@FUZZ_SETTINGS
@given(prog=programs())
def test_random_expressions_keep_float32(prog):
    """Replayed in float32, every value and gradient stays float32 (no silent upcast)."""
    L = Lib(tg, tg.float32)
    vals, leaves = prog.run(L)
    for i, v in enumerate(vals):
        assert v.dtype == tg.float32, f"v{i} is {v.dtype}\nprogram:\n{prog.text()}"
    prog.root(L, vals, 0).backward()
    for leaf in leaves:
        assert leaf.grad.dtype == tg.float32, f"grad is {leaf.grad.dtype}\n{prog.text()}"
