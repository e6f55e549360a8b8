"""``viz.show``: mark the graph a script wants drawn (read by ``python -m viz``)."""

from __future__ import annotations

from typing import Any

import graphviz

from .draw import draw

#: The last ``(root, draw options)`` given to :func:`show`, newest last.
shown: list[tuple[Any, dict]] = []


def show(root: Any, **draw_kwargs: Any) -> graphviz.Digraph:
    """Draw ``root`` and remember it as the graph ``python -m viz`` should render.

    In a notebook the returned Digraph displays inline; in a script run with
    ``python -m viz script.py -o out/``, the last graph passed to ``show`` is the one
    rendered (with these ``draw_kwargs``, e.g. ``model=``).

    Example:
        >>> loss = F.cross_entropy(model(x), y)
        >>> viz.show(loss, model=model)
    """
    shown.append((root, dict(draw_kwargs)))
    del shown[:-1]  # keep only the newest: old graphs would pin their memory
    return draw(root, **draw_kwargs)
