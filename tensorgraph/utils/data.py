"""``tg.utils.data``: the same objects as ``tg.data`` (PyTorch's ``torch.utils.data`` path)."""

from ..data import (
    MNIST,
    DataLoader,
    Dataset,
    DatasetNotFoundError,
    FashionMNIST,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

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
]
