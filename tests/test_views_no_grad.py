"""Views made inside no_grad, as torch: they report requires_grad (their base's), are
leaves that accumulate no gradient, refuse in-place ops while recording, and refuse being
used while recording once their memory changed in place (the "indirect" case)."""

from __future__ import annotations

import pytest

import tensorgraph as tg


def _view_of_leaf(lib, make):
    w = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        v = make(w)
    return w, v


VIEWS = {
    "slice": lambda t: t[:2],
    "index": lambda t: t[1],
    "view": lambda t: t.view(3, 1),
    "transpose": lambda t: t.unsqueeze(0).t(),
    "expand": lambda t: t.expand(2, 3),
    "split": lambda t: t.split(2)[0],
    "narrow": lambda t: t.narrow(0, 1, 2),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_flags_as_torch(torch, name) -> None:
    for lib in (tg, torch):
        w, v = _view_of_leaf(lib, VIEWS[name])
        assert (v.requires_grad, v.is_leaf, v.grad_fn) == (True, True, None), lib.__name__
        (v * 2).sum().backward()
        assert w.grad is None and v.grad is None, lib.__name__


def test_view_of_plain_tensor_needs_no_grad(torch) -> None:
    for lib in (tg, torch):
        with lib.no_grad():
            v = lib.ones(3)[:2]
        assert v.requires_grad is False


def test_detach_in_no_grad_is_free(torch) -> None:
    for lib in (tg, torch):
        _, v = _view_of_leaf(lib, lambda t: t[:2])
        assert v.detach().requires_grad is False
        d = v.detach()
        d.add_(1)  # detach() output: no restriction


def test_grad_flows_to_other_inputs(torch) -> None:
    """A no_grad view beside a real parameter: the parameter gets its gradient."""
    grads = []
    for lib in (tg, torch):
        w, v = _view_of_leaf(lib, lambda t: t[:2])
        p = lib.tensor([2.0, 3.0], requires_grad=True)
        (v * p).sum().backward()
        grads.append(p.grad.tolist())
        assert w.grad is None
    assert grads[0] == grads[1] == [1.0, 1.0]


def _base_changed_in_grad_mode(lib):
    b = lib.ones(3, requires_grad=True) * 1
    with lib.no_grad():
        v = b[:2]
    b.mul_(2)
    return v * 1


def _base_changed_in_no_grad(lib):
    b = lib.ones(3, requires_grad=True) * 1
    with lib.no_grad():
        v = b[:2]
        b.mul_(2)
    return v * 1


def _leaf_changed_in_no_grad(lib):
    w = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        v = w[:2]
        w.mul_(1)
    return v * 1


def _other_view_changed(lib):
    w = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        v, u = w[:2], w[1:]
        u.add_(1)
    return v.sum()


def _modified_inplace_while_recording(lib):
    _, v = _view_of_leaf(lib, lambda t: t[:2])
    return v.add_(1)


REFUSED = {
    "base_changed_in_grad_mode": _base_changed_in_grad_mode,
    "base_changed_in_no_grad": _base_changed_in_no_grad,
    "leaf_changed_in_no_grad": _leaf_changed_in_no_grad,
    "other_view_changed": _other_view_changed,
    "modified_inplace_while_recording": _modified_inplace_while_recording,
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_as_torch(torch, name) -> None:
    with pytest.raises(RuntimeError) as theirs:
        REFUSED[name](torch)
    with pytest.raises(RuntimeError) as ours:
        REFUSED[name](tg)
    assert str(ours.value).split(". ")[0] == str(theirs.value).split(". ")[0]
    assert str(theirs.value).startswith("A view was created in no_grad mode")


def test_use_after_change_is_fine_without_recording(torch) -> None:
    values = []
    for lib in (tg, torch):
        w = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            v = w[:2]
            w.mul_(3)
            values.append((v * 1).sum().item())
    assert values == [6.0, 6.0]


def test_optimizer_step_after_view_made_in_no_grad(torch) -> None:
    """A view of a parameter kept from a no_grad block (as some init code does) and an
    optimizer step: using the view afterwards while recording is refused, as torch."""
    for lib in (tg, torch):
        w = lib.nn.Parameter(lib.ones(3))
        with lib.no_grad():
            v = w[:2]
        opt = lib.optim.SGD([w], lr=0.1)
        (w * w).sum().backward()
        opt.step()
        with pytest.raises(RuntimeError, match="A view was created in no_grad mode"):
            v * 1
