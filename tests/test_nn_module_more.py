"""Module methods and containers against torch: ModuleDict, ParameterList,
ParameterDict, named_modules/children/buffers, get_submodule, register_parameter,
add_module, requires_grad_, half, to(device) and the refusals (cuda, bfloat16)."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


def build(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "act": nn.ReLU()})
            self.heads["box"] = nn.Sequential(nn.Linear(4, 2), nn.BatchNorm1d(2))
            self.ws = nn.ParameterList([nn.Parameter(lib.ones(2, 2)), lib.zeros(3)])
            self.ws.append(nn.Parameter(lib.ones(1)))
            self.pd = nn.ParameterDict({"scale": nn.Parameter(lib.ones(3))})
            self.pd.update([("shift", nn.Parameter(lib.zeros(3)))])
            self.register_parameter("alpha", nn.Parameter(lib.ones(())))
            self.register_parameter("unused", None)
            self.add_module("extra", nn.Linear(2, 2, bias=False))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("tmp", lib.zeros(1), persistent=False)

    return Net()


def summary(lib) -> dict:
    net = build(lib)
    net.heads.pop("act")
    return {
        "params": [(n, tuple(p.shape)) for n, p in net.named_parameters()],
        "buffers": [n for n, _ in net.named_buffers()],
        "state": list(net.state_dict()),
        "modules": [(n, type(m).__name__) for n, m in net.named_modules()],
        "children": [n for n, _ in net.named_children()],
        "sub": type(net.get_submodule("heads.box.1")).__name__,
        "heads": list(net.heads.keys()), "in": "cls" in net.heads, "len": len(net.heads),
        "ws": [tuple(p.shape) for p in net.ws], "ws_slice": len(net.ws[1:]),
        "pd": list(net.pd), "pd_get": net.pd.get("nope") is None,
        "nbuf_local": [n for n, _ in net.named_buffers(recurse=False)],
        "params_local": [n for n, _ in net.named_parameters(recurse=False)],
        "prefix": [n for n, _ in net.heads.named_parameters(prefix="h")][:2],
        "frozen": [p.requires_grad for p in net.requires_grad_(False).parameters()][:2],
        "half": str(net.half().extra.weight.dtype).split(".")[-1],
    }


def test_containers_and_traversal_match_torch(torch):
    assert summary(tg) == summary(torch)


def test_reprs_match_torch_but_for_the_library_name(torch):
    mine, theirs = repr(build(tg)), repr(build(torch))
    assert mine == theirs.replace("torch.", "tensorgraph.")


def test_module_dict_errors_match_torch(torch):
    for lib in (tg, torch):
        with pytest.raises(TypeError):
            lib.nn.ModuleDict().update(lib.nn.Linear(1, 1))
        with pytest.raises(ValueError):
            lib.nn.ModuleDict([("a", lib.nn.ReLU(), 3)])
        with pytest.raises(KeyError):
            lib.nn.ModuleDict()["missing"]
        with pytest.raises(IndexError):
            lib.nn.ParameterList([lib.nn.Parameter(lib.ones(1))])[1]


def test_parameter_list_trains_with_an_optimizer():
    ws = tg.nn.ParameterList([tg.ones(2)])
    assert isinstance(ws[0], tg.nn.Parameter) and ws[0].requires_grad
    opt = tg.optim.SGD(ws.parameters(), lr=0.5)
    (ws[0] * 2).sum().backward()
    opt.step()
    np.testing.assert_allclose(ws[0].array, [0.0, 0.0])


def test_to_accepts_cpu_devices_and_refuses_others(torch):
    m = tg.nn.Linear(2, 3)
    w = m.weight
    assert m.to("cpu") is m and m.to("cpu:0") is m and m.to(device="cpu") is m
    assert m.to(torch.device("cpu")) is m  # anything whose .type is 'cpu'
    m.to("cpu", tg.float64)
    assert m.weight is w and w.dtype == tg.float64
    m.to(tg.zeros(1, dtype=tg.float32), non_blocking=True)
    assert w.dtype == tg.float32
    for bad in ("cuda", "cuda:0", "mps", 0, torch.device("cuda")):
        with pytest.raises(RuntimeError, match="CPU only"):
            m.to(bad)
    with pytest.raises(RuntimeError, match="CPU only"):
        m.cuda()
    with pytest.raises(TypeError, match="numpy has no bfloat16"):
        m.bfloat16()
    with pytest.raises(TypeError, match="floating point"):
        m.to(tg.int64)


def test_type_casts_every_tensor():
    m = tg.nn.Linear(2, 3)
    m.type(tg.float64)
    assert m.weight.dtype == tg.float64 and m.share_memory() is m
