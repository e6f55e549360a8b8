"""Catalogue entries for diagonal and trace (tensor_views.py)."""

from __future__ import annotations

from op_catalogue import Op

OPS: list[Op] = [
    Op("diagonal", lambda a: a.diagonal(), lambda a: a.diagonal(), [((3, 4),), ((4, 3),)]),
    Op("diagonal_offset", lambda a: a.diagonal(1), lambda a: a.diagonal(1), [((3, 4),)]),
    Op("diagonal_neg_offset", lambda a: a.diagonal(-2, 0, 1), lambda a: a.diagonal(-2, 0, 1),
       [((4, 3),)]),
    Op("diagonal_dims", lambda a: a.diagonal(0, 2, 0), lambda a: a.diagonal(0, 2, 0),
       [((3, 2, 4),)]),
    Op("trace", lambda a: a.trace(), lambda a: a.trace(), [((3, 4),), ((4, 4),)]),
]
