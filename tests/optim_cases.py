"""The problem the optimizer tests train on (a small float64 MLP from raw tensors), the
optimizer configurations, and helpers that run tg.optim and torch.optim side by side."""

from __future__ import annotations

import numpy as np

import tensorgraph as tg

# A small float64 regression MLP built from raw tensors: tanh(x @ W1 + b1) @ W2, MSE.
_rng = np.random.default_rng(1234)
X = _rng.standard_normal((16, 5))
Y = _rng.standard_normal((16, 2))
INIT = [_rng.standard_normal((5, 8)) * 0.5, _rng.standard_normal(8) * 0.1,
        _rng.standard_normal((8, 2)) * 0.5]
STEPS = 30

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.01, "maximize": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1,
             "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-6, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "centered": True, "momentum": 0.5,
                 "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "eps": 1e-4, "maximize": True}),
]
IDS = [f"{name}-" + "-".join(f"{k}={v}" for k, v in kw.items()) for name, kw in CONFIGS]


def tg_params(init=INIT, dtype=np.float64):
    return [tg.tensor(a.astype(dtype), requires_grad=True) for a in init]


def tg_loss(params, dtype=np.float64):
    w1, b1, w2 = params
    x, y = tg.tensor(X.astype(dtype)), tg.tensor(Y.astype(dtype))
    return (((x @ w1 + b1).tanh() @ w2 - y) ** 2).mean()


def torch_loss(torch, params):
    w1, b1, w2 = params
    dtype = w1.dtype
    x, y = torch.tensor(X, dtype=dtype), torch.tensor(Y, dtype=dtype)
    return (((x @ w1 + b1).tanh() @ w2 - y) ** 2).mean()


def run(opt, loss_fn, steps, sched=None):
    """``steps`` training steps (zero_grad, backward, step, scheduler step); the losses."""
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
    return losses


def run_tg(opt, params, steps, sched=None, dtype=np.float64):
    return run(opt, lambda: tg_loss(params, dtype), steps, sched)


def run_torch(torch, opt, params, steps, sched=None):
    return run(opt, lambda: torch_loss(torch, params), steps, sched)


def torch_params(torch, init=INIT, dtype=np.float64):
    return [torch.tensor(a.astype(dtype), requires_grad=True) for a in init]
