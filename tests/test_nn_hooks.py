"""Module hooks against torch: forward pre-hooks/hooks (kwargs, prepend, replacing
inputs/outputs, always_call) and full backward (pre-)hooks (grad_input, grad_output,
replacing them, no input needing a gradient, several inputs and outputs)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg


def _np(gs):
    return [None if g is None else np.round(np.asarray(g.detach().numpy()), 9).tolist()
            for g in gs]


def backward_story(lib) -> list:
    """The same program for torch and tensorgraph; returns what the hooks saw."""
    nn, log = lib.nn, []
    lin = nn.Linear(3, 2).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 10))
        lin.bias.copy_(lib.tensor([0.5, -0.5]))

    def full(m, gin, gout):
        log.append(("full", type(m).__name__, _np(gin), _np(gout)))

    def pre(m, gout):
        log.append(("pre", _np(gout)))
        return tuple(g * 2 for g in gout)

    h1 = lin.register_full_backward_hook(full)
    h2 = lin.register_full_backward_pre_hook(pre)
    x = lib.tensor([[1.0, 2.0, 3.0]], dtype=lib.float64, requires_grad=True)
    lin(x).sum().backward()
    log.append(_np([x.grad, lin.weight.grad, lin.bias.grad]))
    with warnings.catch_warnings(record=True) as caught:  # no input needs a gradient
        warnings.simplefilter("always")
        lin(lib.ones(1, 3, dtype=lib.float64)).sum().backward()
    log.append(("warned", any("no inputs require gradients" in str(w.message)
                              for w in caught)))
    h2.remove()
    h3 = lin.register_full_backward_hook(lambda m, gin, gout: (gin[0] * 10,))
    x.grad = None
    lin(x).sum().backward()
    log.append(_np([x.grad]))
    h1.remove()
    h3.remove()
    x.grad = None
    lin(x).sum().backward()  # removed: plain gradients again
    log.append(_np([x.grad]))

    class Two(nn.Module):
        def forward(self, a, b, scale=1.0):
            return a * b * scale, a + b

    two = Two()
    two.register_full_backward_hook(full)
    a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([3.0, 4.0], dtype=lib.float64)
    p, q = two(a, b, scale=3.0)
    (p.sum() + 2 * q.sum()).backward()
    log.append(_np([a.grad]))
    # a Sequential of hooked layers, one of them rescaling its grad_input
    seq = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)).double()
    with lib.no_grad():
        for i, prm in enumerate(seq.parameters()):
            prm.copy_(lib.tensor(np.cos(np.arange(prm.numel()) + i).reshape(prm.shape)))
    for m in seq:
        m.register_full_backward_hook(full)
    seq[1].register_full_backward_hook(lambda m, gin, gout: (gin[0] * 0.5,))
    y = lib.tensor([[0.1, -0.2, 0.3]], dtype=lib.float64, requires_grad=True)
    seq(y).sum().backward()
    log.append(_np([y.grad, seq[0].weight.grad]))
    return log


def test_full_backward_hooks_match_torch(torch):
    assert backward_story(tg) == backward_story(torch)


def forward_story(lib) -> list:
    nn, order = lib.nn, []
    m = nn.Linear(2, 2)
    m.register_forward_hook(lambda mod, args, out: order.append("a"))
    m.register_forward_hook(lambda mod, args, out: order.append("b"), prepend=True)

    def pre_kw(mod, args, kwargs):
        order.append(("pre-kw", len(args), sorted(kwargs)))
        return (args[0] * 0,), kwargs

    m.register_forward_pre_hook(pre_kw, with_kwargs=True)
    m.register_forward_pre_hook(lambda mod, args: args[0] + 1)  # one value: a 1-tuple
    h = m.register_forward_hook(lambda mod, args, kwargs, out: (out * 0).abs() + 7,
                                with_kwargs=True)
    out = m(lib.ones(1, 2))
    order.append(out.detach().numpy().tolist())
    h.remove()
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append(args[0].sum().item()))
    m(lib.ones(1, 2))
    order.append(seen)

    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    b = Boom()
    b.register_forward_hook(lambda mod, args, out: order.append(("always", out)),
                            always_call=True)
    b.register_forward_hook(lambda mod, args, out: order.append("not always"))
    with pytest.raises(ValueError, match="boom"):
        b(lib.ones(1))
    return order


def test_forward_hooks_match_torch(torch):
    assert forward_story(tg) == forward_story(torch)


def test_a_none_from_a_backward_hook_means_a_zero_gradient():
    lin = tg.nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gin, gout: (None,))
    x = tg.randn(2, 3, requires_grad=True)
    lin(x).sum().backward()
    assert np.array_equal(x.grad.array, np.zeros((2, 3))) and lin.weight.grad is not None


def test_backward_hook_returning_wrong_length_is_an_error():
    lin = tg.nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gin, gout: (gin[0], gin[0]))
    with pytest.raises(RuntimeError, match="returned 2 gradients but grad_input has 1"):
        lin(tg.randn(2, 3, requires_grad=True)).sum().backward()


def count_hook_calls(lib) -> int:
    lin = lib.nn.Linear(3, 1).double()
    calls = []
    lin.register_full_backward_hook(lambda m, gin, gout: calls.append(1))
    with lib.no_grad():
        lin(lib.randn(2, 3, dtype=lib.float64))  # no graph: no hook
    x = lib.randn(2, 3, dtype=lib.float64, requires_grad=True)
    (g,) = lib.autograd.grad(lin(x).tanh().sum(), x, create_graph=True)
    g.sum().backward()  # the second pass goes through the hooked nodes again
    return len(calls)


def test_backward_hook_calls_under_no_grad_and_second_order_match_torch(torch):
    assert count_hook_calls(tg) == count_hook_calls(torch) == 2
