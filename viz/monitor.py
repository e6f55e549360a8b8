"""``viz.GradientMonitor``: each module's gradient norm at every step, as a heatmap."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any


class GradientMonitor:
    """Record every module's gradient norm once per training step.

    Call :meth:`step` after ``loss.backward()`` (before ``zero_grad``); a module's
    norm is that of all its own parameters' gradients together. :meth:`plot` draws
    the history as a heatmap, modules x steps, on a log scale: vanishing layers show
    as a dark row, exploding ones as a bright one.

    Args:
        model: an ``nn.Module``.

    Example:
        >>> monitor = viz.GradientMonitor(model)
        >>> for x, y in loader:
        ...     opt.zero_grad(); F.cross_entropy(model(x), y).backward()
        ...     monitor.step(); opt.step()
        >>> monitor.plot("grad_health.png")
    """

    def __init__(self, model: Any) -> None:
        self.modules = [(path, m) for path, m in model.named_modules()
                        if list(m.parameters(recurse=False))]
        self.names = [p or type(m).__name__ for p, m in self.modules]
        self.history: list[list[float]] = []  # one row per step, one column per module

    def step(self) -> list[float]:
        """Record the current gradients' norms (NaN for a module without grads)."""
        row = []
        for _, module in self.modules:
            sq, seen = 0.0, False
            for p in module.parameters(recurse=False):
                if p.grad is not None:
                    g = p.grad.numpy().astype("float64", copy=False)
                    sq += float((g * g).sum())
                    seen = True
            row.append(math.sqrt(sq) if seen else float("nan"))
        self.history.append(row)
        return row

    def plot(self, path: str | os.PathLike | None = None, title: str = "gradient norm "
             "per module (log10)") -> Any:
        """A matplotlib Figure of the heatmap; saved to ``path`` when given."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        import numpy as np

        if not self.history:
            raise RuntimeError("GradientMonitor.plot: no steps recorded; call "
                               "monitor.step() after each backward().")
        data = np.array(self.history, dtype=np.float64).T
        with np.errstate(divide="ignore"):
            logs = np.log10(data)
        fig, ax = plt.subplots(figsize=(min(4 + data.shape[1] / 20, 14),
                                        1.2 + 0.35 * len(self.names)))
        im = ax.imshow(logs, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_yticks(range(len(self.names)), self.names, fontsize=8)
        ax.set_xlabel("step")
        ax.set_title(title, fontsize=10)
        fig.colorbar(im, ax=ax, label="log10 |grad|")
        fig.tight_layout()
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=110)
            plt.close(fig)
        return fig
