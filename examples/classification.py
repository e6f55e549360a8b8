"""Binary classification of two moons (or XOR) with BCEWithLogitsLoss; plot the boundary.

    python examples/classification.py                 # two moons; runs/classification/
    python examples/classification.py --dataset xor

The network outputs one logit per point; ``BCEWithLogitsLoss`` applies the sigmoid inside
the loss (numerically stable), so the model itself has no final sigmoid. The plot shows
the predicted probability p(class 1) over the plane, the 0.5 boundary and the data.
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


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``), centred near 0."""
    t = rng.uniform(0, np.pi, size=n)
    label = rng.integers(0, 2, size=n)
    x = np.where(label == 0, np.cos(t), 1 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x - 0.5, y - 0.25], axis=1) + rng.normal(0, noise, size=(n, 2))
    return points.astype(np.float32), label.astype(np.float32)


def make_xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants of [-1, 1]^2; class 1 where x and y differ in sign."""
    points = rng.uniform(-1, 1, size=(n, 2)) + rng.normal(0, noise, size=(n, 2))
    label = (points[:, 0] * points[:, 1] < 0).astype(np.float32)
    return points.astype(np.float32), label


def make_model(hidden: int = 16) -> nn.Module:
    return nn.Sequential(
        nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def accuracy(model: nn.Module, points: np.ndarray, labels: np.ndarray) -> float:
    """Fraction classified right: class 1 where the logit is positive (p > 0.5)."""
    return float(((model(tg.from_numpy(points)).numpy()[:, 0] > 0) == (labels > 0.5)).mean())


def run(args: argparse.Namespace) -> dict:
    tg.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    make = make_moons if args.dataset == "moons" else make_xor
    points, labels = make(args.points, args.noise, rng)
    test_points, test_labels = make(1000, args.noise, rng)  # fresh points from the same law
    x, y = tg.from_numpy(points), tg.from_numpy(labels[:, None])

    model = make_model(args.hidden)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(args.steps):
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with tg.no_grad():
        train_acc = accuracy(model, points, labels)
        test_acc = accuracy(model, test_points, test_labels)
    print(f"{args.dataset}: final loss {losses[-1]:.4f}, accuracy: training "
          f"{100 * train_acc:.1f}%, 1,000 new points {100 * test_acc:.1f}%")

    # p(class 1) on a grid covering the data, for the background and the boundary.
    lo, hi = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    with tg.no_grad():
        prob = model(tg.from_numpy(grid)).sigmoid().numpy().reshape(gx.shape)

    plt = pyplot()
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10.5, 4.2), layout="constrained",
                                      gridspec_kw={"width_ratios": [1.3, 1]})
    shade = ax.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, prob, levels=[0.5], colors="black", linewidths=1.5)
    ax.scatter(*points[labels == 0].T, s=12, c="tab:blue", edgecolors="white", lw=0.4,
               label="class 0")
    ax.scatter(*points[labels == 1].T, s=12, c="tab:red", edgecolors="white", lw=0.4,
               label="class 1")
    fig.colorbar(shade, ax=ax, label="p(class 1) = sigmoid(logit)")
    ax.set(title=f"decision boundary ({args.dataset}): accuracy {100 * train_acc:.1f}% "
           f"(train), {100 * test_acc:.1f}% (new points)",
           xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="lower right", fontsize=8)
    ax_loss.semilogy(losses)
    ax_loss.set(xlabel="step (Adam, full batch)", ylabel="BCE-with-logits loss",
                title="training loss")
    ax_loss.grid(alpha=0.3)
    path = save_figure(fig, out_dir(args.out) / f"boundary_{args.dataset}.png")
    print(f"plot: {path}")
    return {"train_acc": train_acc, "test_acc": test_acc, "losses": losses, "plot": path}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=["moons", "xor"], default="moons")
    p.add_argument("--points", type=int, default=400)
    p.add_argument("--noise", type=float, default=0.2)
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--lr", type=float, default=2e-2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("runs/classification"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    sys.exit(main())
