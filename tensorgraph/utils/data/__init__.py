"""``tg.utils.data``: the same objects as ``tg.data`` (PyTorch's ``torch.utils.data`` path),
with torch's submodules ``dataset``, ``dataloader`` and ``sampler``.

Example:
    >>> from tensorgraph.utils.data import DataLoader, TensorDataset
    >>> from tensorgraph.utils.data.dataloader import default_collate
"""

# A re-export of every public name of tg.data, unchanged (the objects, not copies);
# tests/test_data_loader.py checks that this list covers tg.data's.
from ...data import *
from . import dataloader, dataset, sampler

__all__ = [
    "MNIST",
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DatasetNotFoundError",
    "FashionMNIST",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "WorkerInfo",
    "dataloader",
    "dataset",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
    "read_idx",
    "sampler",
]
