"""Fit y = sin(x) + x on [-5, 5] with a small MLP and MSELoss, and plot the fit.

    python examples/regression.py               # a few seconds; writes runs/regression/fit.png

A classic check of a hand-written network: without learned biases every tanh unit
would be centred at x = 0 and the curve could not be fitted. The script prints how far
each layer's bias moved from its initial value, and the final mean squared error on a
dense grid (it should be far below 1e-2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from _common import out_dir, pyplot, run_cli, save_figure

# found through the sys.path entry _common adds when run from a checkout
import tensorgraph as tg
from tensorgraph import nn, optim


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(x) + x


def make_data(n: int, seed: int) -> tuple[tg.Tensor, tg.Tensor]:
    """``n`` points x ~ U(-5, 5) and y = sin(x) + x, as float32 column tensors (n, 1)."""
    x = np.random.default_rng(seed).uniform(-5, 5, size=(n, 1)).astype(np.float32)
    return tg.from_numpy(x), tg.from_numpy(target(x))


def make_model(hidden: int = 32) -> nn.Module:
    # The input is divided by 5 first, so x lands in [-1, 1] where tanh is not flat.
    return nn.Sequential(
        nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
        nn.Linear(hidden, 1),
    )


def fit(model: nn.Module, x: tg.Tensor, y: tg.Tensor, opt: optim.Optimizer, steps: int,
        sched: optim.lr_scheduler.LRScheduler | None = None) -> list[float]:
    """Minimise MSE(model(x / 5), y) on the full batch for ``steps``; returns the losses."""
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x / 5), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
    return losses


def grid_mse(model: nn.Module) -> tuple[np.ndarray, np.ndarray, float]:
    """The fit on 1,000 evenly spaced points of [-5, 5]: (x, prediction, MSE)."""
    grid = np.linspace(-5, 5, 1000, dtype=np.float32)[:, None]
    with tg.no_grad():
        pred = model(tg.from_numpy(grid) / 5).numpy()
    return grid[:, 0], pred[:, 0], float(np.mean((pred - target(grid)) ** 2))


def run(args: argparse.Namespace) -> dict:
    tg.manual_seed(args.seed)
    x, y = make_data(args.points, args.seed)
    model = make_model(args.hidden)
    biases = {n: p.detach().clone() for n, p in model.named_parameters() if n.endswith("bias")}
    opt = optim.Adam(model.parameters(), lr=args.lr)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.steps)
    losses = fit(model, x, y, opt, args.steps, sched)

    params = dict(model.named_parameters())
    for name, before in biases.items():
        moved = float(np.abs(params[name].detach().numpy() - before.numpy()).max())
        print(f"bias {name:8s} moved by up to {moved:.3f} from its initial value")
    grid, pred, mse = grid_mse(model)
    print(f"final training loss {losses[-1]:.2e}; MSE on a 1,000-point grid: {mse:.2e}")

    plt = pyplot()
    fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_fit.plot(x.numpy(), y.numpy(), ".", color="0.6", ms=4, label="training data")
    ax_fit.plot(grid, target(grid), color="black", lw=1, ls="--", label="sin(x) + x")
    ax_fit.plot(grid, pred, color="crimson", lw=2, label=f"MLP (MSE {mse:.1e})")
    ax_fit.set(xlabel="x", ylabel="y", title="fit")
    ax_fit.legend()
    ax_loss.semilogy(losses)
    ax_loss.set(xlabel="step (Adam, full batch)", ylabel="MSE loss", title="training loss")
    for ax in (ax_fit, ax_loss):
        ax.grid(alpha=0.3)
    path = save_figure(fig, out_dir(args.out) / "fit.png")
    print(f"plot: {path}")
    return {"mse": mse, "losses": losses, "plot": path}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--points", type=int, default=256, help="training points")
    p.add_argument("--hidden", type=int, default=32, help="units per hidden layer")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--lr", type=float, default=3e-2, help="peak Adam learning rate (cosine-annealed)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("runs/regression"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    sys.exit(main())
