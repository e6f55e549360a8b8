"""Checkpoints: round trips and atomic writes (hostile and broken files:
test_serialization_hostile.py)."""

from __future__ import annotations

import math
import os
import zipfile

import numpy as np
import pytest

from tensorgraph.serialization import atomic
from tensorgraph.serialization import load, save
from tensorgraph.tensor import Tensor

from checkpoint_files import (  # noqa: F401  (no_code_runs: an autouse fixture)
    Evil,
    assert_same,
    good_checkpoint,
    no_code_runs,
    roundtrip,
)


# ------------------------------------------------------------------------ round trips

def test_optimizer_like_state_dict_keeps_int_keys_tuples_and_tensors(tmp_path):
    state = {
        "model": {"0.weight": Tensor(np.ones((2, 3), np.float32), requires_grad=True),
                  "0.bias": Tensor(np.zeros(2, np.float32))},
        "optim": {"state": {0: {"step": 3, "exp_avg": Tensor(np.full(3, 0.5))},
                            1: {"step": 3, "betas": (0.9, 0.999)}},
                  "param_groups": [{"lr": 0.1, "params": [0, 1], "nesterov": False}]},
        "epoch": 7, "name": "run-ü", "note": None, "best": -math.inf,
        0: "int key", "0": "str key", 2.5: "float key", None: "none key",
    }
    assert_same(roundtrip(state, tmp_path), state)


@pytest.mark.parametrize("value", [
    None, True, False, 0, -5, 2**70, 0.0, -0.0, 1.0, 1e-310, 1e300, math.inf, -math.inf,
    math.nan, "", "text", [], (), {}, [[[]]], ((1,), [2.0]), {"a": {"b": {"c": [None]}}},
])
def test_plain_values_round_trip(tmp_path, value):
    assert_same(roundtrip(value, tmp_path), value)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8",
                                   "uint16", "uint32", "uint64", "float16", "float32",
                                   "float64"])
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (5,), (2, 3, 4)])
def test_tensors_and_arrays_of_every_dtype_and_shape(tmp_path, dtype, shape):
    data = (np.arange(math.prod(shape)) % 7).astype(dtype).reshape(shape)
    obj = {"t": Tensor(data), "a": data.copy(), "s": data.reshape(-1)[:1].sum().astype(dtype)}
    got = roundtrip(obj, tmp_path)
    assert_same(got, obj)
    assert got["t"].array.flags.writeable and got["a"].flags.writeable  # optimizers update in place


def test_special_floats_inside_tensors(tmp_path):
    t = Tensor(np.array([np.inf, -np.inf, np.nan, -0.0, 1e-45], np.float32))
    assert_same(roundtrip([t], tmp_path), [t])


def test_non_contiguous_big_endian_and_fortran_arrays(tmp_path):
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    obj = [base.T, base[::2, ::3], np.asfortranarray(base), base.astype(">i4")]
    got = roundtrip(obj, tmp_path)
    for a, b in zip(got, obj):
        np.testing.assert_array_equal(a, b)
    assert got[3].dtype == np.dtype("<i4")  # stored little-endian, same values


def test_requires_grad_and_shared_tensors(tmp_path):
    w = Tensor(np.ones(3), requires_grad=True)
    got = roundtrip({"a": w, "b": w, "c": Tensor(np.ones(3))}, tmp_path)
    assert got["a"].requires_grad and not got["c"].requires_grad
    assert got["a"] is got["b"]  # tied weights stay tied
    assert len(zipfile.ZipFile(tmp_path / "ckpt.npz").namelist()) == 3  # stored once


def test_str_and_pathlike_paths_and_numpy_interop(tmp_path):
    save({"x": np.arange(3)}, str(tmp_path / "a.npz"))
    assert_same(load(str(tmp_path / "a.npz")), {"x": np.arange(3)})
    with np.load(tmp_path / "a.npz", allow_pickle=False) as npz:  # plain numpy reads it too
        np.testing.assert_array_equal(npz["a0"], np.arange(3))


def test_save_rejects_what_it_cannot_store(tmp_path):
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(TypeError, match=r"checkpoint\['m'\]\[1\]"):
        save({"m": [1, object()]}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dtype"):
        save(np.array([1j]), tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dtype"):
        save({"o": np.array([Evil()], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="key"):
        save({(1, 2): 3}, tmp_path / "x.npz")
    with pytest.raises(ValueError, match="contains itself"):
        save(cyclic, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------- atomic writes

@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch, error):
    path = good_checkpoint(tmp_path / "ckpt.npz")
    before = path.read_bytes()

    def write_half_then_fail(fp, array, **kwargs):
        fp.write(b"\x93NUMPY partial")
        raise error

    monkeypatch.setattr(np.lib.format, "write_array", write_half_then_fail)
    with pytest.raises(type(error)):
        save({"w": Tensor(np.zeros(1000))}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_save_fsyncs_before_renaming(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: events.append("fsync")
                        or real_fsync(fd))
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: events.append("replace")
                        or real_replace(a, b))
    good_checkpoint(tmp_path / "ckpt.npz")
    assert events[:2] == ["fsync", "replace"]
