"""tg.distributions against torch.distributions: seeded samples, log_prob / entropy /
moments, reparameterised gradients, KL, shapes and the validation errors."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.distributions as D

# Each case builds a distribution from a module `M` (tg or torch) and parameter tensors.
R = np.random.default_rng(0)
LOC, SCALE = R.normal(size=(2, 3)), R.uniform(0.5, 2.0, size=(2, 3))
PROBS = R.uniform(0.1, 0.9, size=(2, 3))
CAT = R.uniform(0.1, 1.0, size=(2, 4))
CASES = {
    "normal": (lambda M, a, b: M.distributions.Normal(a, b), (LOC, SCALE), LOC + 0.3),
    "laplace": (lambda M, a, b: M.distributions.Laplace(a, b), (LOC, SCALE), LOC - 0.4),
    "uniform": (lambda M, a, b: M.distributions.Uniform(a, a + b), (LOC, SCALE), LOC + 0.2),
    "exponential": (lambda M, r: M.distributions.Exponential(r), (SCALE,), SCALE),
    "bernoulli": (lambda M, p: M.distributions.Bernoulli(p), (PROBS,), (PROBS > 0.5) * 1.0),
    "bernoulli_logits": (lambda M, x: M.distributions.Bernoulli(logits=x), (LOC,),
                         (LOC > 0) * 1.0),
    "categorical": (lambda M, p: M.distributions.Categorical(p), (CAT,),
                    np.array([[0, 3], [2, 1], [1, 1]])),
    "categorical_logits": (lambda M, x: M.distributions.Categorical(logits=x), (CAT,),
                           np.array([0, 3])),
    "onehot": (lambda M, p: M.distributions.OneHotCategorical(p), (CAT,), np.eye(4)[[1, 3]]),
    "multinomial": (lambda M, p: M.distributions.Multinomial(6, p), (CAT,),
                    np.array([[1.0, 2, 0, 3], [0, 0, 6, 0]])),
    "independent": (lambda M, a, b: M.distributions.Independent(
        M.distributions.Normal(a, b), 1), (LOC, SCALE), LOC * 0.5),
}
STATS = ["mean", "variance", "stddev", "mode", "entropy"]
NO_STAT = {"multinomial": {"mode"}, "uniform": {"mode"}}


def _build(M, name, dtype="float64", grad=False):
    make, params, value = CASES[name]
    ts = [M.tensor(p.astype(dtype), requires_grad=grad) for p in params]
    return make(M, *ts), ts, value


def _np(t):
    return np.asarray(t.detach().numpy())


@pytest.mark.parametrize("name", sorted(CASES))
def test_log_prob_stats_and_gradients(torch, name):
    da, pa, value = _build(tg, name, grad=True)
    db, pb, _ = _build(torch, name, grad=True)
    assert tuple(da.batch_shape) == tuple(db.batch_shape)
    assert tuple(da.event_shape) == tuple(db.event_shape)
    assert da.has_rsample == db.has_rsample
    va, vb = tg.tensor(value), torch.tensor(value)
    la, lb = da.log_prob(va), db.log_prob(vb)
    np.testing.assert_allclose(_np(la), _np(lb), rtol=1e-12, atol=1e-12)
    total_a, total_b = la.sum(), lb.sum()
    for stat in STATS:
        if stat in NO_STAT.get(name, ()):
            continue
        sa, sb = getattr(da, stat), getattr(db, stat)
        sa, sb = (sa(), sb()) if callable(sa) else (sa, sb)
        assert tuple(sa.shape) == tuple(sb.shape), stat
        np.testing.assert_allclose(_np(sa), _np(sb), rtol=1e-12, atol=1e-12, err_msg=stat)
        if sb.requires_grad:
            total_a, total_b = total_a + sa.sum(), total_b + sb.sum()
    total_a.backward()
    total_b.backward()
    for a, b in zip(pa, pb):
        np.testing.assert_allclose(_np(a.grad), _np(b.grad), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("code", [
    "D.Normal(0., 1.).sample((3,))",
    "D.Normal(M.zeros(2), M.ones(2) * 2).sample((20,))",
    "D.Normal(M.zeros(2, dtype=M.float64), 3.0).rsample((4, 5))",
    "D.Uniform(M.zeros(3), M.ones(3) * 3).sample((5,))",
    "D.Bernoulli(M.tensor([0.2, 0.7, 0.5])).sample((10,))",
    "D.Bernoulli(logits=M.tensor([0.2, -0.7])).sample((10,))",
    "D.Bernoulli(0.3).sample((40,))",
    "D.Categorical(logits=M.randn(4, 5)).sample((7,))",
    "D.Categorical(M.tensor([0.1, 0.6, 0.3])).sample()",
    "D.OneHotCategorical(M.tensor([0.1, 0.2, 0.7])).sample((6,))",
    "D.Multinomial(10, M.tensor([0.1, 0.2, 0.7])).sample((6,))",
    "D.Multinomial(5, M.tensor([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])).sample((3,))",
    "D.Exponential(M.tensor([0.5, 2.0])).sample((30,))",
    "D.Independent(D.Normal(M.zeros(3), M.ones(3)), 1).sample((4,))",
    "D.Normal(M.zeros(3), 1.0).expand((2, 3)).sample((2,))",
])
def test_seeded_samples_equal_torch(torch, code):
    out = []
    for M in (tg, torch):
        M.manual_seed(0)
        out.append(eval(code, {"M": M, "D": M.distributions}))
    a, b = out
    assert tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_array_equal(_np(a), _np(b))


def test_laplace_samples_close_to_torch(torch):
    # same uniforms; tensorgraph's float32 log1p differs from torch's by 1 ulp at times
    out = []
    for M in (tg, torch):
        M.manual_seed(0)
        out.append(_np(M.distributions.Laplace(M.tensor([0.5, 2.0]), 1.5).sample((30,))))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["normal", "laplace", "uniform", "exponential", "independent"])
def test_rsample_gradients_match_torch(torch, name):
    grads = []
    for M in (tg, torch):
        M.manual_seed(0)
        d, ps, _ = _build(M, name, grad=True)
        x = d.rsample((5,))
        assert x.requires_grad
        (x * x).sum().backward()
        grads.append([_np(p.grad) for p in ps])
        assert not d.sample((2,)).requires_grad
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_rsample_gradcheck():
    loc = tg.tensor(LOC, requires_grad=True)
    scale = tg.tensor(SCALE, requires_grad=True)

    def f(loc, scale):
        tg.manual_seed(3)
        return D.Normal(loc, scale).rsample((2,)).tanh()

    assert tg.testing.gradcheck(f, (loc, scale))


KL_PAIRS = [
    ("normal", "Normal", (LOC, SCALE), (LOC[::-1].copy(), SCALE[::-1].copy())),
    ("laplace", "Laplace", (LOC, SCALE), (LOC * 0.5, SCALE + 0.3)),
    ("exponential", "Exponential", (SCALE,), (SCALE[::-1].copy(),)),
    ("bernoulli", "Bernoulli", (PROBS,), (PROBS[::-1].copy(),)),
    ("categorical", "Categorical", (CAT,), (CAT[::-1].copy(),)),
    ("onehot", "OneHotCategorical", (CAT,), (CAT[::-1].copy(),)),
]


@pytest.mark.parametrize("case", KL_PAIRS, ids=[c[0] for c in KL_PAIRS])
def test_kl_divergence_matches_torch(torch, case):
    _, cls, pp, qp = case
    res = []
    for M in (tg, torch):
        ps = [M.tensor(x, requires_grad=True) for x in pp]
        qs = [M.tensor(x, requires_grad=True) for x in qp]
        Dm = M.distributions
        kl = Dm.kl_divergence(getattr(Dm, cls)(*ps), getattr(Dm, cls)(*qs))
        kl.sum().backward()
        res.append([_np(kl)] + [_np(t.grad) for t in ps + qs])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_kl_edge_cases(torch):
    for M in (tg, torch):
        Dm = M.distributions
        u = Dm.kl_divergence(Dm.Uniform(M.tensor([0.0, -1.0]), M.tensor([1.0, 2.0])),
                             Dm.Uniform(M.tensor([-1.0, 0.0]), M.tensor([2.0, 2.0])))
        b = Dm.kl_divergence(Dm.Bernoulli(M.tensor([0.0, 0.5, 1.0])),
                             Dm.Bernoulli(M.tensor([0.5, 0.0, 1.0])))
        c = Dm.kl_divergence(Dm.Categorical(M.tensor([0.5, 0.5, 0.0])),
                             Dm.Categorical(M.tensor([0.0, 0.5, 0.5])))
        i = Dm.kl_divergence(Dm.Independent(Dm.Normal(M.zeros(3), 1.0), 1),
                             Dm.Independent(Dm.Normal(M.ones(3), 2.0), 1))
        if M is tg:
            ours = [_np(t) for t in (u, b, c, i)]
    for a, t in zip(ours, (u, b, c, i)):
        np.testing.assert_allclose(a, _np(t), rtol=1e-6)


def test_register_kl_and_missing_pair():
    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return tg.zeros(p.batch_shape)

    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.0
    assert float(D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(0.0, 2.0))) > 0  # base pair
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Exponential(1.0))
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


def _message(fn):
    try:
        fn()
    except ValueError as e:
        return str(e)
    raise AssertionError("no ValueError")


@pytest.mark.parametrize("code", [
    "D.Normal(M.tensor([0.0]), M.tensor([-1.0]))",
    "D.Normal(0.0, 0.0)",
    "D.Exponential(M.tensor([1.0, -2.0]))",
    "D.Bernoulli(M.tensor([0.5, 1.5]))",
    "D.Categorical(M.tensor([0.5, -0.25]))",
    "D.Categorical()",
    "D.Categorical(M.tensor([0.5, 0.5]), logits=M.tensor([0.0, 0.0]))",
    "D.Categorical(M.tensor(0.5))",
    "D.Bernoulli()",
    "D.Uniform(1.0, 0.0)",
    "D.Normal(M.zeros(3), 1.0).log_prob(M.zeros(4))",
    "D.OneHotCategorical(M.tensor([0.5, 0.5])).log_prob(M.tensor([1.0, 1.0]))",
    "D.Bernoulli(M.tensor([0.5, 0.5])).log_prob(M.tensor([0.0, 0.5]))",
    "D.Categorical(M.tensor([0.5, 0.5])).log_prob(M.tensor([2]))",
    "D.Independent(D.Normal(M.zeros(3), 1.0), 2)",
    "D.Normal(0.0, 1.0).log_prob(0.5)",
    "D.Multinomial(3, M.tensor([0.5, 0.5])).log_prob(M.tensor([[1.0, 3.0]]))",
])
def test_bad_parameters_raise_torch_errors(torch, code):
    msgs = [_message(lambda: eval(code, {"M": M, "D": M.distributions})) for M in (tg, torch)]
    assert msgs[0].replace("tensorgraph.", "torch.") == msgs[1]


def test_validate_args_off_and_expand():
    d = D.Normal(tg.tensor([0.0]), tg.tensor([-1.0]), validate_args=False)
    assert d.batch_shape == (1,)
    e = D.Bernoulli(tg.tensor([0.3])).expand((4, 1))
    assert e.batch_shape == (4, 1) and e.sample((2,)).shape == (2, 4, 1)
    c = D.Categorical(logits=tg.zeros(3)).expand((2,))
    assert c.batch_shape == (2,) and c.log_prob(tg.tensor([0, 2])).shape == (2,)
    m = D.Multinomial(4, tg.tensor([0.2, 0.8])).expand((3,))
    assert m.sample().shape == (3, 2) and bool((m.sample().sum(-1) == 4).all())
    assert D.Normal(0.0, 1.0).batch_shape == ()
    assert repr(D.Normal(0.0, 1.0)) == "Normal(loc: 0.0, scale: 1.0)"


def test_import_paths():
    import tensorgraph as torch
    import tensorgraph.distributions as Dm
    from tensorgraph.distributions import Categorical, Normal

    assert torch.distributions is Dm and Dm.Normal is Normal and Dm.Categorical is Categorical
    assert isinstance(Dm.constraints.positive, Dm.constraints.Constraint)


# ---------------------------------------------------------------- MultivariateNormal
_A = R.normal(size=(2, 3, 3))
COV = _A @ _A.transpose(0, 2, 1) + np.eye(3)
MVN_ARGS = {"covariance_matrix": COV, "scale_tril": np.linalg.cholesky(COV),
            "precision_matrix": np.linalg.inv(COV)}


@pytest.mark.parametrize("kind", sorted(MVN_ARGS))
def test_multivariate_normal_matches_torch(torch, kind):
    loc, value = R.normal(size=(3,)), R.normal(size=(4, 2, 3))
    res = []
    for M in (tg, torch):
        lt, mt = M.tensor(loc, requires_grad=True), M.tensor(MVN_ARGS[kind], requires_grad=True)
        d = M.distributions.MultivariateNormal(lt, **{kind: mt})
        M.manual_seed(0)
        outs = [d.log_prob(M.tensor(value)), d.entropy(), d.rsample((5,)), d.mean, d.variance,
                d.scale_tril, d.covariance_matrix, d.precision_matrix]
        sum(o.sum() for o in outs).backward()
        res.append([_np(o) for o in outs] + [_np(lt.grad), _np(mt.grad)])
        assert tuple(d.batch_shape) == (2,) and tuple(d.event_shape) == (3,)
    for i, (a, b) in enumerate(zip(*res)):
        assert a.shape == b.shape, i
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10, err_msg=str(i))


def test_multivariate_normal_gradcheck_and_errors(torch):
    from tensorgraph.distributions.triangular import cholesky, solve_lower

    a = tg.tensor(COV[0], requires_grad=True)
    assert tg.testing.gradcheck(lambda m: cholesky(m).sum(-1), (a,))
    b = tg.tensor(R.normal(size=(3, 2)), requires_grad=True)
    L = tg.tensor(np.linalg.cholesky(COV[1]), requires_grad=True)
    assert tg.testing.gradcheck(lambda L, b: solve_lower(L, b), (L, b))
    bad = np.diag([1.0, -1.0])
    msgs = [_message(lambda: M.distributions.MultivariateNormal(
        M.zeros(2, dtype=M.float64), covariance_matrix=M.tensor(bad))) for M in (tg, torch)]
    assert msgs[0].replace("tensorgraph.", "torch.") == msgs[1]
    res, p_loc, q_loc = [], R.normal(size=3), R.normal(size=(2, 3))
    for M in (tg, torch):
        pc = M.tensor(COV, requires_grad=True)
        qc = M.tensor(COV[::-1].copy() + np.eye(3), requires_grad=True)
        pl, ql = M.tensor(p_loc), M.tensor(q_loc)
        kl = M.distributions.kl_divergence(
            M.distributions.MultivariateNormal(pl, covariance_matrix=pc),
            M.distributions.MultivariateNormal(ql, scale_tril=M.linalg.cholesky(qc)
                                               if M is torch else cholesky(qc)))
        kl.sum().backward()
        res.append([_np(kl), _np(pc.grad), _np(qc.grad)])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9)
    for M in (tg, torch):
        with pytest.raises(ValueError, match="Exactly one of"):
            M.distributions.MultivariateNormal(M.zeros(2))
    with pytest.raises(RuntimeError, match="not positive-definite"):
        cholesky(tg.tensor(bad))


def test_torch_family_module_paths_import(torch):
    """d2l and friends import families by module: torch.distributions.multinomial etc."""
    import importlib

    for name, cls in [("normal", "Normal"), ("multinomial", "Multinomial"),
                      ("categorical", "Categorical"), ("bernoulli", "Bernoulli"),
                      ("multivariate_normal", "MultivariateNormal")]:
        ours = importlib.import_module(f"tensorgraph.distributions.{name}")
        theirs = importlib.import_module(f"torch.distributions.{name}")
        assert getattr(ours, cls) is getattr(tg.distributions, cls)
        assert hasattr(theirs, cls)
    from tensorgraph.distributions.multinomial import Multinomial

    tg.manual_seed(0)
    torch.manual_seed(0)
    p = [1 / 6] * 6
    ours = Multinomial(10, tg.tensor(p)).sample((3,))
    theirs = torch.distributions.multinomial.Multinomial(10, torch.tensor(p)).sample((3,))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
