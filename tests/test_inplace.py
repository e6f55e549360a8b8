"""In-place ops: values, the version counter, and their gradients against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


def test_inplace_values_match_torch(torch) -> None:
    a = np.arange(6.0).reshape(2, 3)

    def run(lib, t):
        t.add_(1.5)
        t.mul_(lib.tensor([1.0, -1.0, 2.0]))
        t[0, 1:] = 7.0
        t[t > 5] = 0.0
        t[:, 0].copy_(lib.tensor([3.0, 4.0]))
        return t.numpy().copy()

    np.testing.assert_array_equal(run(tg, tg.tensor(a)), run(torch, torch.tensor(a)))
    t = tg.tensor(a)
    t.fill_(2.5)
    np.testing.assert_array_equal(t.numpy(), np.full((2, 3), 2.5))
    assert t.zero_() is t and not t.numpy().any()


def test_fill_and_zero_overwrite_inf_and_nan() -> None:
    t = tg.tensor([1.0, np.inf, np.nan])
    t.zero_()
    np.testing.assert_array_equal(t.numpy(), [0.0, 0.0, 0.0])
    t = tg.tensor([np.inf, 1.0])
    t.copy_(tg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_inplace_keeps_the_buffer_and_bumps_the_version() -> None:
    t = tg.zeros(3)
    buf, alias = t.array, t.detach()
    versions = [t._version]
    for op in (lambda: t.add_(1), lambda: t.mul_(2), lambda: t.fill_(3),
               lambda: t.copy_(tg.ones(3)), lambda: t.zero_(), lambda: t.__setitem__(0, 5)):
        op()
        versions.append(t._version)
    assert versions == sorted(set(versions)) and len(versions) == 7
    assert t.array is buf and alias.tolist() == [5.0, 0.0, 0.0]


def test_inplace_on_a_leaf_that_requires_grad_raises() -> None:
    w = tg.ones(3, requires_grad=True)
    for op in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_(),
               lambda: w.fill_(1), lambda: w.copy_(tg.ones(3))):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation.*no_grad"):
            op()
    with pytest.raises(RuntimeError, match="leaf"):
        w[0] = 2.0
    with tg.no_grad():  # what optimizers do
        w.add_(1)
    assert w.tolist() == [2.0, 2.0, 2.0] and w.is_leaf


def test_modifying_a_saved_tensor_raises_naming_it() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y  # MulBackward saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: "
                                           r"\[tensorgraph.FloatTensor \[2\]\], which is output 0 "
                                           r"of Mul, is at version 1; expected version 0.*input 0 "
                                           r"of MulBackward"):
        z.sum().backward()


def test_modifying_a_saved_leaf_under_no_grad_raises() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with tg.no_grad():
        w.mul_(0.5)  # an optimizer step between forward and backward
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*MulBackward"):
        loss.backward()


def test_modifying_a_saved_output_raises() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # ExpBackward saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="output 0 of Exp, is at version 1.*the output of ExpBackward"):
        y.sum().backward()


def test_inplace_on_non_leaf_is_differentiable_like_torch(torch) -> None:
    def run(lib, x, w, s):
        y = x * 2
        before = y + 1  # used before the in-place ops: its gradient skips them
        y.mul_(w)
        y.add_(s, alpha=3)
        y[0] = s * 5
        y[1, [0, 0]] = w[:2] * s
        y.sub_(1)
        y.div_(w)
        (before * y).sum().backward()
        return [t.grad.numpy() for t in (x, w, s)]

    rng = np.random.default_rng(0)
    xa, wa, sa = rng.standard_normal((3, 4)), rng.uniform(1, 2, 4), np.array(0.7)
    ours = run(tg, *(tg.tensor(a, requires_grad=True) for a in (xa, wa, sa)))
    theirs = run(torch, *(torch.tensor(a, requires_grad=True) for a in (xa, wa, sa)))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-12)


def test_setitem_builds_a_differentiable_tensor_from_parts(torch) -> None:
    def run(lib, a, b):
        out = lib.zeros(3, 2, dtype=lib.float64)
        out[0] = a
        out[1:, 1] = b.exp()
        out[2, 0] = a[1] * b[0]
        (out * out).sum().backward()
        return out.detach().numpy(), a.grad.numpy(), b.grad.numpy()

    av, bv = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    ours = run(tg, tg.tensor(av, requires_grad=True), tg.tensor(bv, requires_grad=True))
    theirs = run(torch, torch.tensor(av, requires_grad=True), torch.tensor(bv, requires_grad=True))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-12)


def test_inplace_on_a_read_only_view_is_refused_clearly() -> None:
    e = tg.ones(3, 1).expand(3, 4)
    with pytest.raises(RuntimeError, match="read-only view.*clone"):
        e.add_(1)
    with tg.no_grad():
        w = tg.zeros(2, 3)
        w.T.add_(1)  # outside recording a view writes through, as in torch
    assert w.tolist() == [[1.0] * 3] * 2


def test_augmented_assignment_is_in_place() -> None:
    t = tg.ones(2)
    ref = t
    t += 1
    t *= 3
    t -= 1
    t /= 5
    assert ref is t and t.tolist() == [1.0, 1.0]
