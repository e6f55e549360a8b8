"""Errors that teach: a catalogue of learners' mistakes and what they must be told.

Each row is a mistake, the exception type, and substrings the message must contain:
the op's name, the shapes/dtypes involved, and a hint of the fix. The same table,
in words, is the README's troubleshooting section. Then the NaN/inf loss check.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn


def _twice_backward():
    x = tg.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _deep_model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.ReLU(),
                         nn.Linear(512, 10))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten())
        self.head = nn.Linear(100, 10)

    def forward(self, x):
        return self.head(self.features(x))


def _load(sd_change):
    m = nn.Linear(4, 3)
    sd = dict(m.state_dict())
    sd_change(sd)
    m.load_state_dict(sd)


def _pop(key):
    return lambda sd: sd.pop(key)


def _set(key, value):
    return lambda sd: sd.__setitem__(key, value)


X34, X54 = tg.randn(3, 4), tg.randn(5, 4)
LEAF = tg.randn(3, requires_grad=True)

# (id, mistake, exception, substrings the message must contain)
CATALOGUE = [
    # ---- shape mismatch
    ("matmul", lambda: tg.randn(3, 4) @ tg.randn(5, 6), RuntimeError,
     ["matmul", "(3, 4)", "(5, 6)", "4 != 5", "last dim of the first"]),
    ("add", lambda: X34 + X54, RuntimeError,
     ["add", "(3, 4)", "(5, 4)", "broadcast", "equal or one of them 1"]),
    ("sub", lambda: X34 - X54, RuntimeError, ["sub", "(3, 4)", "(5, 4)", "broadcast"]),
    ("mul", lambda: X34 * X54, RuntimeError, ["mul", "(3, 4)", "(5, 4)", "broadcast"]),
    ("div", lambda: X34 / X54, RuntimeError, ["div", "(3, 4)", "(5, 4)", "broadcast"]),
    ("cat", lambda: tg.cat([tg.randn(3, 4), tg.randn(3, 5)]), RuntimeError,
     ["cat", "(3, 5)", "(3, 4)", "except dim 0 must match"]),
    ("stack", lambda: tg.stack([tg.randn(3, 4), tg.randn(3, 5)]), RuntimeError,
     ["stack", "(3, 5)", "(3, 4)", "equal shapes"]),
    ("conv2d channels", lambda: F.conv2d(tg.randn(2, 1, 8, 8), tg.randn(8, 3, 3, 3)),
     ValueError, ["conv2d", "1 channels", "expects 3", "(2, 1, 8, 8)", "(8, 3, 3, 3)",
                  "in_channels"]),
    ("Linear in_features", lambda: nn.Linear(512, 10)(tg.randn(2, 100)), ValueError,
     ["Linear(in_features=512", "100", "512", "(2, 100)", "flatten", "in_features"]),
    ("mse target shape", lambda: F.mse_loss(tg.randn(4, 1), tg.randn(4)), ValueError,
     ["mse_loss", "(4,)", "(4, 1)", "reshape"]),
    ("expand", lambda: X34.expand(5, 4), RuntimeError,
     ["expand", "(3, 4)", "(5, 4)", "size-1"]),
    # ---- layers name their path in the model
    ("layer path", lambda: _deep_model()(tg.randn(2, 4)), ValueError,
     ["model.4 (Linear(in_features=512", "input's last dim 3 != in_features 512"]),
    ("nested layer path", lambda: Net()(tg.randn(2, 1, 8, 8)), ValueError,
     ["model.head (Linear(in_features=100", "(2, 144)"]),
    # ---- dtypes
    ("int requires grad", lambda: tg.tensor([1, 2, 3], requires_grad=True), RuntimeError,
     ["requires_grad", "floating point", "int64", "x.float()"]),
    ("float class labels", lambda: F.cross_entropy(tg.randn(64, 10), tg.rand(64)), TypeError,
     ["cross_entropy", "float32", "(64,)", "integers", "target.long()"]),
    ("float model, double input", lambda: nn.Linear(4, 3)(tg.randn(2, 4, dtype=tg.float64)),
     TypeError, ["linear", "float64", "float32", "x.float()", "model.double()"]),
    ("mean of integers", lambda: tg.arange(5).mean(), RuntimeError,
     ["mean()", "Long", ".float()"]),
    # ---- wrong dim
    ("sum dim", lambda: X34.sum(dim=2), IndexError,
     ["sum", "dim 2", "2 dimensions", "[-2, 1]"]),
    ("softmax dim", lambda: F.softmax(X34, dim=2), IndexError,
     ["softmax", "dim 2", "(3, 4)", "[-2, 1]"]),
    ("cat dim", lambda: tg.cat([X34, X34], dim=3), IndexError, ["cat", "dim 3", "[-2, 1]"]),
    ("unsqueeze dim", lambda: X34.unsqueeze(5), IndexError,
     ["unsqueeze", "dim 5", "(3, 4)", "[-3, 2]"]),
    ("stack dim", lambda: tg.stack([X34, X34], dim=-4), IndexError,
     ["stack", "dim -4", "[-3, 2]"]),
    ("permute dim", lambda: X34.permute(0, 5), IndexError, ["permute", "dim 5", "[-2, 1]"]),
    ("permute repeat", lambda: X34.permute(0, 0), RuntimeError,
     ["permute", "(0, 0)", "not a permutation", "(3, 4)"]),
    ("flatten order", lambda: X34.flatten(1, 0), RuntimeError,
     ["flatten", "start_dim 1", "end_dim 0", "start_dim <= end_dim"]),
    ("index", lambda: X34[5], IndexError, ["index 5", "size 3", "(3, 4)"]),
    # ---- reshape
    ("reshape", lambda: X34.reshape(5, 3), RuntimeError,
     ["reshape", "(3, 4)", "12 elements", "(5, 3)", "-1"]),
    ("view -1", lambda: X34.view(-1, 5), RuntimeError, ["view", "(-1, 5)", "(3, 4)", "12"]),
    # ---- backward misuse
    ("non-scalar backward", lambda: (LEAF * 2).backward(), RuntimeError,
     ["backward", "scalar", "(3,)", "loss.sum()", "gradient="]),
    ("backward twice", _twice_backward, RuntimeError,
     ["second time", "retain_graph=True"]),
    ("nothing requires grad", lambda: tg.randn(3).sum().backward(), RuntimeError,
     ["backward", "does not require grad", "requires_grad=True", "no_grad"]),
    ("grad of a constant", lambda: tg.autograd.grad((LEAF * 2).sum(), tg.randn(3)),
     RuntimeError, ["autograd.grad", "does not require grad", "requires_grad=True"]),
    ("in-place on a leaf", lambda: LEAF.add_(1), RuntimeError,
     ["add_", "leaf", "(3,)", "tg.no_grad()"]),
    ("numpy of a grad tensor", lambda: LEAF.numpy(), RuntimeError,
     ["numpy", "requires grad", "detach().numpy()"]),
    ("item of many", lambda: X34.item(), RuntimeError, ["item", "(3, 4)", "12 elements"]),
    # ---- optimizers
    ("optimizer without params", lambda: tg.optim.SGD([], lr=0.1), ValueError,
     ["SGD", "empty parameter list", "model.parameters()"]),
    ("optimizer on a non-leaf", lambda: tg.optim.Adam([LEAF * 2]), ValueError,
     ["Adam", "non-leaf", "(3,)", "Mul", "detach().requires_grad_()"]),
    ("negative lr", lambda: tg.optim.SGD([LEAF], lr=-1), ValueError, ["SGD", "lr=-1"]),
    # ---- load_state_dict
    ("state_dict missing key", lambda: _load(_pop("bias")), RuntimeError,
     ["loading state_dict for Linear", "Missing key(s)", '"bias"', "strict=False"]),
    ("state_dict unexpected key", lambda: _load(_set("extra", tg.zeros(1))), RuntimeError,
     ["Unexpected key(s)", '"extra"', "strict=False"]),
    ("state_dict wrong shape", lambda: _load(_set("weight", tg.zeros(3, 5))), RuntimeError,
     ["size mismatch for weight", "(3, 5)", "(3, 4)", "same architecture"]),
    # ---- class targets
    ("class out of range", lambda: F.cross_entropy(tg.randn(64, 10), tg.full((64,), 12)),
     ValueError,
     [("cross_entropy: target has class 12 but input has 10 classes "
       "(input (64, 10), target (64,))"), "[0, 9]"]),
    ("negative class", lambda: F.nll_loss(tg.randn(64, 10), tg.full((64,), -3)), ValueError,
     ["nll_loss", "class -3", "10 classes"]),
    ("target batch size", lambda: F.cross_entropy(tg.randn(64, 10), tg.zeros(32, dtype=tg.int64)),
     ValueError, ["cross_entropy", "(32,)", "(64, 10)", "(64,)"]),
    ("bce needs probabilities", lambda: F.binary_cross_entropy(tg.randn(4) * 3, tg.rand(4)),
     ValueError, ["binary_cross_entropy", "[0, 1]", "sigmoid", "with_logits"]),
]


@pytest.mark.parametrize("mistake, exc, parts", [c[1:] for c in CATALOGUE],
                         ids=[c[0] for c in CATALOGUE])
def test_mistake_raises_an_error_that_teaches(mistake, exc, parts):
    with pytest.raises(exc) as info:
        mistake()
    assert type(info.value) is exc, f"{type(info.value).__name__}: {info.value}"
    msg = str(info.value)
    missing = [p for p in parts if p not in msg]
    assert not missing, f"message {msg!r} lacks {missing}"


# ---------------------------------------------------------------- NaN/inf losses
def _warned(fn) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            fn()
    ours = [w for w in caught if issubclass(w.category, tg.NonFiniteLossWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert ours[0].filename == __file__, "the warning should point at the user's line"
    return str(ours[0].message)


def test_a_finite_loss_warns_nothing():
    w = tg.randn(3, 2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(tg.randn(4, 3) @ w, tg.randn(4, 2)).backward()
        F.cross_entropy(tg.randn(4, 3) @ w, tg.tensor([0, 1, 1, 0]))


def test_nan_loss_names_the_op_that_made_it_first():
    x = tg.tensor([1.0, 0.0, 2.0], requires_grad=True)
    msg = _warned(lambda: F.mse_loss((x * 3).log() * 2, tg.zeros(3)))
    assert "mse_loss: the loss is inf" in msg
    assert "The first op to produce a non-finite value was Log" in msg
    assert "(3,)" in msg and "epsilon" in msg and "detect_anomaly" in msg


def test_exp_overflow_in_float32_is_named():
    logits = tg.tensor([[100.0, 0.0]], requires_grad=True)
    probs = logits.exp() / logits.exp().sum(dim=1, keepdim=True)  # the unstable way
    msg = _warned(lambda: F.nll_loss(probs.log(), tg.tensor([0])))
    assert "nll_loss: the loss is nan" in msg and "was Exp" in msg
    assert "F.log_softmax" in msg


def test_nan_in_the_data_is_blamed_on_the_data():
    model = nn.Linear(3, 1)
    x = tg.randn(4, 3)
    x.array[2, 1] = np.nan
    msg = _warned(lambda: F.mse_loss(model(x), tg.zeros(4, 1)))
    assert "already holds NaN/inf" in msg and "(4, 3)" in msg and "data" in msg


def test_under_detect_anomaly_the_warning_quotes_the_source_line():
    x = tg.tensor([-1.0, 4.0], requires_grad=True)

    def run():
        with tg.autograd.detect_anomaly():
            root = x.sqrt()  # the culprit line
            F.l1_loss(root, tg.zeros(2))

    msg = _warned(run)
    assert "was Pow" in msg and "test_errors.py" in msg and "the culprit line" in msg


def test_without_a_graph_the_warning_says_so():
    with tg.no_grad():
        msg = _warned(lambda: F.mse_loss(tg.tensor([np.inf]), tg.tensor([0.0])))
    assert "No graph was recorded" in msg


def test_the_warning_can_be_made_an_error():
    x = tg.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error", tg.NonFiniteLossWarning)
        with pytest.raises(tg.NonFiniteLossWarning, match="Log"):
            F.binary_cross_entropy_with_logits(x.log(), tg.tensor([1.0]))
