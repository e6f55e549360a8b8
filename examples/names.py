"""Character-level language models of 32,032 names (makemore's data) with tensorgraph.

    python examples/names.py --model mlp        # block 3, embedding 10, hidden 200
    python examples/names.py --model wavenet    # the hierarchical (WaveNet-style) MLP
    python examples/names.py --model bigram     # a 27x27 table of logits
    python examples/names.py --model lstm       # an LSTM over each name
    python examples/names.py --model gpt        # a small GPT over each name

The names are shuffled (seed 42) and split 80/10/10 into train/dev/test; the dev loss is
printed after every epoch, the test loss at the end, then 20 sampled names. Writes into
``--out`` (default ``runs/names-<model>``):
    history.json   config, per-epoch train and dev loss, seconds; final test loss
    history.png    the loss curves
    model.tg       checkpoint: model and optimizer state dicts, config (tg.load)
    samples.txt    the 20 sampled names

Data: ``names.txt`` in ``--data-dir`` (or its ``text/``), then ``$TENSORGRAPH_DATA/text``;
otherwise a message says where to get it.
"""

from __future__ import annotations

import argparse
import json
import random
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

# Per-model defaults (context length, epochs, batch size, peak learning rate), chosen
# so each run reaches its dev loss in minutes on 2 cores (README has the numbers).
DEFAULTS = {
    "bigram": {"block": 1, "epochs": 3, "batch_size": 512, "lr": 0.1},
    "mlp": {"block": 3, "epochs": 8, "batch_size": 128, "lr": 5e-3},
    "wavenet": {"block": 8, "epochs": 8, "batch_size": 128, "lr": 5e-3},
    "lstm": {"block": None, "epochs": 10, "batch_size": 64, "lr": 5e-3},
    "gpt": {"block": None, "epochs": 10, "batch_size": 64, "lr": 2e-3},
}
SEQUENCE_MODELS = ("lstm", "gpt")


# ------------------------------------------------------------------ models
class Bigram(nn.Module):
    """logits of the next character = a row of a learned (27, 27) table."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.table = nn.Embedding(vocab, vocab)
        nn.init.zeros_(self.table.weight)

    def forward(self, ctx: tg.Tensor) -> tg.Tensor:
        return self.table(ctx[:, -1])


class MLP(nn.Module):
    """Bengio et al. 2003: embed the ``block`` previous characters, concatenate, one
    tanh hidden layer (with BatchNorm), logits."""

    def __init__(self, vocab: int, block: int, emb: int = 10, hidden: int = 200) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.net = nn.Sequential(nn.Linear(block * emb, hidden, bias=False),
                                 nn.BatchNorm1d(hidden), nn.Tanh(), nn.Linear(hidden, vocab))

    def forward(self, ctx: tg.Tensor) -> tg.Tensor:
        return self.net(self.emb(ctx).flatten(1))


class FlattenConsecutive(nn.Module):
    """(B, T, C) -> (B, T/n, n*C): fuse ``n`` neighbouring positions (WaveNet's tree)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        B, T, C = x.shape
        return x.reshape(B, T // self.n, C * self.n)


class RowsBatchNorm(nn.BatchNorm1d):
    """BatchNorm1d over every (batch, position) row of a (B, T, C) input: statistics
    over dims 0 and 1, as in the makemore lecture's hierarchical model."""

    def forward(self, input: tg.Tensor) -> tg.Tensor:
        if input.ndim == 2:
            return super().forward(input)
        B, T, C = input.shape
        return super().forward(input.reshape(B * T, C)).reshape(B, T, C)


class WaveNet(nn.Module):
    """Embed 8 characters, then three levels of (fuse pairs, Linear, BatchNorm, tanh):
    8 -> 4 -> 2 -> 1 positions, then logits (makemore part 5)."""

    def __init__(self, vocab: int, block: int = 8, emb: int = 24, hidden: int = 128) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Embedding(vocab, emb)]
        width = emb
        while block > 1:
            layers += [FlattenConsecutive(2), nn.Linear(2 * width, hidden, bias=False),
                       RowsBatchNorm(hidden), nn.Tanh()]
            width, block = hidden, block // 2
        layers += [nn.Flatten(), nn.Linear(hidden, vocab)]
        self.net = nn.Sequential(*layers)

    def forward(self, ctx: tg.Tensor) -> tg.Tensor:
        return self.net(ctx)


class LSTMModel(nn.Module):
    """Embed each character, an LSTM over the name, logits at every position."""

    def __init__(self, vocab: int, emb: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx: tg.Tensor) -> tg.Tensor:
        out, _ = self.lstm(self.emb(idx))
        B, T, H = out.shape
        return self.head(out.reshape(B * T, H)).reshape(B, T, -1)


def build_model(name: str, vocab: int, block: int) -> nn.Module:
    if name == "bigram":
        return Bigram(vocab)
    if name == "mlp":
        return MLP(vocab, block)
    if name == "wavenet":
        return WaveNet(vocab, block)
    if name == "lstm":
        return LSTMModel(vocab)
    return GPT(vocab, block, width=64, layers=2, heads=4)


# ------------------------------------------------------------------ data
def context_dataset(words: list[str], vocab: CharVocab, block: int) -> tuple:
    """Every (previous ``block`` characters, next character) pair; '.' pads and ends."""
    xs, ys = [], []
    for w in words:
        ctx = [0] * block
        for i in np.append(vocab.encode(w), 0):
            xs.append(ctx)
            ys.append(i)
            ctx = ctx[1:] + [int(i)]
    return np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64)


