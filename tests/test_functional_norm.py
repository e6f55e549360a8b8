"""tensorgraph.nn.functional: batch_norm and layer_norm against torch."""

from __future__ import annotations

import numpy as np
import pytest
from test_functional import leaf, randn, vs_torch

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph.testing import gradcheck


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 2, 4, 4)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_vs_torch_with_double_backward(torch, shape, training, affine):
    c = shape[1]
    rm, rv = randn(c, seed=7), randn(c, seed=8) ** 2 + 0.5
    arrays = [randn(*shape, seed=1) * 2 + 1]
    if affine:
        arrays += [randn(c, seed=2), randn(c, seed=3)]

    def f(mod, lift):
        def call(x, w=None, b=None):
            return mod.batch_norm(x, lift(rm.copy()), lift(rv.copy()), w, b,
                                  training=training, momentum=0.2, eps=1e-3)
        return call

    vs_torch(torch, f(F, tg.tensor), f(torch.nn.functional, torch.tensor), arrays,
             double=True)
    assert gradcheck(f(F, tg.tensor), tuple(leaf(a) for a in arrays))


def test_batch_norm_running_stats_follow_torch_over_steps(torch):
    c = 4
    rm, rv = tg.zeros(c, dtype=tg.float64), tg.ones(c, dtype=tg.float64)
    trm, trv = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    w, b = leaf(randn(c, seed=1)), leaf(randn(c, seed=2))
    for step in range(5):
        x = randn(8, c, 3, 3, seed=10 + step) * (step + 1) + step
        y = F.batch_norm(tg.tensor(x), rm, rv, w, b, training=True, momentum=0.1)
        ty = torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, torch.tensor(w.array),
                                            torch.tensor(b.array), training=True,
                                            momentum=0.1)
        np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-12)
        np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-12)  # unbiased var
    # eval uses what the steps accumulated
    x = randn(2, c, 3, 3, seed=99)
    y = F.batch_norm(tg.tensor(x), rm, rv, w, b, training=False)
    ty = torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, torch.tensor(w.array),
                                        torch.tensor(b.array), training=False)
    np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-10, atol=1e-12)


def test_batch_norm_float32_stays_float32(torch):
    c = 16
    arrays = [randn(64, c, 8, 8, dtype=np.float32), randn(c, dtype=np.float32),
              randn(c, dtype=np.float32)]
    rm, rv = np.zeros(c, np.float32), np.ones(c, np.float32)

    def f(mod, lift):
        return lambda x, w, b: mod.batch_norm(x, lift(rm.copy()), lift(rv.copy()), w, b,
                                              training=True)

    vs_torch(torch, f(F, tg.tensor), f(torch.nn.functional, torch.tensor), arrays,
             rtol=1e-4, atol=1e-4)


def test_batch_norm_errors_teach():
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        F.batch_norm(tg.randn(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match=r"running_mean has shape \(4,\) but the input "
                                         r"\(2, 3\) has 3 channels"):
        F.batch_norm(tg.randn(2, 3), tg.zeros(4), tg.ones(3))
    with pytest.raises(ValueError, match="running_mean and running_var are required"):
        F.batch_norm(tg.randn(2, 3), None, None, training=False)


@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_vs_torch(torch, affine):
    arrays = [randn(3, 4, 5, seed=1)]
    if affine:
        arrays += [randn(4, 5, seed=2), randn(4, 5, seed=3)]

    def f(mod):
        return lambda x, w=None, b=None: mod.layer_norm(x, (4, 5), w, b, eps=1e-4)

    vs_torch(torch, f(F), f(torch.nn.functional), arrays, double=True)
    assert gradcheck(f(F), tuple(leaf(a) for a in arrays))


def test_layer_norm_errors_teach():
    with pytest.raises(ValueError, match=r"normalized_shape \(3,\) must equal the last dims"):
        F.layer_norm(tg.randn(2, 4), 3)
    with pytest.raises(ValueError, match=r"weight has shape \(3,\), expected \(4,\)"):
        F.layer_norm(tg.randn(2, 4), 4, weight=tg.ones(3))
