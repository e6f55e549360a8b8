"""Small MNIST-format files for the tensorgraph.data tests (test_data*.py)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from tensorgraph.data import datasets

STEMS = datasets.FILES


def idx_bytes(arr: np.ndarray, magic: int | None = None) -> bytes:
    """Serialize a uint8 array as IDX (magic defaults to ubyte with arr.ndim dims)."""
    magic = (0x0800 | arr.ndim) if magic is None else magic
    return (
        struct.pack(">I", magic)
        + struct.pack(f">{arr.ndim}I", *arr.shape)
        + arr.astype(np.uint8).tobytes()
    )


def write(path: Path, payload: bytes, gz: bool) -> Path:
    path.write_bytes(gzip.compress(payload, mtime=0) if gz else payload)
    return path


def fake_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(
        0, 10, n, dtype=np.uint8
    )


def make_dataset_dir(
    folder: Path, n_train: int = 6, n_test: int = 4, gz: bool = True
) -> dict[str, bytes]:
    """Write four small MNIST-format files; returns file name -> bytes as written."""
    folder.mkdir(parents=True, exist_ok=True)
    (tr_x, tr_y), (te_x, te_y) = fake_split(n_train, 0), fake_split(n_test, 1)
    out = {}
    for stem, arr in zip(STEMS, (tr_x, tr_y, te_x, te_y)):
        name = f"{stem}.gz" if gz else stem
        out[name] = write(folder / name, idx_bytes(arr), gz).read_bytes()
    return out
