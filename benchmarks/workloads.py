"""The benchmark's workloads, written the same way in tensorgraph, PyTorch and numpy.

Each ``make_*`` returns a *runner*: ``run(n) -> seconds per step`` over ``n`` steps.
Most runners just time ``n`` calls of a step closure (see ``harness.timed``); the
backward-chain runners build a graph untimed and time only ``backward()``. The harness
interleaves runners of one workload in rounds. The ``WORKLOADS`` list at the end is
what bench.py runs; the ``*_flops`` functions count one step's arithmetic.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy_ref
from harness import CLOCK, Runner, timed

import tensorgraph as tg

try:  # not every tensorgraph version exports these from the package root
    import tensorgraph.nn
    import tensorgraph.optim
except ImportError:  # the harness reports the nn workloads as skipped
    pass

MLP_SIZES = (784, 512, 256, 10)
LR, MOMENTUM = 0.01, 0.9
FASHION_DIR = "/usr/share/datasets/fashion-mnist"

POOL_BATCHES = 64


@functools.cache
def batches(kind: str, n: int) -> tuple:
    """POOL_BATCHES batches (x float32, y int64) that the step workloads cycle through.

    Not one fixed batch: a model that memorises a single batch drives its loss to ~0
    and its gradients into float32 subnormals, which are 5-10x slower in every
    library. Real images (the first samples of Fashion-MNIST) when present, else
    synthetic uint8-like pixels with random labels. MLP: x (n, 784); CNN: (n, 1, 28, 28).
    """
    x, y, _ = epoch_data(POOL_BATCHES * n)
    if kind == "cnn":
        x = x.reshape(-1, 1, 28, 28)
    return tuple((x[i:i + n], y[i:i + n]) for i in range(0, len(x) - n + 1, n))


def cycle(step: Callable[[Any, Any], Any], data: list) -> Callable[[], None]:
    """A step closure that feeds the next batch of ``data`` each call."""
    it = itertools.cycle(data)

    def run() -> None:
        step(*next(it))

    return run


# ------------------------------------------------------------------ models
def tg_mlp() -> Any:
    nn = tg.nn
    a, b, c, d = MLP_SIZES
    return nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, c), nn.ReLU(), nn.Linear(c, d))


def torch_mlp(torch: Any) -> Any:
    nn = torch.nn
    a, b, c, d = MLP_SIZES
    return nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, c), nn.ReLU(), nn.Linear(c, d))


def _cnn(nn: Any) -> Any:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )


def _train_step(lib: Any, model: Any) -> Callable[[Any, Any], None]:
    """The training step, spelled identically for tensorgraph and torch."""
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    F = lib.nn.functional

    def step(x: Any, y: Any) -> None:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


# ------------------------------------------------------------------ MLP / CNN steps
def make_train_step(kind: str, impl: str, torch: Any, n: int) -> Runner:
    """One training step of the MLP or CNN, on the next batch of a fixed pool."""
    data = batches(kind, n)
    if impl == "tensorgraph":
        tg.manual_seed(0)
        model = tg_mlp() if kind == "mlp" else _cnn(tg.nn)
        feed = [(tg.from_numpy(x), tg.from_numpy(y)) for x, y in data]
        return timed(cycle(_train_step(tg, model), feed))
    if impl == "torch":
        torch.manual_seed(0)
        model = torch_mlp(torch) if kind == "mlp" else _cnn(torch.nn)
        feed = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in data]
        return timed(cycle(_train_step(torch, model), feed))
    if impl == "numpy":
        ref = numpy_ref.NumpyMLP(MLP_SIZES) if kind == "mlp" else numpy_ref.NumpyCNN()
    elif impl == "numpy-prealloc":
        ref = numpy_ref.NumpyMLPPrealloc(MLP_SIZES, n)
    else:
        raise ValueError(impl)
    return timed(cycle(ref.step, list(data)))


# ------------------------------------------------------------------ single layers
CONV_LAYER = (64, 16, 14, 14, 32, 3)  # N, C, H, W, out channels, kernel: the CNN's 2nd conv
POOL_INPUT = (64, 16, 28, 28)  # the CNN's first ReLU + max-pool


def _layer_arrays(shapes: list[tuple], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s, dtype=np.float32) for s in shapes]


def make_conv_layer(impl: str, torch: Any) -> Runner:
    """conv2d (64, 16, 14, 14) -> 32 channels, 3x3, padding 1: forward + backward
    (dx, dW, db) with a fixed upstream gradient."""
    n, c, h, w, o, k = CONV_LAYER
    xv, wv, bv, gv = _layer_arrays([(n, c, h, w), (o, c, k, k), (o,), (n, o, h, w)])
    if impl == "numpy":
        def step() -> None:
            _, cols = numpy_ref.conv_forward(xv, wv, bv)
            numpy_ref.conv_backward(gv, cols, wv, need_x=True)
        return timed(step)
    lib = tg if impl == "tensorgraph" else torch
    x, wt, b = (lib.tensor(a, requires_grad=True) for a in (xv, wv, bv))
    g = lib.tensor(gv)

    def step() -> None:
        x.grad = wt.grad = b.grad = None
        lib.nn.functional.conv2d(x, wt, b, padding=1).backward(g)

    return timed(step)


def make_pool_relu(impl: str, torch: Any) -> Runner:
    """max_pool2d(relu(x), 2) on (64, 16, 28, 28), forward + backward."""
    xv, gv = _layer_arrays([POOL_INPUT, POOL_INPUT[:2] + (14, 14)])
    if impl == "numpy":
        def step() -> None:
            r = np.maximum(xv, 0)
            _, mask = numpy_ref.pool_forward(r)
            numpy_ref.pool_backward(gv, mask) * (xv > 0)
        return timed(step)
    lib = tg if impl == "tensorgraph" else torch
    x, g = lib.tensor(xv, requires_grad=True), lib.tensor(gv)
    F = lib.nn.functional

    def step() -> None:
        x.grad = None
        F.max_pool2d(F.relu(x), 2).backward(g)

    return timed(step)


# ------------------------------------------------------------------ FLOPs of one step
def _conv_flops(n: int, c: int, hw: int, o: int, k: int, need_dx: bool) -> int:
    """Forward, dW and (when needed) dx GEMMs of a stride-1 'same' conv: 2 flops per MAC."""
    return 2 * n * hw * o * c * k * k * (3 if need_dx else 2)


def _linear_flops(n: int, i: int, o: int, need_dx: bool) -> int:
    return 2 * n * i * o * (3 if need_dx else 2)


def mlp_flops(n: int) -> int:
    """GEMM flops of one MLP step (the first layer needs no dx); elementwise work ignored."""
    pairs = list(itertools.pairwise(MLP_SIZES))
    return sum(_linear_flops(n, i, o, need_dx=j > 0) for j, (i, o) in enumerate(pairs))


def cnn_flops(n: int) -> int:
    """GEMM flops of one CNN step: conv1 (no dx), conv2, linear."""
    return (_conv_flops(n, 1, 28 * 28, 16, 3, False) + _conv_flops(n, 16, 14 * 14, 32, 3, True)
            + _linear_flops(n, 32 * 7 * 7, 10, True))


def conv_layer_flops() -> int:
    n, c, h, w, o, k = CONV_LAYER
    return _conv_flops(n, c, h * w, o, k, True)


def pool_relu_flops() -> int:
    """Comparisons and multiplies: ReLU forward + backward (1 each per input), max-pool
    forward (3 comparisons per 2x2 window)."""
    size = int(np.prod(POOL_INPUT))
    return 2 * size + 3 * size // 4


# ------------------------------------------------------------------ MLP epoch
def epoch_data(count: int = 60000) -> tuple[np.ndarray, np.ndarray, str]:
    """``count`` training images (N, 784) float32 in [0, 1], labels, and where from."""
    if all(os.path.exists(os.path.join(FASHION_DIR, f)) for f in
           ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")):
        ds = tg.data.FashionMNIST(root=FASHION_DIR, train=True, download=False)
        x = ds.data[:count].reshape(count, -1).astype(np.float32) / np.float32(255)
        return x, ds.targets[:count].astype(np.int64), f"Fashion-MNIST train ({FASHION_DIR})"
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(count, 784), dtype=np.uint8) / np.float32(255)
    return x.astype(np.float32), rng.integers(0, 10, count).astype(np.int64), "synthetic"


def make_epoch(impl: str, torch: Any, data: tuple) -> Runner:
    """One epoch over 60,000 samples, batch 128, shuffled, through each library's
    idiomatic TensorDataset + DataLoader (data loading is inside the timing)."""
    x, y, _ = data
    if impl == "tensorgraph":
        tg.manual_seed(0)
        model, lib = tg_mlp(), tg
        loader = tg.data.DataLoader(tg.data.TensorDataset(tg.from_numpy(x), tg.from_numpy(y)),
                                    batch_size=128, shuffle=True)
    else:
        torch.manual_seed(0)
        model, lib = torch_mlp(torch), torch
        ds = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
        loader = torch.utils.data.DataLoader(ds, batch_size=128, shuffle=True)
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    F = lib.nn.functional

    def epoch() -> None:
        for xb, yb in loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()

    return timed(epoch)


# ------------------------------------------------------------------ engine overhead
CHAIN_OPS = 200


def _op_chain(lib: Any, x: Any, a: Any) -> Any:
    """CHAIN_OPS small elementwise ops: (mul tensor, add scalar, tanh, mul scalar) x 50."""
    y = x
    for _ in range(CHAIN_OPS // 4):
        y = ((y * a) + 0.1).tanh() * 1.5
    return y


def make_per_op(impl: str, torch: Any) -> Runner:
    """Forward + backward through a chain of 200 ops on 16-element tensors."""
    rng = np.random.default_rng(0)
    xv, av = rng.standard_normal(16).astype(np.float32), rng.random(16).astype(np.float32)
    lib = tg if impl == "tensorgraph" else torch
    x = lib.tensor(xv, requires_grad=True)
    a = lib.tensor(av)

    def step() -> None:
        x.grad = None
        _op_chain(lib, x, a).sum().backward()

    return timed(step)


def make_backward_chain(impl: str, torch: Any, n_ops: int) -> Runner:
    """Time only backward() through a chain of ``n_ops`` ops (alternating * and +)."""
    lib = tg if impl == "tensorgraph" else torch
    c = lib.tensor(np.full(4, 1.0, np.float32))
    d = lib.tensor(np.full(4, 0.0, np.float32))

    def run(n: int) -> float:
        total = 0.0
        for _ in range(n):
            x = lib.tensor(np.ones(4, np.float32), requires_grad=True)
            y = x
            for _ in range(n_ops // 2):
                y = y * c + d
            root = y.sum()
            now = CLOCK["now"]
            t0 = now()
            root.backward()
            total += now() - t0
            del y, root
        return total / n

    return run
