"""tensorgraph.nn.functional losses against torch: values, gradients, stability, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_functional import leaf, randn, vs_torch

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph.testing import gradcheck

REDUCTIONS = ["mean", "sum", "none"]


def _probs(*shape, seed=0):
    return 1 / (1 + np.exp(-randn(*shape, seed=seed)))


def _labels(n, c, seed=0, shape=None):
    return np.random.default_rng(seed).integers(0, c, shape or (n,))


# ---------------------------------------------------------------- regression losses
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(torch, name, reduction):
    def f(mod):
        return lambda x, y: getattr(mod, name)(x, y, reduction=reduction)

    arrays = [randn(4, 3, seed=1), randn(4, 3, seed=2)]
    vs_torch(torch, f(F), f(torch.nn.functional), arrays)
    assert gradcheck(f(F), tuple(leaf(a) for a in arrays))


# ---------------------------------------------------------------- binary cross-entropy
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_vs_torch(torch, reduction, weighted):
    arrays = [_probs(5, 3, seed=1), _probs(5, 3, seed=2)]
    w = randn(3, seed=3) ** 2 if weighted else None

    def f(mod, wt):
        return lambda p, y: mod.binary_cross_entropy(p, y, wt, reduction=reduction)

    vs_torch(torch, f(F, None if w is None else tg.tensor(w)),
             f(torch.nn.functional, None if w is None else torch.tensor(w)), arrays,
             double=True)
    assert gradcheck(f(F, None if w is None else tg.tensor(w)),
                     tuple(leaf(a) for a in arrays))


def test_bce_probability_zero_and_one_stay_finite(torch):
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    vs_torch(torch, lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
             lambda a, b: torch.nn.functional.binary_cross_entropy(a, b, reduction="none"),
             [p, y], grad=[True, False], rtol=1e-8)  # huge gradients: rounding order
    loss = F.binary_cross_entropy(tg.tensor(p), tg.tensor(y), reduction="none").numpy()
    np.testing.assert_allclose(loss[:2], [100.0, 100.0])  # log clamped at -100, as torch


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_with_logits_vs_torch(torch, reduction, weighted):
    arrays = [randn(5, 3, seed=1) * 3, _probs(5, 3, seed=2)]
    w, pw = (randn(5, 1, seed=3) ** 2, randn(3, seed=4) ** 2 + 0.5) if weighted else (None,
                                                                                       None)

    def f(mod, lift):
        return lambda x, y: mod.binary_cross_entropy_with_logits(
            x, y, lift(w), reduction=reduction, pos_weight=lift(pw))

    def lift_tg(a):
        return None if a is None else tg.tensor(a)

    def lift_th(a):
        return None if a is None else torch.tensor(a)

    vs_torch(torch, f(F, lift_tg), f(torch.nn.functional, lift_th), arrays, double=True)
    assert gradcheck(f(F, lift_tg), tuple(leaf(a) for a in arrays))


def test_bce_with_logits_exact_for_huge_logits(torch):
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    y = np.array([1.0, 1.0, 0.0, 0.0, 1.0])
    f = lambda mod: lambda a, b: mod.binary_cross_entropy_with_logits(
        a, b, reduction="none")
    vs_torch(torch, f(F), f(torch.nn.functional), [x, y], double=True, rtol=0, atol=1e-12)
    loss = f(F)(tg.tensor(x), tg.tensor(y)).numpy()
    np.testing.assert_allclose(loss, [0.0, 1000.0, 1000.0, 0.0, np.log(2)], rtol=1e-15)
    x32 = tg.tensor(x.astype(np.float32), requires_grad=True)
    out = F.binary_cross_entropy_with_logits(x32, tg.tensor(y.astype(np.float32)))
    out.backward()
    assert out.dtype == np.float32 and np.isfinite(x32.grad.numpy()).all()


def test_bce_errors_teach():
    with pytest.raises(ValueError, match=r"input must hold probabilities in \[0, 1\]"):
        F.binary_cross_entropy(tg.tensor([1.5]), tg.tensor([1.0]))
    with pytest.raises(ValueError, match=r"target shape \(3,\) differs from input shape "
                                         r"\(3, 1\)"):
        F.binary_cross_entropy_with_logits(tg.randn(3, 1), tg.rand(3))
    with pytest.raises(TypeError, match=r"target must be a floating point tensor.*"
                                        r"target.float\(\)"):
        F.binary_cross_entropy_with_logits(tg.randn(3), tg.tensor([1, 0, 1]))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got "
                                         "'avg'"):
        F.mse_loss(tg.randn(3), tg.randn(3), reduction="avg")


# ---------------------------------------------------------------- cross-entropy / NLL
CE_CASES = {  # name: kwargs
    "plain": {},
    "weight": {"weight": True},
    "ignore": {"ignore_index": 1},
    "smooth": {"label_smoothing": 0.2},
    "all": {"weight": True, "ignore_index": 2, "label_smoothing": 0.1},
}


def _ce(mod, lift, kw, reduction, fn="cross_entropy"):
    w = randn(4, seed=9) ** 2 + 0.1
    kwargs = dict(kw)
    if kwargs.pop("weight", False):
        kwargs["weight"] = lift(w)
    return lambda x, t: getattr(mod, fn)(x, t, reduction=reduction, **kwargs)


@pytest.mark.parametrize("case", list(CE_CASES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 2)])
def test_cross_entropy_class_indices_vs_torch(torch, case, reduction, shape):
    x = randn(*shape, seed=1) * 2
    t = _labels(0, 4, seed=2, shape=shape[:1] + shape[2:])
    kw = CE_CASES[case]
    vs_torch(torch, _ce(F, tg.tensor, kw, reduction), _ce(torch.nn.functional,
                                                          torch.tensor, kw, reduction),
             [x, t], double=True)
    assert gradcheck(_ce(F, tg.tensor, kw, reduction), (leaf(x), tg.tensor(t)))


@pytest.mark.parametrize("case", ["plain", "weight", "smooth"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets_vs_torch(torch, case, reduction):
    x = randn(5, 4, seed=3)
    p = np.exp(randn(5, 4, seed=4))
    p /= p.sum(1, keepdims=True)
    kw = CE_CASES[case]
    vs_torch(torch, _ce(F, tg.tensor, kw, reduction), _ce(torch.nn.functional,
                                                          torch.tensor, kw, reduction),
             [x, p], double=True)  # the target gets a gradient too, as in torch
    assert gradcheck(_ce(F, tg.tensor, kw, reduction), (leaf(x), leaf(p)))


def test_cross_entropy_unbatched_and_float32(torch):
    vs_torch(torch, F.cross_entropy, torch.nn.functional.cross_entropy,
             [randn(5, seed=1), np.array(3)])
    x32 = randn(64, 10, dtype=np.float32)
    vs_torch(torch, F.cross_entropy, torch.nn.functional.cross_entropy,
             [x32, _labels(64, 10)], rtol=1e-5, atol=1e-6)


def test_cross_entropy_stable_for_huge_logits(torch):
    x = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [5.0, 5.0, 5.0]])
    t = np.array([0, 2, 1])
    vs_torch(torch, lambda a, b: F.cross_entropy(a, b, reduction="none"),
             lambda a, b: torch.nn.functional.cross_entropy(a, b, reduction="none"),
             [x, t], double=True, rtol=0, atol=1e-12)
    loss = F.cross_entropy(tg.tensor(x), tg.tensor(t), reduction="none").numpy()
    np.testing.assert_allclose(loss, [0.0, 1e4, np.log(3)], rtol=1e-15)


def test_cross_entropy_all_ignored_is_nan_as_torch():
    with warnings.catch_warnings():  # the NaN is intended here: silence the loss check
        warnings.simplefilter("ignore", RuntimeWarning)
        out = F.cross_entropy(tg.randn(2, 3), tg.tensor([-100, -100]))
    assert np.isnan(out.item())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", ["plain", "weight", "ignore"])
def test_nll_loss_vs_torch(torch, reduction, case):
    x = randn(3, 4, 2, seed=5)
    t = _labels(0, 4, seed=6, shape=(3, 2))
    kw = CE_CASES[case]
    vs_torch(torch, _ce(F, tg.tensor, kw, reduction, "nll_loss"),
             _ce(torch.nn.functional, torch.tensor, kw, reduction, "nll_loss"), [x, t],
             double=True)
    assert gradcheck(_ce(F, tg.tensor, kw, reduction, "nll_loss"), (leaf(x), tg.tensor(t)))


def test_cross_entropy_errors_teach():
    x = tg.randn(64, 10)
    with pytest.raises(ValueError, match=r"cross_entropy: target has class 12 but input has "
                                         r"10 classes \(input \(64, 10\), target \(64,\)\)"):
        F.cross_entropy(x, tg.tensor([12] + [0] * 63))
    with pytest.raises(ValueError, match="target has class -3"):
        F.cross_entropy(x, tg.tensor([-3] + [0] * 63))
    with pytest.raises(TypeError, match=r"looks like class indices.*target.long\(\)"):
        F.cross_entropy(x, tg.zeros(64))
    with pytest.raises(ValueError, match=r"target shape \(32,\) does not match input "
                                         r"\(64, 10\)"):
        F.cross_entropy(x, tg.zeros(32, dtype=tg.int64))
    with pytest.raises(ValueError, match=r"weight has shape \(3,\)"):
        F.cross_entropy(x, tg.zeros(64, dtype=tg.int64), weight=tg.ones(3))
    with pytest.raises(ValueError, match="reduction must be"):
        F.cross_entropy(x, tg.zeros(64, dtype=tg.int64), reduction="batchmean")
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(x, tg.zeros(64, dtype=tg.int64), label_smoothing=2.0)
    with pytest.raises(TypeError, match="nll_loss: target must hold integer"):
        F.nll_loss(x, tg.zeros(64, 10))
