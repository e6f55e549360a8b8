"""The wider torch.nn surface against torch: margin / ranking / likelihood losses, pdist,
bilinear, rms_norm, init.sparse_ / dirac_, nn.utils' total norm, the containers' one-line
repr; and the tensor ops aminmax, fmax / fmin and the bit shifts."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn
from tensorgraph.testing import gradcheck

RNG = np.random.default_rng(7)
A, B, C = (RNG.standard_normal((4, 3)) for _ in range(3))
Y = np.array([1.0, -1.0, 1.0, -1.0])
LABELS = np.array([0, 2, 1, 2])
MULTI = np.array([[0, 1, -1], [2, -1, 0], [1, 0, 2], [-1, 0, 0]])
BITS = (RNG.random((4, 3)) > 0.5).astype(np.float64)
POS = np.abs(C) + 0.1


def pair(torch, arrays, grad_first=True, dtype=np.float32):
    """The same inputs for both libraries; the first requires grad."""
    ours, theirs = [], []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        a = a.astype(dtype) if a.dtype.kind == "f" else a
        rg = grad_first and i == 0
        ours.append(tg.tensor(a, requires_grad=rg))
        theirs.append(torch.tensor(a, requires_grad=rg))
    return ours, theirs


LOSSES = [  # id, call(F-module, *inputs), inputs
    ("margin_ranking", lambda f, a, b, y: f.margin_ranking_loss(a, b, y, margin=0.3), (A[:, 0], B[:, 0], Y)),
    ("margin_ranking-none", lambda f, a, b, y: f.margin_ranking_loss(a, b, y, reduction="none"), (A[:, 0], B[:, 0], Y)),
    ("hinge_embedding", lambda f, a, y: f.hinge_embedding_loss(a, y, margin=0.5), (A[:, 0], Y)),
    ("hinge_embedding-odd-label", lambda f, a, y: f.hinge_embedding_loss(a, y, reduction="sum"), (A[:, 0], np.array([1.0, 0.0, -1.0, 2.0]))),
    ("soft_margin", lambda f, a, y: f.soft_margin_loss(a, y), (A[:, 0], Y)),
    ("multilabel_soft_margin", lambda f, a, t: f.multilabel_soft_margin_loss(a, t), (A, BITS)),
    ("multilabel_soft_margin-w", lambda f, a, t, w: f.multilabel_soft_margin_loss(a, t, weight=w, reduction="none"), (A, BITS, np.array([0.5, 1.0, 2.0]))),
    ("multi_margin", lambda f, a, t: f.multi_margin_loss(a, t), (A, LABELS)),
    ("multi_margin-p2-w", lambda f, a, t, w: f.multi_margin_loss(a, t, p=2, margin=0.7, weight=w, reduction="none"), (A, LABELS, np.array([0.5, 1.0, 2.0]))),
    ("multi_margin-1d", lambda f, a, t: f.multi_margin_loss(a, t), (A[0], LABELS[1:2])),
    ("multilabel_margin", lambda f, a, t: f.multilabel_margin_loss(a, t), (A, MULTI)),
    ("multilabel_margin-none", lambda f, a, t: f.multilabel_margin_loss(a, t, reduction="none"), (A, MULTI)),
    ("triplet", lambda f, a, p, n: f.triplet_margin_loss(a, p, n), (A, B, C)),
    ("triplet-opts", lambda f, a, p, n: f.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, reduction="none"), (A, B, C)),
    ("triplet-distance", lambda f, a, p, n: f.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: 1 - f.cosine_similarity(x, y), swap=True), (A, B, C)),
    ("triplet-distance-default", lambda f, a, p, n: f.triplet_margin_with_distance_loss(a, p, n, margin=0.5), (A, B, C)),
    ("poisson", lambda f, a, t: f.poisson_nll_loss(a, t), (A, POS)),
    ("poisson-full-rate", lambda f, a, t: f.poisson_nll_loss(a, t * 3, log_input=False, full=True), (POS, POS)),
    ("gaussian", lambda f, a, t, v: f.gaussian_nll_loss(a, t, v), (A, B, POS)),
    ("gaussian-full-shared", lambda f, a, t, v: f.gaussian_nll_loss(a, t, v, full=True, reduction="sum"), (A, B, POS[:, 0])),
    ("gaussian-clamped-var", lambda f, a, t, v: f.gaussian_nll_loss(a, t, v, eps=0.5), (A, B, POS)),
    ("pdist", lambda f, a: f.pdist(a), (A,)),
    ("pdist-p1", lambda f, a: f.pdist(a, p=1), (A,)),
    ("bilinear", lambda f, a, b, w, bias: f.bilinear(a, b, w, bias), (A, B[:, :2], RNG.standard_normal((5, 3, 2)), np.arange(5.0))),
    ("rms_norm", lambda f, a, w: f.rms_norm(a, (3,), w), (A, np.array([0.5, 1.0, 2.0]))),
    ("rms_norm-eps", lambda f, a: f.rms_norm(a.reshape(2, 2, 3), (2, 3), eps=1e-3), (A,)),
]


@pytest.mark.parametrize("call,inputs", [c[1:] for c in LOSSES], ids=[c[0] for c in LOSSES])
def test_functional_matches_torch(torch, call, inputs):
    ours, theirs = pair(torch, inputs)
    got, want = call(F, *ours), call(torch.nn.functional, *theirs)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(ours[0].grad.numpy(), theirs[0].grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("call,inputs", [c[1:] for c in LOSSES[::3]], ids=[c[0] for c in LOSSES[::3]])
def test_functional_gradcheck(call, inputs):
    x = tg.tensor(np.asarray(inputs[0], np.float64), requires_grad=True)
    rest = [tg.tensor(np.asarray(a)) for a in inputs[1:]]
    assert gradcheck(lambda t: call(F, t, *rest), (x,))


MODULES = [  # id, factory on the nn package, inputs
    ("MarginRankingLoss", lambda m: m.MarginRankingLoss(margin=0.5, reduction="sum"), (A[:, 0], B[:, 0], Y)),
    ("HingeEmbeddingLoss", lambda m: m.HingeEmbeddingLoss(margin=2.0), (A[:, 0], Y)),
    ("SoftMarginLoss", lambda m: m.SoftMarginLoss(reduction="none"), (A[:, 0], Y)),
    ("MultiLabelSoftMarginLoss", lambda m: m.MultiLabelSoftMarginLoss(), (A, BITS)),
    ("MultiMarginLoss", lambda m: m.MultiMarginLoss(p=2), (A, LABELS)),
    ("MultiLabelMarginLoss", lambda m: m.MultiLabelMarginLoss(), (A, MULTI)),
    ("TripletMarginLoss", lambda m: m.TripletMarginLoss(margin=0.5, p=3), (A, B, C)),
    ("TripletMarginWithDistanceLoss", lambda m: m.TripletMarginWithDistanceLoss(distance_function=m.PairwiseDistance(), swap=True), (A, B, C)),
    ("PoissonNLLLoss", lambda m: m.PoissonNLLLoss(full=True), (A, POS * 3)),
    ("GaussianNLLLoss", lambda m: m.GaussianNLLLoss(full=True), (A, B, POS)),
    ("RMSNorm", lambda m: m.RMSNorm(3), (A,)),
]


@pytest.mark.parametrize("make,inputs", [c[1:] for c in MODULES], ids=[c[0] for c in MODULES])
def test_modules_match_torch(torch, make, inputs):
    ours, theirs = pair(torch, inputs)
    mine, ref = make(nn), make(torch.nn)
    got, want = mine(*ours), ref(*theirs)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert repr(mine) == repr(ref)


def test_bilinear_module_matches_torch(torch):
    torch.manual_seed(3)
    tg.manual_seed(3)
    ref, mine = torch.nn.Bilinear(3, 2, 4), nn.Bilinear(3, 2, 4)
    np.testing.assert_allclose(mine.weight.detach().numpy(), ref.weight.detach().numpy())
    np.testing.assert_allclose(mine.bias.detach().numpy(), ref.bias.detach().numpy())
    assert repr(mine) == repr(ref) and repr(nn.Bilinear(3, 2, 4, bias=False)) == repr(
        torch.nn.Bilinear(3, 2, 4, bias=False))
    ours, theirs = pair(torch, (A, B[:, :2]))
    mine(*ours).pow(2).sum().backward()
    ref(*theirs).pow(2).sum().backward()
    np.testing.assert_allclose(mine.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(ours[0].grad.numpy(), theirs[0].grad.numpy(), rtol=1e-5, atol=1e-6)


def test_loss_argument_errors():
    x = tg.tensor(A)
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(x, x[:, 0], tg.tensor(Y))
    with pytest.raises(ValueError, match="p == 1 and p == 2"):
        F.multi_margin_loss(x, tg.tensor(LABELS), p=3)
    with pytest.raises(ValueError, match="incorrect size"):
        F.gaussian_nll_loss(x, x, tg.ones(2, 2))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(x, x, -tg.ones(4, 3))
    with pytest.raises(RuntimeError, match="2D"):
        F.pdist(tg.ones(3))
    with pytest.raises(ValueError, match="greater than 0"):
        nn.TripletMarginLoss(margin=0)


# ---------------------------------------------------------------- init and utils
@pytest.mark.parametrize("name,shape,kwargs", [
    ("sparse_", (6, 3), {"sparsity": 0.5}),
    ("sparse_", (5, 4), {"sparsity": 0.1, "std": 2.0}),
    ("dirac_", (2, 2, 3), {}),
    ("dirac_", (4, 2, 3, 3), {"groups": 2}),
    ("dirac_", (3, 5, 1, 2, 3), {}),
])
def test_init_matches_torch(torch, name, shape, kwargs):
    torch.manual_seed(11)
    tg.manual_seed(11)
    want = getattr(torch.nn.init, name)(torch.empty(shape), **kwargs)
    got = getattr(nn.init, name)(tg.empty(shape), **kwargs)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    # the stream is left where torch leaves it
    np.testing.assert_array_equal(tg.rand(3).numpy(), torch.rand(3).numpy())


def test_init_shape_errors():
    with pytest.raises(ValueError, match="2 dimensions"):
        nn.init.sparse_(tg.empty(3), 0.5)
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.init.dirac_(tg.empty(3, 2, 3), groups=2)


def test_total_norm_and_clip_with_norm(torch):
    grads = [RNG.standard_normal((3, 2)), RNG.standard_normal(4)]
    mine = [nn.Parameter(tg.zeros(g.shape)) for g in grads]
    ref = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, q, g in zip(mine, ref, grads):
        p.grad, q.grad = tg.tensor(g.astype(np.float32)), torch.tensor(g.astype(np.float32))
    for norm_type in (2.0, 1.0, math.inf):
        got = nn.utils.get_total_norm([p.grad for p in mine], norm_type)
        want = torch.nn.utils.get_total_norm([q.grad for q in ref], norm_type)
        np.testing.assert_allclose(got.item(), want.item(), rtol=1e-6)
    nn.utils.clip_grads_with_norm_(mine, 0.5, nn.utils.get_total_norm([p.grad for p in mine]))
    torch.nn.utils.clip_grads_with_norm_(ref, 0.5, torch.nn.utils.get_total_norm(
        [q.grad for q in ref]))
    for p, q in zip(mine, ref):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


def test_vector_to_parameters_error_type_is_torchs():
    model = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="8 elements"):
        nn.utils.vector_to_parameters(tg.zeros(2, 4), model.parameters())
    with pytest.raises(TypeError):
        nn.utils.vector_to_parameters([0.0] * 8, model.parameters())


def test_one_hot_of_floats_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="integer"):
        F.one_hot(tg.tensor([1.0, 0.0]))


def test_single_parameter_containers_print_on_one_line(torch):
    def text(lib, make):
        return repr(make(lib.nn, lib.zeros)).replace(lib.__name__ + ".", "")

    for make in (lambda m, z: m.ParameterList([m.Parameter(z(2))]),
                 lambda m, z: m.ParameterDict({"x": m.Parameter(z(1))}),
                 lambda m, z: m.ParameterList([m.Parameter(z(2)), m.Parameter(z(3, 2))])):
        assert text(tg, make) == text(torch, make)
    assert "\n" not in repr(nn.ParameterList([nn.Parameter(tg.zeros(2))]))


# ---------------------------------------------------------------- tensor ops
NAN = float("nan")
FA = np.array([[1.0, NAN, 3.0, 2.0], [-2.0, 5.0, NAN, 0.5]])
FB = np.array([[0.0, 2.0, NAN, 2.0], [1.0, NAN, NAN, 0.5]])


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_match_torch(torch, name):
    ours, theirs = pair(torch, (FA, FB))
    ours[1].requires_grad_()
    theirs[1].requires_grad_()
    got, want = getattr(tg, name)(*ours), getattr(torch, name)(*theirs)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    got.sum().backward()
    want.sum().backward()
    for o, t in zip(ours, theirs):  # ties and NaNs route the gradient as torch
        np.testing.assert_array_equal(o.grad.numpy(), t.grad.numpy())
    assert getattr(ours[0], name)(ours[1]).shape == got.shape
    ints = getattr(tg, name)(tg.tensor([1, 5]), tg.tensor([3.0, 2.0]))
    assert ints.dtype == tg.float32
    np.testing.assert_array_equal(ints.numpy(), getattr(torch, name)(
        torch.tensor([1, 5]), torch.tensor([3.0, 2.0])).numpy())
    a, b = (tg.tensor(RNG.standard_normal(5), requires_grad=True) for _ in range(2))
    assert gradcheck(getattr(tg, name), (a.double().detach().requires_grad_(),
                                         b.double().detach().requires_grad_()))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True},
                                    {"dim": -1, "keepdim": True}])
def test_aminmax_matches_torch(torch, kwargs):
    x = np.array([[1.0, 4.0, 4.0], [3.0, 2.0, 3.0]], np.float32)
    a, t = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    got, want = tg.aminmax(a, **kwargs), torch.aminmax(t, **kwargs)
    assert type(got).__name__ == "aminmax" and got._fields == ("min", "max")
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.detach().numpy(), w.detach().numpy())
        assert tuple(g.shape) == tuple(w.shape)
    (got.min + 2 * got.max).sum().backward()
    (want.min + 2 * want.max).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy())
    assert a.aminmax(**kwargs).max.shape == got.max.shape


def test_aminmax_errors():
    with pytest.raises(RuntimeError, match="empty"):
        tg.aminmax(tg.tensor([]))
    with pytest.raises(TypeError, match="must be int"):
        tg.aminmax(tg.ones(2, 2), dim=(0, 1))
    assert tg.aminmax(tg.tensor(3.0), dim=0).max.item() == 3.0


SHIFTS = [  # id, make(lib) -> result
    ("lshift-int", lambda m: m.tensor([1, 2, -8, 7]) << 2),
    ("rshift-int", lambda m: m.tensor([1, 2, -8, 7]) >> 1),
    ("lshift-tensor", lambda m: m.tensor([1, 2, -8, 7]) << m.tensor([0, 1, 2, 3])),
    ("rlshift", lambda m: 1 << m.tensor([0, 1, 2, 3])),
    ("rrshift", lambda m: 64 >> m.tensor([0, 1, 2, 3])),
    ("function-forms", lambda m: m.bitwise_left_shift(m.tensor([3, 5]), 3) + m.bitwise_right_shift(m.tensor([-9, 9]), m.tensor([1]))),
    ("methods", lambda m: m.tensor([3, 5]).bitwise_left_shift(1) - m.tensor([3, 5]).bitwise_right_shift(1)),
    ("uint8-wraps", lambda m: m.tensor([200, 3], dtype=m.uint8) << 1),
    ("int8-too-far", lambda m: m.tensor([3, -3], dtype=m.int8) << 9),
    ("int8-right-too-far", lambda m: m.tensor([3, -3], dtype=m.int8) >> 9),
    ("int64-by-70", lambda m: m.tensor([3, -3]) >> 70),
    ("negative-amount", lambda m: m.tensor([3, -3]) << -1),
    ("negative-amount-right", lambda m: m.tensor([3, -3]) >> m.tensor([-1, -1])),
    ("sign-bit", lambda m: m.tensor([1]) << 63),
    ("bool-by-int", lambda m: m.tensor([True, False]) << 1),
    ("int32-keeps-dtype", lambda m: m.tensor([3], dtype=m.int32) << m.tensor(1)),
    ("int32-with-int64", lambda m: m.tensor([3], dtype=m.int32) << m.tensor([1])),
    ("bitwise-forms", lambda m: m.bitwise_and(m.tensor([12, 10]), 6) + m.bitwise_or(m.tensor([1, 2]), m.tensor([4, 4])) + m.bitwise_xor(m.tensor([5, 5]), 3) + m.bitwise_not(m.tensor([0, 7]))),
]


@pytest.mark.parametrize("make", [c[1] for c in SHIFTS], ids=[c[0] for c in SHIFTS])
def test_bitwise_matches_torch(torch, make):
    got, want = make(tg), make(torch)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_shift_assignments_are_in_place():
    x = tg.tensor([1, 2, 3])
    alias = x
    x <<= 2
    x >>= 1
    assert alias is x and x.tolist() == [2, 4, 6]
    view = x[1:]
    view.bitwise_left_shift_(1)
    assert x.tolist() == [2, 8, 12]


def test_shift_refuses_floats_and_bools():
    with pytest.raises(NotImplementedError, match="Float"):
        tg.tensor([3.0]) << 1
    with pytest.raises(NotImplementedError, match="Bool"):
        tg.tensor([True]) << tg.tensor([True])
