"""The benchmark's timing harness and workload record, shared by every workload file.

A workload file (``workloads.py``, ``workloads_lm.py``, any ``workloads_*.py``) defines
runners (``run(n) -> seconds per step``, see ``workloads.timed``) and, for bench.py to
pick it up, a module-level ``WORKLOADS: list[Workload]``. bench.py finds every
``benchmarks/workloads_*.py`` by itself: adding a file is the whole hook.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Runner = Callable[[int], float]


@dataclass
class Workload:
    """One row of ``make bench``.

    Args:
        name: the ``--only`` name.
        target: the tensorgraph/torch ratio to reach (per round median).
        desc: one line saying what runs.
        run: ``run(torch, args) -> dict``, usually ``summarize(interleave(...))``.
        flops: floating-point operations of one step (None: not meaningful).
        floors: other implementations to compare with, ``{impl: target ratio}``
            (e.g. the hand-written numpy floor of the MLP).
        single_thread: also run it with one thread in a child process (BLAS-bound
            workloads; the engine-overhead ones do not change with threads).
        needs_nn: skipped when tensorgraph has no nn/optim.
    """

    name: str
    target: float
    desc: str
    run: Callable[[Any, Any], dict]
    flops: float | None = None
    floors: dict[str, float] = field(default_factory=dict)
    single_thread: bool = True
    needs_nn: bool = True


def clock(cpu: bool) -> Callable[[], float]:
    """The clock runners use: CPU time of this process (single-thread runs, immune to
    being descheduled by other processes) or wall time (multi-threaded runs)."""
    return time.process_time if cpu else time.perf_counter


CLOCK = {"now": time.perf_counter}  # bench.py switches it to CPU time for 1-thread runs


def timed(step: Callable[[], Any]) -> Runner:
    """A runner that times ``n`` calls of ``step``."""

    def run(n: int) -> float:
        now = CLOCK["now"]
        t0 = now()
        for _ in range(n):
            step()
        return (now() - t0) / n

    return run


def interleave(runners: dict[str, Runner], rounds: int, budget_s: float,
               warmup: int = 3) -> dict[str, list[float]]:
    """Seconds per step of each runner, one sample per round, runners interleaved.

    ``budget_s`` sets how long one runner's sample should take: the step count per
    sample is chosen from the warm-up so that each sample lasts about that long.
    """
    steps = {}
    for name, run in runners.items():
        run(warmup)
        per = run(1)
        steps[name] = max(1, int(budget_s / max(per, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            samples[name].append(run(steps[name]))
    return samples


def ratio_stats(a: list[float], b: list[float]) -> dict[str, Any]:
    r = [x / y for x, y in zip(a, b)]
    return {"median": statistics.median(r), "min": min(r), "max": max(r), "rounds": r}


def summarize(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Medians in ms and the per-round tensorgraph/other ratios (median, min, max)."""
    out: dict[str, Any] = {
        name: {"median_ms": 1e3 * statistics.median(s), "rounds_ms": [1e3 * v for v in s]}
        for name, s in samples.items()
    }
    tg = samples.get("tensorgraph")
    if tg is not None:
        if "torch" in samples:
            out["ratio"] = ratio_stats(tg, samples["torch"])
        out["ratio_to"] = {k: ratio_stats(tg, s) for k, s in samples.items()
                           if k not in ("tensorgraph", "torch")}
    return out


def impls(torch: Any, extra: tuple = ()) -> list[str]:
    """tensorgraph, torch (when installed), then the extra implementations."""
    return ["tensorgraph"] + (["torch"] if torch is not None else []) + list(extra)


def run_interleaved(make: Callable[[str], Runner], names: list[str], args: Any,
                    **kw: Any) -> dict[str, Any]:
    """Build one runner per implementation name, interleave them, summarize."""
    runners = {name: make(name) for name in names}
    rounds = kw.pop("rounds", args.rounds)
    budget = kw.pop("budget_s", args.budget)
    return summarize(interleave(runners, rounds, budget, **kw))
