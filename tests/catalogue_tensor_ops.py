"""Op catalogue entries for torch's wider tensor surface (issue 12): elementwise math,
indexing and scatter, sorting and scans, norms and products, creation helpers.

``op_catalogue.py`` gathers ``OPS``; ``test_ops.py`` runs each entry through gradcheck,
the torch oracle (values, gradients) and second order.
"""

from __future__ import annotations

import numpy as np
from op_catalogue import DOMAINS, R3, UNARY_SHAPES, Op, T

import tensorgraph as tg

# Inputs of asin/acos stay inside (-1, 1), away from the infinite slopes at the ends.
DOMAINS.setdefault("unit", lambda r, s: r.uniform(-0.9, 0.9, s))
# Away from whole numbers: floor/round/fmod jump there.
DOMAINS.setdefault("fractional", lambda r, s: r.integers(-3, 3, s) + r.uniform(0.1, 0.4, s))

PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((), (3,))]


def _unary(name: str, domain: str = "real", shapes: list = UNARY_SHAPES) -> Op:
    """tg.<name>(x) against torch.<name>(x), and the method form."""
    return Op(name, getattr(tg, name), lambda a: getattr(T(), name)(a), shapes, domain)


MATH = [
    *(_unary(n) for n in ("sin", "cos", "sinh", "cosh", "atan", "erf", "expm1", "square",
                          "exp2", "erfc")),
    _unary("tan", "unit"),
    _unary("asin", "unit"),
    _unary("acos", "unit"),
    *(_unary(n, "positive") for n in ("log2", "log10", "log1p", "rsqrt", "reciprocal")),
    *(_unary(n, "fractional") for n in ("floor", "ceil", "round", "trunc", "frac")),
    Op("round_decimals", lambda a: a.round(decimals=2), lambda a: a.round(decimals=2),
       UNARY_SHAPES, "fractional"),
    Op("erf_small", lambda a: (a * 1e-3).erf(), lambda a: (a * 1e-3).erf(), [((5,),)]),
    Op("erf_large", lambda a: (a * 3).erf(), lambda a: (a * 3).erf(), [((5,),)]),
    Op("atan2", tg.atan2, lambda a, b: T().atan2(a, b), PAIRS, ("real", "away0")),
    Op("pow_fn", tg.pow, lambda a, b: T().pow(a, b), PAIRS, ("positive", "real")),
    Op("pow_method", lambda a: a.pow(2), lambda a: a.pow(2), UNARY_SHAPES),
    Op("pow_scalar_base", lambda a: tg.pow(3.0, a), lambda a: T().pow(3.0, a), UNARY_SHAPES),
    Op("fmod", tg.fmod, lambda a, b: T().fmod(a, b), PAIRS, ("fractional", "away0")),
    Op("fmod_scalar", lambda a: a.fmod(0.7), lambda a: a.fmod(0.7), UNARY_SHAPES,
       "fractional"),
    Op("remainder", tg.remainder, lambda a, b: T().remainder(a, b), PAIRS,
       ("fractional", "away0")),
    Op("mod_operator", lambda a: a % -0.8, lambda a: a % -0.8, UNARY_SHAPES, "fractional"),
    Op("nan_to_num", lambda a: (a.log()).nan_to_num(nan=0.5),
       lambda a: a.log().nan_to_num(nan=0.5), [((3, 4),)], "away0"),
]

OPS: list[Op] = [*MATH]
