"""What bench.py prints and writes: the machine, each workload's result, the README's
markdown table."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Any

import numpy as np
from harness import Workload

HERE = os.path.dirname(os.path.abspath(__file__))


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


def _ratio_text(r: dict[str, Any] | None) -> str:
    if not r:
        return "-"
    return f"{r['median']:.2f} [{r['min']:.2f}, {r['max']:.2f}]"


def _verdict(r: dict[str, Any] | None, target: float) -> str:
    return "" if not r else ("OK" if r["median"] <= target else "MISSED")


def _rate(ms: float, flops: float | None, peak: float | None) -> str:
    if not flops or not ms:
        return ""
    gflops = flops / (ms * 1e-3) / 1e9
    pct = f" {100 * gflops / peak:5.1f}% of peak" if peak else ""
    return f"{gflops:8.2f} GFLOP/s{pct}"


def _impl_rows(res: dict[str, Any]) -> list[str]:
    return [k for k, v in res.items() if isinstance(v, dict) and "median_ms" in v]


def print_result(wl: Workload, res: dict[str, Any], peak: float,
                 single: dict[str, Any] | None, label: str = "all threads (wall)") -> None:
    flops = f"  ({wl.flops:.3g} FLOP/step)" if wl.flops else ""
    print(f"\n== {wl.name}: {wl.desc}{flops}")
    if wl.name == "backward_chain":
        for size, r in res.items():
            if not isinstance(r, dict) or "ratio" not in r:
                continue
            cells = "  ".join(f"{k} {r[k]['us_per_op']:.2f} us/op" for k in _impl_rows(r))
            print(f"   {int(size):>9,d} ops: {cells}   tg/torch {_ratio_text(r['ratio'])}")
        ok = "OK" if res["flatness"] <= wl.target else "MISSED"
        print(f"   flatness (max per-op / 1e4 per-op, tensorgraph): {res['flatness']:.2f}"
              f"  target <= {wl.target}  {ok}")
        return
    if wl.name == "peak_rss":
        for k, v in res.items():
            if isinstance(v, dict) and "peak_mb" in v:
                print(f"   {k:<15} peak {v['peak_mb']:7.1f} MB  (after import "
                      f"{v['after_import_mb']:.1f} MB)")
        print(f"   tensorgraph/torch: {res['ratio']['median']:.2f}   target <= {wl.target}  "
              f"{_verdict(res.get('ratio'), wl.target)}")
        return
    speak = single.get("peak_gflops") if single else None
    head = f"   {'':15} {label:>40}"
    print(head + (f"   {'1 thread (CPU time)':>40}" if single else ""))
    for k in _impl_rows(res):
        v = res[k]
        per = f" ({v['us_per_op']:.2f} us/op)" if "us_per_op" in v else ""
        cell = f"{v['median_ms']:9.3f} ms{per} {_rate(v['median_ms'], wl.flops, peak)}"
        line = f"   {k:<15} {cell:>40}"
        if single and k in single:
            s = single[k]["median_ms"]
            line += f"   {f'{s:9.3f} ms {_rate(s, wl.flops, speak)}':>40}"
        print(line)
    if "data" in res:
        print(f"   data: {res['data']}")
    rows = [("torch", res.get("ratio"), (single or {}).get("ratio"), wl.target)]
    rows += [(k, res.get("ratio_to", {}).get(k), (single or {}).get("ratio_to", {}).get(k), t)
             for k, t in wl.floors.items()]
    for other, r2, r1, target in rows:
        if r2 is None:
            continue
        text = f"   tensorgraph/{other}: {_ratio_text(r2)} {_verdict(r2, target)}"
        if r1:
            text += f";  1 thread {_ratio_text(r1)} {_verdict(r1, target)}"
        print(text + f"   (per round: median [min, max], target <= {target})")


def _ms_pair(a: float | None, b: float | None) -> str:
    return " / ".join("-" if v is None else f"{v:.3g}" for v in (a, b))


def _rate_cell(flops: float | None, ms: float | None, peak: float | None) -> str:
    if not flops or not ms:
        return "-"
    g = flops / (ms * 1e-3) / 1e9
    return f"{g:.3g}" + (f" ({100 * g / peak:.2g}%)" if peak else "")


def markdown_table(results: dict[str, Any], workloads: list[Workload]) -> str:
    """The README's table: one row per workload, both thread settings."""
    peak, speak = results["peak_gflops"], results.get("peak_gflops_1_thread")
    lines = [
        ("| workload | FLOP/step | tensorgraph ms (all threads / 1) | torch ms (all / 1) "
         "| tensorgraph GFLOP/s (% of peak), all / 1 | tg/torch all threads "
         "| tg/torch 1 thread | target |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for wl in workloads:
        res = results["workloads"].get(wl.name)
        if res is None or "median_ms" not in res.get("tensorgraph", {}):
            continue
        single = res.get("single_thread") or {}
        if res.get("only_1_thread"):  # --threads 1: the run itself is the 1-thread one
            single, res = res, {}
        tg_ms = res.get("tensorgraph", {}).get("median_ms")
        t_ms = res.get("torch", {}).get("median_ms")
        s_tg = single.get("tensorgraph", {}).get("median_ms")
        s_t = single.get("torch", {}).get("median_ms")
        target = f"<= {wl.target}" + "".join(
            f"; vs {k}: {_ratio_text(res.get('ratio_to', {}).get(k))} / "
            f"{_ratio_text(single.get('ratio_to', {}).get(k))} (<= {t})"
            for k, t in wl.floors.items())
        flops = f"{wl.flops:.3g}" if wl.flops else "-"
        rates = (f"{_rate_cell(wl.flops, tg_ms, peak)} / {_rate_cell(wl.flops, s_tg, speak)}"
                 if wl.flops else "-")
        lines.append(f"| {wl.name} | {flops} | {_ms_pair(tg_ms, s_tg)} | {_ms_pair(t_ms, s_t)} "
                     f"| {rates} | {_ratio_text(res.get('ratio'))} "
                     f"| {_ratio_text(single.get('ratio'))} | {target} |")
    return "\n".join(lines)
