"""Reductions take numpy's spellings too (``axis=``, ``keepdims=``), as torch does."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg

METHODS = ["sum", "mean", "var", "std", "amax", "amin", "argmax", "argmin"]


@pytest.mark.parametrize("name", METHODS)
@pytest.mark.parametrize("keep", [False, True])
def test_axis_and_keepdims_match_torch(torch, name, keep):
    a = np.random.default_rng(0).standard_normal((3, 4))
    got = getattr(tg.tensor(a), name)(axis=1, keepdims=keep)
    want = getattr(torch.tensor(a), name)(axis=1, keepdims=keep)
    assert got.shape == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_with_axis_give_values_and_indices(torch, name):
    a = np.random.default_rng(1).standard_normal((3, 4))
    got = getattr(tg.tensor(a), name)(axis=0, keepdims=True)
    want = getattr(torch.tensor(a), name)(axis=0, keepdims=True)
    np.testing.assert_allclose(got.values.numpy(), want.values.numpy())
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())


def test_dim_wins_when_both_spellings_name_no_conflict():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(1).tolist() == x.sum(axis=1).tolist() == [3.0, 7.0]
    assert x.mean(0, keepdims=True).shape == (1, 2)
