"""``torch.nn.modules.module`` path: the Module base class (defined in ``tensorgraph.nn``)."""

from ..hooks import (
    ModuleHooks,
    register_module_forward_hook,
    register_module_forward_pre_hook,
)
from ..module import Module

__all__ = ["Module", "ModuleHooks", "register_module_forward_hook",
           "register_module_forward_pre_hook"]
