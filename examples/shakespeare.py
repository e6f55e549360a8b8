"""Train a small character-level GPT on tiny Shakespeare with tensorgraph, then sample.

    python examples/shakespeare.py                      # 4 layers, 4 heads, width 128
    python examples/shakespeare.py --steps 200 --eval-interval 50   # a quick look
    python examples/shakespeare.py --time-limit 5       # stop after 5 minutes

The model is nanoGPT's layout (pre-norm blocks, GELU MLP, learned positions), context
64, dropout 0; the text is split 90/10 (train/validation) by position. Writes into
``--out`` (default ``runs/shakespeare``):
    history.json   config, and per evaluation: step, seconds (wall and CPU), train and
                   validation loss
    history.png    the loss curves against steps and minutes
    model.tg       checkpoint: model and optimizer state dicts, config, vocabulary
    sample.txt     the generated text (also printed)

Data: ``tinyshakespeare.txt`` in ``--data-dir`` (or its ``text/``), then
``$TENSORGRAPH_DATA/text``; otherwise a message says where to get it.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import out_dir, pyplot, run_cli, save_figure, tqdm
from _lm import GPT, CharVocab, count_parameters, find_text, sample_next

# found through the sys.path entry _common adds when run from a checkout
import tensorgraph as tg
import tensorgraph.nn.functional as F
from tensorgraph import nn, optim


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data-dir", default=None, help="folder with tinyshakespeare.txt")
    p.add_argument("--out", default="runs/shakespeare", help="output folder")
    p.add_argument("--steps", type=int, default=2500, help="training steps (batches)")
    p.add_argument("--time-limit", type=float, default=None,
                   help="stop training after this many minutes")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3, help="peak AdamW learning rate")
    p.add_argument("--eval-interval", type=int, default=250, help="steps between evaluations")
    p.add_argument("--eval-batches", type=int, default=20,
                   help="validation batches per evaluation")
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--sample-chars", type=int, default=500)
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N characters of the text (quick runs, tests)")
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--device", default="cpu", choices=["cpu"],
                   help="tensorgraph runs on numpy on the CPU")
    return p.parse_args(argv)


def batches(data: np.ndarray, rng: np.random.Generator, batch: int, context: int) -> tuple:
    """``batch`` random windows of ``context`` tokens and the same shifted by one."""
    ix = rng.integers(0, len(data) - context - 1, batch)
    rows = ix[:, None] + np.arange(context + 1)
    w = data[rows]
    return tg.tensor(w[:, :-1]), tg.tensor(w[:, 1:])


def lm_loss(model: nn.Module, x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def evaluate(model: nn.Module, data: np.ndarray, args: argparse.Namespace) -> float:
    """Mean loss over ``eval_batches`` fixed windows (the same ones every time)."""
    rng = np.random.default_rng(0)
    model.eval()
    with tg.no_grad():
        losses = [lm_loss(model, *batches(data, rng, args.batch_size, args.context)).item()
                  for _ in range(args.eval_batches)]
    model.train()
    return float(np.mean(losses))


def lr_at(step: int, args: argparse.Namespace) -> float:
    """Linear warm-up over 100 steps, then cosine decay to a tenth of the peak."""
    warm = min(1.0, (step + 1) / 100)
    progress = min(1.0, step / max(1, args.steps))
    return args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def generate(model: nn.Module, vocab: CharVocab, n: int, context: int, seed: int,
             prompt: str = "\n") -> str:
    """``n`` characters sampled one at a time from the model's softmax."""
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(prompt))
    model.eval()
    with tg.no_grad():
        for _ in range(n):
            logits = model(tg.tensor(np.array([ids[-context:]])))
            ids.append(int(sample_next(logits.array[:, -1], rng)[0]))
    return vocab.decode(ids[len(prompt):])


def plot_history(evals: list[dict], path: Path) -> Path:
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    for ax, key, label in ((axes[0], "step", "step"), (axes[1], "seconds", "minutes")):
        x = [e[key] / (60 if key == "seconds" else 1) for e in evals]
        ax.plot(x, [e["train_loss"] for e in evals], "o-", label="train")
        ax.plot(x, [e["val_loss"] for e in evals], "s-", label="validation")
        ax.set_xlabel(label)
        ax.set_ylabel("loss (nats / char)")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle("GPT on tiny Shakespeare (tensorgraph)")
    return save_figure(fig, path)


def run(args: argparse.Namespace) -> dict[str, Any]:
    text = find_text("tinyshakespeare.txt", args.data_dir).read_text()
    if args.limit:
        text = text[:args.limit]
    vocab = CharVocab(text)
    data = vocab.encode(text)
    split = int(0.9 * len(data))
    train, val = data[:split], data[split:]
    tg.manual_seed(args.seed)
    model = GPT(len(vocab), args.context, args.width, args.layers, args.heads, args.dropout)
    decay = [p for p in model.parameters() if p.ndim >= 2]
    rest = [p for p in model.parameters() if p.ndim < 2]
    opt = optim.AdamW([{"params": decay, "weight_decay": 0.1},
                       {"params": rest, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.99))
    print(f"GPT: {count_parameters(model):,} parameters, vocabulary {len(vocab)}, "
          f"{len(train):,} train / {len(val):,} validation characters")
    config = {k: v for k, v in vars(args).items() if k != "out"}
    history: dict = {"config": config, "evals": []}
    rng = np.random.default_rng(args.seed)
    # Wall time and this process's CPU time: on a shared machine the CPU time is what
    # the run would take on an idle one (with one BLAS thread).
    start, cpu_start, recent = time.perf_counter(), time.process_time(), []
    bar = tqdm()(range(args.steps + 1), desc="train", unit="step", dynamic_ncols=True)
    for step in bar:
        out_of_time = (args.time_limit is not None
                       and time.perf_counter() - start > 60 * args.time_limit)
        if step % args.eval_interval == 0 or step == args.steps or out_of_time:
            seconds = time.perf_counter() - start
            val_loss = evaluate(model, val, args)
            train_loss = float(np.mean(recent)) if recent else val_loss
            cpu = time.process_time() - cpu_start
            history["evals"].append({"step": step, "seconds": round(seconds, 1),
                                     "cpu_seconds": round(cpu, 1),
                                     "train_loss": train_loss, "val_loss": val_loss})
            bar.write(f"step {step:5d}  {seconds / 60:5.1f} min ({cpu / 60:5.1f} CPU min)  "
                      f"train {train_loss:.4f}  val {val_loss:.4f}")
            recent = []
        if step == args.steps or out_of_time:
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(step, args)
        loss = lm_loss(model, *batches(train, rng, args.batch_size, args.context))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        recent.append(loss.item())
        bar.set_postfix(loss=f"{recent[-1]:.3f}")
    bar.close()
    out = out_dir(args.out)
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    plot_history(history["evals"], out / "history.png")
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "config": config,
             "vocab": "".join(vocab.itos)}, out / "model.tg")
    sample = generate(model, vocab, args.sample_chars, args.context, args.seed)
    (out / "sample.txt").write_text(sample + "\n")
    print(f"\n--- {args.sample_chars} sampled characters ---\n{sample}\n---")
    print(f"wrote {out}/history.json, history.png, model.tg, sample.txt")
    return history


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    raise SystemExit(main())
