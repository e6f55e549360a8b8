"""Side-by-side speed of tensorgraph, PyTorch CPU and hand-written numpy (``make bench``).

Every workload runs each implementation in the same process, interleaved in rounds
(tensorgraph, torch, numpy, tensorgraph, torch, numpy, ...) after a warm-up, so a noisy
neighbour or a CPU clock change hits all of them alike. It runs twice: with all cores
(wall time), then in a child process with ONE thread for BLAS and torch (CPU time, so
time spent descheduled by other processes does not count: the steadier number on a
shared machine). Printed per workload: median ms/step of each implementation, FLOPs of
one step, GFLOP/s reached and what fraction that is of this machine's float32 GEMM peak
(a large square matmul measured at the start), and the tensorgraph/torch ratio of each
round (median, min, max) against the target of issue #16. Everything is also written
to ``benchmarks/results.json``; a markdown table closes the run (the README's).

Workloads come from ``workloads.py`` and every ``benchmarks/workloads_*.py`` (each
defines ``WORKLOADS: list[harness.Workload]``): adding such a file is the whole hook.

The printing and the README table live in ``report.py``.

Usage:
    python benchmarks/bench.py                 # everything (several minutes on 2 cores)
    python benchmarks/bench.py --quick         # fewer rounds, shorter timings
    python benchmarks/bench.py --only mlp_step,per_op --rounds 9
    python benchmarks/bench.py --threads 1       # only the 1-thread runs (loaded machine)
"""

from __future__ import annotations

import argparse
import glob
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import harness as H
import numpy as np
import workloads as W
from harness import Workload
from report import machine_info, markdown_table, print_result

import tensorgraph as tg

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
CHAIN_SIZES = (10_000, 100_000, 1_000_000)


def import_torch(threads: int) -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def has_nn() -> bool:
    try:
        import tensorgraph.nn
        import tensorgraph.optim  # noqa: F401
    except ImportError:
        return False
    return hasattr(tg.nn, "Sequential") and hasattr(tg.optim, "SGD")


