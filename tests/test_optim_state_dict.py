"""Optimizer state_dict: torch's layout, copies not references, resuming equals an
uninterrupted run, loading casts and checks; nn.Module training matches torch."""

from __future__ import annotations

import numpy as np
import pytest
from optim_cases import INIT, X, Y, run_tg, run_torch, tg_params, torch_params

import tensorgraph as tg
from tensorgraph import optim


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
