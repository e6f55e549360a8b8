"""optimizer.load_state_dict refuses another optimizer's state dict at load, naming what
differs (SGD's into Adam, Adam's into SGD, different parameter or group counts)."""

from __future__ import annotations

import pytest

import tensorgraph as tg

# ------------------------------------------- another optimizer's state dict is refused

def _stepped(make):
    w = tg.zeros(3, requires_grad=True)
    opt = make([w])
    w.grad = tg.ones(3)
    opt.step()
    return w, opt


@pytest.mark.parametrize("src,dst,says", [
    (lambda p: tg.optim.SGD(p, lr=0.1, momentum=0.9), tg.optim.Adam, "lacks Adam's"),
    (tg.optim.Adam, lambda p: tg.optim.SGD(p, lr=0.1), "lacks SGD's"),
    (tg.optim.Adam, lambda p: tg.optim.SGD(p, lr=0.1, momentum=0.9), "lacks SGD's"),
    (tg.optim.RMSprop, tg.optim.Adam, "lacks Adam's"),
])
def test_another_optimizers_state_dict_is_refused_at_load(src, dst, says):
    _, source = _stepped(src)
    w, target = _stepped(dst)
    before = target.state_dict()
    with pytest.raises(ValueError, match=says):
        target.load_state_dict(source.state_dict())
    after = target.state_dict()  # refused before anything changed
    assert after["param_groups"] == before["param_groups"]
    assert after["state"].keys() == before["state"].keys()
    for k, entry in before["state"].items():
        assert entry.keys() == after["state"][k].keys()
    w.grad = tg.ones(3)
    target.step()  # and it still steps with its own state


def test_foreign_per_parameter_state_is_named():
    _, sgd = _stepped(lambda p: tg.optim.SGD(p, lr=0.1, momentum=0.9))
    _, adam = _stepped(tg.optim.Adam)
    sd = adam.state_dict()
    sd["state"] = sgd.state_dict()["state"]  # Adam's groups, SGD's buffers
    with pytest.raises(ValueError, match=r"keys \['momentum_buffer'\], but Adam keeps "
                                         r"\['exp_avg', 'exp_avg_sq', 'step'\].*looks like SGD"):
        adam.load_state_dict(sd)


def test_an_older_save_missing_a_new_hyperparameter_still_loads():
    _, adam = _stepped(tg.optim.Adam)
    sd = adam.state_dict()
    del sd["param_groups"][0]["decoupled_weight_decay"]
    sd["param_groups"][0]["initial_lr"] = 1e-3  # what a scheduler adds
    adam.load_state_dict(sd)
    assert adam.param_groups[0]["decoupled_weight_decay"] is False


def test_different_param_and_group_counts_are_named():
    _, adam = _stepped(tg.optim.Adam)
    other = tg.optim.Adam([tg.zeros(2, requires_grad=True), tg.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="group 0 has 1 parameters but the optimizer's group 0 "
                                         "has 2"):
        other.load_state_dict(adam.state_dict())
    two = tg.optim.Adam([{"params": [tg.zeros(3, requires_grad=True)]},
                         {"params": [tg.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="1 parameter groups but the optimizer has 2"):
        two.load_state_dict(adam.state_dict())
