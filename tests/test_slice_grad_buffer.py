"""Gradients of several basic slices of one tensor (q, k, v of a qkv; split, chunk,
unbind) are written into one buffer by the engine: values, hooks, retain_grad,
autograd.grad, create_graph and anomaly checks as before. Every case runs on torch too."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.autograd.engine as engine

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 3, 5))
W = [RNG.standard_normal(s) for s in ((3, 5), (4, 5), (2, 3, 5), (4, 3, 5), (3, 5))]


def _both(torch, fn, dtype="float64"):
    """fn(lib, x) -> loss on tensorgraph and torch; returns both x.grad arrays."""
    out = []
    for lib in (tg, torch):
        x = lib.tensor(X.astype(dtype), requires_grad=True)
        fn(lib, x).backward()
        out.append(x.grad.detach().numpy() if lib is torch else x.grad.numpy())
    return out


def _w(lib, i, like):
    return lib.tensor(W[i].astype(str(like.dtype).split(".")[-1]))


def _qkv(lib, x):
    y = x * 2  # a non-leaf: its node receives the three slice gradients
    q, k, v = (y[:, i] for i in range(3))
    return (q * k + v.tanh()).sum()


def _overlapping(lib, x):
    y = x * 1
    return ((y[:3, 1] * _w(lib, 2, x)[0, 0]).sum() + (y[1:] * _w(lib, 3, x)[1:]).sum()
            + (y[2] ** 2).sum() + y[..., ::2].sum() + (y.flip(2)[..., 1:] * 2).sum() + (y[None, 1:, 2] * 3).sum())


def _slices_and_whole(lib, x):
    """The base is also used whole, between slice uses (the buffer is then not reused)."""
    y = x.sin()
    return (y[0] * 2).sum() + (y * _w(lib, 3, x)).sum() + (y[1:, 2] ** 2).sum()


def _split_chunk_unbind(lib, x):
    y = x * 3
    a, _, c = y.split([1, 2, 1])  # an unused piece
    p, q = y.chunk(2, dim=2)
    u = y.unbind(1)
    return (a * c).sum() + (p ** 2).sum() + q.sum() + (u[0] * u[2]).sum()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("fn", [_qkv, _overlapping, _slices_and_whole, _split_chunk_unbind])
def test_slices_of_one_tensor_match_torch(torch, fn, dtype) -> None:
    ours, theirs = _both(torch, fn, dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def test_the_qkv_slices_share_one_buffer(monkeypatch) -> None:
    written = []
    real = engine._write_slice

    def spy(*args):
        r = real(*args)
        written.append(r == (None,))
        return r

    monkeypatch.setattr(engine, "_write_slice", spy)
    x = tg.tensor(X, requires_grad=True)
    _qkv(tg, x).backward()
    assert written == [True, True, True]


def test_slices_of_a_leaf_match_torch(torch) -> None:
    def fn(lib, x):
        return (x[0] * x[1]).sum() + x[:, 2].exp().sum() + x[1:].sum()

    ours, theirs = _both(torch, fn)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_hooks_and_retain_grad_on_the_base_see_the_summed_gradient(torch) -> None:
    got = {}
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        y.retain_grad()
        seen = []
        y.register_hook(lambda g, seen=seen: seen.append(g.detach().numpy().copy()) or g * 3)
        loss = (y[:, 0] * 2).sum() + (y[:, 1:] ** 2).sum()
        loss.backward(retain_graph=True)
        loss.backward()  # .grad accumulates; the first pass's buffer is not written again
        got[lib.__name__] = (x.grad.detach().numpy(), y.grad.detach().numpy(), seen)
    (xo, yo, so), (xt, yt, st) = got["tensorgraph"], got["torch"]
    np.testing.assert_allclose(xo, xt, rtol=1e-12)
    np.testing.assert_allclose(yo, yt, rtol=1e-12)
    np.testing.assert_allclose(so, st, rtol=1e-12)


def test_autograd_grad_of_the_base_and_of_a_slice(torch) -> None:
    got = []
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x.cos()
        a = y[1]
        loss = (a * y[2]).sum() + (y[:, 0] ** 3).sum()
        gy, ga = lib.autograd.grad(loss, [y, a])
        got.append([g.detach().numpy() for g in (gy, ga)])
    for o, t in zip(*got):
        np.testing.assert_allclose(o, t, rtol=1e-12)


def test_second_derivatives_through_slices_match_torch(torch) -> None:
    got = []
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x * x
        loss = (y[:, 0] * y[:, 1]).sum() + (y[1:, 2] ** 2).sum()
        (g,) = lib.autograd.grad(loss, [x], create_graph=True)
        (g * g).sum().backward()
        got.append((g.detach().numpy(), x.grad.detach().numpy()))
    for o, t in zip(*got):
        np.testing.assert_allclose(o, t, rtol=1e-12)


def test_in_place_on_the_base_after_slicing_matches_torch(torch) -> None:
    def fn(lib, x):
        y = x * 1
        a = y[:2]
        b = y[1:, 0] + 1  # recorded before the in-place op
        y.mul_(2)  # a is now a slice of the rebased history
        return (a * 3).sum() + (y[1:] * 5).sum() + (b ** 2).sum()

    ours, theirs = _both(torch, fn)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_detect_anomaly_names_the_slice_with_a_nan_gradient() -> None:
    x = tg.tensor(X, requires_grad=True)
    with tg.autograd.detect_anomaly():
        y = x * 1
        a = y[0]
        a.register_hook(lambda g: g * float("nan"))  # reaches the slice's backward
        loss = a.sum() + y[1].sum()
        with pytest.raises(RuntimeError, match="GetItemBackward returned NaN or inf"):
            loss.backward()
