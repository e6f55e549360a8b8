"""tg.nn.init (gains, fans, distributions), default layer init, and tg.nn.utils."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import nn
from tensorgraph.nn import init


# ---------------------------------------------------------------- gains and fans
@pytest.mark.parametrize("name,param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None),
])
def test_calculate_gain_matches_torch(torch, name, param):
    assert init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param), rel=1e-12)


def test_calculate_gain_rejects_unknown():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(5, 3), (8, 4, 3, 3), (2, 6, 1, 5), (7, 2, 4)])
def test_fans_match_torch(torch, shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init._calculate_fan_in_and_fan_out(tg.zeros(*shape)) == expected


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.kaiming_uniform_(tg.zeros(5))


# ---------------------------------------------------------------- distributions
SHAPE = (256, 128, 3, 3)  # fan_in 1152, fan_out 2304, 295k samples: tight statistics
FAN_IN, FAN_OUT = 128 * 9, 256 * 9


def _stats(t: tg.Tensor) -> tuple[float, float, float]:
    a = t.array.astype(np.float64)
    return a.mean(), a.std(), np.abs(a).max()


@pytest.mark.parametrize("fn,kwargs,std,bound", [
    (init.kaiming_uniform_, {"nonlinearity": "relu"}, math.sqrt(2 / FAN_IN),
     math.sqrt(6 / FAN_IN)),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, math.sqrt(1 / 3 / FAN_IN),
     1 / math.sqrt(FAN_IN)),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"},
     math.sqrt(2 / FAN_OUT), math.sqrt(6 / FAN_OUT)),
    (init.kaiming_normal_, {"nonlinearity": "relu"}, math.sqrt(2 / FAN_IN), None),
    (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "leaky_relu", "a": 0.1},
     math.sqrt(2 / 1.01) / math.sqrt(FAN_OUT), None),
    (init.xavier_uniform_, {}, math.sqrt(2 / (FAN_IN + FAN_OUT)),
     math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.xavier_uniform_, {"gain": 5 / 3}, 5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)),
     5 / 3 * math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal_, {"gain": 2.0}, 2 * math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
])
def test_init_statistics_follow_the_rules(torch, fn, kwargs, std, bound):
    w = tg.zeros(*SHAPE)
    assert fn(w, **kwargs) is w and w.dtype == tg.float32
    mean, s, top = _stats(w)
    assert abs(mean) < 4 * std / math.sqrt(w.numel())
    assert s == pytest.approx(std, rel=0.01)
    if bound is not None:
        assert top <= bound and top > 0.99 * bound
    # torch's own draw has the same spread
    tw = torch.empty(SHAPE)
    getattr(torch.nn.init, fn.__name__)(tw, **kwargs)
    assert s == pytest.approx(float(tw.std()), rel=0.02)


def test_simple_fills_in_place_and_seeded():
    t = tg.zeros(3, 4, dtype=tg.float64)
    data = t.array
    assert init.constant_(t, 0.5) is t and (t.array == 0.5).all() and t.array is data
    assert (init.ones_(t).array == 1).all() and not init.zeros_(t).array.any()
    assert (init.eye_(t).array == np.eye(3, 4)).all()
    tg.manual_seed(3)
    a = init.normal_(tg.zeros(1000), 2.0, 0.5).array.copy()
    tg.manual_seed(3)
    b = init.normal_(tg.zeros(1000), 2.0, 0.5).array
    np.testing.assert_array_equal(a, b)
    assert a.mean() == pytest.approx(2.0, abs=0.1) and a.std() == pytest.approx(0.5, rel=0.1)
    u = init.uniform_(tg.zeros(1000), -2, 3).array
    assert u.min() >= -2 and u.max() < 3 and u.dtype == np.float32
    tn = init.trunc_normal_(tg.zeros(5000), std=1.0, a=-1.0, b=1.0).array
    assert tn.min() >= -1 and tn.max() <= 1


def test_init_works_on_parameters_that_require_grad():
    fc = nn.Linear(4, 4)
    init.xavier_uniform_(fc.weight)
    assert fc.weight.requires_grad and fc.weight.is_leaf and fc.weight.grad_fn is None


# ---------------------------------------------------------------- default layer init
@pytest.mark.parametrize("make,fan_in", [
    (lambda: nn.Linear(400, 300), 400),
    (lambda: nn.Conv2d(16, 64, 5), 16 * 25),
    (lambda: nn.Conv2d(8, 32, (3, 2), groups=4), 2 * 6),
])
def test_default_init_is_torchs(make, fan_in):
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    w, b = layer.weight.array, layer.bias.array
    assert w.dtype == np.float32 and b.dtype == np.float32
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), std bound/sqrt(3)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    assert np.abs(b).max() <= bound


def test_default_init_is_seeded():
    tg.manual_seed(7)
    a = nn.Linear(5, 5).weight.array.copy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(a, nn.Linear(5, 5).weight.array)


def test_norm_layers_start_as_identity():
    for layer in (nn.BatchNorm1d(5), nn.BatchNorm2d(5), nn.LayerNorm(5)):
        assert (layer.weight.array == 1).all() and not layer.bias.array.any()
    bn = nn.BatchNorm2d(5)
    assert not bn.running_mean.array.any() and (bn.running_var.array == 1).all()
    assert bn.num_batches_tracked.item() == 0


# ---------------------------------------------------------------- utils
def _grads_pair(torch, dtype=np.float64):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) * 3 for s in [(4, 3), (3,), (2, 2, 2)]]
    tg_params, t_params = [], []
    for a in arrays:
        p = nn.Parameter(tg.zeros(*a.shape, dtype=a.dtype))
        p.grad = tg.tensor(a)
        tp = torch.nn.Parameter(torch.zeros(a.shape, dtype=torch.from_numpy(a).dtype))
        tp.grad = torch.from_numpy(a.copy())
        tg_params.append(p)
        t_params.append(tp)
    return tg_params, t_params


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0),
                                                (2.0, float("inf")), (3.0, 3.0)])
def test_clip_grad_norm_matches_torch(torch, max_norm, norm_type):
    ps, tps = _grads_pair(torch)
    total = nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
    assert total.item() == pytest.approx(t_total.item(), rel=1e-10)
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.grad.array, tp.grad.numpy(), rtol=1e-10)


def test_clip_grad_norm_float32_and_single_tensor(torch):
    ps, tps = _grads_pair(torch, np.float32)
    total = nn.utils.clip_grad_norm_(ps[0], 1.0)
    t_total = torch.nn.utils.clip_grad_norm_(tps[0], 1.0)
    assert total.dtype == tg.float32
    assert total.item() == pytest.approx(t_total.item(), rel=1e-5)
    np.testing.assert_allclose(ps[0].grad.array, tps[0].grad.numpy(), rtol=1e-5)
    assert ps[0].grad.dtype == tg.float32
    np.testing.assert_allclose(np.linalg.norm(ps[0].grad.array), 1.0, rtol=1e-5)


def test_clip_grad_norm_nonfinite_and_empty():
    p = nn.Parameter(tg.zeros(2))
    assert nn.utils.clip_grad_norm_([p], 1.0).item() == 0.0  # no grads: nothing to do
    p.grad = tg.tensor([np.nan, 1.0])
    with pytest.raises(RuntimeError, match="detect_anomaly"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_parameter_vector_round_trip():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (11,)
    nn.utils.vector_to_parameters(vec * 2, model.parameters())
    np.testing.assert_allclose(nn.utils.parameters_to_vector(model.parameters()).array,
                               vec.array * 2)
    with pytest.raises(RuntimeError, match="11 elements"):
        nn.utils.vector_to_parameters(tg.zeros(3), model.parameters())
    p = nn.Parameter(tg.ones(3))
    p.grad = tg.tensor([-5.0, 0.5, 5.0])
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.array, [-1.0, 0.5, 1.0])
