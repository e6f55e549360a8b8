"""``x[i] = v`` where ``v`` has leading 1-dims (torch drops them), with and without grad."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


@pytest.mark.parametrize("index", [1, (slice(0, 2),), ([0, 2],), (Ellipsis, 1)])
@pytest.mark.parametrize("value_shape", [(1, 27), (1, 1, 27), (27,), (1, 1)])
@pytest.mark.parametrize("grad", [False, True])
def test_value_with_leading_ones_fills_the_slot_as_torch(torch, index, value_shape, grad):
    if index == (Ellipsis, 1) and value_shape[-1] == 27:
        value_shape = value_shape[:-1] + (3,)
    base = np.arange(81.0).reshape(3, 27)
    vals = np.linspace(-1, 1, int(np.prod(value_shape))).reshape(value_shape)
    outs = []
    for lib in (tg, torch):
        w = lib.tensor(vals, requires_grad=grad)
        x = lib.tensor(base)
        if grad:
            x = x * 1.0
        x[index] = w * 2
        if grad:
            (x * lib.tensor(base)).sum().backward()
        outs.append((x.detach().numpy(), w.grad.numpy() if grad else None))
    np.testing.assert_allclose(outs[0][0], outs[1][0])
    if grad:
        assert outs[0][1].shape == value_shape
        np.testing.assert_allclose(outs[0][1], outs[1][1])


def test_a_value_that_does_not_fit_the_slot_is_refused():
    x = tg.zeros(3, 27)
    with pytest.raises((ValueError, RuntimeError)):
        x[1] = tg.ones(2, 27)