def sequence_dataset(words: list[str], vocab: CharVocab, length: int) -> tuple:
    """x = '.' + name, y = name + '.', padded to ``length``; padded targets are -1."""
    xs = np.zeros((len(words), length), dtype=np.int64)
    ys = np.full((len(words), length), -1, dtype=np.int64)
    for r, w in enumerate(words):
        ids = vocab.encode(w)
        xs[r, 1:len(ids) + 1] = ids
        ys[r, :len(ids)] = ids
        ys[r, len(ids)] = 0
    return xs, ys


def loss_of(model: nn.Module, x: np.ndarray, y: np.ndarray) -> tg.Tensor:
    logits = model(tg.tensor(x))
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tg.tensor(y.reshape(-1)),
                           ignore_index=-1)


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray, batch: int = 4096) -> float:
    """Mean loss per predicted character (padding excluded) over the whole split."""
    model.eval()
    total, count = 0.0, 0
    with tg.no_grad():
        for i in range(0, len(x), batch):
            n = int((y[i:i + batch] != -1).sum())
            total += loss_of(model, x[i:i + batch], y[i:i + batch]).item() * n
            count += n
    model.train()
    return total / count


def sample_names(model: nn.Module, vocab: CharVocab, args: argparse.Namespace, n: int = 20,
                 max_len: int = 30) -> list[str]:
    rng = np.random.default_rng(args.seed)
    names = []
    model.eval()
    with tg.no_grad():
        for _ in range(n):
            ids = [0] * (args.block if args.model not in SEQUENCE_MODELS else 1)
            out: list[int] = []
            while len(out) < max_len:
                if args.model in SEQUENCE_MODELS:
                    logits = model(tg.tensor(np.array([ids[-args.block:]])))[:, -1]
                else:
                    logits = model(tg.tensor(np.array([ids[-args.block:]])))
                nxt = int(sample_next(logits.array, rng)[0])
                if nxt == 0:
                    break
                out.append(nxt)
                ids.append(nxt)
            names.append(vocab.decode(out))
    return names


