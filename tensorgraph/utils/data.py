"""``tg.utils.data``: the same objects as ``tg.data`` (PyTorch's ``torch.utils.data`` path).

Example:
    >>> from tensorgraph.utils.data import DataLoader, TensorDataset
"""

# A re-export of every public name of tg.data, unchanged (the objects, not copies).
from .. import data as _data
from ..data import *

__all__ = list(_data.__all__)
