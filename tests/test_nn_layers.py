"""Every layer and loss module against PyTorch (weights copied with load_state_dict) and
gradcheck in float64; BatchNorm running statistics; Dropout train/eval."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import nn

# (id, tensorgraph factory, torch factory (same arguments), input shape)
LAYERS = [
    ("linear", lambda m: m.Linear(5, 3), (4, 5)),
    ("linear-3d-nobias", lambda m: m.Linear(5, 3, bias=False), (2, 3, 5)),
    ("conv", lambda m: m.Conv2d(3, 4, 3, stride=2, padding=1), (2, 3, 7, 7)),
    ("conv-dilated", lambda m: m.Conv2d(2, 3, (3, 2), dilation=2, padding=(2, 1),
                                        bias=False), (2, 2, 7, 6)),
    ("conv-same", lambda m: m.Conv2d(2, 2, 3, padding="same"), (1, 2, 5, 5)),
    ("conv-groups", lambda m: m.Conv2d(4, 6, 3, groups=2, padding=1), (2, 4, 5, 5)),
    ("maxpool", lambda m: m.MaxPool2d(2), (2, 3, 6, 6)),
    ("maxpool-overlap", lambda m: m.MaxPool2d(3, stride=2, padding=1), (2, 2, 7, 7)),
    ("avgpool", lambda m: m.AvgPool2d(2), (2, 3, 6, 6)),
    ("avgpool-overlap", lambda m: m.AvgPool2d(3, stride=2, padding=1), (2, 2, 7, 7)),
    ("flatten", lambda m: m.Flatten(), (2, 3, 2, 2)),
    ("flatten-0-2", lambda m: m.Flatten(0, 2), (2, 3, 2, 2)),
    ("batchnorm1d", lambda m: m.BatchNorm1d(4), (8, 4)),
    ("batchnorm1d-3d", lambda m: m.BatchNorm1d(3), (4, 3, 5)),
    ("batchnorm2d", lambda m: m.BatchNorm2d(3), (4, 3, 3, 3)),
    ("batchnorm2d-noaffine", lambda m: m.BatchNorm2d(3, affine=False), (4, 3, 3, 3)),
    ("layernorm", lambda m: m.LayerNorm(5), (4, 5)),
    ("layernorm-2d", lambda m: m.LayerNorm((3, 5)), (2, 3, 5)),
    ("relu", lambda m: m.ReLU(), (4, 5)),
    ("leaky_relu", lambda m: m.LeakyReLU(0.2), (4, 5)),
    ("sigmoid", lambda m: m.Sigmoid(), (4, 5)),
    ("tanh", lambda m: m.Tanh(), (4, 5)),
    ("gelu", lambda m: m.GELU(), (4, 5)),
    ("gelu-tanh", lambda m: m.GELU(approximate="tanh"), (4, 5)),
    ("softmax", lambda m: m.Softmax(dim=1), (4, 5)),
    ("softmax-last", lambda m: m.Softmax(dim=-1), (2, 3, 4)),
    ("log_softmax", lambda m: m.LogSoftmax(dim=1), (4, 5)),
    ("identity", lambda m: m.Identity(), (4, 5)),
]


def perturb(tmodule, torch, seed: int = 1) -> None:
    """Give torch's norm layers non-trivial affine weights, so they are really tested."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in tmodule.named_parameters():
            if name.endswith(("weight", "bias")) and p.ndim == 1:
                p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype))


def paired(make, torch, dtype):
    """A tensorgraph layer and its torch twin with identical weights, in ``dtype``."""
    tl = make(torch.nn)
    perturb(tl, torch)
    tl = tl.double() if dtype == np.float64 else tl
    layer = make(nn).to(dtype)
    layer.load_state_dict({k: v.detach().numpy() for k, v in tl.state_dict().items()})
    return layer, tl


