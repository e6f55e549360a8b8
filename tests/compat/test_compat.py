"""Each program in tests/compat/programs runs twice, with PyTorch and with tensorgraph
imported as ``torch``; the printed numbers must agree (see runner.py)."""

from __future__ import annotations

import pytest
from runner import PROGRAMS, read_options, run_both, tokens

from conftest import import_torch

ALL = sorted(PROGRAMS.glob("*.py"))


def _param(path):
    opts = read_options(path)
    marks = [pytest.mark.xfail(strict=True, reason=f"pending: {opts.pending}")] if (
        opts.pending) else []
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize("program", [_param(p) for p in ALL])
def test_program_prints_torchs_numbers(program):
    if import_torch() is None:
        pytest.skip("torch is not installed (the compat suite compares with it)")
    run_both(program).check()


def test_there_are_at_least_15_programs():
    assert len(ALL) >= 15


def test_runner_compares_numbers_with_tolerance_and_text_exactly():
    from runner import Options, Result

    def result(a, b, rtol=1e-5):
        return Result(PROGRAMS / "x.py", a, b, Options(rtol=rtol))

    assert result("loss 0.3006 acc 1", "loss 0.30060123 acc 1").check() == 2
    assert result("tensor([1.5000e-03])", "tensor([0.0015])").check() == 1
    for a, b in [("loss 0.31", "loss 0.32"), ("loss 1", "cost 1"), ("a 1", "a 1 2"),
                 ("nan", "1.0"), ("words only", "words only")]:
        with pytest.raises(AssertionError):
            result(a, b).check()
    assert [str(t) for t in tokens("x=-1.5e-3,[2]")] == ["x=", "-0.0015", ",[", "2.0", "]"]


def test_as_torch_maps_every_torch_import_to_tensorgraph(tmp_path):
    import subprocess
    import sys

    from runner import HERE, ROOT

    script = tmp_path / "imports.py"
    script.write_text(
        "import torch, torch.nn as nn, torch.nn.functional as F\n"
        "import torch.optim.lr_scheduler as sched\n"
        "from torch.utils.data import DataLoader\n"
        "from torch.utils.data.dataloader import default_collate\n"
        "import tensorgraph, tensorgraph.nn.functional\n"
        "assert torch is tensorgraph and F is tensorgraph.nn.functional\n"
        "assert DataLoader is tensorgraph.data.DataLoader and nn.Linear\n"
        "print(torch.__name__, sched.__name__)\n")
    out = subprocess.run([sys.executable, str(HERE / "as_torch.py"), str(script)],
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)},
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["tensorgraph", "tensorgraph.optim.lr_scheduler"]
