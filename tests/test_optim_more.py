"""Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS against torch.optim (same weights,
same gradients, trajectories to ~1e-12 in float64), and torch's implementation switches
(foreach / fused / capturable / differentiable) on every optimizer."""

from __future__ import annotations

import numpy as np
import pytest
import test_optim as base
from optim_cases import (
    STEPS,
    run_tg,
    run_torch,
    tg_loss,
    tg_params,
    torch_loss,
    torch_params,
)

import tensorgraph as tg
from tensorgraph import optim

CONFIGS = [
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.05,
                 "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.05, "eps": 1e-6, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 0.5, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "maximize": True}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
    ("ASGD", {}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.02, "t0": 0, "maximize": True}),
]
IDS = [f"{name}-" + "-".join(f"{k}={v}" for k, v in kw.items()) for name, kw in CONFIGS]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_new_optimizers_float64(torch, name, kwargs):
    base.test_trajectory_matches_torch_float64(torch, name, kwargs)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_new_optimizers_float32(torch, name, kwargs):
    base.test_float32_stays_float32_and_tracks_torch(torch, name, kwargs)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_new_optimizers_step_in_place(name, kwargs):
    base.test_step_allocates_no_arrays(name, kwargs)


ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
       "Rprop", "ASGD"]


@pytest.mark.parametrize("name", ALL)
def test_defaults_have_torchs_keys_and_switches_change_nothing(torch, name):
    params, tparams = tg_params(), torch_params(torch)
    lr = {"lr": 0.01}
    opt, topt = getattr(optim, name)(params, **lr), getattr(torch.optim, name)(tparams, **lr)
    assert set(opt.defaults) == set(topt.defaults)
    assert set(opt.param_groups[0]) - {"params"} == set(topt.param_groups[0]) - {
        "params", "initial_lr"}
    flagged_params = tg_params()
    flags = {"foreach": True}
    if "capturable" in topt.defaults:
        flags["capturable"] = True
    flagged = getattr(optim, name)(flagged_params, **lr, **flags)
    np.testing.assert_array_equal(run_tg(opt, params, 5), run_tg(flagged, flagged_params, 5))
    if "fused" in topt.defaults:
        fused_params = tg_params()
        fused = getattr(optim, name)(fused_params, lr=0.01, fused=True)
        run_tg(fused, fused_params, 5)
        np.testing.assert_array_equal(fused_params[0].array, params[0].array)
        with pytest.raises(RuntimeError, match="together"):
            getattr(optim, name)(tg_params(), lr=0.01, fused=True, foreach=True)
    with pytest.raises(NotImplementedError, match="differentiable"):
        getattr(optim, name)(tg_params(), lr=0.01, differentiable=True)


@pytest.mark.parametrize("name,kwargs", [("Rprop", {}), ("ASGD", {"t0": 2})])
def test_rprop_asgd_state_matches_torch_and_loads_from_it(torch, name, kwargs):
    """The per-parameter state (Rprop's prev/step_size, ASGD's eta/mu/ax) is torch's
    after a few steps, and torch's optimizer state_dict loads and continues alike."""
    params, tparams = tg_params(), torch_params(torch)
    opt, topt = getattr(optim, name)(params, **kwargs), getattr(torch.optim, name)(tparams, **kwargs)
    run_tg(opt, params, 4), run_torch(torch, topt, tparams, 4)
    mine, theirs = opt.state_dict(), topt.state_dict()
    assert mine["param_groups"][0].keys() == theirs["param_groups"][0].keys()
    for k, v in theirs["state"][1].items():
        np.testing.assert_allclose(np.asarray(mine["state"][1][k]), v.numpy(), rtol=1e-12)
    resumed = tg_params([p.detach().numpy() for p in tparams])
    again = getattr(optim, name)(resumed, **kwargs)
    again.load_state_dict({"state": {i: {k: v.numpy() for k, v in st.items()}
                                     for i, st in theirs["state"].items()},
                           "param_groups": theirs["param_groups"]})
    np.testing.assert_allclose(run_tg(again, resumed, 3), run_torch(torch, topt, tparams, 3),
                               rtol=1e-12)


