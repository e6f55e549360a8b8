"""``tg.utils.data``: the same objects as ``tg.data`` (PyTorch's ``torch.utils.data`` path),
with torch's submodules ``dataset``, ``dataloader`` and ``sampler``.

Example:
    >>> from tensorgraph.utils.data import DataLoader, TensorDataset
    >>> from tensorgraph.utils.data.dataloader import default_collate
"""

# A re-export of every public name of tg.data, unchanged (the objects, not copies).
from ...data import *  # noqa: F403
from ...data import __all__ as _names
from . import dataloader, dataset, sampler

__all__ = [*_names, "dataloader", "dataset", "sampler"]