def gemm_peak_gflops(size: int = 2048, reps: int = 5) -> float:
    """This machine's float32 GEMM speed through numpy (best of ``reps`` square matmuls)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    out = np.empty_like(a)
    np.matmul(a, b, out=out)  # warm-up: threads started, pages touched
    best = min(_timeit(lambda: np.matmul(a, b, out=out)) for _ in range(reps))
    return 2 * size**3 / best / 1e9


def _timeit(fn: Any) -> float:
    now = H.CLOCK["now"]
    t0 = now()
    fn()
    return now() - t0


# ------------------------------------------------------------------ workloads
def bench_step(kind: str, torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    n = 128 if kind == "mlp" else 64
    extra = ("numpy", "numpy-prealloc") if kind == "mlp" else ("numpy",)
    return H.run_interleaved(lambda impl: W.make_train_step(kind, impl, torch, n),
                             H.impls(torch, extra), args)


def bench_layer(make: Any, torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    return H.run_interleaved(lambda impl: make(impl, torch), H.impls(torch, ("numpy",)), args)


def bench_epoch(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    data = W.epoch_data()
    res = H.run_interleaved(lambda impl: W.make_epoch(impl, torch, data), H.impls(torch),
                            args, rounds=max(3, args.rounds // 2), budget_s=0.0, warmup=1)
    res["data"] = data[2]
    return res


def bench_per_op(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    res = H.run_interleaved(lambda impl: W.make_per_op(impl, torch), H.impls(torch), args)
    for name in H.impls(torch):
        res[name]["us_per_op"] = 1e3 * res[name]["median_ms"] / W.CHAIN_OPS
    return res


def bench_backward_chain(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    res: dict[str, Any] = {}
    sizes = CHAIN_SIZES[:2] if args.quick else CHAIN_SIZES
    for size in sizes:
        rounds = 3 if size >= 1_000_000 else max(3, args.rounds // 2)
        r = H.run_interleaved(lambda impl, s=size: W.make_backward_chain(impl, torch, s),
                              H.impls(torch), args, rounds=rounds, budget_s=0.0, warmup=1)
        for name in H.impls(torch):
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
    torch = import_torch(os.cpu_count() or 1) if lib == "torch" else None
    after_import = peak_rss_kb()
    W.make_train_step("mlp", lib, torch, 128)(steps)
    print(json.dumps({"peak_kb": peak_rss_kb(), "after_import_kb": after_import}))


def bench_rss(torch: Any, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lib in H.impls(torch):
        cmd = [sys.executable, os.path.abspath(__file__), "--rss-child", lib]
        line = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        info = json.loads(line.strip().splitlines()[-1])
        out[lib] = {"peak_mb": info["peak_kb"] / 1024,
                    "after_import_mb": info["after_import_kb"] / 1024}
    if "torch" in out:
        r = out["tensorgraph"]["peak_mb"] / out["torch"]["peak_mb"]
        out["ratio"] = {"median": r, "min": r, "max": r, "rounds": [r]}
    return out


WORKLOADS: list[Workload] = [
    Workload("mlp_step", 1.0, "MLP 784-512-256-10 train step, batch 128, SGD momentum, CE",
             lambda t, a: bench_step("mlp", t, a), W.mlp_flops(128),
             floors={"numpy-prealloc": 1.05}),
    Workload("cnn_step", 1.0, "CNN conv16-pool-conv32-pool-linear train step, batch 64",
             lambda t, a: bench_step("cnn", t, a), W.cnn_flops(64)),
    Workload("conv_layer", 1.0, "conv2d (64,16,14,14) -> 32 ch, 3x3, pad 1, fwd + bwd",
             lambda t, a: bench_layer(W.make_conv_layer, t, a), W.conv_layer_flops(),
             needs_nn=False),
    Workload("pool_relu", 1.0, "max_pool2d(relu(x), 2) on (64,16,28,28), fwd + bwd",
             lambda t, a: bench_layer(W.make_pool_relu, t, a), W.pool_relu_flops(),
             needs_nn=False),
    Workload("mlp_epoch", 0.9, "MLP epoch, 60,000 samples, batch 128, incl. DataLoader",
             bench_epoch, W.mlp_flops(128) * 60000 / 128),
    Workload("per_op", 0.9, f"{W.CHAIN_OPS} elementwise ops on 16 floats, forward + backward",
             bench_per_op, 2 * W.CHAIN_OPS * 16, single_thread=False, needs_nn=False),
    Workload("backward_chain", 1.5, "backward() time per op, chains of 1e4 / 1e5 / 1e6 ops "
             "(target: tensorgraph's 1e6 vs 1e4 per-op time)", bench_backward_chain,
             single_thread=False, needs_nn=False),
    Workload("peak_rss", 1.0, "peak RSS of a process running the MLP step (subprocess each)",
             bench_rss, single_thread=False),
]


def discover_workloads() -> list[Workload]:
    """WORKLOADS above plus those of every benchmarks/workloads_*.py file."""
    found = list(WORKLOADS)
    for path in sorted(glob.glob(os.path.join(HERE, "workloads_*.py"))):
        mod = importlib.import_module(os.path.splitext(os.path.basename(path))[0])
        found += list(getattr(mod, "WORKLOADS", []))
    return found


# ------------------------------------------------------------------ single thread
def run_single_thread(name: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """Run one workload in a child process with one BLAS / OpenMP / torch thread."""
    env = dict(os.environ, **dict.fromkeys(THREAD_VARS, "1"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "single.json")
        cmd = [sys.executable, os.path.abspath(__file__), "--single-thread-child", name,
               "--rounds", str(args.rounds), "--out", out] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"   (single-thread run failed: {proc.stderr.strip().splitlines()[-1:]})")
            return None
        with open(out) as f:
            return json.load(f)


def single_thread_child(name: str, args: argparse.Namespace) -> None:
    H.CLOCK["now"] = time.process_time  # CPU time: immune to being descheduled
    torch = import_torch(1)
    wl = {w.name: w for w in discover_workloads()}[name]
    res = wl.run(torch, args)
    res["peak_gflops"] = gemm_peak_gflops()
    with open(args.out, "w") as f:
        json.dump(res, f)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds, shorter samples")
    p.add_argument("--rounds", type=int, default=None, help="rounds per workload (default 7)")
    p.add_argument("--only", default="", help="comma-separated workload names")
    p.add_argument("--threads", choices=["both", "all", "1"], default="both",
                   help="BLAS-bound workloads: all cores, 1 thread (child process, CPU "
                   "time), or both (default). '1' is the one to use on a loaded machine")
    p.add_argument("--rss-child", choices=["tensorgraph", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--single-thread-child", help=argparse.SUPPRESS)
    p.add_argument("--out", default=os.path.join(HERE, "results.json"))
    args = p.parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child, steps=30)
        return
    args.rounds = args.rounds or (3 if args.quick else 7)
    args.budget = 0.15 if args.quick else 0.4  # seconds per sample
    if args.single_thread_child:
        single_thread_child(args.single_thread_child, args)
        return
    workloads = discover_workloads()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in {w.name for w in workloads}]
    if unknown:
        p.error(f"unknown workload(s) {unknown}; choose from {[w.name for w in workloads]}")

    if args.threads == "1":  # the whole run on one thread, in CPU time
        H.CLOCK["now"] = time.process_time
    torch = import_torch(1 if args.threads == "1" else os.cpu_count() or 1)
    info = machine_info(torch)
    print("machine:", info["cpu"], f"({info['cores']} cores),", info["platform"])
    print(f"python {info['python']}, numpy {info['numpy']}, torch {info['torch']} "
          f"(threads {info['torch_threads']}), tensorgraph {info['tensorgraph_commit']}")
    for b in info["blas"]:
        print("BLAS:", b)
    if info["OPENBLAS_CORETYPE"] or info["OPENBLAS_L2_SIZE"]:
        print(f"note: OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']} "
              f"OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']} are set (a forced OpenBLAS "
              "kernel: numpy's GEMM may run below what the CPU can do; torch is unaffected)")
    load = os.getloadavg()
    info["loadavg_at_start"] = load
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {info['cores']} cores"
          + ("  (other processes compete for the CPU: trust the 1-thread CPU-time "
             "ratios more)" if load[0] > 0.5 * (info["cores"] or 1) else ""))
    if torch is None:
        print("torch is not installed: tensorgraph and numpy only (pip install torch)")
    peak = gemm_peak_gflops()
    print(f"float32 GEMM peak (numpy 2048^2 matmul, all threads): {peak:.1f} GFLOP/s")

    results: dict[str, Any] = {"machine": info, "rounds": args.rounds, "workloads": {},
                               "peak_gflops": peak}
    for wl in workloads:
        if only and wl.name not in only:
            continue
        if wl.needs_nn and not has_nn():
            print(f"\n== {wl.name}: skipped (tensorgraph.nn / tensorgraph.optim not available)")
            continue
        t0 = time.perf_counter()
        single = None
        if wl.single_thread and args.threads == "1":
            res = run_single_thread(wl.name, args) or {}
            print_result(wl, res, res.get("peak_gflops", peak), None, "1 thread (CPU time)")
        else:
            res = wl.run(torch, args)
            if wl.single_thread and args.threads == "both":
                single = run_single_thread(wl.name, args)
            print_result(wl, res, peak, single, "1 thread (CPU time)" if args.threads == "1"
                         else "all threads (wall)")
        res["single_thread"] = single
        res["only_1_thread"] = args.threads == "1"
        res["seconds"] = time.perf_counter() - t0
        res["target"] = wl.target
        results["workloads"][wl.name] = res
    results["loadavg_at_end"] = os.getloadavg()
    speaks = [r["single_thread"]["peak_gflops"] for r in results["workloads"].values()
              if r.get("single_thread")]
    speaks += [r["peak_gflops"] for r in results["workloads"].values()
               if r.get("only_1_thread") and "peak_gflops" in r]
    if speaks:
        results["peak_gflops_1_thread"] = statistics.median(speaks)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    sp = results.get("peak_gflops_1_thread")
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores, numpy {info['numpy']}, torch "
          f"{info['torch']}; float32 GEMM peak {peak:.0f} GFLOP/s all threads"
          + (f", {sp:.0f} GFLOP/s 1 thread" if sp else "")
          + f"; load average {load[0]:.1f} at start, {results['loadavg_at_end'][0]:.1f} at end")
    print(markdown_table(results, workloads))
    print(f"\nwrote {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
