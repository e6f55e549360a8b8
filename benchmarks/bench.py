"""Side-by-side speed of tensorgraph, PyTorch CPU and hand-written numpy (``make bench``).

Every workload runs each implementation in the same process, interleaved in rounds
(tensorgraph, torch, numpy, tensorgraph, torch, numpy, ...) after a warm-up, so a noisy
neighbour or a CPU clock change hits all of them alike. Printed per workload: the median
ms/step of each implementation and the tensorgraph/torch ratio of each round (median,
min, max) against the target of issue #6. Everything is also written to
``benchmarks/results.json``. Peak memory (RSS) is measured in fresh subprocesses, one
per library, since importing torch alone costs far more than a numpy engine.

Usage:
    python benchmarks/bench.py                 # everything (a few minutes on 2 cores)
    python benchmarks/bench.py --quick         # fewer rounds, shorter timings
    python benchmarks/bench.py --only mlp_step,per_op --rounds 9
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import numpy as np
import workloads as W

import tensorgraph as tg

# name -> (target tensorgraph/torch ratio, description)
TARGETS = {
    "mlp_step": (1.15, "MLP 784-512-256-10 train step, batch 128, SGD momentum, CE"),
    "cnn_step": (1.6, "CNN conv16-pool-conv32-pool-linear train step, batch 64"),
    "mlp_epoch": (1.2, "MLP epoch, 60,000 samples, batch 128, incl. DataLoader"),
    "per_op": (1.5, f"{W.CHAIN_OPS} elementwise ops on 16 floats, forward + backward"),
    "backward_chain": (1.5, ("backward() time per op, chains of 1e4 / 1e5 / 1e6 ops "
                            "(target: tensorgraph's 1e6 vs 1e4 per-op time)")),
    "peak_rss": (1.0, "peak RSS of a process running the MLP step (subprocess each)"),
}
CHAIN_SIZES = (10_000, 100_000, 1_000_000)


def import_torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    return torch


# ------------------------------------------------------------------ timing harness
def interleave(runners: dict[str, W.Runner], rounds: int, budget_s: float,
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


def summarize(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Medians in ms and the per-round tensorgraph/torch ratio (median, min, max)."""
    out: dict[str, Any] = {
        name: {"median_ms": 1e3 * statistics.median(s), "rounds_ms": [1e3 * v for v in s]}
        for name, s in samples.items()
    }
    if "tensorgraph" in samples and "torch" in samples:
        r = [a / b for a, b in zip(samples["tensorgraph"], samples["torch"])]
        out["ratio"] = {"median": statistics.median(r), "min": min(r), "max": max(r),
                        "rounds": r}
    return out


def impls(torch: Any, extra: tuple = ()) -> list[str]:
    return ["tensorgraph"] + (["torch"] if torch is not None else []) + list(extra)


def has_nn() -> bool:
    try:
        import tensorgraph.nn
        import tensorgraph.optim  # noqa: F401
    except ImportError:
        return False
    return hasattr(tg.nn, "Sequential") and hasattr(tg.optim, "SGD")


