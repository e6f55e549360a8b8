"""Soak test (marker `soak`; `make soak` runs it, `make test` does not): 2,000 MLP steps,
saving a checkpoint and loading it back into a fresh model and optimizer every 100 steps.
Resident memory stays flat, and the run resumed from checkpoints is exactly the run that
never stopped."""

from __future__ import annotations

import gc
import os

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import nn

pytestmark = [pytest.mark.soak,
              pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")]


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def build():
    model = nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 1))
    return model, tg.optim.Adam(model.parameters(), lr=1e-3)


def batch(step: int):
    rng = np.random.default_rng(step)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    return tg.tensor(x), tg.tensor(np.tanh(x[:, :1] * x[:, 1:2]) - 0.5 * x[:, 2:3])


def step(model, opt, i: int) -> float:
    x, y = batch(i)
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


def test_2000_steps_with_checkpoints_every_100_resume_exactly_and_keep_memory_flat(tmp_path):
    tg.manual_seed(0)
    straight, straight_opt = build()
    init = {k: v.detach().clone() for k, v in straight.state_dict().items()}
    straight_losses = [step(straight, straight_opt, i) for i in range(2000)]

    model, opt = build()
    model.load_state_dict(init)
    losses, rss = [], []
    for i in range(2000):
        losses.append(step(model, opt, i))
        if (i + 1) % 100 == 0:
            path = tmp_path / "ckpt.npz"
            tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "step": i}, path)
            del model, opt
            ckpt = tg.load(path)
            model, opt = build()
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optim"])
            assert ckpt["step"] == i
            del ckpt
            gc.collect()
            rss.append(rss_mib())
    assert losses == straight_losses  # bit for bit: nothing lost in the round trips
    for k, v in straight.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[k].numpy(), v.numpy())
    early, late = np.median(rss[2:6]), np.median(rss[-4:])
    assert late - early < 8, f"RSS grew from {early:.1f} to {late:.1f} MiB: {rss}"
    assert os.listdir(tmp_path) == ["ckpt.npz"]
