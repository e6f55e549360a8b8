"""Why initialisation and BatchNorm matter: activation and gradient scale, layer by layer.

    python examples/activations.py        # a few seconds; writes runs/activations/activations.png

One deep MLP (10 hidden layers of 256 units on 784 inputs, as for MNIST) with sigmoid, tanh
or ReLU, built four ways:

* ``N(0, 1) init``: weights of standard deviation 1: each layer multiplies the scale of
  its input by about sqrt(256) = 16, so sigmoid and tanh saturate and ReLU explodes;
* ``default init``: PyTorch's (and tensorgraph's) ``Linear`` default, uniform with
  std = 1 / sqrt(3 * fan_in): ReLU activations shrink by about 2/3 in variance per layer;
* ``Kaiming (He) init``: std = gain / sqrt(fan_in) with the nonlinearity's gain
  (``nn.init.kaiming_normal_``): the scale stays about constant through depth;
* ``default init + BatchNorm``: each layer's pre-activations are renormalised per batch.

One forward and backward pass over a batch of random images and labels records the standard
deviation of each layer's output and of each weight matrix's gradient. Flat lines are
healthy; lines that fall or rise by powers of ten are vanishing or exploding signals.
What it shows: with ReLU or tanh, Kaiming init and BatchNorm each keep both scales flat;
with sigmoid (slope at most 1/4, outputs not centred on 0) no init stops the gradient
of the first layers from vanishing, and only BatchNorm does.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
from _common import out_dir, pyplot, run_cli, save_figure

# found through the sys.path entry _common adds when run from a checkout
import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
SETUPS = ["N(0, 1) init", "default init", "Kaiming (He) init", "default init + BatchNorm"]


class DeepMLP(nn.Module):
    """``depth`` blocks of Linear (+ BatchNorm1d) + activation, then a 10-way Linear.

    ``forward`` keeps each block's output in ``self.outputs`` so we can measure it.
    """

    def __init__(self, activation: str, setup: str, depth: int = 10, width: int = 256,
                 inputs: int = 784) -> None:
        super().__init__()
        sizes = [inputs] + [width] * depth
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.norms = nn.ModuleList(
            nn.BatchNorm1d(width) if "BatchNorm" in setup else nn.Identity()
            for _ in range(depth)
        )
        self.act = ACTIVATIONS[activation]()
        self.head = nn.Linear(width, 10)
        for linear in self.linears:
            if setup == "N(0, 1) init":
                nn.init.normal_(linear.weight, 0.0, 1.0)
            elif setup == "Kaiming (He) init":
                nn.init.kaiming_normal_(linear.weight, nonlinearity=activation)
            if setup != "default init" and "BatchNorm" not in setup:
                nn.init.zeros_(linear.bias)
        self.outputs: list[tg.Tensor] = []

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        self.outputs = []
        for linear, norm in zip(self.linears, self.norms):
            x = self.act(norm(linear(x)))
            self.outputs.append(x)
        return self.head(x)


def measure(activation: str, setup: str, images: tg.Tensor, labels: tg.Tensor,
            depth: int) -> tuple[list[float], list[float]]:
    """Per hidden layer: std of its output and std of its weight's gradient."""
    model = DeepMLP(activation, setup, depth=depth)
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    act_std = [float(h.detach().numpy().std()) for h in model.outputs]
    grad_std = [float(lin.weight.grad.numpy().std()) for lin in model.linears]
    return act_std, grad_std


def run(args: argparse.Namespace) -> dict:
    tg.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    # Random "images" scaled like MNIST pixels after normalisation (mean 0, std 1).
    images = tg.from_numpy(rng.standard_normal((args.batch, 784)).astype(np.float32))
    labels = tg.from_numpy(rng.integers(0, 10, size=args.batch))
    results: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
    for activation in ACTIVATIONS:
        results[activation] = {}
        for setup in SETUPS:
            act_std, grad_std = measure(activation, setup, images, labels, args.depth)
            results[activation][setup] = (act_std, grad_std)
            print(f"{activation:8s} {setup:26s} output std: layer 1 {act_std[0]:.2e}, "
                  f"layer {args.depth} {act_std[-1]:.2e}   weight-grad std: layer 1 "
                  f"{grad_std[0]:.2e}, layer {args.depth} {grad_std[-1]:.2e}")

    plt = pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True, layout="constrained")
    layers = np.arange(1, args.depth + 1)
    styles = dict(zip(SETUPS, ["o:", "s--", "^-", "D-"]))
    for col, activation in enumerate(ACTIVATIONS):
        for setup in SETUPS:
            act_std, grad_std = results[activation][setup]
            axes[0, col].semilogy(layers, act_std, styles[setup], label=setup, ms=4)
            axes[1, col].semilogy(layers, grad_std, styles[setup], label=setup, ms=4)
        axes[0, col].set_title(f"{activation}: std of each layer's output")
        axes[1, col].set_title(f"{activation}: std of each layer's weight gradient")
        axes[1, col].set_xlabel("hidden layer")
    for ax in axes.flat:
        ax.grid(alpha=0.3, which="both")
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(SETUPS))
    fig.suptitle(f"a {args.depth}-layer MLP, one forward/backward pass on a batch of "
                 f"{args.batch}: vanishing and exploding signals")
    path = save_figure(fig, out_dir(args.out) / "activations.png")
    print(f"plot: {path}")
    return {"results": results, "plot": path}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--depth", type=int, default=10, help="hidden layers")
    p.add_argument("--batch", type=int, default=256, help="images in the batch")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("runs/activations"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    sys.exit(main())
