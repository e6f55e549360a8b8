"""The in-place random samplers of a Tensor (``uniform_``, ``normal_``, ...), mixed
into ``Tensor``."""

from __future__ import annotations


class RandomMethods:
    """``Tensor``'s in-place samplers; they draw from ``tensorgraph.random``."""

    __slots__ = ()
