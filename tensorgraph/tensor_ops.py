"""More Tensor methods (torch's wider surface), mixed into ``Tensor``.

``Tensor`` inherits from :class:`OpMethods`, which gathers one mixin per family (each
in its own file); each method is a thin wrapper that calls an op in
``tensorgraph/ops/`` or a composite of existing methods. A method that ``tensor.py``
defines itself takes precedence over one here.
"""

from __future__ import annotations

from .tensor_bits import BitwiseMethods
from .tensor_index import IndexMethods
from .tensor_index_dim import IndexDimMethods
from .tensor_linalg import LinalgMethods
from .tensor_math import MathMethods
from .tensor_matrix import MatrixMethods
from .tensor_more import MoreMethods
from .tensor_rank import RankMethods
from .tensor_scatter_reduce import ScatterReduceMethods
from .tensor_named_arith import NamedArithmeticMethods
from .tensor_reduce import ReduceMethods
from .tensor_shape import ShapeMethods
from .tensor_stats import StatsMethods


class OpMethods(MathMethods, IndexMethods, IndexDimMethods, ReduceMethods, LinalgMethods,
                MatrixMethods, ShapeMethods, StatsMethods, MoreMethods, RankMethods,
                ScatterReduceMethods, NamedArithmeticMethods, BitwiseMethods):
    """Tensor methods beyond the core set in ``tensor.py`` (mixed into ``Tensor``)."""

    __slots__ = ()
