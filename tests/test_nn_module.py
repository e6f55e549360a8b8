"""Module mechanics: registration, names, state dicts, modes, dtype, repr, errors."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import nn


def torch_state(module) -> dict:
    """A PyTorch module's state dict as numpy arrays (what load_state_dict accepts)."""
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


class Block(nn.Module):
    def __init__(self, nn_) -> None:
        super().__init__()
        self.fc = nn_.Linear(4, 3)
        self.bn = nn_.BatchNorm1d(3)
        self.act = nn_.LeakyReLU(0.2)

    def forward(self, x):
        return self.act(self.bn(self.fc(x)))


def make_arch(nn_):
    """The same architecture from tensorgraph.nn or torch.nn (their APIs match)."""
    class Net(nn_.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn_.Sequential(
                nn_.Conv2d(1, 4, kernel_size=3, padding=1), nn_.BatchNorm2d(4), nn_.ReLU(),
                nn_.MaxPool2d(2), nn_.Conv2d(4, 8, 3, stride=2, bias=False), nn_.AvgPool2d(2),
                nn_.Dropout(0.25), nn_.Flatten(),
            )
            self.blocks = nn_.ModuleList([nn_.Linear(8, 8) for _ in range(3)] + [nn_.Tanh()])
            self.head = nn_.Sequential(OrderedDict([
                ("norm", nn_.LayerNorm(8)), ("gelu", nn_.GELU(approximate="tanh")),
                ("fc", nn_.Linear(8, 5)), ("sm", nn_.Softmax(dim=1)),
            ]))
            self.extra = nn_.Sequential(nn_.Sigmoid(), nn_.Identity(), nn_.GELU(),
                                        nn_.BatchNorm1d(5, momentum=None, affine=False),
                                        nn_.Conv2d(2, 2, (3, 5), dilation=2, padding=(1, 2)))
            self.loss = nn_.CrossEntropyLoss()

        def forward(self, x):
            x = self.features(x)
            for b in self.blocks:
                x = b(x)
            return self.head(x)

    return Net()


# ---------------------------------------------------------------- registration and names
def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(tg.ones(2, 3))
    assert isinstance(p, tg.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert type(p * 2) is tg.Tensor
    assert not nn.Parameter(tg.ones(1), requires_grad=False).requires_grad


def test_named_parameters_buffers_and_children():
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), Block(nn))
            self.scale = nn.Parameter(tg.ones(1))
            self.register_buffer("steps", tg.zeros(1))
            self.register_buffer("cache", tg.zeros(2), persistent=False)

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "body.2.fc.weight",
                     "body.2.fc.bias", "body.2.bn.weight", "body.2.bn.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "steps", "cache", "body.2.bn.running_mean", "body.2.bn.running_var",
        "body.2.bn.num_batches_tracked"]
    assert [n for n, _ in net.named_children()] == ["body"]
    assert [n for n, _ in net.named_modules()] == [
        "", "body", "body.0", "body.1", "body.2", "body.2.fc", "body.2.bn", "body.2.act"]
    sd = net.state_dict()
    assert "cache" not in sd and "steps" in sd and "body.2.bn.num_batches_tracked" in sd
    assert all(not v.requires_grad for v in sd.values())
    assert len(list(net.parameters(recurse=False))) == 1


def test_shared_parameters_are_listed_once(torch):
    fc = nn.Linear(3, 3)
    model = nn.Sequential(fc, nn.ReLU(), fc)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3
    tfc = torch.nn.Linear(3, 3)
    tmodel = torch.nn.Sequential(tfc, torch.nn.ReLU(), tfc)
    assert list(model.state_dict()) == list(tmodel.state_dict())  # both names, as torch


def test_state_dict_keys_match_torch(torch):
    assert list(make_arch(nn).state_dict()) == list(make_arch(torch.nn).state_dict())
    assert [n for n, _ in make_arch(nn).named_parameters()] == [
        n for n, _ in make_arch(torch.nn).named_parameters()]


def test_setattr_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        m.weight = tg.ones(2, 2)
    m.bias = None
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m.extra = nn.ReLU()
    assert "extra" in dict(m.named_children())
    del m.extra
    assert "extra" not in dict(m.named_children())
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        m.nope  # noqa: B018

    class Early(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(tg.ones(1))

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        Early()
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("weight", tg.ones(1))


def test_train_eval_propagate():
    model = make_arch(nn)
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_requires_grad_and_apply():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    model(tg.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "Linear", "Sequential"]


def test_to_double_casts_in_place_and_keeps_parameter_objects():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    params = list(model.parameters())
    model(tg.randn(4, 3)).sum().backward()
    assert model.double() is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.dtype == tg.float64 and p.grad.dtype == tg.float64 for p in params)
    assert model[1].running_mean.dtype == tg.float64
    assert model[1].num_batches_tracked.dtype == tg.int64
    assert model(tg.randn(4, 3, dtype=tg.float64)).dtype == tg.float64
    opt = tg.optim.SGD(model.parameters(), lr=0.1)  # made before the cast: still works
    model(tg.randn(4, 3, dtype=tg.float64)).sum().backward()
    before = model[0].weight.array.copy()
    opt.step()
    assert model[0].weight.dtype == tg.float64
    assert not np.array_equal(model[0].weight.array, before)
    model.float()
    assert all(p.dtype == tg.float32 for p in params)
    with pytest.raises(TypeError, match="floating point"):
        model.to(tg.int64)


