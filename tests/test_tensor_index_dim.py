"""index_add / index_copy / index_fill (and in-place forms) against torch, with grads."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg

IDX = [0, 2, 0]


@pytest.mark.parametrize("name, args", [
    ("index_add", (1, IDX, "src")), ("index_copy", (1, [2, 0, 3], "src")),
    ("index_fill", (1, IDX, -1.5))])
def test_out_of_place_values_and_gradients(torch, name, args):
    rng = np.random.default_rng(0)
    a, s = rng.standard_normal((2, 4)), rng.standard_normal((2, 3))
    outs = []
    for lib in (tg, torch):
        x, src = lib.tensor(a, requires_grad=True), lib.tensor(s, requires_grad=True)
        dim, idx, third = args
        y = getattr(x, name)(dim, lib.tensor(idx), src if third == "src" else third)
        (y * lib.tensor(np.arange(8.0).reshape(2, 4))).sum().backward()
        outs.append((y.detach().numpy(), x.grad.numpy(),
                     None if src.grad is None else src.grad.numpy()))
    for got, want in zip(outs[0], outs[1]):
        if want is None:
            assert got is None or not got.any()
        else:
            np.testing.assert_allclose(got, want)


def test_in_place_forms_and_alpha(torch):
    for lib in (tg, torch):
        y = lib.tensor([0, 2, 0, 1])
        counts = lib.zeros(3).index_add_(0, y, lib.ones(4))
        assert counts.tolist() == [2.0, 1.0, 1.0]
        z = lib.zeros(2, 3).index_add_(1, lib.tensor([1]), lib.ones(2, 1), alpha=2)
        assert z.tolist() == [[0.0, 2.0, 0.0]] * 2
        assert lib.zeros(3).index_fill_(0, lib.tensor([1]), 7).tolist() == [0, 7, 0]
        assert lib.zeros(3).index_copy_(0, lib.tensor([2]), lib.ones(1)).tolist() == [0, 0, 1]


def test_errors_name_the_op():
    with pytest.raises(RuntimeError, match=r"index_add\(\): source has shape"):
        tg.zeros(2, 3).index_add(1, tg.tensor([0]), tg.ones(2, 2))
    with pytest.raises(IndexError, match=r"index_copy\(\): index 5 is out of bounds"):
        tg.zeros(3).index_copy(0, tg.tensor([5]), tg.ones(1))
