"""No accidental float64 in a float32 model.

A float64 scalar or constant slipped into a float32 computation (``np.sqrt(n)``, a
``np.float64`` learning rate, a float64 ``np.ones`` in a backward) silently upcasts
whole arrays under NEP 50: twice the memory traffic, and the engine then casts every
such gradient back. These tests train small float32 models with every optimizer (and
an lr scheduler) and check that every forward value, every array a node keeps for
backward, every gradient a backward returns (before the engine's cast), every
parameter, ``.grad`` and optimizer state stays float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn, optim
from tensorgraph.autograd import Function, topological_order

F32 = np.dtype(np.float32)


def _float_arrays(value: Any, where: str):
    """Yield (where, array) for every float array/scalar inside ``value`` (one level of
    containers), Tensors included."""
    if isinstance(value, tg.Tensor):
        value = value.array
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind == "f":
            yield where, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _float_arrays(v, f"{where}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _float_arrays(v, f"{where}[{k!r}]")


def _assert_f32(value: Any, where: str) -> None:
    for name, arr in _float_arrays(value, where):
        assert arr.dtype == F32, f"{name} is {arr.dtype}, expected float32"


def _all_function_classes() -> list[type]:
    seen, stack = [], [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


@pytest.fixture
def checked_backwards(monkeypatch):
    """Make every primitive's backward assert that the gradients it returns are float32
    (the engine would otherwise cast a float64 gradient back and hide it)."""
    for cls in _all_function_classes():
        if "backward" not in vars(cls):
            continue
        original = vars(cls)["backward"].__func__

        def checked(ctx, g, _orig=original, _name=cls.__name__):
            grads = _orig(ctx, g)
            if isinstance(g, np.ndarray):
                _assert_f32(grads, f"{_name}.backward's gradient")
            return grads

        monkeypatch.setattr(cls, "backward", staticmethod(checked))


def _check_graph(loss: tg.Tensor) -> None:
    """Every node's inputs and every float array a node keeps (saved or as ctx attrs)."""
    assert loss.dtype == F32
    for node in topological_order([loss.grad_fn]):
        for i, t in enumerate(node.inputs):
            _assert_f32(t, f"input {i} of {node.name()}")
        _assert_f32(node.saved or (), f"{node.name()}.saved")
        for attr, v in getattr(node, "__dict__", {}).items():
            if attr not in ("inputs", "saved", "kwargs"):
                _assert_f32(v, f"{node.name()}.{attr}")


def _mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(20, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(32, 16), nn.GELU(), nn.LayerNorm(16), nn.Tanh(), nn.Linear(16, 5),
    )


def _cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.LeakyReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(8 * 2 * 2, 5),
    )


OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.1),
    "sgd-momentum-wd": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4),
    "sgd-nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: optim.Adam(p, lr=1e-3, weight_decay=1e-4),
    "adam-amsgrad": lambda p: optim.Adam(p, lr=1e-3, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=1e-3),
    "rmsprop": lambda p: optim.RMSprop(p, lr=1e-3),
    "rmsprop-centered-momentum": lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.9,
                                                         centered=True),
}


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_float32_training_stays_float32(kind, opt_name, checked_backwards):
    model = _mlp() if kind == "mlp" else _cnn()
    x = tg.randn(6, 20) if kind == "mlp" else tg.randn(6, 1, 8, 8)
    y = tg.randint(0, 5, (6,))
    opt = OPTIMIZERS[opt_name](model.parameters())
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3)
    for _ in range(3):  # the first step creates optimizer state, later ones update it
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        _check_graph(loss)
        loss.backward()
        for name, p in model.named_parameters():
            assert p.dtype == F32, f"parameter {name} is {p.dtype}"
            assert p.grad is not None and p.grad.dtype == F32, f"{name}.grad"
        opt.step()
        sched.step()
        for name, p in model.named_parameters():
            assert p.dtype == F32, f"parameter {name} is {p.dtype} after step"
            _assert_f32(opt.state[p], f"{opt_name} state of {name}")
    for name, buf in model.named_buffers():
        _assert_f32(buf, f"buffer {name}")


LOSSES = {
    "mse": lambda z, y, p: F.mse_loss(z, p),
    "l1": lambda z, y, p: F.l1_loss(z, p),
    "bce": lambda z, y, p: F.binary_cross_entropy(z.sigmoid(), p),
    "bce_logits": lambda z, y, p: F.binary_cross_entropy_with_logits(z, p),
    "nll": lambda z, y, p: F.nll_loss(F.log_softmax(z, 1), y),
    "ce_smooth": lambda z, y, p: F.cross_entropy(z, y, label_smoothing=0.1),
    "ce_probs": lambda z, y, p: F.cross_entropy(z, F.softmax(p, 1)),
    "softmax_mean": lambda z, y, p: (F.softmax(z, 1) * p).mean(),
    "var_std_sqrt": lambda z, y, p: z.var(0).sum() + z.std(1).mean() + (z * z).sqrt().mean(),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_float32_losses_and_composites_stay_float32(name, checked_backwards):
    z = tg.randn(4, 5, requires_grad=True)
    y = tg.randint(0, 5, (4,))
    p = tg.rand(4, 5)
    loss = LOSSES[name](z, y, p)
    _check_graph(loss)
    loss.backward()
    assert z.grad.dtype == F32


def test_python_and_numpy_scalars_do_not_upcast():
    x = tg.randn(3, requires_grad=True)
    for out in (x * 2.5, x + np.float64(1.5), x / np.sqrt(7.0), x ** 2.0, 1.0 - x,
                np.float64(2.0) * x):
        assert out.dtype == F32, out
