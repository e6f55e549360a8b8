"""Language-model benchmarks: a GPT training step and an LSTM training step, tensorgraph
side by side with torch (same model, batch, optimizer), plus the peak RSS of each.

    gpt_step   the shakespeare GPT (4 layers, 4 heads, width 128, context 64, vocab 65),
               batch 32: forward, cross-entropy, backward, AdamW step
    lstm_step  Embedding(65, 256) -> LSTM(256, 256, 2 layers) -> Linear, sequence 64,
               batch 32: the same training step
    lm_rss     peak RSS of a process running 5 steps of each (a subprocess per library)

bench.py picks up ``WORKLOADS`` (it discovers every ``benchmarks/workloads_*.py``). On its
own: ``python benchmarks/workloads_lm.py`` times both steps with one thread (CPU time,
so other processes on the machine do not distort it) and prints the ratios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # one BLAS thread, set before numpy loads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT))

import tensorgraph as tg  # noqa: E402

try:
    import harness as H
except ImportError:  # run on its own, or bench.py without the shared harness
    H = None

VOCAB, CONTEXT, BATCH = 65, 64, 32


def torch_gpt(torch: Any) -> Any:
    """The shakespeare GPT in torch: the layout and names of examples/_lm.GPT."""
    nn, F = torch.nn, torch.nn.functional

    class Attention(nn.Module):
        def __init__(self, width: int, heads: int) -> None:
            super().__init__()
            self.c_attn, self.c_proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
            self.resid_dropout, self.heads = nn.Dropout(0.0), heads

        def forward(self, x: Any) -> Any:
            B, T, C = x.shape
            qkv = self.c_attn(x).reshape(B, T, 3, self.heads, C // self.heads)
            q, k, v = (qkv[:, :, i].transpose(1, 2) for i in range(3))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))

    class Block(nn.Module):
        def __init__(self, width: int, heads: int) -> None:
            super().__init__()
            self.ln_1, self.attn = nn.LayerNorm(width), Attention(width, heads)
            self.ln_2 = nn.LayerNorm(width)
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                     nn.Linear(4 * width, width), nn.Dropout(0.0))

        def forward(self, x: Any) -> Any:
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte, self.wpe = nn.Embedding(VOCAB, 128), nn.Embedding(CONTEXT, 128)
            self.drop = nn.Dropout(0.0)
            self.blocks = nn.ModuleList([Block(128, 4) for _ in range(4)])
            self.ln_f, self.lm_head = nn.LayerNorm(128), nn.Linear(128, VOCAB, bias=False)

        def forward(self, idx: Any) -> Any:
            x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])))
            for b in self.blocks:
                x = b(x)
            return self.lm_head(self.ln_f(x))

    return GPT()


def lstm_lm(lib: Any) -> Any:
    """Embedding -> 2-layer LSTM (width 256) -> Linear, in ``lib`` (torch or tensorgraph)."""
    nn = lib.nn

    class LSTMLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(VOCAB, 256)
            self.lstm = nn.LSTM(256, 256, num_layers=2, batch_first=True)
            self.head = nn.Linear(256, VOCAB)

        def forward(self, idx: Any) -> Any:
            out = self.lstm(self.emb(idx))[0]
            return self.head(out.reshape(-1, 256))

    return LSTMLM()


def make_step(kind: str, impl: str, torch: Any) -> Callable[[], None]:
    """One training step of ``kind`` ('gpt' or 'lstm') in ``impl``, same weights."""
    lib = torch if impl == "torch" else tg
    if impl == "torch":
        torch.manual_seed(0)
        model = torch_gpt(torch) if kind == "gpt" else lstm_lm(torch)
    else:
        from _lm import GPT

        tg.manual_seed(0)
        model = GPT(VOCAB, CONTEXT, 128, 4, 4, 0.0) if kind == "gpt" else lstm_lm(tg)
    if torch is not None and impl != "torch":  # start from torch's weights
        ref = torch_gpt(torch) if kind == "gpt" else lstm_lm(torch)
        model.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    opt = lib.optim.AdamW(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    data = [(lib.tensor(rng.integers(0, VOCAB, (BATCH, CONTEXT))),
             lib.tensor(rng.integers(0, VOCAB, (BATCH, CONTEXT)))) for _ in range(4)]
    it = [0]

    def step() -> None:
        x, y = data[it[0] % len(data)]
        it[0] += 1
        logits = model(x)
        loss = lib.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_child(impl: str, kind: str) -> None:
    """In a subprocess: 5 steps of one workload with one library; print peak RSS."""
    torch = None
    if impl == "torch":
        import torch

        torch.set_num_threads(1)
    step = make_step(kind, impl, torch)
    for _ in range(5):
        step()
    print(json.dumps({"peak_mb": peak_rss_mb()}))


def bench_rss(torch: Any, args: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    for kind in ("gpt", "lstm"):
        for impl in ["tensorgraph"] + (["torch"] if torch is not None else []):
            cmd = [sys.executable, os.path.abspath(__file__), "--rss-child", impl, kind]
            line = subprocess.run(cmd, capture_output=True, text=True, check=True,
                                  env=env).stdout.strip().splitlines()[-1]
            out.setdefault(kind, {})[impl] = json.loads(line)["peak_mb"]
        if torch is not None:
            out[kind]["ratio"] = out[kind]["tensorgraph"] / out[kind]["torch"]
    worst = max((v["ratio"] for v in out.values() if "ratio" in v), default=float("nan"))
    out["ratio"] = {"median": worst, "min": worst, "max": worst, "rounds": [worst]}
    return out


def gpt_flops() -> float:
    """~6 * params * tokens for the matmuls, plus attention's 4 GEMMs forward+backward."""
    params = 4 * (12 * 128 * 128) + VOCAB * 128
    attn = 4 * 2 * 3 * 2 * BATCH * 4 * CONTEXT * CONTEXT * 32
    return 6 * params * BATCH * CONTEXT + attn


