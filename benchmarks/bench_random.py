"""Random-number speed: tensorgraph (torch's streams in numpy) vs torch vs numpy's own
generator, side by side.

    python benchmarks/bench_random.py [--repeats 15]

Prints the median of ``--repeats`` timings per call (and the min) in CPU time, the
libraries run in turn within each repeat (so a loaded machine slows them alike), and
the machine's load average, since the numbers are only meaningful next to it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np

import tensorgraph as tg

N, PERM = 1_000_000, 100_000


def timed(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median and min CPU seconds per call of each function, run in turn each repeat."""
    times: dict[str, list[float]] = {lib: [] for lib in fns}
    for fn in fns.values():
        fn()  # warm up
    for _ in range(repeats):
        for lib, fn in fns.items():
            t0 = time.process_time()
            fn()
            times[lib].append(time.process_time() - t0)
    return {lib: (statistics.median(t), min(t)) for lib, t in times.items()}


def cases() -> dict[str, dict[str, Callable[[], object]]]:
    rng = np.random.default_rng(0)
    out = {
        "randn(1e6)": {"tensorgraph": lambda: tg.randn(N),
                       "numpy": lambda: rng.standard_normal(N, dtype=np.float32)},
        "randn(1e6) float64": {"tensorgraph": lambda: tg.randn(N, dtype=tg.float64),
                               "numpy": lambda: rng.standard_normal(N)},
        "rand(1e6)": {"tensorgraph": lambda: tg.rand(N),
                      "numpy": lambda: rng.random(N, dtype=np.float32)},
        "randint(0, 10, 1e6)": {"tensorgraph": lambda: tg.randint(0, 10, (N,)),
                                "numpy": lambda: rng.integers(0, 10, N)},
        "randperm(1e5)": {"tensorgraph": lambda: tg.randperm(PERM),
                          "numpy": lambda: rng.permutation(PERM)},
    }
    try:
        import torch
    except ImportError:
        return out
    torch.set_num_threads(1)  # torch's samplers are serial anyway; keep it fair
    out["randn(1e6)"]["torch"] = lambda: torch.randn(N)
    out["randn(1e6) float64"]["torch"] = lambda: torch.randn(N, dtype=torch.float64)
    out["rand(1e6)"]["torch"] = lambda: torch.rand(N)
    out["randint(0, 10, 1e6)"]["torch"] = lambda: torch.randint(0, 10, (N,))
    out["randperm(1e5)"]["torch"] = lambda: torch.randperm(PERM)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs; "
          f"CPU time, median (min) of {args.repeats} runs, ms")
    libs = ["tensorgraph", "torch", "numpy"]
    print(f"{'':22}" + "".join(f"{lib:>18}" for lib in libs) + f"{'tg / torch':>12}"
          f"{'tg / numpy':>12}")
    for name, fns in cases().items():
        res = timed(fns, args.repeats)
        cells = "".join(
            f"{res[lib][0] * 1e3:>10.2f} ({res[lib][1] * 1e3:5.2f})" if lib in res else f"{'-':>18}"
            for lib in libs)
        ratios = "".join(f"{res['tensorgraph'][0] / res[lib][0]:>11.1f}x" if lib in res else
                         f"{'-':>12}" for lib in ("torch", "numpy"))
        print(f"{name:22}{cells}{ratios}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
