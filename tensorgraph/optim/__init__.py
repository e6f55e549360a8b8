"""Optimizers (``SGD``, ``Adam``, ``AdamW``, ``RMSprop``) and ``lr_scheduler``, with
PyTorch's names, update rules and checkpoint format."""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
