# DataLoader with worker processes on a map-style dataset: num_workers, prefetch_factor,
# persistent_workers over two epochs, worker_init_fn seeding numpy per worker, and a
# dataset error reported with its index.
# compat: rtol=1e-6 atol=1e-7
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset


class Features(Dataset):
    def __len__(self):
        return 30

    def __getitem__(self, i):
        x = np.linspace(0, 1, 4, dtype=np.float32) * i
        return torch.from_numpy(x), i % 4


class Fragile(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 7:
            raise ValueError(f"corrupt record {i}")
        return i


def init(worker_id):
    np.random.seed(1234 + worker_id)


loader = DataLoader(Features(), batch_size=8, num_workers=2, prefetch_factor=3,
                    persistent_workers=True, worker_init_fn=init)
for epoch in range(2):
    total = 0.0
    for xb, yb in loader:
        total += xb.sum().item()
        print(epoch, tuple(xb.shape), yb.tolist())
    print("epoch", epoch, "total", total)
try:
    for batch in DataLoader(Fragile(), batch_size=4, num_workers=2):
        print("ok batch", batch.tolist())
except ValueError as err:
    print("caught ValueError:", str(err).splitlines()[0])
