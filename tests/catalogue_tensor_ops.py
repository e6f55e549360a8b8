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

_GATHER = np.array([[0, 2, 2, 1], [1, 0, 2, 2]])  # repeats: scatter_add accumulates
_SCATTER = np.array([[0, 2, 1, 0], [1, 0, 2, 2]])  # no repeats within a column
_MASK = np.array([[True, False, False, True], [False, True, False, False],
                  [True, True, False, False]])


def _ix(a: np.ndarray) -> tuple:
    return tg.tensor(a), T().from_numpy(a)


INDEXING = [
    Op("tril", tg.tril, lambda a: T().tril(a), [((3, 4),), ((2, 3, 3),)]),
    Op("triu_k", lambda a: a.triu(1), lambda a: a.triu(1), [((4, 3),)]),
    Op("tril_neg", lambda a: tg.tril(a, diagonal=-1), lambda a: T().tril(a, diagonal=-1),
       [((3, 4),)]),
    Op("masked_fill", lambda a: a.masked_fill(tg.tensor(_MASK), -2.0),
       lambda a: a.masked_fill(T().from_numpy(_MASK), -2.0), [((3, 4),), ((2, 3, 4),)]),
    Op("masked_fill_value_tensor", lambda a, v: a.masked_fill(tg.tensor(_MASK), v),
       lambda a, v: a.masked_fill(T().from_numpy(_MASK), v), [((3, 4), ())]),
    Op("masked_fill_", lambda a: (a * 1).masked_fill_(tg.tensor(_MASK), 0.5) * a,
       lambda a: (a * 1).masked_fill_(T().from_numpy(_MASK), 0.5) * a, [((3, 4),)]),
    Op("masked_select", lambda a: a.masked_select(tg.tensor(_MASK)),
       lambda a: a.masked_select(T().from_numpy(_MASK)), [((3, 4),), ((4,),)]),
    Op("where_method", lambda a, b: a.where(tg.tensor(_MASK), b),
       lambda a, b: a.where(T().from_numpy(_MASK), b), [((3, 4), (4,))]),
    Op("gather", lambda a: a.gather(1, _ix(_GATHER[:, :3])[0]),
       lambda a: a.gather(1, _ix(_GATHER[:, :3])[1]), [((2, 5),)]),
    Op("gather_dim0", lambda a: tg.gather(a, 0, _ix(_GATHER)[0]),
       lambda a: T().gather(a, 0, _ix(_GATHER)[1]), [((3, 4),)]),
    Op("take_along_dim", lambda a: tg.take_along_dim(a, _ix(_GATHER[:1])[0], dim=0),
       lambda a: T().take_along_dim(a, _ix(_GATHER[:1])[1], dim=0), [((3, 4),)]),
    Op("take_along_dim_flat", lambda a: a.take_along_dim(_ix(_GATHER)[0]),
       lambda a: a.take_along_dim(_ix(_GATHER)[1]), [((3, 4),)]),
    Op("take", lambda a: a.take(_ix(_GATHER)[0]), lambda a: a.take(_ix(_GATHER)[1]),
       [((3, 4),)]),
    Op("scatter_add", lambda a, b: a.scatter_add(0, _ix(_GATHER)[0], b),
       lambda a, b: a.scatter_add(0, _ix(_GATHER)[1], b), [((3, 4), (2, 4))]),
    Op("scatter", lambda a, b: a.scatter(0, _ix(_SCATTER)[0], b),
       lambda a, b: a.scatter(0, _ix(_SCATTER)[1], b), [((3, 4), (2, 4))]),
    Op("scatter_value", lambda a: tg.scatter(a, 0, _ix(_SCATTER)[0], 1.5),
       lambda a: T().scatter(a, 0, _ix(_SCATTER)[1], 1.5), [((3, 4),)]),
    Op("scatter_", lambda a, b: (a * 1).scatter_(0, _ix(_SCATTER)[0], b) * a,
       lambda a, b: (a * 1).scatter_(0, _ix(_SCATTER)[1], b) * a, [((3, 4), (2, 4))]),
    Op("index_select", lambda a: a.index_select(1, tg.tensor([3, 0, 3])),
       lambda a: a.index_select(1, T().tensor([3, 0, 3])), [((2, 4),), ((2, 4, 3),)]),
    Op("narrow", lambda a: a.narrow(-1, 1, 2), lambda a: a.narrow(-1, 1, 2), R3),
    Op("select", lambda a: a.select(1, -1), lambda a: a.select(1, -1), R3),
    Op("split", lambda a: tg.stack(list(a.split(2, dim=1))[:1] * 2) + a.split(2, 1)[1].sum(),
       lambda a: T().stack(list(a.split(2, dim=1))[:1] * 2) + a.split(2, 1)[1].sum(),
       [((3, 3),)]),
    Op("split_sizes", lambda a: tg.cat(list(tg.split(a, [1, 3], -1))[::-1], -1),
       lambda a: T().cat(list(T().split(a, [1, 3], -1))[::-1], -1), R3),
    Op("chunk", lambda a: a.chunk(3, 0)[1] * a.chunk(3, 0)[0],
       lambda a: a.chunk(3, 0)[1] * a.chunk(3, 0)[0], [((5, 2),)]),
    Op("unbind", lambda a: tg.unbind(a, 1)[2] - a.unbind()[0][0],
       lambda a: T().unbind(a, 1)[2] - a.unbind()[0][0], R3),
    Op("tensor_split", lambda a: a.tensor_split(3, 1)[2] + a.tensor_split([1, 2], 1)[0],
       lambda a: a.tensor_split(3, 1)[2] + a.tensor_split([1, 2], 1)[0], [((2, 4),)]),
    Op("flip", lambda a: a.flip(0, -1), lambda a: a.flip(0, -1), R3),
    Op("flip_fn", lambda a: tg.flip(a, dims=[1]), lambda a: T().flip(a, dims=[1]), R3),
    Op("roll", lambda a: a.roll(1, 0), lambda a: a.roll(1, 0), R3),
    Op("roll_dims", lambda a: tg.roll(a, (2, -1), (2, 0)), lambda a: T().roll(a, (2, -1), (2, 0)),
       R3),
    Op("roll_flat", lambda a: a.roll(-3), lambda a: a.roll(-3), [((3, 4),)]),
    Op("repeat", lambda a: a.repeat(2, 1, 3), lambda a: a.repeat(2, 1, 3), [((2, 3),), ((4,),)]),
    Op("tile", lambda a: tg.tile(a, (2,)), lambda a: T().tile(a, (2,)), [((2, 3),)]),
    Op("repeat_interleave", lambda a: a.repeat_interleave(2),
       lambda a: a.repeat_interleave(2), [((2, 3),)]),
    Op("repeat_interleave_dim", lambda a: a.repeat_interleave(tg.tensor([1, 0, 2]), dim=1),
       lambda a: a.repeat_interleave(T().tensor([1, 0, 2]), dim=1), [((2, 3),)]),
]

