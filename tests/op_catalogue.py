"""The op catalogue: every math/shape op of DESIGN.md, once, with its PyTorch twin.

Each entry names the op, a tensorgraph function, the matching torch function, the input
domain (how to draw values that keep the op differentiable and away from edges) and
the input shapes to try, broadcasting and 0-d included. ``tests/test_ops.py`` runs every
entry through gradcheck, the PyTorch oracle (values and gradients) and second-order
gradients (Hessian-vector products).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import tensorgraph as tg

# Domains: how to draw one input's values (rng, shape) -> float64 array.
DOMAINS: dict[str, Callable[[np.random.Generator, tuple], np.ndarray]] = {
    "real": lambda r, s: r.standard_normal(s),
    "positive": lambda r, s: r.uniform(0.5, 2.0, s),
    "away0": lambda r, s: r.choice([-1.0, 1.0], s) * r.uniform(0.5, 2.0, s),
    # Small integers: many exact ties, for max/min/maximum tie-breaking (not gradcheck).
    "ties": lambda r, s: r.integers(-1, 2, s).astype(np.float64),
}


@dataclass
class Op:
    """One catalogue entry; ``shapes`` is a list of input-shape tuples to try."""

    name: str
    fn: Callable  # tensorgraph: (*tensors) -> Tensor
    torch_fn: Callable  # torch: (*tensors) -> torch.Tensor
    shapes: list
    domain: tuple | str = "real"
    smooth: bool = True  # False: has ties/kinks, so no gradcheck (oracle only)

    def domains(self, n: int) -> tuple:
        return (self.domain,) * n if isinstance(self.domain, str) else self.domain


def T():
    import torch

    return torch


# Constant index/mask arguments, shared by the tensorgraph and torch sides.
_MASK34 = np.array([[True, False, True, True], [False, False, True, False],
                    [True, True, False, False]])
_WHERE_MASK = np.array([True, False, False, True])
_REPEATED = np.array([0, 2, 0, 0, 1])
_ROWS, _COLS = np.array([0, 2, 2, 1]), np.array([3, 3, 3, 0])

BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,)),
                 ((3, 1), ()), ((), ())]
UNARY_SHAPES = [((3, 4),), ((),), ((2, 3, 2),)]
R3 = [((2, 3, 4),)]

OPS: list[Op] = [
    # ---- binary arithmetic (broadcasting, 0-d)
    Op("add", lambda a, b: a + b, lambda a, b: a + b, BINARY_SHAPES),
    Op("sub", lambda a, b: a - b, lambda a, b: a - b, BINARY_SHAPES),
    Op("mul", lambda a, b: a * b, lambda a, b: a * b, BINARY_SHAPES),
    Op("div", lambda a, b: a / b, lambda a, b: a / b, BINARY_SHAPES, ("real", "away0")),
    Op("pow", lambda a, b: a ** b, lambda a, b: a ** b, BINARY_SHAPES, ("positive", "real")),
    Op("pow_scalar", lambda a: a ** 3, lambda a: a ** 3, UNARY_SHAPES),
    Op("pow_float", lambda a: a ** 1.5, lambda a: a ** 1.5, UNARY_SHAPES, "positive"),
    Op("rpow", lambda a: 2.0 ** a, lambda a: 2.0 ** a, UNARY_SHAPES),
    Op("rsub", lambda a: 1.5 - a, lambda a: 1.5 - a, UNARY_SHAPES),
    Op("rdiv", lambda a: 2.0 / a, lambda a: 2.0 / a, UNARY_SHAPES, "away0"),
    Op("neg", lambda a: -a, lambda a: -a, UNARY_SHAPES),
    Op("maximum", tg.maximum, lambda a, b: T().maximum(a, b), BINARY_SHAPES),
    Op("minimum", tg.minimum, lambda a, b: T().minimum(a, b), BINARY_SHAPES),
    Op("maximum_ties", tg.maximum, lambda a, b: T().maximum(a, b),
       [((3, 4), (3, 4)), ((3, 4), (4,))], "ties", smooth=False),
    Op("minimum_ties", tg.minimum, lambda a, b: T().minimum(a, b),
       [((3, 4), (3, 4))], "ties", smooth=False),
    Op("where", lambda a, b: tg.where(_WHERE_MASK, a, b),
       lambda a, b: T().where(T().from_numpy(_WHERE_MASK), a, b),
       [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), ())]),
    # ---- unary math
    Op("exp", tg.exp, lambda a: a.exp(), UNARY_SHAPES),
    Op("log", tg.log, lambda a: a.log(), UNARY_SHAPES, "positive"),
    Op("sqrt", tg.sqrt, lambda a: a.sqrt(), UNARY_SHAPES, "positive"),
    Op("abs", tg.abs, lambda a: a.abs(), UNARY_SHAPES, "away0"),
    Op("sigmoid", tg.sigmoid, lambda a: a.sigmoid(), UNARY_SHAPES),
    Op("tanh", tg.tanh, lambda a: a.tanh(), UNARY_SHAPES),
    Op("relu", tg.relu, lambda a: a.relu(), UNARY_SHAPES, "away0"),
    Op("clamp", lambda a: a.clamp(-0.5, 0.7), lambda a: a.clamp(-0.5, 0.7), UNARY_SHAPES),
    Op("clamp_min", lambda a: tg.clamp(a, min=0.2), lambda a: a.clamp(min=0.2), UNARY_SHAPES),
    Op("clip_max", lambda a: a.clip(max=0.1), lambda a: a.clip(max=0.1), UNARY_SHAPES),
    # ---- reductions (dim / keepdim / negative dims)
    Op("sum", lambda a: a.sum(), lambda a: a.sum(), UNARY_SHAPES),
    Op("sum_dim", lambda a: a.sum(1), lambda a: a.sum(1), R3),
    Op("sum_neg_keep", lambda a: a.sum(-1, keepdim=True), lambda a: a.sum(-1, keepdim=True), R3),
    Op("sum_dims", lambda a: tg.sum(a, (0, -1)), lambda a: a.sum((0, -1)), R3),
    Op("mean", lambda a: a.mean(), lambda a: a.mean(), UNARY_SHAPES),
    Op("mean_dim", lambda a: a.mean(-2, keepdim=True), lambda a: a.mean(-2, keepdim=True), R3),
    Op("var", lambda a: a.var(), lambda a: a.var(), [((3, 4),), ((5,),)]),
    Op("var_dim", lambda a: a.var(1), lambda a: a.var(1), R3),
    Op("var_biased", lambda a: a.var(-1, keepdim=True, unbiased=False),
       lambda a: a.var(-1, keepdim=True, unbiased=False), R3),
    Op("var_correction2", lambda a: a.var(0, correction=2), lambda a: a.var(0, correction=2),
       [((5, 3),)]),
    Op("std", lambda a: a.std(), lambda a: a.std(), [((3, 4),)]),
    Op("std_dim", lambda a: tg.std(a, (0, 2), keepdim=True),
       lambda a: a.std((0, 2), keepdim=True), R3),
    Op("max", lambda a: a.max(), lambda a: a.max(), UNARY_SHAPES),
    Op("min", lambda a: tg.min(a), lambda a: a.min(), UNARY_SHAPES),
    Op("max_dim", lambda a: a.max(1).values, lambda a: a.max(1).values, R3),
    Op("max_neg_keep", lambda a: a.max(-1, keepdim=True)[0],
       lambda a: a.max(-1, keepdim=True)[0], R3),
    Op("min_dim", lambda a: a.min(0).values, lambda a: a.min(0).values, R3),
    Op("max_ties", lambda a: a.max(), lambda a: a.max(), [((3, 4),)], "ties", smooth=False),
    Op("min_ties", lambda a: a.min(), lambda a: a.min(), [((3, 4),)], "ties", smooth=False),
    Op("max_dim_ties", lambda a: a.max(1).values, lambda a: a.max(1).values, [((4, 5),)],
       "ties", smooth=False),
    Op("min_dim_ties", lambda a: a.min(-2, keepdim=True).values,
       lambda a: a.min(-2, keepdim=True).values, [((4, 5),)], "ties", smooth=False),
    # ---- shape
    Op("reshape", lambda a: a.reshape(4, -1), lambda a: a.reshape(4, -1), R3),
    Op("view", lambda a: a.view(2, 12), lambda a: a.view(2, 12), R3),
    Op("reshape_0d", lambda a: a.reshape(1, 1), lambda a: a.reshape(1, 1), [((),)]),
    Op("flatten", lambda a: a.flatten(), lambda a: a.flatten(), R3),
    Op("flatten_1", lambda a: tg.flatten(a, 1), lambda a: a.flatten(1), R3),
    Op("transpose", lambda a: a.transpose(0, -1), lambda a: a.transpose(0, -1), R3),
    Op("permute", lambda a: a.permute(2, 0, 1), lambda a: a.permute(2, 0, 1), R3),
    Op("T", lambda a: a.T, lambda a: a.permute(*reversed(range(a.ndim))), [((3, 4),), ((5,),)]),
    Op("mT", lambda a: a.mT, lambda a: a.mT, R3),
    Op("unsqueeze", lambda a: a.unsqueeze(-1), lambda a: a.unsqueeze(-1), R3 + [((),)]),
    Op("squeeze", lambda a: a.squeeze(), lambda a: a.squeeze(), [((3, 1, 4, 1),)]),
    Op("squeeze_dim", lambda a: a.squeeze(-1), lambda a: a.squeeze(-1), [((3, 1, 4, 1),)]),
    Op("expand", lambda a: a.expand(2, 3, 4), lambda a: a.expand(2, 3, 4), [((3, 1),)]),
    Op("expand_neg1", lambda a: a.expand(5, -1), lambda a: a.expand(5, -1), [((1, 4),)]),
    # ---- indexing
    Op("index_int", lambda a: a[1], lambda a: a[1], R3),
    Op("index_slices", lambda a: a[1:, :3:2, -1], lambda a: a[1:, :3:2, -1], R3),
    # x[::-1] raises as in torch; flip is GetItem with a negative step inside
    Op("index_neg_step", lambda a: a.flip(0)[:, 1:].flip(2)[..., ::2],
       lambda a: a.flip(0)[:, 1:].flip(2)[..., ::2], [((3, 4, 5),)]),
    Op("index_none_ellipsis", lambda a: a[None, ..., 2], lambda a: a[None, ..., 2], R3),
    Op("index_repeated", lambda a: a[_REPEATED], lambda a: a[T().from_numpy(_REPEATED)],
       [((3, 4),)]),
    Op("index_pairs", lambda a: a[_ROWS, _COLS],
       lambda a: a[T().from_numpy(_ROWS), T().from_numpy(_COLS)], [((3, 4),)]),
    Op("index_tensor", lambda a: a[:, tg.tensor([3, 3, 1])],
       lambda a: a[:, T().tensor([3, 3, 1])], [((3, 4),)]),
    Op("index_mask", lambda a: a[_MASK34], lambda a: a[T().from_numpy(_MASK34)],
       [((3, 4),)]),
    # ---- joining
    Op("cat", lambda a, b, c: tg.cat([a, b, c]), lambda a, b, c: T().cat([a, b, c]),
       [((2, 3), (1, 3), (4, 3))]),
    Op("cat_neg_dim", lambda a, b: tg.cat([a, b], dim=-1), lambda a, b: T().cat([a, b], -1),
       [((2, 3, 1), (2, 3, 2))]),
    Op("stack", lambda a, b: tg.stack([a, b], dim=1), lambda a, b: T().stack([a, b], 1),
       [((2, 3), (2, 3))]),
    Op("stack_0d", lambda a, b: tg.stack([a, b]), lambda a, b: T().stack([a, b]), [((), ())]),
    Op("stack_neg", lambda a, b: tg.stack([a, b], -1), lambda a, b: T().stack([a, b], -1),
       [((2, 3), (2, 3))]),
    # ---- matmul (1-D, batched, broadcast batch dims)
    Op("matmul", lambda a, b: a @ b, lambda a, b: a @ b,
       [((3, 4), (4, 5)), ((4,), (4,)), ((4,), (4, 5)), ((3, 4), (4,)), ((2, 3, 4), (4, 5)),
        ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]),
    Op("tg.matmul", tg.matmul, lambda a, b: T().matmul(a, b), [((2, 3), (3,))]),
]


def _more_entries() -> list[Op]:
    """Entries kept in ``tests/catalogue_*.py`` (one file per family of ops), each
    defining ``OPS: list[Op]``; they run through the same checks as the list above."""
    import importlib
    import pathlib

    found: list[Op] = []
    for path in sorted(pathlib.Path(__file__).parent.glob("catalogue_*.py")):
        found += importlib.import_module(path.stem).OPS
    return found


OPS += _more_entries()
