# Streaming data: an IterableDataset over text lines, split across DataLoader workers
# with get_worker_info (as torch's docs show), ChainDataset, worker_init_fn.
# compat: rtol=1e-6 atol=1e-7
import math
import os

import torch
from torch.utils.data import ChainDataset, DataLoader, IterableDataset, get_worker_info


class LineLengths(IterableDataset):
    def __init__(self, path, start, end):
        self.path, self.start, self.end = path, start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per_worker = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per_worker
            hi = min(lo + per_worker, self.end)
        with open(self.path) as f:
            for i, line in enumerate(f):
                if lo <= i < hi:
                    yield torch.tensor([len(line), line.count(" ")])


def init(worker_id):
    info = get_worker_info()
    assert info.id == worker_id


path = os.path.join(os.environ.get("TENSORGRAPH_DATA", "../data"), "text", "names.txt")
ds = LineLengths(path, 0, 40)
print("single", [b.sum(0).tolist() for b in DataLoader(ds, batch_size=8)])
print("two workers", [b.sum(0).tolist() for b in DataLoader(ds, batch_size=8, num_workers=2,
                                                           worker_init_fn=init)])
chained = ChainDataset([LineLengths(path, 0, 5), LineLengths(path, 100, 103)])
print("chained", [b[:, 0].tolist() for b in DataLoader(chained, batch_size=3)])