def run_both(layer, tl, torch, shape, dtype, seed: int = 0):
    """Forward and backward with the same input and output weights in both libraries."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    x_tg = tg.tensor(x, requires_grad=True)
    x_t = torch.tensor(x, requires_grad=True)
    out, tout = layer(x_tg), tl(x_t)
    v = rng.standard_normal(tout.shape).astype(dtype)
    (out * tg.tensor(v)).sum().backward()
    (tout * torch.from_numpy(v)).sum().backward()
    return out, tout, x_tg, x_t


@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-9, 1e-11),
                                             (np.float32, 1e-4, 1e-5)])
@pytest.mark.parametrize("lid,make,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(torch, lid, make, shape, dtype, rtol, atol):
    layer, tl = paired(make, torch, dtype)
    out, tout, x, tx = run_both(layer, tl, torch, shape, dtype)
    assert out.dtype == dtype
    np.testing.assert_allclose(out.array, tout.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=rtol, atol=atol)
    tparams = dict(tl.named_parameters())
    assert [n for n, _ in layer.named_parameters()] == list(tparams)
    for name, p in layer.named_parameters():
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad.array, tparams[name].grad.numpy(), rtol=rtol,
                                   atol=atol * 10, err_msg=name)
    for name, b in tl.named_buffers():  # BatchNorm's running stats after one step
        np.testing.assert_allclose(layer.get_buffer(name).array, b.numpy(), rtol=rtol,
                                   atol=atol, err_msg=name)


def gradcheck_layer(layer, x) -> bool:
    """gradcheck w.r.t. the input and every parameter (swapped in for the call)."""
    names = [n for n, _ in layer.named_parameters()]
    owners = [layer.get_submodule(n.rpartition(".")[0]) for n in names]

    def fn(inp, *params):
        saved = [o._parameters[n.rpartition(".")[2]] for o, n in zip(owners, names)]
        try:
            for o, n, p in zip(owners, names, params):
                o._parameters[n.rpartition(".")[2]] = p
            return layer(inp)
        finally:
            for o, n, p in zip(owners, names, saved):
                o._parameters[n.rpartition(".")[2]] = p

    params = [tg.tensor(p.array, requires_grad=True) for _, p in layer.named_parameters()]
    return tg.testing.gradcheck(fn, (x, *params))


@pytest.mark.parametrize("lid,make,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_gradcheck(lid, make, shape):
    layer = make(nn).double()
    for p in layer.parameters():  # non-trivial affine weights
        if p.ndim == 1:
            p.array[...] = np.random.default_rng(2).standard_normal(p.shape)
    x = tg.randn(*shape, dtype=tg.float64, requires_grad=True)
    if lid.startswith("maxpool"):  # keep window maxima apart from ties
        x = tg.tensor(np.random.default_rng(3).permutation(x.numel()).reshape(shape) / 7.0,
                      requires_grad=True)
    assert gradcheck_layer(layer, x)


def test_batchnorm_eval_mode_matches_torch(torch):
    for make, shape in [(lambda m: m.BatchNorm1d(4), (6, 4)),
                        (lambda m: m.BatchNorm2d(3), (4, 3, 3, 3))]:
        layer, tl = paired(make, torch, np.float64)
        layer(tg.randn(*shape, dtype=tg.float64))  # change the running stats first
        tl.load_state_dict({k: torch.from_numpy(v.array.copy())
                            for k, v in layer.state_dict().items()})
        layer.eval()
        tl.eval()
        out, tout, x, tx = run_both(layer, tl, torch, shape, np.float64)
        np.testing.assert_allclose(out.array, tout.detach().numpy(), rtol=1e-10)
        np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(layer.weight.grad.array, tl.weight.grad.numpy(), rtol=1e-10)


def test_layers_do_not_upcast_float32():
    x = tg.randn(2, 3, 8, 8)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.GELU(),
                          nn.MaxPool2d(2), nn.AvgPool2d(2), nn.Flatten(), nn.LayerNorm(16),
                          nn.Dropout(0.1), nn.Linear(16, 3), nn.Softmax(dim=1))
    out = model(x)
    out.sum().backward()
    assert out.dtype == tg.float32
    assert all(p.grad.dtype == tg.float32 for p in model.parameters())
    assert all(b.dtype in (tg.float32, tg.int64) for b in model.buffers())


# ---------------------------------------------------------------- BatchNorm running stats
@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.3}, {"momentum": None},
                                    {"affine": False}, {"eps": 1e-3}])
@pytest.mark.parametrize("dim", [1, 2])
def test_batchnorm_running_stats_over_training_steps(torch, kwargs, dim):
    shape = (6, 3) if dim == 1 else (4, 3, 5, 5)
    name = f"BatchNorm{dim}d"
    layer, tl = paired(lambda m: getattr(m, name)(3, **kwargs), torch, np.float64)
    rng = np.random.default_rng(0)
    for step in range(5):
        x = rng.standard_normal(shape) * (step + 1) + step
        out, tout = layer(tg.tensor(x)), tl(torch.from_numpy(x))
        np.testing.assert_allclose(out.array, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    for key, value in tl.state_dict().items():
        np.testing.assert_allclose(layer.state_dict()[key].array, value.numpy(), rtol=1e-12,
                                   err_msg=key)
    assert layer.num_batches_tracked.item() == 5
    layer.eval()
    tl.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(layer(tg.tensor(x)).array, tl(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)
    before = layer.running_mean.array.copy()
    layer(tg.tensor(x))
    np.testing.assert_array_equal(layer.running_mean.array, before)  # eval never updates


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval(torch):
    layer, tl = paired(lambda m: m.BatchNorm1d(3, track_running_stats=False), torch,
                       np.float64)
    assert list(layer.state_dict()) == ["weight", "bias"]
    layer.eval()
    tl.eval()
    x = np.random.default_rng(1).standard_normal((5, 3))
    np.testing.assert_allclose(layer(tg.tensor(x)).array, tl(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-10)


def test_batchnorm_input_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(N, C, H, W\) \(got 3D"):
        nn.BatchNorm2d(3)(tg.randn(2, 3, 4))
    with pytest.raises(ValueError, match="input has 5 channels .* num_features=3"):
        nn.BatchNorm1d(3)(tg.randn(2, 5))


# ---------------------------------------------------------------- Dropout
def test_dropout_train_and_eval():
    drop = nn.Dropout(0.25)
    x = tg.ones(200, 100, requires_grad=True)
    out = drop(x)
    kept = out.array != 0
    assert abs(1 - kept.mean() - 0.25) < 0.02
    np.testing.assert_allclose(out.array[kept], 1 / 0.75, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.array, kept / 0.75, rtol=1e-6)
    drop.eval()
    np.testing.assert_array_equal(drop(x).array, x.array)
    assert (nn.Dropout(1.0)(x).array == 0).all()
    np.testing.assert_array_equal(nn.Dropout(0.0)(x).array, x.array)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_is_seeded():
    x = tg.ones(50)
    tg.manual_seed(5)
    a = nn.Dropout()(x).array.copy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(a, nn.Dropout()(x).array)


# ---------------------------------------------------------------- loss modules
def _ce_inputs(rng, dtype):
    return (rng.standard_normal((6, 4)).astype(dtype), np.array([0, 3, 1, 1, 2, 3]))


LOSSES = [
    ("mse", lambda m, t: m.MSELoss(), "regression"),
    ("mse-sum", lambda m, t: m.MSELoss(reduction="sum"), "regression"),
    ("l1-none", lambda m, t: m.L1Loss(reduction="none"), "regression"),
    ("l1", lambda m, t: m.L1Loss(), "regression"),
    ("bce", lambda m, t: m.BCELoss(), "probability"),
    ("bce-weight", lambda m, t: m.BCELoss(weight=t(np.linspace(0.5, 2, 4))), "probability"),
    ("bcelogits", lambda m, t: m.BCEWithLogitsLoss(), "binary"),
    ("bcelogits-pos", lambda m, t: m.BCEWithLogitsLoss(pos_weight=t(np.arange(1.0, 5.0)),
                                                      reduction="sum"), "binary"),
    ("ce", lambda m, t: m.CrossEntropyLoss(), "classes"),
    ("ce-all", lambda m, t: m.CrossEntropyLoss(weight=t(np.array([1.0, 2.0, 0.5, 1.0])),
                                               ignore_index=1, label_smoothing=0.1),
     "classes"),
    ("ce-none", lambda m, t: m.CrossEntropyLoss(reduction="none"), "classes"),
    ("ce-probs", lambda m, t: m.CrossEntropyLoss(label_smoothing=0.2), "probs"),
    ("nll", lambda m, t: m.NLLLoss(), "logprobs"),
    ("nll-all", lambda m, t: m.NLLLoss(weight=t(np.array([1.0, 2.0, 0.5, 1.0])),
                                       ignore_index=3, reduction="sum"), "logprobs"),
]


def loss_inputs(kind: str, rng, dtype):
    x = rng.standard_normal((6, 4)).astype(dtype)
    if kind == "regression":
        return x, rng.standard_normal((6, 4)).astype(dtype)
    if kind == "probability":
        return 1 / (1 + np.exp(-x)), (rng.random((6, 4)) > 0.5).astype(dtype)
    if kind == "binary":
        return x * 3, (rng.random((6, 4)) > 0.5).astype(dtype)
    target = np.array([0, 3, 1, 1, 2, 3])
    if kind == "probs":
        p = rng.random((6, 4)).astype(dtype)
        return x, p / p.sum(1, keepdims=True)
    if kind == "logprobs":
        return x - np.log(np.exp(x).sum(1, keepdims=True)), target
    return x, target


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 1e-5)])
@pytest.mark.parametrize("lid,make,kind", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss_module_matches_torch(torch, lid, make, kind, dtype, rtol):
    x, target = loss_inputs(kind, np.random.default_rng(0), dtype)
    loss = make(nn, lambda a: tg.tensor(a.astype(dtype)))
    tloss = make(torch.nn, lambda a: torch.from_numpy(a.astype(dtype)))
    assert repr(loss) == repr(tloss)
    xt, tx = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = loss(xt, tg.tensor(target)), tloss(tx, torch.from_numpy(target))
    assert out.dtype == dtype and out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.array, tout.detach().numpy(), rtol=rtol, atol=rtol)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(xt.grad.array, tx.grad.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("lid,make,kind", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss_module_gradcheck(lid, make, kind):
    x, target = loss_inputs(kind, np.random.default_rng(0), np.float64)
    loss = make(nn, tg.tensor)
    assert tg.testing.gradcheck(lambda t: loss(t, tg.tensor(target)),
                                tg.tensor(x, requires_grad=True))


def test_loss_reduction_is_validated():
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        nn.MSELoss(reduction="avg")


# ---------------------------------------------------------------- a small model end to end
def test_cnn_training_steps_match_torch(torch):
    def make(m):
        return m.Sequential(m.Conv2d(1, 4, 3, padding=1), m.BatchNorm2d(4), m.ReLU(),
                            m.MaxPool2d(2), m.Flatten(), m.Linear(4 * 4 * 4, 8), m.GELU(),
                            m.LayerNorm(8), m.Linear(8, 3))

    model, tmodel = paired(make, torch, np.float64)
    loss_fn, tloss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    for _ in range(4):
        x, y = rng.standard_normal((5, 1, 8, 8)), rng.integers(0, 3, 5)
        loss = loss_fn(model(tg.tensor(x)), tg.tensor(y))
        tloss = tloss_fn(tmodel(torch.from_numpy(x)), torch.from_numpy(y))
        model.zero_grad()
        tmodel.zero_grad()
        loss.backward()
        tloss.backward()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-10)
        with tg.no_grad(), torch.no_grad():
            for p, tp in zip(model.parameters(), tmodel.parameters()):
                p.array -= 0.1 * p.grad.array
                tp -= 0.1 * tp.grad
    for key, value in tmodel.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[key].array, value.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=key)
