"""Datasets and data loading: ``Dataset``, ``TensorDataset``, ``DataLoader``, MNIST.

Also reachable as ``tg.utils.data`` (the same objects), as in PyTorch.

Example:
    >>> import tensorgraph as tg
    >>> train = tg.data.MNIST(train=True)
    >>> loader = tg.data.DataLoader(train, batch_size=128, shuffle=True, seed=0)
    >>> images, labels = next(iter(loader))   # (128, 1, 28, 28) float32, (128,) int64
"""

from .dataset import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)
from .datasets import MNIST, DatasetNotFoundError, FashionMNIST
from .idx import read_idx

__all__ = [
    "MNIST",
    "DataLoader",
    "Dataset",
    "DatasetNotFoundError",
    "FashionMNIST",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
    "read_idx",
]
