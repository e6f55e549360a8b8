"""tg.optim.lr_scheduler against torch.optim.lr_scheduler: identical lr sequences."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import optim

STEPS = 40
SCHEDULES = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 30], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),  # 40 steps: two full periods
    ("CosineAnnealingLR", {"T_max": 7}),
    ("OneCycleLR", {"max_lr": [0.5, 0.2], "total_steps": STEPS}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": STEPS, "anneal_strategy": "linear",
                    "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0}),
    ("OneCycleLR", {"max_lr": 0.3, "epochs": 4, "steps_per_epoch": 10, "three_phase": True,
                    "base_momentum": [0.8, 0.7], "max_momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": STEPS, "cycle_momentum": False}),
]


def make_pair(torch, opt_name, opt_kwargs):
    """A tg optimizer and a torch optimizer with two param groups of different lrs."""
    ps = [tg.tensor(np.ones(3), requires_grad=True) for _ in range(2)]
    tps = [torch.ones(3, dtype=torch.float64, requires_grad=True) for _ in range(2)]
    opt = getattr(optim, opt_name)([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}],
                                   **opt_kwargs)
    topt = getattr(torch.optim, opt_name)([{"params": tps[:1]}, {"params": tps[1:],
                                                                  "lr": 0.05}], **opt_kwargs)
    return opt, topt


def groups_view(opt, keys):
    return [[g.get(k) for k in keys] for g in opt.param_groups]


@pytest.mark.parametrize("opt_name,opt_kwargs", [("SGD", {"lr": 0.1, "momentum": 0.9}),
                                                 ("Adam", {"lr": 0.1})])
@pytest.mark.parametrize("name,kwargs", SCHEDULES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_lr_sequence_matches_torch_exactly(torch, name, kwargs, opt_name, opt_kwargs):
    opt, topt = make_pair(torch, opt_name, opt_kwargs)
    sched = getattr(optim.lr_scheduler, name)(opt, **kwargs)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    keys = ["lr", "momentum", "betas"]
    seen = [sched.get_last_lr()]
    assert sched.get_last_lr() == tsched.get_last_lr()
    for _ in range(STEPS):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        assert sched.get_last_lr() == tsched.get_last_lr()  # exact: same float arithmetic
        assert groups_view(opt, keys) == groups_view(topt, keys)
        seen.append(sched.get_last_lr())
    assert len({tuple(s) for s in seen}) > 2  # the schedule moved


def test_one_cycle_refuses_to_run_past_total_steps(torch):
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1, "momentum": 0.9})
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    tsched = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
    with pytest.raises(ValueError, match="total_steps is 3"):
        sched.step()
    with pytest.raises(ValueError):
        tsched.step()


@pytest.mark.parametrize("kwargs", [
    {"patience": 2},
    {"patience": 1, "cooldown": 2, "factor": 0.5, "min_lr": [0.01, 0.002]},
    {"patience": 0, "threshold": 0.05, "threshold_mode": "abs", "min_lr": 0.004},
    {"mode": "max", "patience": 1, "factor": 0.2},
    {"mode": "max", "patience": 2, "threshold_mode": "abs", "threshold": 0.01, "eps": 0.02},
])
def test_reduce_on_plateau_matches_torch(torch, kwargs):
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.899, 0.89, 0.95, 0.96, 0.97, 0.8, 0.8, 0.81,
               0.79, 0.79, 0.79, 0.79, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.6, 0.61,
               0.62, 0.61, 0.6, 0.6, 0.6, 0.5, 0.5]
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1})
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    lrs = []
    for m in metrics:
        sched.step(tg.tensor(m, dtype=tg.float64))  # a 0-d Tensor works as a metric
        tsched.step(m)
        assert sched.get_last_lr() == tsched.get_last_lr()
        assert (sched.num_bad_epochs, sched.cooldown_counter, sched.best) == \
            (tsched.num_bad_epochs, tsched.cooldown_counter, tsched.best)
        lrs.append(sched.get_last_lr()[0])
    assert len(set(lrs)) > 1  # it did reduce


@pytest.mark.parametrize("name,kwargs", [("StepLR", {"step_size": 3, "gamma": 0.5}),
                                         ("MultiStepLR", {"milestones": [2, 5, 5]}),
                                         ("ExponentialLR", {"gamma": 0.8}),
                                         ("CosineAnnealingLR", {"T_max": 6})])
def test_step_with_epoch_uses_the_closed_form(torch, name, kwargs):
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1})
    sched = getattr(optim.lr_scheduler, name)(opt, **kwargs)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (4, 9, 2, 13):
            sched.step(epoch)
            tsched.step(epoch)
            np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-15)


def test_scheduler_state_dict_round_trip(tmp_path):
    def build():
        opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
        return opt, optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6, 6], gamma=0.5)

    opt, sched = build()
    for _ in range(4):
        opt.step()
        sched.step()
    tg.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.npz")
    ckpt = tg.load(tmp_path / "s.npz")
    opt2, sched2 = build()
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    for _ in range(5):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
    assert math.isclose(sched.get_last_lr()[0], 0.1 * 0.5 ** 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched2.step(7)  # the closed form needs the Counter back after loading
    assert math.isclose(sched2.get_last_lr()[0], 0.1 * 0.5 ** 3)


def test_plateau_state_dict_round_trip_through_file(tmp_path):
    opt = optim.Adam([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1)
    for m in (1.0, 1.0, 1.0):
        sched.step(m)
    tg.save(sched.state_dict(), tmp_path / "p.npz")
    other = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=5)
    other.load_state_dict(tg.load(tmp_path / "p.npz"))
    assert (other.patience, other.best, other.num_bad_epochs) == (1, 1.0, 0)


def test_scheduler_stepped_before_optimizer_warns():
    opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before optimizer.step"):
        sched.step()


@pytest.mark.parametrize("make,exc,match", [
    (lambda o: optim.lr_scheduler.StepLR("not an optimizer", 3), TypeError, "optimizer"),
    (lambda o: optim.lr_scheduler.StepLR(o, 0), ValueError, "step_size"),
    (lambda o: optim.lr_scheduler.OneCycleLR(o, max_lr=0.1), ValueError, "total_steps"),
    (lambda o: optim.lr_scheduler.OneCycleLR(o, max_lr=[0.1, 0.2], total_steps=5),
     ValueError, "one value per param group"),
    (lambda o: optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=5,
                                             anneal_strategy="exp"), ValueError, "cos"),
    (lambda o: optim.lr_scheduler.ReduceLROnPlateau(o, factor=1.5), ValueError, "< 1"),
    (lambda o: optim.lr_scheduler.ReduceLROnPlateau(o, mode="up"), ValueError, "'min'"),
    (lambda o: optim.lr_scheduler.ExponentialLR(o, 0.9, last_epoch=3), KeyError,
     "initial_lr"),
])
def test_scheduler_errors(make, exc, match):
    opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(exc, match=match):
        make(opt)


def test_one_cycle_needs_momentum_or_betas():
    opt = optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1)
    del opt.defaults["momentum"]
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5)