_ZEROS = np.array([[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])


def _with_zeros(lib, a):
    """a with exact zeros (one, two and none per row): the cumprod/prod zero paths."""
    return a * (tg.tensor(_ZEROS.tolist()) if lib is tg else T().tensor(_ZEROS.tolist()))


SORTING = [
    Op("sort", lambda a: a.sort().values, lambda a: a.sort().values, R3 + [((5,),)]),
    Op("sort_desc", lambda a: tg.sort(a, 0, descending=True)[0],
       lambda a: T().sort(a, 0, descending=True)[0], R3),
    Op("topk", lambda a: a.topk(2).values, lambda a: a.topk(2).values, R3),
    Op("topk_smallest", lambda a: tg.topk(a, 3, dim=0, largest=False).values,
       lambda a: T().topk(a, 3, dim=0, largest=False).values, [((4, 3),)]),
    Op("kthvalue", lambda a: a.kthvalue(2, 1).values, lambda a: a.kthvalue(2, 1).values, R3),
    Op("kthvalue_keep", lambda a: a.kthvalue(1, 0, keepdim=True)[0],
       lambda a: a.kthvalue(1, 0, keepdim=True)[0], R3),
    Op("median", lambda a: a.median(), lambda a: a.median(), [((3, 4),), ((5,),)]),
    Op("median_dim", lambda a: a.median(1).values, lambda a: a.median(1).values, R3),
    Op("cumsum", lambda a: a.cumsum(0), lambda a: a.cumsum(0), R3 + [((),)]),
    Op("cumsum_fn", lambda a: tg.cumsum(a, dim=-1), lambda a: T().cumsum(a, dim=-1), R3),
    Op("cumprod", lambda a: a.cumprod(-1), lambda a: a.cumprod(-1), R3 + [((),)], "away0"),
    Op("cumprod_zeros", lambda a: _with_zeros(tg, a).cumprod(1),
       lambda a: _with_zeros(T(), a).cumprod(1), [((3, 4),)]),
    Op("cumprod_zeros_dim0", lambda a: _with_zeros(tg, a).cumprod(0),
       lambda a: _with_zeros(T(), a).cumprod(0), [((3, 4),)]),
    Op("prod", lambda a: a.prod(), lambda a: a.prod(), UNARY_SHAPES, "away0"),
    Op("prod_dim", lambda a: tg.prod(a, 1, keepdim=True), lambda a: T().prod(a, 1, keepdim=True),
       R3, "away0"),
    Op("prod_zeros", lambda a: _with_zeros(tg, a).prod(1), lambda a: _with_zeros(T(), a).prod(1),
       [((3, 4),)]),
    Op("logsumexp", lambda a: a.logsumexp(1), lambda a: a.logsumexp(1), R3),
    Op("logsumexp_dims", lambda a: tg.logsumexp(a, (0, 2), keepdim=True),
       lambda a: T().logsumexp(a, (0, 2), keepdim=True), R3),
    Op("logsumexp_large", lambda a: (a * 1000).logsumexp(-1),
       lambda a: (a * 1000).logsumexp(-1), [((3, 4),)]),
    Op("norm", lambda a: a.norm(), lambda a: a.norm(), UNARY_SHAPES + R3),
    Op("norm_dim", lambda a: tg.norm(a, dim=1), lambda a: T().norm(a, dim=1), R3),
    Op("norm_p3_keep", lambda a: a.norm(3, -1, keepdim=True),
       lambda a: a.norm(3, -1, keepdim=True), R3),
    Op("norm_p1", lambda a: a.norm(1, 0), lambda a: a.norm(1, 0), R3, "away0"),
    Op("norm_p1.5_dims", lambda a: a.norm(1.5, (0, 2)), lambda a: a.norm(1.5, (0, 2)), R3),
    Op("norm_p0.5", lambda a: a.norm(0.5), lambda a: a.norm(0.5), [((3, 4),)], "away0"),
    Op("norm_inf", lambda a: a.norm(float("inf"), 1), lambda a: a.norm(float("inf"), 1), R3),
    Op("norm_fro_dims", lambda a: a.norm("fro", (1, 2)), lambda a: a.norm("fro", (1, 2)), R3),
]

def _einsum(eq: str) -> tuple:
    return (lambda *xs: tg.einsum(eq, *xs)), (lambda *xs: T().einsum(eq, *xs))


PRODUCTS = [
    Op("mm", tg.mm, lambda a, b: T().mm(a, b), [((3, 4), (4, 2))]),
    Op("bmm", lambda a, b: a.bmm(b), lambda a, b: a.bmm(b), [((2, 3, 4), (2, 4, 5))]),
    Op("mv", tg.mv, lambda a, b: T().mv(a, b), [((3, 4), (4,))]),
    Op("dot", tg.dot, lambda a, b: T().dot(a, b), [((4,), (4,))]),
    Op("inner", tg.inner, lambda a, b: T().inner(a, b), [((2, 3), (4, 3)), ((3,), (3,))]),
    Op("outer", tg.outer, lambda a, b: T().outer(a, b), [((3,), (4,))]),
    Op("addmm", lambda c, a, b: tg.addmm(c, a, b, beta=0.5, alpha=2),
       lambda c, a, b: T().addmm(c, a, b, beta=0.5, alpha=2), [((2,), (2, 3), (3, 2))]),
    Op("matmul_method", lambda a, b: a.matmul(b), lambda a, b: a.matmul(b),
       [((2, 3, 4), (4,))]),
    *(Op(f"einsum {eq}", *_einsum(eq), [shapes]) for eq, shapes in [
        ("ij,jk->ik", ((3, 4), (4, 2))), ("ij->i", ((3, 4),)), ("ij->", ((3, 4),)),
        ("i,j->ij", ((3,), (4,))), ("bij,bjk->bik", ((2, 3, 4), (2, 4, 5))),
        ("...ij,...jk->...ik", ((1, 3, 4), (2, 4, 2))), ("ij,kj", ((3, 4), (5, 4))),
        ("bhqd,bhkd->bhqk", ((2, 2, 3, 4), (2, 2, 5, 4))), ("a...b,b->a...", ((2, 3, 4), (4,))),
        ("ijk,k->ij", ((2, 3, 4), (4,))), ("i,i->", ((3,), (3,))),
        ("ij,ij,ij->j", ((2, 3), (2, 3), (2, 3)))]),
]

SHAPES = [
    Op("view_as", lambda a, b: a.view_as(b) * b, lambda a, b: a.view_as(b) * b,
       [((2, 6), (3, 4))]),
    Op("reshape_as", lambda a, b: a.reshape_as(b) + b, lambda a, b: a.reshape_as(b) + b,
       [((12,), (3, 4))]),
    Op("t", lambda a: a.t(), lambda a: a.t(), [((3, 4),), ((4,),)]),
    Op("t_fn", tg.t, lambda a: T().t(a), [((3, 4),)]),
    Op("unflatten", lambda a: a.unflatten(1, (2, -1)), lambda a: a.unflatten(1, (2, -1)),
       [((3, 4),)]),
    Op("movedim", lambda a: a.movedim(0, -1), lambda a: a.movedim(0, -1), R3),
    Op("movedim_many", lambda a: tg.movedim(a, (0, 1), (2, 0)),
       lambda a: T().movedim(a, (0, 1), (2, 0)), R3),
    Op("swapaxes", lambda a: a.swapaxes(0, 2), lambda a: a.swapaxes(0, 2), R3),
    Op("flatten_range", lambda a: a.flatten(1, 2), lambda a: a.flatten(1, 2), [((2, 3, 4, 2),)]),
    Op("expand_as", lambda a, b: a.expand_as(b) * b, lambda a, b: a.expand_as(b) * b,
       [((3, 1), (3, 4))]),
    Op("clone_fn", lambda a: tg.clone(a, memory_format=tg.preserve_format) * a,
       lambda a: T().clone(a, memory_format=T().preserve_format) * a, [((3, 4),)]),
    Op("meshgrid_ij", lambda a, b: tg.stack(tg.meshgrid(a, b, indexing="ij")) * 2,
       lambda a, b: T().stack(T().meshgrid(a, b, indexing="ij")) * 2, [((3,), (4,))]),
    Op("meshgrid_xy", lambda a, b, c: tg.meshgrid([a, b, c], indexing="xy")[0] ** 2,
       lambda a, b, c: T().meshgrid([a, b, c], indexing="xy")[0] ** 2, [((3,), (4,), (2,))]),
]

OPS: list[Op] = [*MATH, *INDEXING, *SORTING, *PRODUCTS, *SHAPES]