def test_adagrad_state_exists_at_construction(torch):
    w, tw = tg_params()[0], torch_params(torch)[0]
    opt = optim.Adagrad([w], initial_accumulator_value=0.5)
    topt = torch.optim.Adagrad([tw], initial_accumulator_value=0.5)
    assert set(opt.state[w]) == set(topt.state[tw]) == {"step", "sum"}
    np.testing.assert_array_equal(opt.state[w]["sum"].array, topt.state[tw]["sum"].numpy())


def test_nadam_mu_product_rounds_like_torch_in_float64_default(torch):
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        base.test_trajectory_matches_torch_float64(torch, "NAdam", {"lr": 0.02})
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("kwargs", [
    {},
    {"lr": 0.5, "max_iter": 5},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.8, "history_size": 3, "max_iter": 7, "line_search_fn": "strong_wolfe"},
])
def test_lbfgs_matches_torch(torch, kwargs):
    params, tparams = tg_params(), torch_params(torch)
    opt, topt = optim.LBFGS(params, **kwargs), torch.optim.LBFGS(tparams, **kwargs)

    def closure():
        opt.zero_grad()
        loss = tg_loss(params)
        loss.backward()
        return loss

    def tclosure():
        topt.zero_grad()
        loss = torch_loss(torch, tparams)
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(4)]
    tlosses = [topt.step(tclosure).item() for _ in range(4)]
    np.testing.assert_allclose(losses, tlosses, rtol=1e-10, atol=1e-12)
    assert losses[-1] < losses[0]
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.array, tp.detach().numpy(), rtol=1e-9, atol=1e-11)
    state, tstate = opt.state[params[0]], topt.state[tparams[0]]
    assert (state["func_evals"], state["n_iter"]) == (tstate["func_evals"], tstate["n_iter"])


def test_lbfgs_refuses_groups_and_missing_closure():
    params = tg_params()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": params[:1]}, {"params": params[1:]}])
    with pytest.raises(RuntimeError, match="closure"):
        optim.LBFGS(params).step(None)


def test_add_param_group_on_new_optimizers(torch):
    params, tparams = tg_params(), torch_params(torch)
    opt, topt = optim.NAdam(params[:2], lr=0.01), torch.optim.NAdam(tparams[:2], lr=0.01)
    run_tg(opt, params, 3)
    run_torch(torch, topt, tparams, 3)
    opt.add_param_group({"params": [params[2]], "lr": 0.02})
    topt.add_param_group({"params": [tparams[2]], "lr": 0.02})
    np.testing.assert_allclose(run_tg(opt, params, STEPS),
                               run_torch(torch, topt, tparams, STEPS), rtol=1e-12)


def test_lbfgs_state_dict_round_trip_continues_identically(tmp_path):
    def setup():
        params = tg_params()
        opt = optim.LBFGS(params, max_iter=4, history_size=3)

        def closure():
            opt.zero_grad()
            loss = tg_loss(params)
            loss.backward()
            return loss

        return params, opt, closure

    _, opt, closure = setup()
    opt.step(closure)
    tg.save(opt.state_dict(), tmp_path / "lbfgs.npz")
    expected = [opt.step(closure).item() for _ in range(2)]
    params2, opt2, closure2 = setup()
    # restart from the saved point: weights after the first step, then the optimizer state
    params_ref, opt_ref, closure_ref = setup()
    opt_ref.step(closure_ref)
    for p, q in zip(params2, params_ref):
        p.array[...] = q.array
    opt2.load_state_dict(tg.load(tmp_path / "lbfgs.npz"))
    assert [opt2.step(closure2).item() for _ in range(2)] == expected
    other = optim.LBFGS([tg.tensor(np.ones(1), requires_grad=True) for _ in range(3)])
    with pytest.raises(ValueError, match="different model"):
        other.load_state_dict(opt.state_dict())
