"""Views share memory and a version counter with their base; in-place ops on views
rewire the base's history (CopySlices). Every case is run on torch too."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg

VALUES = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])


def both(torch, program, values=VALUES):
    """Run ``program(lib, w)`` on tensorgraph and torch; return their (out, w.grad)."""
    results = []
    for lib in (tg, torch):
        w = lib.tensor(values.copy(), requires_grad=True)
        out = program(lib, w)
        out.backward()
        results.append((out.detach().numpy().copy(), w.grad.numpy().copy()))
    return results


INPLACE_ON_VIEWS = {
    "slice_mul": lambda lib, w: _h_slice(w),
    "mask_set": lambda lib, w: _mask_set(w),
    "row_add_": lambda lib, w: _row_add(w),
    "transpose_mul_": lambda lib, w: _transpose(w),
    "reshape_view_copy_": lambda lib, w: _reshape_copy(lib, w),
    "view_then_base_mul_": lambda lib, w: _stale_view(w),
    "two_views_overlap": lambda lib, w: _two_views(w),
    "setitem_from_grad_tensor": lambda lib, w: _setitem_into_plain(lib, w),
    "detach_then_inplace_ok": lambda lib, w: _detach_unsaved(w),
    "narrow_fill_": lambda lib, w: _narrow(w),
    "unsqueeze_squeeze_add_": lambda lib, w: _unsqueeze(w),
}


def _h_slice(w):
    h = w * 2
    h[:, :2] *= 0
    return (h * h).sum()


def _mask_set(w):
    x = w * 2  # (not exp: Exp saves its output, so torch would refuse this)
    x[x > 2] = 0
    return (x * w).sum()


def _row_add(w):
    y = w * w
    y[0].add_(1)
    return (y * 3).sum()


def _transpose(w):
    y = w + 0
    y.T[1].mul_(w[0, 1])
    return (y ** 2).sum()


def _reshape_copy(lib, w):
    y = w * 1
    v = y.view(6)
    v[1:3].copy_(w[1, :2] * 5)
    return (y * y).sum() + v.sum()


def _stale_view(w):
    y = w * 1
    v = y[1]  # made before the in-place op on y: its history is rebuilt when used
    y.mul_(w)
    return (v * v).sum()


def _two_views(w):
    y = w * 1
    a, b = y[0], y[:, 1]
    a.mul_(3)  # b overlaps a at y[0, 1]
    return (b * b).sum() + (a * 2).sum()


def _setitem_into_plain(lib, w):
    x = lib.zeros(2, 3, dtype=w.dtype)
    x[1] = w[0] * 2  # x does not require grad: it starts recording here
    return (x * x).sum()


def _detach_unsaved(w):
    y = w * 1
    z = y + 1  # Add saves nothing
    y.detach().mul_(2)
    return (z * 1).sum() + y.sum()


def _narrow(w):
    y = w * 1
    y.narrow(1, 1, 2).fill_(0.5) if hasattr(y, "narrow") else y[:, 1:3].fill_(0.5)
    return (y * w).sum()


def _unsqueeze(w):
    y = w * 1
    y.unsqueeze(0)[0, 0].add_(w[1])
    y.squeeze()[1].mul_(2)
    return (y * y).sum()


@pytest.mark.parametrize("name", sorted(INPLACE_ON_VIEWS))
def test_inplace_on_views_gives_torchs_values_and_gradients(torch, name) -> None:
    (out, grad), (t_out, t_grad) = both(torch, INPLACE_ON_VIEWS[name])
    np.testing.assert_allclose(out, t_out, rtol=1e-12)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-12, atol=1e-12)


def test_issue_example_detach_mul_raises_as_torch(torch) -> None:
    messages = []
    for lib in (tg, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = w * 1
        y = (a * a).sum()
        a.detach().mul_(2)
        with pytest.raises(RuntimeError) as info:
            y.backward()
        messages.append(str(info.value))
    for m in messages:
        assert ("one of the variables needed for gradient computation has been modified by "
                "an inplace operation") in m
        assert "[3]], which is output 0 of Mul, is at version 1; expected version 0" in m


@pytest.mark.parametrize("alias", ["base", "view", "detach", "transpose", "expand_source",
                                   "reshape", "getitem"])
def test_modifying_a_saved_tensor_through_any_alias_raises(torch, alias) -> None:
    for lib in (tg, torch):
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        a = w * 1
        saved = a.T if alias == "transpose" else a
        y = (saved * saved).sum()  # Mul saves `saved`
        target = {"base": a, "view": a[0], "detach": a.detach(), "transpose": a,
                  "expand_source": a, "reshape": a.reshape(4), "getitem": a[:, 1]}[alias]
        with lib.no_grad():
            target.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


def test_data_changes_are_not_seen_by_the_version_counter(torch) -> None:
    for lib in (tg, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        a = w * 1
        y = (a * a).sum()
        a.data.mul_(2)  # unseen, as torch: backward uses the changed values
        y.backward()
        assert w.grad.tolist() == [4.0, 8.0]
        assert a._version == 0


def test_views_share_the_version_counter(torch) -> None:
    makers = {
        "getitem": lambda t: t[0], "slice": lambda t: t[:, 1:], "view": lambda t: t.view(6),
        "reshape": lambda t: t.reshape(3, 2), "transpose": lambda t: t.transpose(0, 1),
        "permute": lambda t: t.permute(1, 0), "T": lambda t: t.T, "mT": lambda t: t.mT,
        "expand": lambda t: t[:1].expand(4, 3), "unsqueeze": lambda t: t.unsqueeze(0),
        "squeeze": lambda t: t.unsqueeze(1).squeeze(1), "detach": lambda t: t.detach(),
        "scalar": lambda t: t[0, 0],
    }
    for name, make in makers.items():
        for lib in (tg, torch):
            base = lib.zeros(2, 3)
            view = make(base)
            assert np.shares_memory(np.asarray(view), np.asarray(base)), name
            base.add_(1)
            assert view._version == base._version == 1, (lib.__name__, name)
            if name != "expand":
                view.mul_(2)
                assert base._version == 2, (lib.__name__, name)
        assert tg.zeros(2, 3)[[0, 1]]._version == 0  # advanced indexing copies


def test_inplace_on_a_view_of_a_leaf_is_refused_as_torch(torch) -> None:
    for lib in (tg, torch):
        w = lib.ones(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad "
                                               "is being used in an in-place operation"):
            w[0].add_(1)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being "
                                               "used in an in-place operation"):
            w.add_(1)
        with lib.no_grad():
            w[0].add_(1)  # allowed outside recording, as optimizers do
        assert w.tolist()[0] == [2.0, 2.0, 2.0]


def test_trace_wiring_after_inplace_feeds_earlier_nodes_from_the_old_history() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y + 3
    y.add_(1)
    (_, parent), _ = z.grad_fn.edges
    assert type(parent).__name__ == "Mul"  # not the add_ node
    assert type(y.grad_fn).__name__ == "Add" and y.grad_fn.edges[0][1] is parent
    h = x * 1
    h[0] = 5.0
    assert type(h.grad_fn).__name__ == "CopySlices"
