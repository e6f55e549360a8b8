"""tg.optim against torch.optim: same weights, same gradients, same trajectories
(state_dict and resume: test_optim_state_dict.py)."""

from __future__ import annotations

import numpy as np
import pytest
from optim_cases import (
    CONFIGS,
    IDS,
    INIT,
    STEPS,
    run,
    run_tg,
    run_torch,
    tg_loss,
    tg_params,
    torch_params,
)

import tensorgraph as tg
from tensorgraph import optim


# ----------------------------------------------------------------- trajectories
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_trajectory_matches_torch_float64(torch, name, kwargs):
    params, tparams = tg_params(), torch_params(torch)
    losses = run_tg(getattr(optim, name)(params, **kwargs), params, STEPS)
    tlosses = run_torch(torch, getattr(torch.optim, name)(tparams, **kwargs), tparams, STEPS)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-12, atol=1e-13)
    assert losses[0] != losses[-1]  # the run moved
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_float32_stays_float32_and_tracks_torch(torch, name, kwargs):
    params, tparams = tg_params(dtype=np.float32), torch_params(torch, dtype=np.float32)
    opt = getattr(optim, name)(params, **kwargs)
    losses = run_tg(opt, params, 10, dtype=np.float32)
    tlosses = run_torch(torch, getattr(torch.optim, name)(tparams, **kwargs), tparams, 10)
    for p, tp in zip(params, tparams):
        assert p.dtype == np.float32 and p.grad.dtype == np.float32
        for value in opt.state[p].values():
            if isinstance(value, tg.Tensor):
                assert value.dtype == np.float32
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-4)
    for buf in opt._workspace.values():
        assert buf.dtype == np.float32


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_step_allocates_no_arrays(name, kwargs):
    """After the first step (which creates the state), updates run in place: no
    parameter-sized temporary, in float32 or float64."""
    import tracemalloc

    params = [tg.randn(256, 256, requires_grad=True), tg.randn(256, dtype=tg.float64,
                                                                 requires_grad=True)]
    for p in params:
        p.grad = tg.randn(*p.shape, dtype=p.dtype)
    opt = getattr(optim, name)(params, **kwargs)
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < params[1].array.nbytes  # a few hundred bytes of Python objects


def test_param_groups_with_different_hyperparameters(torch):
    def groups(ps):
        return [{"params": ps[:2], "lr": 0.1}, {"params": [ps[2]], "lr": 0.01, "momentum": 0.5}]

    params, tparams = tg_params(), torch_params(torch)
    opt = optim.SGD(groups(params), lr=0.5, momentum=0.9, nesterov=True)
    topt = torch.optim.SGD(groups(tparams), lr=0.5, momentum=0.9, nesterov=True)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert opt.param_groups[1]["nesterov"] is True  # defaults fill what a group leaves out
    np.testing.assert_allclose(run_tg(opt, params, STEPS),
                               run_torch(torch, topt, tparams, STEPS), rtol=1e-12)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-11, atol=1e-13)


def test_add_param_group_and_changing_lr_midway(torch):
    params, tparams = tg_params(), torch_params(torch)
    opt = optim.Adam(params[:2], lr=0.01)
    topt = torch.optim.Adam(tparams[:2], lr=0.01)
    run_tg(opt, params, 5)
    run_torch(torch, topt, tparams, 5)
    opt.add_param_group({"params": params[2], "lr": 0.05, "amsgrad": True})
    topt.add_param_group({"params": tparams[2], "lr": 0.05, "amsgrad": True})
    opt.param_groups[0]["lr"] = topt.param_groups[0]["lr"] = 0.003
    np.testing.assert_allclose(run_tg(opt, params, 10), run_torch(torch, topt, tparams, 10),
                               rtol=1e-12)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-11, atol=1e-13)


def test_params_without_grad_are_skipped():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    assert b.tolist() == [3.0, 4.0] and b not in opt.state
    assert a.tolist() != [1.0, 2.0] and opt.state[a]["step"] == 1


def test_step_runs_the_closure_and_returns_its_loss():
    params = tg_params()
    opt = optim.SGD(params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = tg_loss(params)
        loss.backward()
        return loss

    first = opt.step(closure).item()
    assert opt.step(closure).item() < first


def test_step_marks_params_modified_for_saved_graphs():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    (w * 3).sum().backward()
    optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified|in-place|inplace"):
        y.backward()


# ----------------------------------------------------------------- zero_grad
def test_zero_grad_set_to_none():
    params = tg_params()
    opt = optim.SGD(params, lr=0.1)
    tg_loss(params).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_in_place_then_accumulates():
    params = tg_params()
    opt = optim.SGD(params, lr=0.1)
    tg_loss(params).backward()
    first = [p.grad.array.copy() for p in params]
    arrays = [p.grad.array for p in params]
    opt.zero_grad(set_to_none=False)
    assert all(p.grad.array is a and not a.any() for p, a in zip(params, arrays))
    tg_loss(params).backward()
    for p, g in zip(params, first):
        np.testing.assert_array_equal(p.grad.array, g)


# ----------------------------------------------------------------- errors that teach
def test_empty_parameter_list():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam(iter([]))


def test_generator_of_params_is_taken_once():
    params = tg_params()
    opt = optim.SGD((p for p in params), lr=0.1)
    kept = opt.param_groups[0]["params"]
    assert len(kept) == 3 and all(a is b for a, b in zip(kept, params))
    tg_loss(params).backward()
    opt.step()  # the group still holds all three after the generator is spent
    assert all(not np.array_equal(p.array, a) for p, a in zip(params, INIT))


def test_non_leaf_and_no_grad_params_are_refused():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf.*detach"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="requires grad"):
        optim.SGD([tg.tensor([1.0, 2.0])], lr=0.1)
    frozen = tg.tensor([1.0])  # a frozen tensor among trainable ones is fine, as in torch
    optim.SGD([w, frozen], lr=0.1)


@pytest.mark.parametrize("bad,match", [
    (lambda w: w, "single Tensor.*list"),
    (lambda w: {w}, "ordered|list"),
    (lambda w: [w, 3.0], "only optimize Tensors.*float"),
    (lambda w: [{"params": [w]}, {"params": [w]}], "more than one parameter group"),
    (lambda w: [w, w], "twice"),
    (lambda w: [tg.tensor([1, 2])], "floating point"),
])
def test_bad_params(bad, match):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((TypeError, ValueError), match=match):
        optim.SGD(bad(w), lr=0.1)


@pytest.mark.parametrize("make,match", [
    (lambda p: optim.SGD(p, lr=-0.1), "learning rate"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "momentum"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov.*momentum"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "zero dampening"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "betas"),
    (lambda p: optim.Adam(p, betas=(0.9,)), "betas"),
    (lambda p: optim.AdamW(p, eps=-1e-8), "epsilon"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "alpha"),
    (lambda p: optim.RMSprop(p, lr=float("nan")), "learning rate"),
])
def test_invalid_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make([tg.tensor([1.0], requires_grad=True)])


def test_gradient_of_wrong_shape_is_reported():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    # As torch, the assignment itself is refused (before any optimizer sees it).
    with pytest.raises(RuntimeError, match=r"size '\[3\]' to a tensor of size '\[2\]'"):
        w.grad = tg.tensor([1.0, 2.0, 3.0])


def test_repr_lists_groups():
    text = repr(optim.SGD([{"params": tg_params()[:1]}, {"params": tg_params()[1:], "lr": 1}],
                          lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 1" in text and "lr: 1" in text
