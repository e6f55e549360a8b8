"""``torch.nn.modules.module`` path: the Module base class (defined in ``tensorgraph.nn``)."""

from ..hooks import ModuleHooks
from ..module import Module

__all__ = ["Module", "ModuleHooks"]
