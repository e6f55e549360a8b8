"""``torch.nn.modules.container`` path: containers (defined in ``tensorgraph.nn``)."""

from ..container import ModuleDict, ModuleList, Sequential
from ..parameter_container import ParameterDict, ParameterList

__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"]
