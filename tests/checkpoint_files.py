"""Helpers for the checkpoint tests: objects whose unpickling runs code, structural
equality, and ways to forge or damage a checkpoint file."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tensorgraph.serialization import CheckpointError, load, save
from tensorgraph.tensor import Tensor


FLAG = {"ran": False}  # set when a loader ran code from a file


def _set_flag() -> None:
    FLAG["ran"] = True


class Evil:
    """Unpickling this calls _set_flag: proof that a loader ran code from the file."""

    def __reduce__(self):
        return (_set_flag, ())


class WritesMarker:
    """Unpickling this creates a file: the other classic way to see code was run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


@pytest.fixture(autouse=True)
def no_code_runs():
    FLAG["ran"] = False
    yield
    assert not FLAG["ran"], "a checkpoint made tensorgraph run code"


def assert_same(got, want):
    """Structural equality that also checks types, dtypes, shapes and NaN positions."""
    assert type(got) is type(want), (type(got), type(want))
    if isinstance(want, Tensor):
        assert got.requires_grad == want.requires_grad
        got, want = got.array, want.array
    if isinstance(want, (np.ndarray, np.generic)):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    elif isinstance(want, dict):
        assert list(got) == list(want)  # same keys, same key types, same order
        assert all(type(a) is type(b) for a, b in zip(got, want))
        for key in want:
            assert_same(got[key], want[key])
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for a, b in zip(got, want):
            assert_same(a, b)
    elif isinstance(want, float) and math.isnan(want):
        assert math.isnan(got)
    else:
        assert got == want


def roundtrip(obj, tmp_path):
    save(obj, tmp_path / "ckpt.npz")
    return load(tmp_path / "ckpt.npz")


def good_checkpoint(path: Path) -> Path:
    save({"w": Tensor(np.arange(6, dtype=np.float32).reshape(2, 3)), "step": 3}, path)
    return path


def rewrite(src: Path, dst: Path, edit_index=None, members=None) -> Path:
    """Copy a checkpoint, editing its JSON index and adding or replacing members."""
    with zipfile.ZipFile(src) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    if edit_index is not None:
        index = json.loads(contents["index.json"])
        edit_index(index)
        contents["index.json"] = json.dumps(index).encode()
    contents.update(members or {})
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    return dst


def npy_bytes(array: np.ndarray, tmp_path: Path) -> bytes:
    np.save(tmp_path / "member.npy", array, allow_pickle=True)
    return (tmp_path / "member.npy").read_bytes()


def patch_central_sizes(data: bytes, name: str, size: int) -> bytes:
    """Make the zip central directory claim ``size`` bytes (stored) for member ``name``."""
    out = bytearray(data)
    at = out.index(b"PK\x01\x02")
    while out[at + 46:at + 46 + int.from_bytes(out[at + 28:at + 30], "little")] \
            != name.encode():
        at = out.index(b"PK\x01\x02", at + 4)
    out[at + 20:at + 28] = size.to_bytes(4, "little") * 2  # compressed and uncompressed
    return bytes(out)


def expect_refusal(path: Path, *words: str) -> CheckpointError:
    with pytest.raises(CheckpointError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message
    return info.value
