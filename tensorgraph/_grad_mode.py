"""Moved to :mod:`tensorgraph.autograd.grad_mode` (thread-local modes); kept until
``_graph_record`` uses ``tensorgraph.autograd.record_source``."""

from .autograd.grad_mode import _State, outside_package, user_frame

__all__ = ["_State", "outside_package", "user_frame"]
