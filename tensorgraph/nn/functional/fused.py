"""Moved to :mod:`tensorgraph.ops.fused`; re-exported here until conv/pool move too."""

from ...ops.fused import composite_grad, const, is_array

__all__ = ["composite_grad", "const", "is_array"]
