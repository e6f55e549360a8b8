"""``torch.utils.data.dataloader``: DataLoader and its helpers (the objects of ``tg.data``)."""

from ...data.collate import default_collate, default_convert
from ...data.dataloader import DataLoader, WorkerInfo, get_worker_info

__all__ = ["DataLoader", "WorkerInfo", "default_collate", "default_convert",
           "get_worker_info"]
