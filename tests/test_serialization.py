"""Checkpoints: round trips, atomic writes, and hostile or broken files."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tensorgraph.serialization import atomic
from tensorgraph.serialization import CheckpointError, load, save
from tensorgraph.tensor import Tensor

FLAG = {"ran": False}


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
def _reset_flag():
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


# --------------------------------------------------------------- hostile and broken files

def test_pickle_file_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"w": Evil(), "b": WritesMarker(marker)})
    pickle.loads(payload)  # the payload is live: plain unpickling runs it...
    assert FLAG["ran"] and marker.exists()
    FLAG["ran"] = False
    marker.unlink()
    (tmp_path / "evil.pt").write_bytes(payload)
    expect_refusal(tmp_path / "evil.pt", "pickle")  # ...tensorgraph does not
    assert not marker.exists()


def test_pickle_inside_a_zip_is_refused(tmp_path):
    path = tmp_path / "torch_style.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps(Evil()))
    expect_refusal(path, "index.json", "archive/data.pkl")


def test_npz_with_object_arrays_is_refused(tmp_path):
    np.savez(tmp_path / "obj.npz", w=np.array([Evil()], dtype=object))
    expect_refusal(tmp_path / "obj.npz", "index.json")


@pytest.mark.parametrize("claimed", ["|O", "<f4"])
def test_object_array_member_is_refused_whatever_the_index_claims(tmp_path, claimed):
    good = good_checkpoint(tmp_path / "good.npz")
    evil = npy_bytes(np.array([Evil()] * 6, dtype=object).reshape(2, 3), tmp_path)

    def claim(index):
        index["arrays"][0]["dtype"] = claimed

    expect_refusal(rewrite(good, tmp_path / "bad.npz", claim, {"a0.npy": evil}), "a0.npy")


@pytest.mark.parametrize("edit, words", [
    (lambda ix: ix["arrays"][0].update(shape=[3, 2]), ["(3, 2)", "(2, 3)"]),
    (lambda ix: ix["arrays"][0].update(dtype="<f8"), ["<f8", "<f4"]),
    (lambda ix: ix["arrays"][0].update(dtype="<c16"), ["not allowed"]),
    (lambda ix: ix["arrays"][0].update(shape=[2, -3]), ["shape"]),
    (lambda ix: ix.update(version=2), ["version 2"]),
    (lambda ix: ix.update(version=True), ["version True"]),
    (lambda ix: ix.pop("format"), ["format marker"]),
    (lambda ix: ix["arrays"].append({"dtype": "<f4", "shape": [1]}), ["missing", "a1.npy"]),
    (lambda ix: ix["root"]["dict"][0].__setitem__(1, {"tensor": 5}), ["tensor"]),
    (lambda ix: ix["root"]["dict"][0].__setitem__(1, 1), ["not used"]),
    (lambda ix: ix["root"]["dict"][0].__setitem__(1, {"exec": "x"}), ["malformed"]),
    (lambda ix: ix["root"].update(list=[]), ["malformed"]),
    (lambda ix: ix["root"]["dict"][1].__setitem__(0, {"list": []}), ["key"]),
])
def test_index_that_lies_or_is_malformed_is_refused(tmp_path, edit, words):
    good = good_checkpoint(tmp_path / "good.npz")
    expect_refusal(rewrite(good, tmp_path / "bad.npz", edit), *words)


def test_integer_tensor_requiring_grad_in_index_is_refused(tmp_path):
    save({"i": Tensor(np.arange(3))}, tmp_path / "good.npz")

    def set_grad(index):
        index["root"]["dict"][0][1]["requires_grad"] = True

    expect_refusal(rewrite(tmp_path / "good.npz", tmp_path / "bad.npz", set_grad), "tensor")


def test_unreferenced_and_missing_members_are_refused(tmp_path):
    good = good_checkpoint(tmp_path / "good.npz")
    expect_refusal(rewrite(good, tmp_path / "extra.npz", members={"payload.pkl": b"x"}),
                   "payload.pkl")
    with zipfile.ZipFile(tmp_path / "noindex.npz", "w") as zf:
        zf.writestr("a0.npy", npy_bytes(np.zeros(3), tmp_path))
    expect_refusal(tmp_path / "noindex.npz", "index.json")


def test_member_whose_zip_entry_claims_a_huge_size_is_refused(tmp_path):
    plain = rewrite(good_checkpoint(tmp_path / "good.npz"), tmp_path / "plain.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(patch_central_sizes(plain.read_bytes(), "a0.npy", 4_000_000_000))
    tracemalloc.start()
    expect_refusal(bad, "4000000000", "zip bomb")
    assert tracemalloc.get_traced_memory()[1] < 10 * 2**20
    tracemalloc.stop()


def test_npy_header_and_index_claiming_a_huge_shape_are_refused(tmp_path):
    huge = (100_000, 100_000)  # 40 GB of float32 declared; 24 bytes present
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        member, {"descr": "<f4", "fortran_order": False, "shape": huge})
    member.write(bytes(24))

    def claim(index):
        index["arrays"][0]["shape"] = list(huge)

    bad = rewrite(good_checkpoint(tmp_path / "good.npz"), tmp_path / "bad.npz", claim,
                  {"a0.npy": member.getvalue()})
    tracemalloc.start()
    expect_refusal(bad, "a0.npy", "40000000000")
    assert tracemalloc.get_traced_memory()[1] < 10 * 2**20
    tracemalloc.stop()


def test_deflate_bomb_is_refused_with_bounded_memory(tmp_path):
    good = good_checkpoint(tmp_path / "good.npz")
    zeros = npy_bytes(np.zeros(12_500_000), tmp_path)  # 100 MB that deflates to ~100 KB

    def claim(index):
        index["arrays"][0].update(dtype="<f8", shape=[12_500_000])

    bad = rewrite(good, tmp_path / "bomb.npz", claim)
    with zipfile.ZipFile(bad, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a1.npy", zeros)
    assert bad.stat().st_size < 1_000_000
    tracemalloc.start()
    expect_refusal(bad, "compressed")
    assert tracemalloc.get_traced_memory()[1] < 10 * 2**20
    tracemalloc.stop()


def test_every_truncation_of_a_checkpoint_is_refused(tmp_path):
    data = good_checkpoint(tmp_path / "good.npz").read_bytes()
    for cut in range(len(data)):
        (tmp_path / "cut.npz").write_bytes(data[:cut])
        expect_refusal(tmp_path / "cut.npz")


def test_corrupted_bytes_never_escape_as_another_error(tmp_path):
    data = good_checkpoint(tmp_path / "good.npz").read_bytes()
    for at in range(len(data)):
        damaged = bytearray(data)
        damaged[at] ^= 0xFF
        (tmp_path / "bad.npz").write_bytes(bytes(damaged))
        try:
            got = load(tmp_path / "bad.npz")
        except CheckpointError as err:
            assert str(tmp_path / "bad.npz") in str(err)
        else:  # a flip in a field nobody reads (a timestamp): the data must still be right
            assert got["step"] == 3 and got["w"].array.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_randomly_mutated_index_gives_a_checkpoint_error_or_a_valid_load(tmp_path):
    good = tmp_path / "good.npz"
    save({"w": Tensor(np.ones((2, 3)), requires_grad=True), 1: (0.5, math.inf),
          "a": np.arange(2), "s": np.float32(2)}, good)
    index = json.loads(zipfile.ZipFile(good).read("index.json"))
    junk = [None, True, 0, 2, -1, 2**70, 1.5, "inf", "x", "|O", "<f4", [], {}, [1], [[1, 2]],
            [-1], [10**12, 10**12], {"tensor": 0}, {"tensor": 1, "requires_grad": True},
            {"tensor": 99}, {"scalar": 0}, {"float": "nan"}, {"dict": [[1]]}, {"list": {}}]

    def places(node):  # every (container, key) pair in the index
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(items):
            yield node, key
            if isinstance(child, (dict, list)):
                yield from places(child)

    rng = np.random.default_rng(0)
    for trial in range(300):
        mutated = json.loads(json.dumps(index))
        for _ in range(rng.integers(1, 4)):
            spots = list(places(mutated))
            node, key = spots[rng.integers(len(spots))]
            node[key] = json.loads(json.dumps(junk[rng.integers(len(junk))]))

        def replace(ix, mutated=mutated):
            ix.clear()
            ix.update(mutated)

        bad = rewrite(good, tmp_path / f"bad{trial}.npz", replace)
        try:
            load(bad)
        except CheckpointError:
            pass


@pytest.mark.parametrize("name, content, words", [
    ("empty.npz", b"", ["empty"]),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(50), ["not a zip", "PNG"]),
    ("random.bin", np.random.default_rng(0).bytes(4096), ["not a zip"]),
    ("ckpt.json", json.dumps({"format": "tensorgraph.checkpoint", "version": 1}).encode(),
     ["not a zip"]),
])
def test_foreign_files_are_refused(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    expect_refusal(tmp_path / name, *words)


def test_plain_npy_file_is_refused(tmp_path):
    np.save(tmp_path / "array.npy", np.arange(3))
    expect_refusal(tmp_path / "array.npy", ".npy")


def test_missing_file_is_a_plain_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.npz")


def test_checkpoint_error_is_a_value_error():
    assert issubclass(CheckpointError, ValueError)