def lstm_flops() -> float:
    per_layer = 2 * 4 * 256 * (256 + 256)  # x W_ih^T and h W_hh^T per token
    return 3 * BATCH * CONTEXT * (2 * per_layer + 2 * 256 * VOCAB)


def _bench(kind: str) -> Callable[[Any, Any], dict]:
    def run(torch: Any, args: Any) -> dict:
        return H.run_interleaved(lambda impl: H.timed(make_step(kind, impl, torch)),
                                 H.impls(torch), args)

    return run


WORKLOADS: list = [] if H is None else [
    H.Workload("gpt_step", 1.3, "shakespeare GPT (4x128, 4 heads, ctx 64) train step, "
               "batch 32, AdamW", _bench("gpt"), gpt_flops()),
    H.Workload("lstm_step", 1.3, "2-layer LSTM LM (width 256, seq 64) train step, batch 32, "
               "AdamW", _bench("lstm"), lstm_flops()),
    H.Workload("lm_rss", 1.0, "peak RSS of 5 GPT / LSTM steps (subprocess each; worst ratio)",
               bench_rss, single_thread=False),
]


def main() -> None:
    """Standalone: CPU time per step (median of 5 rounds), one thread, and peak RSS."""
    if len(sys.argv) == 4 and sys.argv[1] == "--rss-child":
        rss_child(sys.argv[2], sys.argv[3])
        return
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    impls = ["tensorgraph"] + (["torch"] if torch is not None else [])
    for kind, steps in (("gpt", 5), ("lstm", 5)):
        times: dict[str, list[float]] = {}
        runners = {impl: make_step(kind, impl, torch) for impl in impls}
        for step in runners.values():
            step()
        for _ in range(5):  # interleaved rounds
            for impl, step in runners.items():
                t0 = time.process_time()
                for _ in range(steps):
                    step()
                times.setdefault(impl, []).append((time.process_time() - t0) / steps)
        med = {k: float(np.median(v)) * 1e3 for k, v in times.items()}
        line = "  ".join(f"{k} {v:7.1f} ms" for k, v in med.items())
        if torch is not None:
            ratios = [a / b for a, b in zip(times["tensorgraph"], times["torch"])]
            line += f"  ratio {np.median(ratios):.2f} (min {min(ratios):.2f})"
        print(f"{kind}_step  {line}")
    print("peak RSS (MB):", json.dumps(bench_rss(torch)))


if __name__ == "__main__":
    main()
