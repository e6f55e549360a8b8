"""The same model, the same starting weights, four optimizers: compare their loss curves.

    python examples/optimizers.py         # a few seconds; writes runs/optimizers/optimizers.png

The task is the sin(x) + x regression of ``regression.py`` (full batch, MSELoss). Each
optimizer starts from an identical copy of one initialisation (``load_state_dict``), so
the curves differ only by the update rule: plain SGD, SGD with momentum, Adam and AdamW
(Adam with decoupled weight decay).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from _common import out_dir, pyplot, run_cli, save_figure
from regression import fit, make_data, make_model

# found through the sys.path entry _common adds when run from a checkout
import tensorgraph as tg
from tensorgraph import optim

# name -> (label for the plot, how to build it); learning rates are each rule's usual ones.
OPTIMIZERS: dict[str, tuple[str, Callable]] = {
    "sgd": ("SGD, lr 0.1", lambda p: optim.SGD(p, lr=0.1)),
    "momentum": ("SGD + momentum 0.9, lr 0.03",
                 lambda p: optim.SGD(p, lr=0.03, momentum=0.9)),
    "adam": ("Adam, lr 0.01", lambda p: optim.Adam(p, lr=1e-2)),
    "adamw": ("AdamW, lr 0.01, weight decay 0.01",
              lambda p: optim.AdamW(p, lr=1e-2, weight_decay=1e-2)),
}


def run(args: argparse.Namespace) -> dict:
    tg.manual_seed(args.seed)
    x, y = make_data(args.points, args.seed)
    start = make_model().state_dict()  # the one initialisation every optimizer starts from
    curves = {}
    for name, (label, build) in OPTIMIZERS.items():
        model = make_model()
        model.load_state_dict(start)
        curves[name] = fit(model, x, y, build(model.parameters()), args.steps)
        print(f"{label:34s} loss after {args.steps} steps: {curves[name][-1]:.2e}")

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, losses in curves.items():
        ax.semilogy(losses, label=OPTIMIZERS[name][0], lw=1.5)
    ax.set(xlabel="step (full batch)", ylabel="MSE loss",
           title="fitting sin(x) + x from the same initial weights")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    path = save_figure(fig, out_dir(args.out) / "optimizers.png")
    print(f"plot: {path}")
    return {"curves": curves, "plot": path}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--points", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("runs/optimizers"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    sys.exit(main())
