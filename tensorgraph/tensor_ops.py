"""More Tensor methods (torch's wider surface), mixed into ``Tensor``.

``Tensor`` inherits from :class:`OpMethods`; each method here is a thin wrapper that
calls an op in ``tensorgraph/ops/`` or a composite of existing methods.
"""

from __future__ import annotations


class OpMethods:
    """Tensor methods beyond the core set in ``tensor.py`` (mixed into ``Tensor``)."""

    __slots__ = ()
