"""``torch.utils.data.dataloader``: DataLoader and its helpers (the objects of ``tg.data``)."""

from ...data.collate import default_collate, default_convert  # noqa: F401
from ...data.dataloader import DataLoader, WorkerInfo, get_worker_info  # noqa: F401

__all__ = ["DataLoader", "WorkerInfo", "default_collate", "default_convert",
           "get_worker_info"]
