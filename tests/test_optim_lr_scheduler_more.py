"""The newer schedulers (LambdaLR, MultiplicativeLR, LinearLR, ConstantLR, PolynomialLR,
CosineAnnealingWarmRestarts, CyclicLR, SequentialLR, ChainedScheduler) against torch:
identical lr (and momentum) sequences, closed forms, state_dict round trips."""

from __future__ import annotations

import warnings

import pytest
from test_optim_lr_scheduler import STEPS, groups_view, make_pair

from tensorgraph import optim


class Halving:
    """A picklable-state lambda object, as torch's state_dict supports."""

    def __init__(self):
        self.rate = 0.9

    def __call__(self, epoch):
        return self.rate ** epoch


SIMPLE = [
    ("LambdaLR", {"lr_lambda": lambda e: 0.95 ** e}),
    ("LambdaLR", {"lr_lambda": [lambda e: 1 / (e + 1), lambda e: 0.5 + 0.01 * e]}),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.97}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.8, "total_iters": 9}),
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 12}),
    ("PolynomialLR", {}),
    ("PolynomialLR", {"total_iters": 25, "power": 2.0}),
    ("CosineAnnealingWarmRestarts", {"T_0": 7}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}),
    ("CyclicLR", {"base_lr": [0.01, 0.02], "max_lr": 0.2, "step_size_up": 3,
                  "step_size_down": 5, "mode": "triangular2"}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range",
                  "gamma": 0.97, "base_momentum": 0.7, "max_momentum": 0.95}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "cycle_momentum": False,
                  "scale_fn": lambda x: 0.5 ** x, "scale_mode": "iterations"}),
]


def run_pair(opt, topt, sched, tsched, steps=STEPS):
    keys = ["lr", "momentum", "betas"]
    ours, theirs = [sched.get_last_lr()], [tsched.get_last_lr()]
    assert groups_view(opt, keys) == groups_view(topt, keys)
    for _ in range(steps):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        ours.append(sched.get_last_lr())
        theirs.append(tsched.get_last_lr())
        assert groups_view(opt, keys) == groups_view(topt, keys)
    assert ours == theirs
    return ours


@pytest.mark.parametrize("opt_name,opt_kwargs", [("SGD", {"lr": 0.1, "momentum": 0.9}),
                                                 ("Adam", {"lr": 0.1})])
@pytest.mark.parametrize("name,kwargs", SIMPLE,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SIMPLE)])
def test_lr_sequences_match_torch_exactly(torch, name, kwargs, opt_name, opt_kwargs):
    opt, topt = make_pair(torch, opt_name, opt_kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = getattr(optim.lr_scheduler, name)(opt, **kwargs)
        tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
        lrs = run_pair(opt, topt, sched, tsched)
    assert len({tuple(x) for x in lrs}) > 1  # the schedule moved


@pytest.mark.parametrize("name,kwargs", [s for s in SIMPLE if s[0] in (
    "LinearLR", "ConstantLR", "PolynomialLR", "CosineAnnealingWarmRestarts")])
def test_step_with_epoch_uses_torchs_closed_form(torch, name, kwargs):
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = getattr(optim.lr_scheduler, name)(opt, **kwargs)
        tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
        for epoch in [3, 10, 2, 17, 0, 30, 11.5 if "Warm" in name else 11]:
            sched.step(epoch)
            tsched.step(epoch)
            assert sched.get_last_lr() == tsched.get_last_lr(), epoch


def build_sequential(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.2, total_iters=4),
                                s.ExponentialLR(opt, gamma=0.9),
                                s.CosineAnnealingLR(opt, T_max=6)], milestones=[5, 15])


def build_chained(lib, opt):
    s = lib.optim.lr_scheduler
    return s.ChainedScheduler([s.ConstantLR(opt, factor=0.5, total_iters=3),
                               s.ExponentialLR(opt, gamma=0.9),
                               s.StepLR(opt, step_size=4, gamma=0.5)])


class TG:
    optim = optim


@pytest.mark.parametrize("build", [build_sequential, build_chained])
def test_composite_schedulers_match_torch(torch, build):
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1, "momentum": 0.9})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched, tsched = build(TG, opt), build(torch, topt)
        run_pair(opt, topt, sched, tsched, steps=10)
        state = sched.state_dict()
        run_pair(opt, topt, sched, tsched, steps=10)
        # a fresh composite restored from the state continues identically
        opt2, topt2 = make_pair(torch, "SGD", {"lr": 0.1, "momentum": 0.9})
        restored, tsched2 = build(TG, opt2), build(torch, topt2)
        restored.load_state_dict(state)
        tsched2.load_state_dict(tsched.state_dict())
        assert isinstance(state["_schedulers"], list)


def test_lambda_state_dict_keeps_callable_objects_state(torch):
    opt, _ = make_pair(torch, "SGD", {"lr": 0.1})
    fn = Halving()
    sched = optim.lr_scheduler.LambdaLR(opt, fn)
    fn.rate = 0.5
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.5}, {"rate": 0.5}]
    fn.rate = 0.9
    sched.load_state_dict(state)
    assert fn.rate == 0.5
    plain = optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()
    assert plain["lr_lambdas"] == [None, None]


def test_bad_arguments_raise_as_torch(torch):
    opt, topt = make_pair(torch, "SGD", {"lr": 0.1})
    s, ts = optim.lr_scheduler, torch.optim.lr_scheduler
    cases = [
        ("LinearLR", {"start_factor": 0}), ("LinearLR", {"end_factor": 2}),
        ("ConstantLR", {"factor": 2}), ("CosineAnnealingWarmRestarts", {"T_0": 0}),
        ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 0}),
        ("LambdaLR", {"lr_lambda": [lambda e: 1.0]}),
        ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "square"}),
    ]
    for name, kwargs in cases:
        with pytest.raises(ValueError):
            getattr(ts, name)(topt, **kwargs)
        with pytest.raises(ValueError):
            getattr(s, name)(opt, **kwargs)
    with pytest.raises(ValueError, match="milestone"):
        s.SequentialLR(opt, [s.ExponentialLR(opt, 0.9)], milestones=[3])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        s.ChainedScheduler([s.ReduceLROnPlateau(opt)])
    other, _ = make_pair(torch, "SGD", {"lr": 0.1})
    with pytest.raises(ValueError, match="same optimizer"):
        s.SequentialLR(opt, [s.ExponentialLR(opt, 0.9), s.ExponentialLR(other, 0.9)], [2])
    with pytest.raises(ValueError, match="momentum"):
        s.CyclicLR(optim.Adagrad(opt.param_groups[0]["params"]), 0.1, 1.0)
