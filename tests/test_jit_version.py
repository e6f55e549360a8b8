"""torch.jit and torch.version as tensorgraph answers them (no TorchScript, CPU build)."""

from __future__ import annotations

import warnings

import pytest

import tensorgraph as tg
from tensorgraph import unsupported


def test_script_and_trace_return_the_model_with_one_note_each():
    unsupported._noted.difference_update({"jit.script", "jit.trace"})
    m = tg.nn.Linear(2, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert tg.jit.script(m) is m and tg.jit.script(m) is m
        assert tg.jit.trace(m, tg.zeros(1, 2)) is m
        assert tg.jit.trace_module(m, {"forward": tg.zeros(1, 2)}) is m
    assert len(caught) == 2 and all("no TorchScript" in str(w.message) for w in caught)


def test_jit_decorators_leave_functions_as_they_are():
    def f(x):
        return x + 1

    assert tg.jit.ignore(f) is f and tg.jit.ignore(drop=True)(f) is f
    assert tg.jit.unused(f) is f and tg.jit.export(f) is f
    assert tg.jit.is_scripting() is False and tg.jit.is_tracing() is False
    assert tg.jit.annotate(list, [1]) == [1]

    class M(tg.nn.Module):
        @tg.jit.ignore
        def helper(self, x):
            return x * 2

        def forward(self, x):
            return self.helper(x)

    assert M()(tg.tensor(3.0)).item() == 6.0


def test_jit_save_and_load_refuse_on_use_not_on_import():
    with pytest.raises(unsupported.NotAvailableError, match="torch.jit.save.*TorchScript"):
        tg.jit.save(tg.nn.Linear(1, 1), "m.pt")
    with pytest.raises(unsupported.NotAvailableError, match="torch.jit.load"):
        tg.jit.load("m.pt")


def test_version_module_as_torch_cpu_build(torch):
    assert tg.version.cuda is None and torch.version.cuda is None
    assert tg.version.hip is None and tg.__version__ == tg.version.__version__
    assert isinstance(tg.version.__version__, str)