# ------------------------------------------------------------------ run
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=list(DEFAULTS), default="mlp")
    p.add_argument("--data-dir", default=None, help="folder with names.txt")
    p.add_argument("--out", default=None, help="output folder (default runs/names-<model>)")
    p.add_argument("--epochs", type=int, default=None, help="passes over the training set")
    p.add_argument("--steps", type=int, default=None,
                   help="stop after this many steps in total (quick runs, tests)")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (Adam)")
    p.add_argument("--limit", type=int, default=None, help="use only the first N names")
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args(argv)
    for key, value in DEFAULTS[args.model].items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    args.out = args.out or f"runs/names-{args.model}"
    return args


def plot_history(epochs: list[dict], title: str, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.4), layout="constrained")
    x = [e["epoch"] for e in epochs]
    ax.plot(x, [e["train_loss"] for e in epochs], "o-", label="train")
    ax.plot(x, [e["dev_loss"] for e in epochs], "s-", label="dev")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (nats / char)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return save_figure(fig, path)


def run(args: argparse.Namespace) -> dict[str, Any]:
    words = find_text("names.txt", args.data_dir).read_text().split()
    random.seed(args.seed)
    random.shuffle(words)
    if args.limit:
        words = words[:args.limit]
    vocab = CharVocab("".join(words), reserved=".")
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    parts = {"train": words[:n1], "dev": words[n1:n2], "test": words[n2:]}
    if args.model in SEQUENCE_MODELS:
        args.block = max(len(w) for w in words) + 1
        data = {k: sequence_dataset(v, vocab, args.block) for k, v in parts.items()}
    else:
        data = {k: context_dataset(v, vocab, args.block) for k, v in parts.items()}
    tg.manual_seed(args.seed)
    model = build_model(args.model, len(vocab), args.block)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    x_tr, y_tr = data["train"]
    steps_per_epoch = -(-len(x_tr) // args.batch_size)
    total = args.epochs * steps_per_epoch if args.steps is None else args.steps
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(total, 2))
    print(f"{args.model}: {count_parameters(model):,} parameters; "
          f"{len(parts['train'])}/{len(parts['dev'])}/{len(parts['test'])} names; "
          f"{len(x_tr):,} training rows, {steps_per_epoch} steps per epoch")
    config = {k: v for k, v in vars(args).items() if k != "out"}
    history: dict = {"config": config, "epochs": []}
    rng, step, start = np.random.default_rng(args.seed), 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(x_tr))
        losses = []
        bar = tqdm()(range(steps_per_epoch), desc=f"epoch {epoch}", unit="step",
                     leave=False, dynamic_ncols=True)
        for i in bar:
            if step >= total:
                break
            rows = order[i * args.batch_size:(i + 1) * args.batch_size]
            loss = loss_of(model, x_tr[rows], y_tr[rows])
            opt.zero_grad()
            loss.backward()
            if args.model in SEQUENCE_MODELS:
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            losses.append(loss.item())
            if i % 50 == 0:
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
        bar.close()
        dev = evaluate(model, *data["dev"])
        entry = {"epoch": epoch, "train_loss": float(np.mean(losses)), "dev_loss": dev,
                 "seconds": round(time.perf_counter() - start, 1)}
        history["epochs"].append(entry)
        print(f"epoch {epoch:2d}  train {entry['train_loss']:.4f}  dev {dev:.4f}  "
              f"({entry['seconds']:.0f} s)")
        if step >= total:
            break
    history["test_loss"] = evaluate(model, *data["test"])
    print(f"test loss {history['test_loss']:.4f}")
    names = sample_names(model, vocab, args)
    history["samples"] = names
    out = out_dir(args.out)
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    plot_history(history["epochs"], f"names: {args.model}", out / "history.png")
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "config": config},
            out / "model.tg")
    (out / "samples.txt").write_text("\n".join(names) + "\n")
    print("20 sampled names:", ", ".join(names))
    print(f"wrote {out}/history.json, history.png, model.tg, samples.txt")
    return history


def main(argv: list[str] | None = None) -> int:
    return run_cli(run, parse_args, argv)


if __name__ == "__main__":
    raise SystemExit(main())