def test_default_dtype_is_respected():
    assert nn.Linear(3, 2).weight.dtype == tg.float32
    tg.set_default_dtype(tg.float64)
    try:
        layers = [nn.Linear(3, 2), nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.LayerNorm(3)]
        assert {p.dtype for m in layers for p in m.parameters()} == {tg.float64}
    finally:
        tg.set_default_dtype(tg.float32)


# ---------------------------------------------------------------- containers
def test_sequential_indexing_and_editing():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == [b, c]
    assert [n for n, _ in sub.named_children()] == ["1", "2"]
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1"] and seq[1] is c
    seq.append(nn.Sigmoid())
    assert len(seq) == 3
    named = nn.Sequential(OrderedDict([("enc", a), ("dec", c)]))
    assert [n for n, _ in named.named_parameters()] == [
        "enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert named.enc is a
    with pytest.raises(IndexError, match="out of range"):
        seq[5]
    seq[0] = nn.Tanh()
    assert isinstance(seq[0], nn.Tanh) and len(seq) == 3
    seq.insert(1, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Tanh", "Identity", "Linear", "Sigmoid"]
    with pytest.raises(TypeError, match="use append"):
        seq.extend(nn.ReLU())


def test_modulelist():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    layers += [nn.Tanh()]
    assert len(layers) == 5 and isinstance(layers[1:3], nn.ModuleList)
    assert len(list(layers.parameters())) == 6
    del layers[0]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3"]
    layers.insert(0, nn.Sigmoid())
    assert isinstance(layers[0], nn.Sigmoid)
    with pytest.raises(NotImplementedError, match="forward"):
        layers(tg.ones(2))


# ---------------------------------------------------------------- repr
def test_repr_equals_torch(torch):
    assert repr(make_arch(nn)) == repr(make_arch(torch.nn))
    for tg_layer, t_layer in [
        (nn.Linear(784, 512, bias=False), torch.nn.Linear(784, 512, bias=False)),
        (nn.Conv2d(3, 6, 5, padding="same"), torch.nn.Conv2d(3, 6, 5, padding="same")),
        (nn.Conv2d(4, 4, 3, groups=2), torch.nn.Conv2d(4, 4, 3, groups=2)),
        (nn.MaxPool2d(3, stride=1, padding=1), torch.nn.MaxPool2d(3, stride=1, padding=1)),
        (nn.Dropout(), torch.nn.Dropout()),
        (nn.BatchNorm2d(3, affine=False), torch.nn.BatchNorm2d(3, affine=False)),
        (nn.BatchNorm1d(3, bias=False), torch.nn.BatchNorm1d(3, bias=False)),
        (nn.LayerNorm(3, bias=False), torch.nn.LayerNorm(3, bias=False)),
        (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
        (nn.LayerNorm((2, 3), elementwise_affine=False),
         torch.nn.LayerNorm((2, 3), elementwise_affine=False)),
        (nn.BCEWithLogitsLoss(pos_weight=tg.ones(3)),
         torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))),
        (nn.ModuleList(), torch.nn.ModuleList()),
        (nn.Sequential(), torch.nn.Sequential()),
    ]:
        assert repr(tg_layer) == repr(t_layer)


def test_dir_lists_registered_names():
    names = dir(nn.Linear(2, 2))
    assert {"weight", "bias", "forward", "in_features"} <= set(names)


# ---------------------------------------------------------------- state dicts
def test_load_state_dict_from_torch_gives_same_outputs(torch):
    model, tmodel = make_arch(nn), make_arch(torch.nn)
    result = model.load_state_dict(torch_state(tmodel))
    assert result.missing_keys == [] and result.unexpected_keys == []
    model.eval()
    tmodel.eval()
    x = np.random.default_rng(0).standard_normal((2, 1, 12, 12)).astype(np.float32)
    np.testing.assert_allclose(model(tg.tensor(x)).array,
                               tmodel(torch.from_numpy(x)).detach().numpy(), atol=1e-5)
    other = make_arch(nn)
    other.load_state_dict(tmodel.state_dict())  # torch tensors work directly (np.asarray)
    np.testing.assert_array_equal(other.head.fc.weight.array, model.head.fc.weight.array)


def test_load_state_dict_copies_into_existing_parameters():
    src, dst = nn.Linear(3, 2), nn.Linear(3, 2)
    weight = dst.weight
    dst.load_state_dict(src.state_dict())
    assert dst.weight is weight
    np.testing.assert_array_equal(dst.weight.array, src.weight.array)
    assert dst.weight.array is not src.weight.array
    dst.double().load_state_dict(src.state_dict())  # values are cast to the target dtype
    assert dst.weight.dtype == tg.float64


def test_load_state_dict_names_every_problem_at_once():
    model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    sd = dict(model.state_dict())
    del sd["1.bias"]
    sd["2.weight"] = tg.zeros(1)
    sd["0.weight"] = tg.zeros(3, 5)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd)
    msg = str(info.value)
    assert "Error(s) in loading state_dict for Sequential" in msg
    assert 'Missing key(s) in state_dict: "1.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "2.weight"' in msg
    assert ("size mismatch for 0.weight: copying a param with shape (3, 5) from checkpoint, "
            "the shape in current model is (3, 4)") in msg
    before = model[1].weight.array.copy()
    sd["0.weight"] = tg.zeros(3, 4)
    sd["1.weight"] = tg.ones(2, 3)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert missing == ["1.bias"] and unexpected == ["2.weight"]
    assert (model[1].weight.array == 1).all() and not (before == 1).all()
    sd["0.weight"] = tg.zeros(2, 2)
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        model.load_state_dict(sd, strict=False)  # shapes are checked even when not strict
    sd["0.weight"] = {"not": "a tensor"}
    with pytest.raises(RuntimeError, match='parameter named "0.weight", expected torch.Tensor '
                       "or Tensor-like object from checkpoint but received <class 'dict'>"):
        model.load_state_dict(sd, strict=False)