# ------------------------------------------------------------------ workloads
def bench_step(kind: str, torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    n = 128 if kind == "mlp" else 64
    extra = ("numpy", "numpy-prealloc") if kind == "mlp" else ("numpy",)
    runners = {name: W.make_train_step(kind, name, torch, n) for name in impls(torch, extra)}
    return summarize(interleave(runners, args.rounds, args.budget))


def bench_epoch(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    data = W.epoch_data()
    runners = {name: W.make_epoch(name, torch, data) for name in impls(torch)}
    rounds = max(3, args.rounds // 2)
    res = summarize(interleave(runners, rounds, budget_s=0.0, warmup=1))
    res["data"] = data[2]
    return res


def bench_per_op(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    runners = {name: W.make_per_op(name, torch) for name in impls(torch)}
    res = summarize(interleave(runners, args.rounds, args.budget))
    for name in runners:
        res[name]["us_per_op"] = 1e3 * res[name]["median_ms"] / W.CHAIN_OPS
    return res


def bench_backward_chain(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    res: dict[str, Any] = {}
    sizes = CHAIN_SIZES[:2] if args.quick else CHAIN_SIZES
    for size in sizes:
        runners = {name: W.make_backward_chain(name, torch, size) for name in impls(torch)}
        rounds = 3 if size >= 1_000_000 else max(3, args.rounds // 2)
        samples = interleave(runners, rounds, budget_s=0.0, warmup=1)
        r = summarize(samples)
        for name in runners:
            r[name]["us_per_op"] = 1e3 * r[name]["median_ms"] / size
        res[str(size)] = r
    per_op = [res[str(s)]["tensorgraph"]["us_per_op"] for s in sizes]
    res["flatness"] = max(per_op) / per_op[0]  # largest per-op time vs the 1e4 chain
    return res


def peak_rss_kb() -> int:
    """This process's peak resident set size in KB.

    VmHWM from /proc where there is one: ``getrusage``'s ru_maxrss survives ``exec`` on
    Linux, so a child would report its parent's peak (the benchmark's, with its data).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_child(lib: str, steps: int) -> None:
    """Run in a subprocess: the MLP benchmark with one library, print peak RSS (KB)."""
    torch = import_torch() if lib == "torch" else None
    after_import = peak_rss_kb()
    W.make_train_step("mlp", lib, torch, 128)(steps)
    print(json.dumps({"peak_kb": peak_rss_kb(), "after_import_kb": after_import}))


def bench_rss(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lib in impls(torch):
        cmd = [sys.executable, os.path.abspath(__file__), "--rss-child", lib]
        line = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        info = json.loads(line.strip().splitlines()[-1])
        out[lib] = {"peak_mb": info["peak_kb"] / 1024,
                    "after_import_mb": info["after_import_kb"] / 1024}
    if "torch" in out:
        r = out["tensorgraph"]["peak_mb"] / out["torch"]["peak_mb"]
        out["ratio"] = {"median": r, "min": r, "max": r, "rounds": [r]}
    return out


# ------------------------------------------------------------------ report
def machine_info(torch: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": getattr(torch, "__version__", None),
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }
    try:
        rev = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                             check=False, capture_output=True, text=True).stdout.strip()
        info["tensorgraph_commit"] = rev or None
    except OSError:
        info["tensorgraph_commit"] = None
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            f"{p.get('internal_api')} {p.get('version')} {p.get('architecture', '')} "
            f"threads={p.get('num_threads')} ({os.path.basename(p.get('filepath', ''))})"
            for p in threadpool_info()
        ]
    except ImportError:
        info["blas"] = ["(pip install threadpoolctl to see which BLAS and how many threads)"]
    return info


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ratio_text(res: dict[str, Any]) -> str:
    r = res.get("ratio")
    if not r:
        return "-"
    return f"{r['median']:.2f} [{r['min']:.2f}, {r['max']:.2f}]"


def print_result(name: str, res: dict[str, Any]) -> None:
    target, desc = TARGETS[name]
    print(f"\n== {name}: {desc}")
    if name == "backward_chain":
        for size, r in res.items():
            if size == "flatness":
                continue
            cells = "  ".join(f"{k} {r[k]['us_per_op']:.2f} us/op" for k in r if k != "ratio")
            print(f"   {int(size):>9,d} ops: {cells}   tg/torch {_ratio_text(r)}")
        ok = "OK" if res["flatness"] <= target else "MISSED"
        print(f"   flatness (max per-op / 1e4 per-op, tensorgraph): {res['flatness']:.2f}"
              f"  target <= {target}  {ok}")
        return
    if name == "peak_rss":
        for k, v in res.items():
            if k != "ratio":
                print(f"   {k:<15} peak {v['peak_mb']:7.1f} MB  (after import "
                      f"{v['after_import_mb']:.1f} MB)")
    else:
        for k, v in res.items():
            if isinstance(v, dict) and "median_ms" in v:
                per = f"  ({v['us_per_op']:.2f} us/op)" if "us_per_op" in v else ""
                print(f"   {k:<15} {v['median_ms']:9.3f} ms{per}")
        if "data" in res:
            print(f"   data: {res['data']}")
    if "ratio" in res:
        ok = "OK" if res["ratio"]["median"] <= target else "MISSED"
        print(f"   tensorgraph/torch per round: median [min, max] = {_ratio_text(res)}"
              f"   target <= {target}  {ok}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds, shorter samples")
    p.add_argument("--rounds", type=int, default=None, help="rounds per workload (default 7)")
    p.add_argument("--only", default="", help="comma-separated workload names: "
                   + ", ".join(TARGETS))
    p.add_argument("--rss-child", choices=["tensorgraph", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--out", default=os.path.join(HERE, "results.json"))
    args = p.parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child, steps=30)
        return
    args.rounds = args.rounds or (3 if args.quick else 7)
    args.budget = 0.15 if args.quick else 0.4  # seconds per sample
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in TARGETS]
    if unknown:
        p.error(f"unknown workload(s) {unknown}; choose from {list(TARGETS)}")

    torch = import_torch()
    info = machine_info(torch)
    print("machine:", info["cpu"], f"({info['cores']} cores),", info["platform"])
    print(f"python {info['python']}, numpy {info['numpy']}, torch {info['torch']} "
          f"(threads {info['torch_threads']}), tensorgraph {info['tensorgraph_commit']}")
    for b in info["blas"]:
        print("BLAS:", b)
    if info["OPENBLAS_CORETYPE"] or info["OPENBLAS_L2_SIZE"]:
        print(f"note: OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']} "
              f"OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']} are set (they slow numpy's BLAS)")
    load = os.getloadavg()[0]
    if load > 0.5 * (info["cores"] or 1):
        print(f"warning: load average {load:.1f} on {info['cores']} cores: other processes "
              "compete for the CPU, so times are noisy (the per-round ratios less so)")
    info["loadavg_at_start"] = load
    if torch is None:
        print("torch is not installed: tensorgraph and numpy only (pip install torch)")

    benches: dict[str, Callable[[], dict[str, Any]]] = {
        "mlp_step": lambda: bench_step("mlp", torch, args),
        "cnn_step": lambda: bench_step("cnn", torch, args),
        "mlp_epoch": lambda: bench_epoch(torch, args),
        "per_op": lambda: bench_per_op(torch, args),
        "backward_chain": lambda: bench_backward_chain(torch, args),
        "peak_rss": lambda: bench_rss(torch, args),
    }
    needs_nn = {"mlp_step", "cnn_step", "mlp_epoch", "peak_rss"}
    results: dict[str, Any] = {"machine": info, "rounds": args.rounds, "workloads": {}}
    for name, fn in benches.items():
        if only and name not in only:
            continue
        if name in needs_nn and not has_nn():
            print(f"\n== {name}: skipped (tensorgraph.nn / tensorgraph.optim not available)")
            continue
        t0 = time.perf_counter()
        res = fn()
        res["seconds"] = time.perf_counter() - t0
        res["target"] = TARGETS[name][0]
        results["workloads"][name] = res
        print_result(name, {k: v for k, v in res.items() if k not in ("seconds", "target")})
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nwrote {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
