"""tg.optim against torch.optim: same weights, same gradients, same trajectories."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import optim

# A small float64 regression MLP built from raw tensors: tanh(x @ W1 + b1) @ W2, MSE.
_rng = np.random.default_rng(1234)
X = _rng.standard_normal((16, 5))
Y = _rng.standard_normal((16, 2))
INIT = [_rng.standard_normal((5, 8)) * 0.5, _rng.standard_normal(8) * 0.1,
        _rng.standard_normal((8, 2)) * 0.5]
STEPS = 30

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.01, "maximize": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1,
             "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-6, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "centered": True, "momentum": 0.5,
                 "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "eps": 1e-4, "maximize": True}),
]
IDS = [f"{name}-" + "-".join(f"{k}={v}" for k, v in kw.items()) for name, kw in CONFIGS]


def tg_params(init=INIT, dtype=np.float64):
    return [tg.tensor(a.astype(dtype), requires_grad=True) for a in init]


def tg_loss(params, dtype=np.float64):
    w1, b1, w2 = params
    x, y = tg.tensor(X.astype(dtype)), tg.tensor(Y.astype(dtype))
    return (((x @ w1 + b1).tanh() @ w2 - y) ** 2).mean()


def torch_loss(torch, params):
    w1, b1, w2 = params
    dtype = w1.dtype
    x, y = torch.tensor(X, dtype=dtype), torch.tensor(Y, dtype=dtype)
    return (((x @ w1 + b1).tanh() @ w2 - y) ** 2).mean()


def run(opt, loss_fn, steps, sched=None):
    """``steps`` training steps (zero_grad, backward, step, scheduler step); the losses."""
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
    return losses


def run_tg(opt, params, steps, sched=None, dtype=np.float64):
    return run(opt, lambda: tg_loss(params, dtype), steps, sched)


def run_torch(torch, opt, params, steps, sched=None):
    return run(opt, lambda: torch_loss(torch, params), steps, sched)


def torch_params(torch, init=INIT, dtype=np.float64):
    return [torch.tensor(a.astype(dtype), requires_grad=True) for a in init]


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


# ----------------------------------------------------------------- state_dict and resume
def test_state_dict_layout_matches_torch(torch):
    params, tparams = tg_params(), torch_params(torch)
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.5}]
    tgroups = [{"params": tparams[:1]}, {"params": tparams[1:], "lr": 0.5}]
    opt, topt = optim.Adam(groups, amsgrad=True), torch.optim.Adam(tgroups, amsgrad=True)
    run_tg(opt, params, 3)
    run_torch(torch, topt, tparams, 3)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2]]
    assert [g["params"] for g in tsd["param_groups"]] == [[0], [1, 2]]
    assert sorted(sd["state"]) == sorted(tsd["state"]) == [0, 1, 2]
    for i, entry in sd["state"].items():
        assert list(entry) == list(tsd["state"][i])
        assert entry["step"] == int(tsd["state"][i]["step"]) == 3
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            np.testing.assert_allclose(entry[key].array, tsd["state"][i][key].numpy(),
                                       rtol=1e-12, atol=1e-15)
    for g, tgrp in zip(sd["param_groups"], tsd["param_groups"]):
        assert {k: g[k] for k in ("lr", "betas", "eps", "weight_decay", "amsgrad")} == \
            {k: tgrp[k] for k in ("lr", "betas", "eps", "weight_decay", "amsgrad")}


def test_state_dict_holds_copies():
    params = tg_params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    run_tg(opt, params, 2)
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"].array[...] = 0
    sd["param_groups"][0]["lr"] = 99.0
    assert opt.state[params[0]]["momentum_buffer"].array.any()
    assert opt.param_groups[0]["lr"] == 0.1
    opt.load_state_dict(sd)
    sd["state"][1]["momentum_buffer"].array[...] = 0  # loading copied, too
    assert opt.state[params[1]]["momentum_buffer"].array.any()
    assert opt.param_groups[0]["lr"] == 99.0


RESUME = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
     "StepLR", {"step_size": 4, "gamma": 0.5}),
    ("Adam", {"lr": 0.01, "amsgrad": True}, "OneCycleLR", {"max_lr": 0.05, "total_steps": 20}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}, "CosineAnnealingLR", {"T_max": 6}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True}, "ExponentialLR",
     {"gamma": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}, "OneCycleLR",
     {"max_lr": 0.2, "total_steps": 20, "three_phase": True, "anneal_strategy": "linear"}),
]


@pytest.mark.parametrize("name,kwargs,sched_name,sched_kwargs", RESUME,
                         ids=[f"{r[0]}-{r[2]}" for r in RESUME])
@pytest.mark.parametrize("via_file", [False, True], ids=["in-memory", "tg.save"])
def test_resume_equals_uninterrupted_run(tmp_path, name, kwargs, sched_name, sched_kwargs,
                                         via_file):
    def build(init):
        params = tg_params(init)
        opt = getattr(optim, name)(params, **kwargs)
        sched = getattr(optim.lr_scheduler, sched_name)(opt, **sched_kwargs)
        return params, opt, sched

    params, opt, sched = build(INIT)
    full = run_tg(opt, params, 20, sched)

    params, opt, sched = build(INIT)
    first = run_tg(opt, params, 10, sched)
    ckpt = {"params": [p.detach() for p in params], "optim": opt.state_dict(),
            "sched": sched.state_dict(), "step": 10}
    if via_file:
        tg.save(ckpt, tmp_path / "ckpt.npz")
        ckpt = tg.load(tmp_path / "ckpt.npz")
    del params, opt, sched
    params, opt, sched = build([t.numpy() for t in ckpt["params"]])
    opt.load_state_dict(ckpt["optim"])
    sched.load_state_dict(ckpt["sched"])
    rest = run_tg(opt, params, 20 - ckpt["step"], sched)

    assert first + rest == full  # exactly, not approximately
    fresh = build(INIT)
    run_tg(fresh[1], fresh[0], 20, fresh[2])
    for p, q in zip(params, fresh[0]):
        np.testing.assert_array_equal(p.array, q.array)


def test_load_state_dict_casts_buffers_to_param_dtype():
    params = tg_params()
    opt = optim.Adam(params)
    run_tg(opt, params, 2)
    sd = opt.state_dict()
    params32 = tg_params(dtype=np.float32)
    opt32 = optim.Adam(params32)
    opt32.load_state_dict(sd)
    assert all(opt32.state[p]["exp_avg"].dtype == np.float32 for p in params32)
    run_tg(opt32, params32, 2, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in params32)
    assert opt32.state[params32[0]]["step"] == 4


@pytest.mark.parametrize("edit,match", [
    (lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0])),
     "2 parameter groups but the optimizer has 1"),
    (lambda sd: sd["param_groups"][0]["params"].pop(), "has 2 parameters .* has 3"),
    (lambda sd: sd["state"][0].__setitem__("momentum_buffer", tg.zeros(4, 4)),
     r"shape \(4, 4\) but its parameter has shape \(5, 8\)"),
    (lambda sd: sd.pop("state"), "'state' and 'param_groups'"),
    (lambda sd: sd["state"].__setitem__(7, {}), "parameter 7"),
])
def test_load_state_dict_mismatch(edit, match):
    params = tg_params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    run_tg(opt, params, 1)
    sd = opt.state_dict()
    edit(sd)
    with pytest.raises(ValueError, match=match):
        optim.SGD(tg_params(), lr=0.1, momentum=0.9).load_state_dict(sd)


def test_named_parameters_keep_their_names():
    named = list(zip(["w1", "b1", "w2"], tg_params()))
    opt = optim.SGD(named, lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w1", "b1", "w2"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w1", "b1", "w2"]
    with pytest.raises(ValueError, match="with names"):
        optim.SGD([named[0], named[1][1]], lr=0.1)


def test_nn_module_training_matches_torch(torch):
    """Parameters of tg.nn layers (nn.Parameter) train exactly as torch's, with a schedule."""
    nn = pytest.importorskip("tensorgraph.nn")
    tmodel = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(),
                                 torch.nn.Linear(8, 2)).double()
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)).double()
    model.load_state_dict({k: tg.tensor(v.numpy()) for k, v in tmodel.state_dict().items()})
    opt = optim.AdamW(model.named_parameters(), lr=0.01, amsgrad=True)
    topt = torch.optim.AdamW(tmodel.named_parameters(), lr=0.01, amsgrad=True)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=25)
    tsched = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.05, total_steps=25)
    x, y = tg.tensor(X), tg.tensor(Y)
    tx, ty = torch.tensor(X), torch.tensor(Y)
    for _ in range(25):
        opt.zero_grad()
        topt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        tloss = ((tmodel(tx) - ty) ** 2).mean()
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
    assert opt.state_dict()["param_groups"][0]["param_names"] == \
        topt.state_dict()["param_groups"][0]["param_names"]
    for (name, p), (tname, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-11, atol=1e-13)

