"""Catalogue entries for the core's primitives that have no Tensor method yet (the
"Adding an op" walkthrough of the README: one class in tensorgraph/ops/, one entry
here; gradcheck, the torch oracle and second order come from tests/test_ops.py)."""

from __future__ import annotations

from op_catalogue import BINARY_SHAPES, Op, T

from tensorgraph.ops import Hypot

OPS: list[Op] = [
    Op("hypot", lambda a, b: Hypot.apply(a, b), lambda a, b: T().hypot(a, b), BINARY_SHAPES,
       ("away0", "away0")),
]
