"""Lazy layers (materialise at the first call and become the plain class, as torch),
channel dropout, and the ``torch.nn.modules.*`` / ``torch.nn.parameter`` import paths."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import tensorgraph as tg


def lazy_story(lib) -> list:
    nn = lib.nn
    out = []
    fc = nn.LazyLinear(3)
    out.append((repr(fc), [n for n, _ in fc.named_parameters()], fc.has_uninitialized_params()))
    conv = nn.LazyConv2d(4, 3, padding=1, bias=False)
    out.append(repr(conv))
    model = nn.Sequential(conv, nn.ReLU(), nn.Flatten(), fc)
    y = model(lib.ones(2, 5, 6, 6))
    out.append((type(fc) is nn.Linear, type(conv) is nn.Conv2d, repr(model),
                tuple(fc.weight.shape), tuple(conv.weight.shape), tuple(y.shape)))
    out.append([(n, tuple(p.shape)) for n, p in model.named_parameters()])
    c1 = nn.LazyConv1d(2, 3, groups=1)
    c1(lib.ones(3, 4, 9))
    out.append((type(c1) is nn.Conv1d, repr(c1)))
    return out


def test_lazy_layers_match_torch(torch):
    assert lazy_story(tg) == lazy_story(torch)


def test_lazy_linear_draws_the_same_weights_as_torch(torch):
    """Materialising at the first call runs Linear's init then: torch's draws."""
    for lib in (tg, torch):
        lib.manual_seed(7)
        lazy = lib.nn.LazyLinear(3)
        lazy(lib.zeros(1, 5))
        lib.manual_seed(7)
        plain = lib.nn.Linear(5, 3)
        assert np.array_equal(lazy.weight.detach().numpy(), plain.weight.detach().numpy())


def test_lazy_parameter_is_the_same_object_after_materialising():
    fc = tg.nn.LazyLinear(2)
    w = fc.weight
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        _ = w.shape
    fc(tg.randn(3, 4))
    assert fc.weight is w and type(w) is tg.nn.Parameter and w.shape == (2, 4)
    opt = tg.optim.SGD(fc.parameters(), lr=0.1)
    fc(tg.randn(3, 4)).sum().backward()
    opt.step()


def test_lazy_errors():
    with pytest.raises(RuntimeError, match="expected a 3-D or 4-D"):
        tg.nn.LazyConv2d(2, 3)(tg.randn(5, 5))
    with pytest.raises(ValueError, match="divisible by groups"):
        tg.nn.LazyConv2d(4, 3, groups=2)(tg.randn(1, 3, 5, 5))


@pytest.mark.parametrize("cls,shape", [("Dropout1d", (4, 6, 5)), ("Dropout2d", (4, 6, 3, 3)),
                                       ("Dropout3d", (2, 5, 2, 2, 2))])
def test_channel_dropout_zeroes_whole_channels(cls, shape):
    layer = getattr(tg.nn, cls)(p=0.5)
    y = layer(tg.ones(*shape)).numpy().reshape(shape[0], shape[1], -1)
    per_channel = y[..., 0]
    assert np.all(y == per_channel[..., None])  # one value per channel
    assert set(np.unique(per_channel)) <= {0.0, 2.0} and 0 < per_channel.mean() < 2
    assert np.array_equal(layer.eval()(tg.ones(*shape)).numpy(), np.ones(shape))


def test_channel_dropout_errors():
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        tg.nn.functional.dropout1d(tg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="between 0 and 1"):
        tg.nn.functional.dropout2d(tg.ones(2, 3, 4), p=1.5)


PATHS = [
    ("nn.modules.linear", "Linear"), ("nn.modules.linear", "Identity"),
    ("nn.modules.linear", "LazyLinear"), ("nn.modules.conv", "Conv2d"),
    ("nn.modules.conv", "Conv1d"), ("nn.modules.conv", "ConvTranspose2d"),
    ("nn.modules.conv", "LazyConv2d"), ("nn.modules.activation", "ReLU"),
    ("nn.modules.activation", "SiLU"), ("nn.modules.activation", "Softmax"),
    ("nn.modules.loss", "CrossEntropyLoss"), ("nn.modules.loss", "_Loss"),
    ("nn.modules.loss", "KLDivLoss"), ("nn.modules.container", "Sequential"),
    ("nn.modules.container", "ModuleDict"), ("nn.modules.container", "ParameterList"),
    ("nn.modules.module", "Module"), ("nn.modules.batchnorm", "BatchNorm2d"),
    ("nn.modules.normalization", "LayerNorm"), ("nn.modules.normalization", "GroupNorm"),
    ("nn.modules.dropout", "Dropout2d"), ("nn.modules.pooling", "MaxPool2d"),
    ("nn.modules.pooling", "AdaptiveAvgPool2d"), ("nn.modules.flatten", "Unflatten"),
    ("nn.modules.padding", "ReflectionPad2d"), ("nn.modules.upsampling", "Upsample"),
    ("nn.modules.fold", "Unfold"), ("nn.modules.distance", "CosineSimilarity"),
    ("nn.modules", "Linear"), ("nn.parameter", "Parameter"),
    ("nn.parameter", "UninitializedParameter"), ("nn.init", "kaiming_uniform_"),
    ("nn.utils", "clip_grad_norm_"), ("nn.utils", "clip_grad_value_"),
    ("nn.utils", "parameters_to_vector"), ("nn.utils", "vector_to_parameters"),
    ("nn.functional", "pad"), ("nn.functional", "interpolate"),
]


@pytest.mark.parametrize("path,name", PATHS, ids=[f"{p}.{n}" for p, n in PATHS])
def test_torch_module_paths_exist_and_are_the_same_objects(torch, path, name):
    mine = getattr(importlib.import_module(f"tensorgraph.{path}"), name)
    assert getattr(importlib.import_module(f"torch.{path}"), name)  # the path is real torch
    top = getattr(tg.nn, name, None) or getattr(tg.nn.functional, name, None)
    if top is not None and not name.startswith("_"):
        assert mine is top
