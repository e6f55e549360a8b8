"""``viz.render``: write a drawing to ``.svg``, ``.png``, ``.pdf`` or ``.dot``, atomically."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import graphviz

from .draw import draw

FORMATS = ("svg", "png", "pdf", "dot")

INSTALL_HELP = (
    "the Graphviz 'dot' program is not installed (or not on PATH), so viz can only "
    "write the .dot source. Install it with one of:\n"
    "    sudo apt-get install graphviz      # Debian / Ubuntu\n"
    "    brew install graphviz              # macOS\n"
    "    conda install graphviz             # conda environments\n"
    "then run again, or render the .dot yourself: dot -Tsvg graph.dot -o graph.svg"
)


class DotNotFoundError(RuntimeError):
    """The ``dot`` program is needed for this format and is missing."""


def dot_available() -> bool:
    return shutil.which("dot") is not None


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place,
    so a reader never sees a half-written file (even if we are interrupted)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def to_bytes(dot: graphviz.Digraph, fmt: str) -> bytes:
    """Lay out ``dot`` with the ``dot`` program and return the ``fmt`` output."""
    if fmt == "dot":
        return dot.source.encode("utf-8")
    if not dot_available():
        raise DotNotFoundError(INSTALL_HELP)
    try:
        return dot.pipe(format=fmt)
    except (graphviz.ExecutableNotFound, FileNotFoundError) as exc:
        raise DotNotFoundError(INSTALL_HELP) from exc
    except (graphviz.CalledProcessError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(f"render: the dot program failed on this graph: {exc}") from exc


def save(dot: graphviz.Digraph, path: str | os.PathLike, format: str | None = None) -> Path:
    """Write a Digraph to ``path``; on a missing ``dot``, write ``<path>.dot`` and raise."""
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt == "gv":
        fmt = "dot"
    if fmt not in FORMATS:
        raise ValueError(
            f"render: unknown format {fmt!r} for {str(path)!r}; use a path ending in "
            f"{', '.join('.' + f for f in FORMATS)} or pass format=."
        )
    if fmt != "dot" and not dot_available():
        dot_path = write_atomic(path.with_suffix(".dot"), dot.source.encode("utf-8"))
        raise DotNotFoundError(
            f"render: cannot write {path}: {INSTALL_HELP}\n(The DOT source was written to "
            f"{dot_path}.)"
        )
    return write_atomic(path, to_bytes(dot, fmt))


def render(root: Any, path: str | os.PathLike, format: str | None = None,
           **draw_kwargs: Any) -> Path:
    """Draw ``root``'s graph and write it to ``path``.

    Args:
        root: a Tensor (usually the loss) or a ``tensorgraph.graph.Graph``.
        path: where to write; the suffix picks the format: ``.svg``, ``.png``, ``.pdf``
            or ``.dot`` (DOT source: needs no Graphviz program).
        format: overrides the suffix.
        **draw_kwargs: passed to :func:`viz.draw` (``model=``, ``color="grad"``, ...).

    Returns:
        The path written.

    Raises:
        DotNotFoundError: for svg/png/pdf when the ``dot`` program is missing; the
            ``.dot`` source is still written next to ``path``.

    Example:
        >>> viz.render(loss, "figures/mlp.svg", model=model, color="grad")
    """
    return save(draw(root, **draw_kwargs), path, format)
