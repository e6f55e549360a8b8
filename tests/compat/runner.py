"""Run a program with real torch and with tensorgraph as ``torch``; compare the output.

The two outputs are split into tokens; numbers are compared with a tolerance, everything
else must be equal. A program states its tolerance and arguments in header comments::

    # compat: rtol=1e-4 atol=1e-6
    # compat: args=--epochs 1 --batch-size 64
    # compat: pending=what tensorgraph still lacks for this program

A pending program still runs in the suite, as a strict xfail: it must fail (and says
why); once it passes, the suite fails until the ``pending`` line is removed.

Example:
    >>> result = run_both(Path("tests/compat/programs/softmax_regression.py"))
    >>> result.check()        # raises AssertionError naming the first differing number
"""

from __future__ import annotations

import math
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the checkout whose tensorgraph is tested
PROGRAMS = HERE / "programs"
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b")


@dataclass
class Options:
    """What a program's ``# compat:`` header comments say."""

    rtol: float = 1e-5
    atol: float = 1e-6
    args: list[str] = field(default_factory=list)
    timeout: float = 300.0
    pending: str = ""


def read_options(program: Path) -> Options:
    opts = Options()
    for line in program.read_text().splitlines():
        if not line.startswith("# compat:"):
            continue
        body = line[len("# compat:"):].strip()
        if body.startswith("args="):
            opts.args = shlex.split(body[len("args="):])
            continue
        if body.startswith("pending="):
            opts.pending = body[len("pending="):].strip()
            continue
        for item in body.split():
            key, _, value = item.partition("=")
            if key not in ("rtol", "atol", "timeout"):
                raise ValueError(f"{program.name}: unknown compat option {key!r}")
            setattr(opts, key, float(value))
    return opts


def run_program(program: Path, backend: str, opts: Options) -> str:
    """The program's stdout under ``backend`` ("torch" or "tensorgraph")."""
    env = dict(os.environ)
    env.setdefault("TENSORGRAPH_DATA", str(ROOT.parent / "shared" / "data"))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE / "helpers")])
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    prefix = [str(HERE / "as_torch.py")] if backend == "tensorgraph" else []
    cmd = [sys.executable, *prefix, str(program), *opts.args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.timeout,
                          cwd=PROGRAMS, env=env, check=False)
    if proc.returncode != 0:
        raise AssertionError(
            f"{program.name} failed under {backend} (exit {proc.returncode}):\n"
            f"{proc.stderr[-4000:]}"
        )
    return proc.stdout


@dataclass(frozen=True)
class Number:
    """A printed number and the rounding its print allows (half a unit of its last digit)."""

    value: float
    rounding: float

    def __str__(self) -> str:
        return repr(self.value)


def _rounding(text: str) -> float:
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals) if "." in mantissa else 0.0


def tokens(text: str) -> list[str | Number]:
    """Words and numbers of ``text`` (a number splits the word it sits in)."""
    out: list[str | Number] = []
    pos = 0
    for m in _NUMBER.finditer(text):
        out.extend(text[pos:m.start()].split())
        out.append(Number(float(m.group()), _rounding(m.group())))
        pos = m.end()
    out.extend(text[pos:].split())
    return out


def close(x: Number, y: Number, rtol: float, atol: float) -> bool:
    """Equal within tolerance, allowing for each side's printed rounding (torch prints a
    tensor with 4 decimals, so 0.3006 and 0.300601 agree)."""
    if math.isnan(x.value) or math.isnan(y.value):
        return math.isnan(x.value) and math.isnan(y.value)
    if math.isinf(x.value) or math.isinf(y.value):
        return x.value == y.value
    slack = atol + max(x.rounding, y.rounding) + rtol * max(abs(x.value), abs(y.value))
    return abs(x.value - y.value) <= slack


@dataclass
class Result:
    program: Path
    torch_out: str
    tg_out: str
    opts: Options

    def check(self) -> int:
        """Raise AssertionError at the first difference; return how many numbers agreed."""
        # Names in reprs and messages (tensorgraph.nn... vs torch.nn..., tensorgraph.float32
        # vs torch.float32) differ by design; a Size already prints as torch.Size([...]).
        a, b = tokens(self.torch_out), tokens(self.tg_out.replace("tensorgraph.", "torch."))
        numbers = 0
        for i, (x, y) in enumerate(zip(a, b)):
            if isinstance(x, Number) and isinstance(y, Number):
                same = close(x, y, self.opts.rtol, self.opts.atol)
                numbers += 1
            else:
                same = x == y
            if not same:
                raise AssertionError(
                    f"{self.program.name}: token {i} differs: torch {x}, tensorgraph "
                    f"{y} (rtol={self.opts.rtol}, atol={self.opts.atol}) near\n"
                    f"torch:       {' '.join(map(str, a[max(0, i - 8):i + 4]))}\n"
                    f"tensorgraph: {' '.join(map(str, b[max(0, i - 8):i + 4]))}"
                )
        if len(a) != len(b):
            raise AssertionError(
                f"{self.program.name}: torch printed {len(a)} tokens, tensorgraph "
                f"{len(b)}; the first {min(len(a), len(b))} agree. Extra: "
                f"{(a if len(a) > len(b) else b)[min(len(a), len(b)):][:10]}"
            )
        if numbers == 0:
            raise AssertionError(f"{self.program.name} printed no numbers to compare")
        return numbers


def run_both(program: Path) -> Result:
    opts = read_options(program)
    return Result(program, run_program(program, "torch", opts),
                  run_program(program, "tensorgraph", opts), opts)


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(PROGRAMS.glob("[!_]*.py"))
    for path in paths:
        try:
            n = run_both(path.resolve()).check()
            print(f"ok    {path.name}: {n} numbers agree")
        except AssertionError as err:
            print(f"FAIL  {err}")
