"""``torch.nn.modules.lazy`` path: the lazy-module mixin (defined in ``tensorgraph.nn``)."""

from ..lazy import LazyModuleMixin

__all__ = ["LazyModuleMixin"]
