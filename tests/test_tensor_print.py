"""Printed tensors, return types and small top-level names read as torch's (torch is the
oracle; the only text allowed to differ is the library name in dtypes)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import import_torch

import tensorgraph as tg

torch = import_torch()
pytestmark = pytest.mark.skipif(torch is None, reason="torch is the oracle")

CASES = [
    ([0.1, 2.0], "float32"), ([1.0, 2.0], "float32"), ([1.5e-3, 2.0], "float32"),
    (3.14159, "float32"), ([math.nan, 1.5, math.inf, -math.inf], "float32"),
    ([math.nan, 1.0, math.inf], "float32"), ([0.0, 0.0], "float32"), ([1e9, 1.0], "float32"),
    ([1e-5, 1.0], "float32"), ([[1e-8, 3.0], [2.0, -4.0]], "float64"), ([-0.0, 1.25], "float32"),
    ([100000.0, 3.0], "float32"), ([1.5], "float16"), ([1, 2], "uint8"), ([True, False], "bool"),
    ([[1, -20], [300, 4]], "int64"), ([], "float32"),
]


def _same(tg_text: str, torch_text: str) -> None:
    assert tg_text.replace("tensorgraph.", "torch.") == torch_text


@pytest.mark.parametrize("values,dtype", CASES)
def test_repr_is_torchs(values, dtype):
    _same(repr(tg.tensor(values, dtype=getattr(tg, dtype))),
          repr(torch.tensor(values, dtype=getattr(torch, dtype))))


@pytest.mark.parametrize("shape", [(40, 50), (2, 600), (3, 4, 5), (2, 2, 3), (30,), (1200,)])
def test_big_and_nested_prints_wrap_and_summarize_as_torch(shape):
    a = (np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7) - 3
    _same(repr(tg.tensor(a)), repr(torch.tensor(a)))
    _same(str(tg.tensor(a.astype(np.int64))), str(torch.tensor(a.astype(np.int64))))


def test_set_printoptions_as_torch():
    a = np.linspace(-1, 1, 30, dtype=np.float32)
    try:
        for kwargs in [dict(precision=2), dict(sci_mode=True), dict(profile="short"),
                       dict(threshold=5, edgeitems=1), dict(linewidth=40)]:
            tg.set_printoptions(**kwargs)
            torch.set_printoptions(**kwargs)
            _same(repr(tg.tensor(a)), repr(torch.tensor(a)))
            _same(repr(tg.tensor(a.reshape(5, 6))), repr(torch.tensor(a.reshape(5, 6))))
        assert tg.get_printoptions()["edgeitems"] == 1
    finally:
        tg.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    with pytest.raises(ValueError, match="unknown profile"):
        tg.set_printoptions(profile="long")


def test_grad_fn_in_repr_has_torchs_node_names():
    x = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for f in [lambda t: t * 2, lambda t: t + 1, lambda t: t.sum(), lambda t: -t,
              lambda t: t.tanh(), lambda t: t.exp()]:
        _same(repr(f(a)), repr(f(b)))
    target = [1, 0]
    _same(repr(tg.nn.functional.cross_entropy(a, tg.tensor(target))),
          repr(torch.nn.functional.cross_entropy(b, torch.tensor(target))))


def test_return_types_print_and_unpack_as_torch():
    x = np.array([[1.0, 3.0, 2.0], [4.0, 2.0, 0.5]], np.float32)
    a, b = tg.tensor(x), torch.tensor(x)
    for f in [lambda t: t.max(1), lambda t: t.min(dim=0), lambda t: t.sort(), lambda t: t.topk(2),
              lambda t: t.median(1), lambda t: t.kthvalue(2, 1)]:
        _same(repr(f(a)), repr(f(b)))
        values, indices = f(a)
        assert f(a).values is not None and indices.dtype == tg.int64
    assert type(a.max(1)).__name__ == "max" and type(a.min(1)) is tg.return_types.min
    _same(repr(a.histogram(3)), repr(b.histogram(3)))


def test_top_level_forms_found_missing():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    a, b = tg.tensor(x), torch.tensor(x)
    for f in [lambda m, t: m.log_softmax(t, 1), lambda m, t: m.softmax(t, dim=0),
              lambda m, t: m.var_mean(t), lambda m, t: m.var_mean(t, 1),
              lambda m, t: m.std_mean(t, dim=0, keepdim=True),
              lambda m, t: m.var_mean(t, 1, correction=0),
              lambda m, t: m.std_mean(t, unbiased=False),
              lambda m, t: m.tril_indices(3, 4, 1), lambda m, t: m.triu_indices(3, 3, -1),
              lambda m, t: m.tril_indices(4, 2), lambda m, t: m.triu_indices(2, 5, 2)]:
        _same(repr(f(tg, a)), repr(f(torch, b)))
    assert tg.typename(a) == torch.typename(b) == "torch.FloatTensor"
    assert tg.typename(3) == torch.typename(3) == "int"
    assert tg.xpu.is_available() is torch.xpu.is_available() is False
    assert tg.xpu.device_count() == 0
