"""Checkpoints: hostile and broken files are refused with a CheckpointError, and
loading one never runs code."""

from __future__ import annotations

import io
import json
import math
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest

from tensorgraph.serialization import CheckpointError, load, save
from tensorgraph.tensor import Tensor

from checkpoint_files import (  # noqa: F401  (no_code_runs: an autouse fixture)
    FLAG,
    Evil,
    WritesMarker,
    expect_refusal,
    good_checkpoint,
    no_code_runs,
    npy_bytes,
    patch_central_sizes,
    rewrite,
)


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
