# torch.utils.data end to end: a custom Dataset returning dicts, Subset, ConcatDataset,
# SequentialSampler / BatchSampler / a custom Sampler, a collate_fn that pads, drop_last,
# batch_size=None, an IterableDataset with islice-style batching, and TensorDataset.
# compat: rtol=1e-6 atol=1e-7
import numpy as np
import torch
from torch.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    Sampler,
    SequentialSampler,
    Subset,
    TensorDataset,
)
from torch.utils.data.dataloader import default_collate


class Squares(Dataset):
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        x = float(idx + self.offset)
        return {"x": torch.tensor([x, x * x]), "y": int(idx + self.offset) % 3, "name": f"s{idx}"}


class EveryOther(Sampler):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(0, len(self.data_source), 2))

    def __len__(self):
        return (len(self.data_source) + 1) // 2


def pad_collate(batch):
    longest = max(len(seq) for seq, _ in batch)
    out = torch.zeros(len(batch), longest)
    for i, (seq, _) in enumerate(batch):
        out[i, :len(seq)] = torch.tensor(seq)
    return out, torch.tensor([label for _, label in batch])


class Ragged(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return [0.5 * k for k in range(i + 1)], i


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield np.array([i, -i], dtype=np.float32)


ds = ConcatDataset([Squares(5), Squares(4, offset=100)])
print("len", len(ds), ds[6]["x"].tolist())
for batch in DataLoader(ds, batch_size=4):
    print(batch["x"].sum().item(), batch["y"].tolist(), batch["name"])
loader = DataLoader(Subset(ds, [8, 1, 3]), batch_size=2, drop_last=True)
print("drop_last batches", len(loader), [b["y"].tolist() for b in loader])
for batch in DataLoader(ds, sampler=EveryOther(ds), batch_size=3):
    print("every other", batch["x"][:, 0].tolist())
bs = BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)
print(list(bs))
for batch in DataLoader(ds, batch_sampler=[[0, 8], [4], [2, 3, 5]]):
    print("batch sampler", batch["y"].tolist())
for seqs, labels in DataLoader(Ragged(), batch_size=2, collate_fn=pad_collate):
    print(seqs.tolist(), labels.tolist())
for sample in DataLoader(Ragged(), batch_size=None):
    print("unbatched", type(sample).__name__, sample[1])
print([b.tolist() for b in DataLoader(Stream(7), batch_size=3)])
X = torch.arange(12, dtype=torch.float32).reshape(6, 2)
y = torch.tensor([0, 1, 0, 1, 1, 0])
for xb, yb in DataLoader(TensorDataset(X, y), batch_size=4):
    print("tensor dataset", xb.mean().item(), yb.tolist())
ints, floats = default_collate([(1, 2.5), (3, 4.5)])
print(ints.tolist(), floats.tolist(), ints.dtype == torch.int64, floats.dtype == torch.float64)
