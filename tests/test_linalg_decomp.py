"""tg.linalg solvers and decompositions, and the top-level matrix functions: values and
gradients against torch, gradcheck in float64, batched shapes, second order where the
backward is recorded, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.testing import gradcheck

RNG = np.random.default_rng(0)


def well(*shape):
    """Well-conditioned square matrices: random + n I."""
    a = RNG.standard_normal(shape)
    return a + shape[-1] * np.eye(shape[-1])


def spd(*shape):
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def sym(x):
    return (x + x.mT) * 0.5


def _flat(out):
    return list(out) if isinstance(out, tuple) else [out]


def oracle(torch, tg_fn, torch_fn, *arrays, atol=1e-8, grad_outputs=True):
    """Forward and gradient of sum(out_i * w_i) agree with torch (float64)."""
    xs = [tg.tensor(a, dtype=tg.float64, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    outs, touts = _flat(tg_fn(*xs)), _flat(torch_fn(*ts))
    assert len(outs) == len(touts)
    loss, tloss = 0, 0
    for o, t in zip(outs, touts):
        assert tuple(o.shape) == tuple(t.shape)
        assert o.dtype == tg.float64 or not o.dtype.is_floating_point
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), atol=atol)
        if t.requires_grad and grad_outputs:
            w = RNG.standard_normal(tuple(t.shape))
            loss = loss + (o * tg.tensor(w)).sum()
            tloss = tloss + (t * torch.tensor(w)).sum()
    if grad_outputs and not isinstance(loss, int):
        loss.backward()
        tloss.backward()
        for x, t in zip(xs, ts):
            if t.grad is None:
                assert x.grad is None or not x.grad.numpy().any()
                continue
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=1e-7, rtol=1e-6)


def t64(a):
    return tg.tensor(a, dtype=tg.float64, requires_grad=True)


# ---------------------------------------------------------------- inv det slogdet solve
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 3, 3)])
def test_inv_det_slogdet(torch, shape):
    a = well(*shape)
    oracle(torch, tg.linalg.inv, torch.linalg.inv, a)
    oracle(torch, tg.linalg.det, torch.linalg.det, a)
    oracle(torch, lambda x: tuple(tg.linalg.slogdet(x)),
           lambda x: tuple(torch.linalg.slogdet(x)), a)
    oracle(torch, tg.inverse, torch.inverse, a)
    oracle(torch, lambda x: x.det(), lambda x: x.det(), a)
    x = t64(a)
    assert gradcheck(tg.linalg.inv, x)
    assert gradcheck(tg.linalg.det, x)
    assert gradcheck(lambda y: tg.linalg.slogdet(y).logabsdet, x)


def test_slogdet_logdet_types(torch):
    a = np.array([[-1.0, 0.0], [0.0, 2.0]])
    r = tg.linalg.slogdet(tg.tensor(a))
    assert type(r).__name__ == "linalg_slogdet" and r.sign.item() == -1.0
    assert type(tg.slogdet(tg.tensor(a))).__name__ == "slogdet"
    assert np.isnan(tg.logdet(tg.tensor(a)).item())
    oracle(torch, tg.logdet, torch.logdet, spd(3, 3))
    s = tg.linalg.slogdet(tg.zeros(2, 2))
    assert s.sign.item() == 0.0 and s.logabsdet.item() == -np.inf


def test_det_singular_grad(torch):
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, 1.0, 2.0]])
    oracle(torch, tg.linalg.det, torch.linalg.det, a)


def test_second_order(torch):
    """The backwards are recorded (create_graph): Hessian-vector products match torch."""
    a, b = well(3, 3), RNG.standard_normal((3, 2))
    for fn, tfn in [(lambda x: tg.linalg.det(x), lambda x: torch.linalg.det(x)),
                    (lambda x: (tg.linalg.inv(x) ** 2).sum(),
                     lambda x: (torch.linalg.inv(x) ** 2).sum()),
                    (lambda x: sum((f ** 4).sum() for f in tg.linalg.qr(x)),
                     lambda x: sum((f ** 4).sum() for f in torch.linalg.qr(x))),
                    (lambda x: sum((f ** 4).sum() for f in tg.linalg.svd(x[:2], False)),
                     lambda x: sum((f ** 4).sum() for f in torch.linalg.svd(x[:2], False))),
                    (lambda x: sum((f ** 4).sum() for f in tg.linalg.svd(x)),
                     lambda x: sum((f ** 4).sum() for f in torch.linalg.svd(x))),
                    (lambda x: sum((f ** 4).sum() for f in tg.linalg.qr(x[:2])),
                     lambda x: sum((f ** 4).sum() for f in torch.linalg.qr(x[:2]))),
                    (lambda x: (tg.linalg.solve(x, tg.tensor(b)) ** 2).sum(),
                     lambda x: (torch.linalg.solve(x, torch.tensor(b)) ** 2).sum()),
                    (lambda x: (tg.linalg.cholesky(sym(x @ x.mT)) ** 3).sum(),
                     lambda x: (torch.linalg.cholesky((x @ x.mT + x @ x.mT) / 2) ** 3).sum()),
                    (lambda x: (tg.linalg.eigh(sym(x)).eigenvectors ** 4).sum()
                     + tg.linalg.eigh(sym(x)).eigenvalues.pow(3).sum(),
                     lambda x: (torch.linalg.eigh((x + x.mT) / 2).eigenvectors ** 4).sum()
                     + torch.linalg.eigh((x + x.mT) / 2).eigenvalues.pow(3).sum())]:
        x, tx = t64(a), torch.tensor(a, requires_grad=True)
        (g,) = tg.autograd.grad(fn(x), x, create_graph=True)
        (tgr,) = torch.autograd.grad(tfn(tx), tx, create_graph=True)
        np.testing.assert_allclose(g.detach().numpy(), tgr.detach().numpy(), atol=1e-8)
        v = RNG.standard_normal((3, 3))
        (h,) = tg.autograd.grad((g * tg.tensor(v)).sum(), x)
        (th,) = torch.autograd.grad((tgr * torch.tensor(v)).sum(), tx)
        np.testing.assert_allclose(h.numpy(), th.numpy(), atol=1e-7)


@pytest.mark.parametrize("ashape,bshape", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)),
                                           ((2, 3, 3), (3, 4)), ((4, 1, 3, 3), (2, 3, 1))])
def test_solve(torch, ashape, bshape):
    a, b = well(*ashape), RNG.standard_normal(bshape)
    oracle(torch, tg.linalg.solve, torch.linalg.solve, a, b)
    assert gradcheck(tg.linalg.solve, (t64(a), t64(b)))


def test_solve_left_false(torch):
    a, b = well(3, 3), RNG.standard_normal((2, 3))
    oracle(torch, lambda x, y: tg.linalg.solve(x, y, left=False),
           lambda x, y: torch.linalg.solve(x, y, left=False), a, b)


# ---------------------------------------------------------------- cholesky eigh qr svd
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cholesky(torch, shape):
    a = spd(*shape)
    oracle(torch, lambda x: tg.linalg.cholesky(sym(x)),
           lambda x: torch.linalg.cholesky((x + x.mT) / 2), a)
    oracle(torch, lambda x: tg.linalg.cholesky(sym(x), upper=True),
           lambda x: torch.linalg.cholesky((x + x.mT) / 2, upper=True), a)
    oracle(torch, lambda x: sym(x).cholesky(), lambda x: ((x + x.mT) / 2).cholesky(), a)
    assert gradcheck(lambda x: tg.linalg.cholesky(sym(x)), t64(a))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh(torch, shape):
    a = spd(*shape)
    # eigenvectors are defined up to sign: compare a sign-free function of them
    oracle(torch, lambda x: tg.linalg.eigh(sym(x)).eigenvalues,
           lambda x: torch.linalg.eigh((x + x.mT) / 2).eigenvalues, a)
    oracle(torch, lambda x: tg.linalg.eigh(sym(x)).eigenvectors ** 2,
           lambda x: torch.linalg.eigh((x + x.mT) / 2).eigenvectors ** 2, a)
    w, v = tg.linalg.eigh(tg.tensor(a))
    np.testing.assert_allclose(((v * w[..., None, :]) @ v.mT).numpy(), a, atol=1e-9)
    assert gradcheck(lambda x: tuple(tg.linalg.eigh(sym(x))), t64(a))
    assert gradcheck(lambda x: tg.linalg.eigvalsh(sym(x)), t64(a))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 3), (3, 5), (2, 2, 4)])
def test_qr(torch, shape):
    a = RNG.standard_normal(shape)
    oracle(torch, lambda x: tuple(tg.linalg.qr(x)), lambda x: tuple(torch.linalg.qr(x)), a)
    assert gradcheck(lambda x: tuple(tg.linalg.qr(x)), t64(a))
    q, r = tg.qr(tg.tensor(a))
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)


def test_qr_modes(torch):
    a = RNG.standard_normal((4, 3))
    for mode in ("complete", "r"):
        q, r = tg.linalg.qr(tg.tensor(a), mode=mode)
        tq, tr = torch.linalg.qr(torch.tensor(a), mode=mode)
        assert tuple(q.shape) == tuple(tq.shape)
        np.testing.assert_allclose(r.numpy(), tr.numpy(), atol=1e-12)
    x = t64(a)
    with pytest.raises(RuntimeError, match="mode='complete' and nrows > ncols"):
        tg.linalg.qr(x, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="mode='r'"):
        tg.linalg.qr(x, mode="r").R.sum().backward()


def _svd_free(usv):
    """Sign-free functions of U, S, Vh (singular vectors are defined up to sign pairs)."""
    u, s, vh = usv
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return s, (u * s[..., None, :]) @ vh, u ** 2, vh ** 2


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("full", [False, True])
def test_svd(torch, shape, full):
    a = RNG.standard_normal(shape)
    oracle(torch, lambda x: _svd_free(tg.linalg.svd(x, full_matrices=full)),
           lambda x: _svd_free(torch.linalg.svd(x, full_matrices=full)), a)
    u, s, vh = tg.linalg.svd(tg.tensor(a), full_matrices=full)
    tu, ts, tvh = torch.linalg.svd(torch.tensor(a), full_matrices=full)
    assert (tuple(u.shape), tuple(vh.shape)) == (tuple(tu.shape), tuple(tvh.shape))
    if not full:
        assert gradcheck(lambda x: _svd_free(tg.linalg.svd(x, full_matrices=False)), t64(a))


def test_torch_svd_returns_v(torch):
    a = RNG.standard_normal((4, 3))
    u, s, v = tg.svd(tg.tensor(a))
    assert type(tg.svd(tg.tensor(a))).__name__ == "svd" and tuple(v.shape) == (3, 3)
    np.testing.assert_allclose(((u * s) @ v.mT).numpy(), a, atol=1e-12)
    u, s, v = tg.tensor(a).svd(some=False)
    assert (tuple(u.shape), tuple(v.shape)) == ((4, 4), (3, 3))
    u, s, v = tg.svd(tg.tensor(a), compute_uv=False)
    assert not u.numpy().any() and tuple(u.shape) == (4, 4)


# ---------------------------------------------------------------- pinv lstsq rank power
@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3)])
def test_pinv(torch, shape):
    a = RNG.standard_normal(shape)
    oracle(torch, tg.linalg.pinv, torch.linalg.pinv, a)
    oracle(torch, tg.pinverse, torch.pinverse, a)
    assert gradcheck(tg.linalg.pinv, t64(a))
    b = spd(3, 3)
    oracle(torch, lambda x: tg.linalg.pinv(sym(x), hermitian=True),
           lambda x: torch.linalg.pinv((x + x.mT) / 2, hermitian=True), b)


def test_pinv_rank_deficient(torch):
    a = np.outer(RNG.standard_normal(4), RNG.standard_normal(3))
    np.testing.assert_allclose(tg.linalg.pinv(tg.tensor(a)).numpy(),
                               torch.linalg.pinv(torch.tensor(a)).numpy(), atol=1e-10)
    assert tg.linalg.matrix_rank(tg.tensor(a)).item() == 1


@pytest.mark.parametrize("driver", [None, "gels", "gelsd"])
def test_lstsq(torch, driver):
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    r = tg.linalg.lstsq(tg.tensor(a), tg.tensor(b), driver=driver)
    tr = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    assert type(r).__name__ == "linalg_lstsq"
    for x, t in zip(r, tr):
        assert tuple(x.shape) == tuple(t.shape)
        assert x.dtype.is_floating_point == t.dtype.is_floating_point
        np.testing.assert_allclose(x.numpy(), t.numpy(), atol=1e-10)
    oracle(torch, lambda x, y: tg.linalg.lstsq(x, y).solution,
           lambda x, y: torch.linalg.lstsq(x, y).solution, a, b)
    oracle(torch, lambda x, y: tg.linalg.lstsq(x, y).solution,
           lambda x, y: torch.linalg.lstsq(x, y).solution, a, b[:, 0])


def test_matrix_rank(torch):
    a = RNG.standard_normal((3, 4, 4))
    a[1, 3] = a[1, 0] + a[1, 2]
    for kw in ({}, {"atol": 0.5}, {"rtol": 0.3}):
        r = tg.linalg.matrix_rank(tg.tensor(a), **kw)
        tr = torch.linalg.matrix_rank(torch.tensor(a), **kw)
        assert r.dtype == tg.int64 and r.tolist() == tr.tolist()
    s = spd(4, 4)
    assert tg.linalg.matrix_rank(tg.tensor(s), hermitian=True).item() == 4


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2])
def test_matrix_power(torch, n):
    a = well(2, 3, 3) / 3
    oracle(torch, lambda x: tg.linalg.matrix_power(x, n),
           lambda x: torch.linalg.matrix_power(x, n), a, grad_outputs=n != 0)
    oracle(torch, lambda x: x.matrix_power(n), lambda x: x.matrix_power(n), a, grad_outputs=n != 0)
    ints = tg.linalg.matrix_power(tg.ones(2, 2, dtype=tg.int64), 3)
    assert ints.dtype == tg.int64 and ints.tolist() == [[4, 4], [4, 4]]


def test_multi_dot_cross(torch):
    mats = [RNG.standard_normal(s) for s in [(3,), (3, 4), (4, 2), (2,)]]
    oracle(torch, lambda *m: tg.linalg.multi_dot(m), lambda *m: torch.linalg.multi_dot(m), *mats)
    oracle(torch, lambda *m: tg.linalg.multi_dot(m[1:3]),
           lambda *m: torch.linalg.multi_dot(m[1:3]), *mats)
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((1, 3))
    oracle(torch, tg.linalg.cross, torch.linalg.cross, a, b)
    oracle(torch, lambda x, y: tg.cross(x.mT, y.mT.expand(3, 4), dim=0),
           lambda x, y: torch.cross(x.mT, y.mT.expand(3, 4), dim=0), a, b)


# ---------------------------------------------------------------- trace diag kron tensordot
def test_trace_diag(torch):
    a = RNG.standard_normal((3, 4))
    oracle(torch, tg.trace, torch.trace, a)
    for k in (0, 1, -2, 5):
        oracle(torch, lambda x: tg.diag(x, k), lambda x: torch.diag(x, k), a)
        oracle(torch, lambda x: x.diag(k), lambda x: x.diag(k), a[0])
    oracle(torch, lambda x: tg.diagonal(x, 1), lambda x: torch.diagonal(x, 1), a)
    b = RNG.standard_normal((2, 3, 4))
    oracle(torch, lambda x: tg.linalg.diagonal(x, offset=-1),
           lambda x: torch.linalg.diagonal(x, offset=-1), b)
    oracle(torch, lambda x, y: tg.linalg.vecdot(x, y, dim=1),
           lambda x, y: torch.linalg.vecdot(x, y, dim=1), b, b[:1])
    oracle(torch, tg.linalg.matmul, torch.linalg.matmul, a, a.T)
    assert gradcheck(lambda x: tg.diag(x, -1), t64(a[0]))


@pytest.mark.parametrize("sa,sb", [((2,), (3,)), ((2, 3), (2, 2)), ((3,), (2, 2)),
                                   ((2, 1, 2), (3, 2))])
def test_kron(torch, sa, sb):
    a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
    oracle(torch, tg.kron, torch.kron, a, b)
    oracle(torch, lambda x, y: x.kron(y), lambda x, y: x.kron(y), a, b)


@pytest.mark.parametrize("dims,sb", [(2, (4, 5, 2)), (1, (5, 2)), (0, (2, 3)),
                                     (([1, 0], [0, 1]), (4, 3, 2)), (([2], [0]), (5, 2))])
def test_tensordot(torch, dims, sb):
    a, b = RNG.standard_normal((3, 4, 5)), RNG.standard_normal(sb)
    oracle(torch, lambda x, y: tg.tensordot(x, y, dims), lambda x, y: torch.tensordot(x, y, dims),
           a, b)


# ---------------------------------------------------------------- errors
def test_errors(torch):
    LinAlgError = tg.linalg.LinAlgError
    assert issubclass(LinAlgError, RuntimeError)
    with pytest.raises(LinAlgError, match=r"linalg.inv: .*singular"):
        tg.linalg.inv(tg.ones(3, 3))
    with pytest.raises(LinAlgError, match=r"\(Batch element 1\): .*singular"):
        tg.linalg.inv(tg.stack([tg.eye(2), tg.zeros(2, 2)]))
    with pytest.raises(LinAlgError, match="solver failed because the input matrix is singular"):
        tg.linalg.solve(tg.zeros(3, 3), tg.ones(3))
    with pytest.raises(LinAlgError, match="leading minor of order 1 is not positive-definite"):
        tg.linalg.cholesky(-tg.eye(3))
    with pytest.raises(LinAlgError, match="leading minor of order 2"):
        tg.linalg.cholesky(tg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    for fn in (tg.linalg.inv, tg.linalg.det, tg.linalg.eigh, tg.linalg.cholesky,
               tg.linalg.slogdet):
        with pytest.raises(RuntimeError, match="must be batches of square matrices, but they "
                                               "are 2 by 3 matrices"):
            fn(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as "
                                           "input. Got Long"):
        tg.linalg.inv(tg.ones(2, 2, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tg.linalg.inv(tg.ones(3))
    with pytest.raises(RuntimeError, match="same dtype.*Double.*Float"):
        tg.linalg.solve(tg.eye(3, dtype=tg.float64), tg.ones(3))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B .*\(3x3 and 4x4\)"):
        tg.linalg.solve(tg.eye(3), tg.ones(4, 4))
    with pytest.raises(RuntimeError, match="diag\\(\\): Supports 1D or 2D tensors. Got 3D"):
        tg.diag(tg.ones(2, 2, 2))
    with pytest.raises(RuntimeError, match="trace: expected a matrix"):
        tg.trace(tg.ones(3))
    with pytest.raises(RuntimeError, match="must have length 3"):
        tg.linalg.cross(tg.ones(4), tg.ones(4))
    with pytest.raises(RuntimeError, match="at least 2 tensors"):
        tg.linalg.multi_dot([tg.ones(3)])
    with pytest.raises(RuntimeError, match="should match other.size"):
        tg.linalg.lstsq(tg.ones(5, 3), tg.ones(4, 2))
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        tg.tensordot(tg.ones(2, 3), tg.ones(4, 2), 1)


def test_float32_dtypes(torch):
    a = well(3, 3).astype(np.float32)
    x = tg.tensor(a)
    for out in (tg.linalg.inv(x), tg.linalg.det(x), tg.linalg.solve(x, x), tg.linalg.pinv(x),
                *tg.linalg.svd(x), *tg.linalg.qr(x), *tg.linalg.slogdet(x), tg.trace(x)):
        assert out.dtype == tg.float32


def test_top_level_forms(torch):
    a = spd(3, 3)
    for name in ("det", "inverse", "logdet", "pinverse", "cholesky", "trace", "diag"):
        oracle(torch, getattr(tg, name), getattr(torch, name), a)
    oracle(torch, lambda x: tg.matrix_power(x, 2), lambda x: torch.matrix_power(x, 2), a)
    with pytest.warns(UserWarning, match="without specifying the dim arg is deprecated"):
        c = tg.cross(tg.tensor(a), tg.tensor(a.T))
    np.testing.assert_allclose(c.numpy(), torch.cross(torch.tensor(a), torch.tensor(a.T), dim=0),
                               atol=1e-12)
