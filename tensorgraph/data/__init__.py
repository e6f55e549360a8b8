"""Datasets and data loading, torch's ``torch.utils.data`` surface, plus MNIST.

Also reachable as ``tg.utils.data`` (the same objects, with torch's submodule paths:
``tg.utils.data.dataloader.DataLoader``, ``.dataset.Dataset``, ``.sampler.Sampler``).

Example:
    >>> import tensorgraph as tg
    >>> train = tg.data.MNIST(train=True)
    >>> loader = tg.data.DataLoader(train, batch_size=128, shuffle=True)
    >>> images, labels = next(iter(loader))   # (128, 1, 28, 28) float32, (128,) int64
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader, WorkerInfo, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .datasets import MNIST, DatasetNotFoundError, FashionMNIST
from .idx import read_idx
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

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
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
    "read_idx",
]
