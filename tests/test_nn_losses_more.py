"""The added loss and distance modules against torch, and their edge cases (zero
vectors, zero targets, legacy size_average/reduce flags, torch's warnings)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg

RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
P = RNG.dirichlet(np.ones(5), 4)
P[0, 0] = 0.0  # a zero target probability: its term is 0, not NaN
Y = np.array([1, -1, 1, -1])

CASES = [  # id, factory on the nn module, inputs (arrays)
    ("smooth_l1", lambda m: m.SmoothL1Loss(beta=0.5), (A, B)),
    ("smooth_l1-legacy", lambda m: m.SmoothL1Loss(size_average=False), (A, B)),
    ("huber", lambda m: m.HuberLoss(reduction="sum", delta=0.7), (A, B)),
    ("kl-batchmean", lambda m: m.KLDivLoss(reduction="batchmean"), (A, P)),
    ("kl-none", lambda m: m.KLDivLoss(reduction="none"), (A, P)),
    ("kl-log-target", lambda m: m.KLDivLoss(reduction="sum", log_target=True), (A, B)),
    ("cosine-embedding", lambda m: m.CosineEmbeddingLoss(margin=0.2), (A, B, Y)),
    ("cosine-similarity", lambda m: m.CosineSimilarity(dim=0), (A, B)),
    ("pairwise", lambda m: m.PairwiseDistance(p=3, keepdim=True), (A, B)),
    ("mse-legacy-reduce", lambda m: m.MSELoss(reduce=False), (A, B)),
    ("ce-torch-positional-order", lambda m: m.CrossEntropyLoss(None, None, 2), (A, Y + 1)),
]


def _run(lib, make, arrays):
    float_in = [lib.tensor(a, requires_grad=True) for a in arrays if a.dtype.kind == "f"]
    others = [lib.tensor(a) for a in arrays if a.dtype.kind != "f"]
    out = make(lib.nn)(*float_in, *others)
    out.sum().backward()
    return out.detach().numpy(), [x.grad.numpy() for x in float_in]


@pytest.mark.parametrize("cid,make,arrays", CASES, ids=[c[0] for c in CASES])
def test_loss_modules_match_torch(torch, cid, make, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, grads = _run(tg, make, arrays)
        tout, tgrads = _run(torch, make, arrays)
        assert repr(make(tg.nn)) == repr(make(torch.nn))
    np.testing.assert_allclose(out, tout, rtol=1e-10, atol=1e-12)
    for g, tgr in zip(grads, tgrads):
        # d/dt of t log t at t = 0 is -inf: torch says NaN there; the rest must agree.
        ok = ~np.isnan(tgr)
        np.testing.assert_allclose(g[ok], tgr[ok], rtol=1e-9, atol=1e-12)


def test_normalize_zero_vector_has_zero_gradient_as_torch(torch):
    x = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    for lib in (tg, torch):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.normalize(t, dim=1)
        (y * lib.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        if lib is tg:
            mine, mine_y = t.grad.numpy(), y.detach().numpy()
    np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(mine_y, y.detach().numpy(), rtol=1e-12)
    assert np.isfinite(mine).all()


def test_kl_div_mean_warns_as_torch():
    with pytest.warns(UserWarning, match="batchmean"):
        tg.nn.functional.kl_div(tg.zeros(2, 3), tg.ones(2, 3) / 3)


def test_loss_errors():
    F = tg.nn.functional
    with pytest.raises(ValueError, match="target shape"):
        F.smooth_l1_loss(tg.zeros(3), tg.zeros(4))
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(tg.zeros(3), tg.zeros(3), delta=0)
    with pytest.raises(ValueError, match="reduction"):
        tg.nn.SmoothL1Loss(reduction="avg")
    with pytest.raises(TypeError, match="floating point"):
        F.huber_loss(tg.zeros(3), tg.tensor([1, 2, 3]))
    with pytest.raises(RuntimeError, match="broadcast"):
        F.cosine_similarity(tg.zeros(3, 4), tg.zeros(2, 4))