def test_state_dict_survives_save_and_load(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model(tg.randn(5, 3))
    path = tmp_path / "m.tg"
    tg.save(model.state_dict(), path)
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    other.load_state_dict(tg.load(path))
    for (k, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        np.testing.assert_array_equal(a.array, b.array, err_msg=k)


def test_deepcopy_makes_independent_parameters():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    clone = copy.deepcopy(model)
    assert isinstance(clone[0].weight, nn.Parameter)
    assert clone[0].weight.array is not model[0].weight.array
    np.testing.assert_array_equal(clone[0].weight.array, model[0].weight.array)
    clone[0].weight.array[...] = 0
    assert model[0].weight.array.any()


# ---------------------------------------------------------------- hooks
def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape))
    out = m(tg.ones(3, 2))
    np.testing.assert_allclose(out.array, np.broadcast_to(m.bias.array, (3, 2)))
    assert calls == [(3, 2)]
    with pytest.raises((ValueError, RuntimeError)) as info:  # hooked modules: named too
        m(tg.ones(3, 5))
    assert str(info.value).startswith("in Linear(in_features=2")
    h1.remove()
    h2.remove()
    m(tg.ones(3, 2))
    assert calls == [(3, 2)]


# ---------------------------------------------------------------- errors name the layer
def test_error_names_layer_by_model_path():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(256, 10))
    x = tg.randn(2, 512)
    with pytest.raises(Exception) as direct:  # the functional error, for its type and text
        nn.functional.linear(x, model[4].weight, model[4].bias)
    with pytest.raises(direct.type) as info:  # same exception type, message augmented
        model(tg.randn(2, 784))
    msg = str(info.value)
    assert msg.endswith(str(direct.value))
    assert msg.startswith("in model.4 (Linear(in_features=256, out_features=10, bias=True)): ")
    assert msg.count("in model") == 1
    assert "512" in msg and "256" in msg  # the functional error is still there


def test_error_path_through_custom_modules_and_roots():
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
            self.head = nn.Linear(8, 2)

        def forward(self, x):
            return self.head(self.encoder(x).mean(dim=(2, 3)))

    with pytest.raises((RuntimeError, ValueError)) as info:
        Net()(tg.randn(1, 1, 8, 8))
    assert str(info.value).startswith("in model.encoder.0 (Conv2d(3, 8, kernel_size=(3, 3)")
    lin = nn.Linear(3, 2)
    with pytest.raises((RuntimeError, ValueError)) as info:  # called alone: named by repr
        lin(tg.randn(4, 5))
    assert str(info.value).startswith("in Linear(in_features=3, out_features=2, bias=True): ")
    with pytest.raises((RuntimeError, ValueError)) as info:  # a second call: fresh message
        lin(tg.randn(4, 5))
    assert str(info.value).count("in Linear") == 1
