"""clone / contiguous / is_contiguous with memory_format, and pin_memory, against torch."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


def _strides(t):
    a = t.array if isinstance(t, tg.Tensor) else t.numpy()
    return tuple(s // a.itemsize for s in a.strides)


def test_clone_keeps_the_layout_and_contiguous_format_makes_it_row_major(torch):
    x, tx = tg.randn(3, 4).T, torch.randn(3, 4).T
    assert _strides(x.clone()) == tuple(tx.clone().stride()) == (1, 4)
    for fmt in ("contiguous_format", "preserve_format"):
        got = x.clone(memory_format=getattr(tg, fmt))
        want = tx.clone(memory_format=getattr(torch, fmt))
        assert _strides(got) == tuple(want.stride()), fmt
    assert _strides(tg.clone(x, memory_format=tg.contiguous_format)) == (3, 1)
    c, tc = x.contiguous(), tx.contiguous()
    assert c.is_contiguous() and tc.is_contiguous() and _strides(c) == tuple(tc.stride())
    y = tg.randn(2, 3)
    assert y.contiguous() is y and y.contiguous(memory_format=tg.contiguous_format) is y


def test_contiguous_copy_is_differentiable():
    w = tg.randn(3, 4, requires_grad=True)
    (w.T.contiguous() * tg.arange(3.0)).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.tile(np.arange(3.0), (4, 1)).T)


def test_channels_last_is_accepted_with_torchs_rank_check(torch):
    x, tx = tg.randn(2, 3, 4, 5), torch.randn(2, 3, 4, 5)
    y = x.contiguous(memory_format=tg.channels_last)
    np.testing.assert_array_equal(y.numpy(), x.numpy())  # same values, row-major kept
    assert x.clone(memory_format=tg.channels_last).shape == x.shape
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last"):
            lib.randn(3).clone(memory_format=lib.channels_last)
        assert lib.randn(1, 1, 1, 1).is_contiguous(memory_format=lib.channels_last)
        assert not lib.randn(3).is_contiguous(memory_format=lib.channels_last)
    assert not x.is_contiguous(memory_format=tg.channels_last)
    assert repr(tg.channels_last) == repr(torch.channels_last)


def test_pin_memory_refuses_as_torchs_cpu_build_and_is_pinned_is_false(torch):
    for lib in (tg, torch):
        x = lib.zeros(2)
        assert x.is_pinned() is False
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            x.pin_memory()
