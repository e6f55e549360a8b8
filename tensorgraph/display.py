"""How a Tensor shows itself in Jupyter (``_repr_html_``), mixed into ``Tensor``."""

from __future__ import annotations


class DisplayMethods:
    """``Tensor``'s notebook display."""

    __slots__ = ()
