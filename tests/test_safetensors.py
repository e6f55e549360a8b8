"""safetensors files: written and read with numpy, checked against the real `safetensors`
package and torch in both directions, and hostile headers refused with one clear error."""

from __future__ import annotations

import json
import os
import struct

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn as nn
from tensorgraph.serialization import CheckpointError, load, save

DTYPES = ["bool", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
          "float16", "float32", "float64"]


def package():
    return pytest.importorskip("safetensors.numpy")


def raw_file(path, header: dict, data: bytes = b"", length: int | None = None) -> None:
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text) if length is None else length) + text + data)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_round_trips_through_the_safetensors_package(tmp_path, dtype):
    st = package()
    rng = np.random.default_rng(0)
    arrays = {"a": (rng.standard_normal((3, 4)) * 10).astype(dtype),
              "scalar": np.asarray(rng.standard_normal() * 10).astype(dtype),
              "empty": np.zeros((0, 5), dtype)}
    save({k: tg.tensor(v) for k, v in arrays.items()}, tmp_path / "m.safetensors")
    theirs = st.load_file(str(tmp_path / "m.safetensors"))
    assert theirs.keys() == arrays.keys()
    for k, v in arrays.items():
        assert theirs[k].dtype == v.dtype and np.array_equal(theirs[k], v)
    st.save_file(arrays, str(tmp_path / "theirs.safetensors"), metadata={"who": "package"})
    mine = load(tmp_path / "theirs.safetensors")
    for k, v in arrays.items():
        assert isinstance(mine[k], tg.Tensor) and mine[k].dtype == v.dtype
        assert np.array_equal(mine[k].numpy(), v)


def test_a_tensorgraph_model_loads_in_torch_and_back(tmp_path, torch):
    storch = pytest.importorskip("safetensors.torch")
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    save(model.state_dict(), tmp_path / "model.safetensors", metadata={"epoch": "3"})
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    tmodel.load_state_dict(storch.load_file(str(tmp_path / "model.safetensors")))
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(tmodel(torch.from_numpy(x)).detach().numpy(),
                               model(tg.tensor(x)).detach().numpy(), rtol=1e-6)
    tmodel[0].weight.data.mul_(2)
    storch.save_file(tmodel.state_dict(), str(tmp_path / "torch.safetensors"))
    model.load_state_dict(load(tmp_path / "torch.safetensors"))
    np.testing.assert_allclose(model(tg.tensor(x)).detach().numpy(),
                               tmodel(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_bfloat16_from_torch_is_widened_exactly(tmp_path, torch):
    storch = pytest.importorskip("safetensors.torch")
    t = torch.tensor([1.5, -2.25, 3.0e38, 1e-3]).to(torch.bfloat16)
    storch.save_file({"w": t}, str(tmp_path / "bf.safetensors"))
    w = load(tmp_path / "bf.safetensors")["w"]
    assert w.dtype == np.float32
    np.testing.assert_array_equal(w.numpy(), t.float().numpy())


def test_the_header_is_padded_and_ordered_as_the_format_says(tmp_path):
    save({"b": tg.ones(3), "a": tg.zeros(2, dtype=tg.float64)}, tmp_path / "x.safetensors",
         metadata={"k": "v"})
    blob = (tmp_path / "x.safetensors").read_bytes()
    n = struct.unpack("<Q", blob[:8])[0]
    assert (8 + n) % 8 == 0 and blob[8:9] == b"{"
    header = json.loads(blob[8:8 + n])
    assert header["__metadata__"] == {"k": "v"}
    assert header["b"] == {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}
    assert header["a"] == {"dtype": "F64", "shape": [2], "data_offsets": [12, 28]}
    assert len(blob) == 8 + n + 28


def test_save_refuses_what_safetensors_cannot_hold_before_writing(tmp_path):
    path = tmp_path / "x.safetensors"
    with pytest.raises(TypeError, match="flat dict"):
        save([tg.ones(1)], path)
    with pytest.raises(TypeError, match=r"\['nested'\] is a dict"):
        save({"nested": {"w": tg.ones(1)}}, path)
    with pytest.raises(TypeError, match="names must be str"):
        save({1: tg.ones(1)}, path)
    with pytest.raises(TypeError, match="metadata"):
        save({"w": tg.ones(1)}, path, metadata={"k": 1})
    with pytest.raises(TypeError, match="metadata= is for .safetensors"):
        save({"w": tg.ones(1)}, tmp_path / "x.npz", metadata={"k": "v"})
    assert os.listdir(tmp_path) == []


HOSTILE = [
    ("overlap", {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, 12,
     "overlaps the previous tensor"),
    ("gap", {"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, 8, "gap of 4"),
    ("out of range", {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, 8,
     "out of range"),
    ("trailing", {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, 8,
     "trailing bytes"),
    ("huge shape", {"a": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 4]}},
     4, "data_offsets span 4"),
    ("unknown dtype", {"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}, 1,
     "unknown dtype 'Q7'"),
    ("fp8", {"a": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}, 1,
     "numpy cannot hold"),
    ("negative dim", {"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, 4,
     "invalid shape"),
    ("reversed offsets", {"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}, 4,
     "invalid data_offsets"),
    ("extra field", {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}},
     4, "malformed"),
    ("bad metadata", {"__metadata__": {"k": 1}}, 0, "__metadata__"),
]


@pytest.mark.parametrize("name,header,nbytes,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_headers_give_one_clear_error(tmp_path, name, header, nbytes, message):
    path = tmp_path / "evil.safetensors"
    raw_file(path, header, b"\0" * nbytes)
    with pytest.raises(CheckpointError, match="evil.safetensors") as info:
        load(path)
    assert message in str(info.value) and len(str(info.value)) < 400


def test_header_length_beyond_the_file(tmp_path):
    path = tmp_path / "short.safetensors"
    raw_file(path, {"a": 1}, length=10**6)
    with pytest.raises(CheckpointError, match="claims 1,000,000 bytes"):
        load(path)
    raw_file(path, {"a": 1}, length=2**63)
    with pytest.raises(CheckpointError, match="limit"):
        load(path)


def test_non_utf8_and_non_json_headers(tmp_path):
    path = tmp_path / "x.safetensors"
    path.write_bytes(struct.pack("<Q", 4) + b"{\xff\xfe}")
    with pytest.raises(CheckpointError, match="not UTF-8"):
        load(path)
    path.write_bytes(struct.pack("<Q", 5) + b"{nope")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load(path)
    path.write_bytes(struct.pack("<Q", 12) + b'{"a": NaN}  ')
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load(path)


def test_the_real_package_refuses_what_we_refuse(tmp_path):
    st = package()
    for name, header, nbytes, _ in HOSTILE[:4]:
        path = tmp_path / f"{name}.safetensors"
        raw_file(path, header, b"\0" * nbytes)
        with pytest.raises(Exception):  # noqa: B017 (any error: it must not load)
            st.load_file(str(path))
