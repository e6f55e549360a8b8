"""Checkpoints keep what torch.save keeps (OrderedDict, Parameter, memory shared between
saved Tensors), a lying view in the index is refused, and errors about files name the
user's path and say what to do (a missing folder, a PyTorch .pt file)."""

from __future__ import annotations

import collections
import io
import json
import os
import zipfile

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.serialization import CheckpointError, atomic, load, save


def round_trip(obj):
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    return load(buf)


def test_ordered_dict_and_parameter_come_back_as_torch_gives_them(torch):
    model = tg.nn.Linear(3, 2)
    back = round_trip({"sd": model.state_dict(), "p": model.weight, "plain": {"a": 1}})
    ref = torch.load(_torch_round_trip(torch, {"sd": torch.nn.Linear(3, 2).state_dict(),
                                               "p": torch.nn.Parameter(torch.ones(1)),
                                               "plain": {"a": 1}}))
    for key in ("sd", "p", "plain"):
        assert type(back[key]).__name__ == type(ref[key]).__name__, key
    assert list(back["sd"]) == ["weight", "bias"]
    assert back["p"].requires_grad and isinstance(back["p"], tg.nn.Parameter)
    frozen = round_trip(tg.nn.Parameter(tg.ones(2), requires_grad=False))
    assert isinstance(frozen, tg.nn.Parameter) and not frozen.requires_grad


def _torch_round_trip(torch, obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return buf


def test_views_saved_together_share_memory_after_loading(torch):
    def program(lib):
        base = lib.arange(12.0).reshape(3, 4)
        obj = {"base": base, "row": base[1], "t": base.t(), "cols": base[:, 1::2]}
        back = torch.load(_torch_round_trip(torch, obj)) if lib is torch else round_trip(obj)
        back["row"].add_(100)
        back["t"][0, 0] = -1
        return {k: v.tolist() for k, v in back.items()}

    assert program(tg) == program(torch)


def test_a_view_saved_alone_stores_only_its_elements():
    big = tg.zeros(1000, 1000)
    buf = io.BytesIO()
    save({"row": big[3]}, buf)
    assert len(buf.getvalue()) < 20_000
    assert round_trip({"row": big[3]})["row"].shape == (1000,)


def test_expanded_views_are_saved_as_copies():
    base = tg.ones(1, 3)
    back = round_trip([base, base.expand(4, 3)])
    back[1].add_(1)  # writable: a real copy, not a stride-0 window
    assert back[0].tolist() == [[1.0, 1.0, 1.0]] and back[1].tolist() == [[2.0] * 3] * 4


@pytest.mark.parametrize("view, words", [
    ({"offset": 10, "shape": [3], "strides": [1]}, "reaches elements"),
    ({"offset": 0, "shape": [2], "strides": [-1]}, "reaches elements"),
    ({"offset": 0, "shape": [4, 4], "strides": [4, 1]}, "reaches elements"),
    ({"offset": 13, "shape": [0], "strides": [1]}, "starts at element"),
    ({"offset": 0, "shape": [2]}, "malformed view"),
    ({"offset": 0.5, "shape": [2], "strides": [1]}, "malformed view"),
    ({"offset": 0, "shape": [-1], "strides": [1]}, "malformed view"),
])
def test_a_view_reaching_outside_its_buffer_is_refused(tmp_path, view, words):
    base = tg.arange(12.0)
    path = tmp_path / "ckpt.npz"
    save([base, base[2:5]], path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    index = json.loads(members["index.json"])
    assert index["root"]["list"][1]["view"] == {"offset": 2, "shape": [3], "strides": [1]}
    index["root"]["list"][1]["view"] = view
    members["index.json"] = json.dumps(index).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(CheckpointError, match=words):
        load(path)


def test_saving_into_a_missing_folder_names_the_path_and_the_fix(tmp_path):
    target = tmp_path / "runs" / "ckpt.npz"
    with pytest.raises(FileNotFoundError) as info:
        save({"a": 1}, target)
    text = str(info.value)
    assert str(target) in text and "does not exist" in text and "makedirs" in text
    assert ".tmp" not in text and os.listdir(tmp_path) == []


def test_an_empty_path_is_refused_as_such():
    with pytest.raises(FileNotFoundError, match="the path is empty"):
        save({"a": 1}, "")


def test_a_folder_refusing_new_files_is_reported_with_the_users_path(tmp_path, monkeypatch):
    def refuse(folder, base):
        raise PermissionError(13, "Permission denied", os.path.join(folder, ".x.tg-1-ab.tmp"))

    monkeypatch.setattr(atomic, "_new_unnamed_file", refuse)
    with pytest.raises(PermissionError) as info:
        save({"a": 1}, tmp_path / "ckpt.npz")
    assert str(tmp_path / "ckpt.npz") in str(info.value) and ".tmp" not in str(info.value)


def test_a_pytorch_file_is_refused_with_what_to_do(tmp_path, torch):
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(CheckpointError, match="torch.save file.*safetensors.torch.save_file"):
        load(path)
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match="pickle.*safetensors.torch.save_file"):
        load(legacy)


def test_optimizer_state_round_trips_and_resumes_identically():
    model = tg.nn.Linear(3, 2)
    opt = tg.optim.Adam(model.parameters(), lr=0.1)
    model(tg.ones(4, 3)).sum().backward()
    opt.step()
    back = round_trip({"model": model.state_dict(), "optim": opt.state_dict()})
    twin = tg.nn.Linear(3, 2)
    twin.load_state_dict(back["model"])
    twin_opt = tg.optim.Adam(twin.parameters(), lr=0.1)
    twin_opt.load_state_dict(back["optim"])
    for m, o in ((model, opt), (twin, twin_opt)):
        o.zero_grad()
        m(tg.ones(4, 3)).sum().backward()
        o.step()
    assert np.array_equal(model.weight.detach().numpy(), twin.weight.detach().numpy())
    assert isinstance(back["model"], collections.OrderedDict)
