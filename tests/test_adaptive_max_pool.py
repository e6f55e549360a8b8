"""Adaptive max pooling (functional and modules) and return_indices, against torch."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.functional as F


@pytest.mark.parametrize("shape, size, name", [
    ((2, 3, 7, 5), (3, 4), "adaptive_max_pool2d"), ((3, 7, 5), 1, "adaptive_max_pool2d"),
    ((2, 3, 6, 6), (3, None), "adaptive_max_pool2d"), ((1, 1, 3, 3), (5, 7), "adaptive_max_pool2d"),
    ((2, 3, 7), 4, "adaptive_max_pool1d"), ((3, 7), 3, "adaptive_max_pool1d")])
@pytest.mark.parametrize("domain", ["real", "ties"])
def test_values_indices_and_gradients_match_torch(torch, shape, size, name, domain):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape) if domain == "real" else rng.integers(-1, 2, shape) * 1.0
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (y, i), (ty, ti) = (getattr(F, name)(x, size, return_indices=True),
                        getattr(torch.nn.functional, name)(tx, size, return_indices=True))
    assert y.shape == ty.shape and i.dtype == tg.int64
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    v = rng.standard_normal(y.shape)
    (y * tg.tensor(v)).sum().backward()
    (ty * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_modules_as_torch(torch):
    for cls, shape in (("AdaptiveMaxPool2d", (2, 3, 6, 5)), ("AdaptiveMaxPool1d", (2, 3, 9))):
        m, tm = getattr(tg.nn, cls)(2, return_indices=True), getattr(torch.nn, cls)(2, True)
        assert repr(m) == repr(tm)
        a = np.random.default_rng(1).standard_normal(shape)
        (y, i), (ty, ti) = m(tg.tensor(a)), tm(torch.tensor(a))
        np.testing.assert_array_equal(i.numpy(), ti.numpy())
        assert getattr(tg.nn, cls)(2)(tg.tensor(a)).shape == ty.shape
    assert repr(tg.nn.AdaptiveAvgPool3d(2)) == repr(torch.nn.AdaptiveAvgPool3d(2))
    assert tg.nn.modules.pooling.AdaptiveMaxPool2d is tg.nn.AdaptiveMaxPool2d


def test_errors_name_the_op():
    with pytest.raises(RuntimeError, match="adaptive_max_pool2d: expected a 3-D or 4-D"):
        F.adaptive_max_pool2d(tg.zeros(3, 4), 2)
    with pytest.raises(RuntimeError, match="adaptive_max_pool1d: output_size 0 must be"):
        F.adaptive_max_pool1d(tg.zeros(1, 2, 4), 0)
