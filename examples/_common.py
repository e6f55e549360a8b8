"""Helpers shared by the example scripts: optional imports with a clear fix, figures, seeds.

The examples need ``matplotlib`` and ``tqdm`` (the ``examples`` extra); a missing one
stops with the command that installs it instead of an ImportError traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Examples run from a checkout without installing: make `import tensorgraph` find it.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INSTALL_HINT = 'pip install -e ".[examples]"  (from the repository root)'


class MissingExtraError(RuntimeError):
    """An optional package the examples need is not installed."""


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (writes files, never opens a window)."""
    try:
        import matplotlib
    except ImportError as e:
        raise MissingExtraError(f"the examples need matplotlib: {INSTALL_HINT}") from e
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def tqdm() -> Any:
    """The ``tqdm`` progress-bar class."""
    try:
        from tqdm import tqdm as bar
    except ImportError as e:
        raise MissingExtraError(f"the examples need tqdm: {INSTALL_HINT}") from e
    return bar


def out_dir(path: str | os.PathLike) -> Path:
    """Create (if needed) and return the output folder."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig: Any, path: Path) -> Path:
    """Write a matplotlib figure as a small PNG and close it (figures hold memory)."""
    plt = pyplot()
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def run_cli(run: Callable[[Any], Any], parse_args: Callable[[Any], Any],
            argv: list[str] | None) -> int:
    """An example's ``main``: parse ``argv``, run, and report a missing optional package
    as one line on stderr with exit status 1 instead of a traceback."""
    try:
        run(parse_args(argv))
    except MissingExtraError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0

