"""More Tensor methods (torch's wider surface), mixed into ``Tensor``.

``Tensor`` inherits from :class:`OpMethods`, which gathers one mixin per family (each
in its own file); each method is a thin wrapper that calls an op in
``tensorgraph/ops/`` or a composite of existing methods. A method that ``tensor.py``
defines itself takes precedence over one here.
"""

from __future__ import annotations

from .tensor_math import MathMethods


class OpMethods(MathMethods):
    """Tensor methods beyond the core set in ``tensor.py`` (mixed into ``Tensor``)."""

    __slots__ = ()
