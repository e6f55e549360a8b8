"""Hand-written numpy baselines for the benchmark: what a careful person writes by hand.

Three training steps, each forward + backward + SGD-with-momentum update, float32:

- ``NumpyMLP``: the MLP written plainly (every op allocates its result).
- ``NumpyMLPPrealloc``: the same MLP with every buffer allocated once and reused
  (``out=`` everywhere): the floor a numpy engine could reach.
- ``NumpyCNN``: the small CNN with im2col through ``sliding_window_view``, one
  ``tensordot`` per conv, col2im as a sum over the 3x3 kernel offsets, and max-pool by
  the reshape trick.

They share nothing with tensorgraph, so they are an independent yardstick.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

F32 = np.float32


def _linear_init(rng: np.random.Generator, n_out: int, n_in: int) -> tuple:
    bound = F32(1.0 / np.sqrt(n_in))
    w = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(F32)
    b = rng.uniform(-bound, bound, size=n_out).astype(F32)
    return w, b


def _softmax_xent_grad(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of logits ``z`` and its gradient d loss / d z (new array)."""
    n = z.shape[0]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.log(s[:, 0]).sum() - z[np.arange(n), y].sum()) / n
    g = e / s
    g[np.arange(n), y] -= 1
    g *= F32(1.0 / n)
    return loss, g


class _SGD:
    """v = momentum * v + g;  p -= lr * v   (PyTorch's SGD with momentum), in place."""

    def __init__(self, params: list, lr: float, momentum: float) -> None:
        self.params, self.lr, self.mu = params, F32(lr), F32(momentum)
        self.v = [np.zeros_like(p) for p in params]
        self.tmp = [np.empty_like(p) for p in params]

    def step(self, grads: list) -> None:
        for p, g, v, t in zip(self.params, grads, self.v, self.tmp):
            v *= self.mu
            v += g
            np.multiply(v, self.lr, out=t)
            p -= t


class NumpyMLP:
    """Plain numpy MLP (ReLU hidden layers, cross-entropy); ``step(x, y)`` trains once."""

    def __init__(self, sizes: tuple, lr: float = 0.01, momentum: float = 0.9,
                 seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.layers = [_linear_init(rng, o, i) for i, o in itertools.pairwise(sizes)]
        self.opt = _SGD([p for wb in self.layers for p in wb], lr, momentum)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        hs = [x]
        for i, (w, b) in enumerate(self.layers):
            z = hs[-1] @ w.T + b
            hs.append(np.maximum(z, 0) if i < len(self.layers) - 1 else z)
        loss, g = _softmax_xent_grad(hs[-1], y)
        grads = []
        for i in reversed(range(len(self.layers))):
            w, _ = self.layers[i]
            h = hs[i]
            grads[:0] = [g.T @ h, g.sum(axis=0)]
            if i:
                g = (g @ w) * (h > 0)
        self.opt.step(grads)
        return loss


class NumpyMLPPrealloc:
    """The same MLP with all activations, gradients and update buffers preallocated."""

    def __init__(self, sizes: tuple, batch: int, lr: float = 0.01, momentum: float = 0.9,
                 seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.layers = [_linear_init(rng, o, i) for i, o in itertools.pairwise(sizes)]
        self.opt = _SGD([p for wb in self.layers for p in wb], lr, momentum)
        self.h = [np.empty((batch, n), F32) for n in sizes[1:]]  # post-ReLU (last: logits)
        self.dh = [np.empty((batch, n), F32) for n in sizes[1:]]
        self.mask = [np.empty((batch, n), bool) for n in sizes[1:]]
        self.grads = [np.empty_like(p) for p in self.opt.params]
        self.rowmax = np.empty((batch, 1), F32)
        self.rowsum = np.empty((batch, 1), F32)
        self.rows = np.arange(batch)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        last = len(self.layers) - 1
        prev = x
        for i, (w, b) in enumerate(self.layers):
            z = self.h[i]
            np.matmul(prev, w.T, out=z)
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
            prev = z
        # softmax cross-entropy in place on the logits buffer
        z, n = self.h[last], x.shape[0]
        np.max(z, axis=1, keepdims=True, out=self.rowmax)
        z -= self.rowmax
        picked = z[self.rows, y]
        np.exp(z, out=z)
        np.sum(z, axis=1, keepdims=True, out=self.rowsum)
        loss = float(np.log(self.rowsum).sum() - picked.sum()) / n
        z /= self.rowsum
        z[self.rows, y] -= 1
        z *= F32(1.0 / n)
        g = z
        for i in reversed(range(len(self.layers))):
            w, _ = self.layers[i]
            h = x if i == 0 else self.h[i - 1]
            np.matmul(g.T, h, out=self.grads[2 * i])
            np.sum(g, axis=0, out=self.grads[2 * i + 1])
            if i:
                gp = self.dh[i - 1]
                np.matmul(g, w, out=gp)
                np.greater(h, 0, out=self.mask[i - 1])
                gp *= self.mask[i - 1]
                g = gp
        self.opt.step(self.grads)
        return loss


def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple:
    """3x3 conv, stride 1, padding 1: y[n,o,h,w]; returns (y, padded-input windows)."""
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = sliding_window_view(xp, (3, 3), axis=(2, 3))  # (N, C, H, W, 3, 3), a view
    y = np.tensordot(cols, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H, W, O)
    y += b
    return y.transpose(0, 3, 1, 2), cols


def conv_backward(g: np.ndarray, cols: np.ndarray, w: np.ndarray, need_x: bool) -> tuple:
    """Gradients of the 3x3 conv: (dx or None, dw, db); col2im sums the 9 offsets."""
    dw = np.tensordot(g, cols, axes=([0, 2, 3], [0, 2, 3]))  # (O, C, 3, 3)
    db = g.sum(axis=(0, 2, 3))
    if not need_x:
        return None, dw, db
    n, _, h, wd = g.shape
    dcols = np.tensordot(g, w, axes=([1], [0]))  # (N, H, W, C, 3, 3)
    dxp = np.zeros((n, w.shape[1], h + 2, wd + 2), F32)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + wd] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1], dw, db


def pool_forward(x: np.ndarray) -> tuple:
    """2x2 max-pool, stride 2, by reshaping; returns (y, argmax mask)."""
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = r.max(axis=(3, 5))
    mask = r == y[:, :, :, None, :, None]
    return y, mask


def pool_backward(g: np.ndarray, mask: np.ndarray) -> np.ndarray:
    n, c, h2, _, w2, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(n, c, h2 * 2, w2 * 2)


class NumpyCNN:
    """conv(1->16) ReLU pool conv(16->32) ReLU pool linear(1568->10), im2col by hand."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        w1, b1 = _linear_init(rng, 16, 9)
        w2, b2 = _linear_init(rng, 32, 16 * 9)
        self.w1, self.b1 = w1.reshape(16, 1, 3, 3), b1
        self.w2, self.b2 = w2.reshape(32, 16, 3, 3), b2
        self.w3, self.b3 = _linear_init(rng, 10, 32 * 7 * 7)
        self.opt = _SGD([self.w1, self.b1, self.w2, self.b2, self.w3, self.b3], lr, momentum)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        z1, cols1 = conv_forward(x, self.w1, self.b1)
        r1 = np.maximum(z1, 0)
        p1, m1 = pool_forward(r1)
        z2, cols2 = conv_forward(p1, self.w2, self.b2)
        r2 = np.maximum(z2, 0)
        p2, m2 = pool_forward(r2)
        flat = p2.reshape(p2.shape[0], -1)
        logits = flat @ self.w3.T + self.b3
        loss, g = _softmax_xent_grad(logits, y)
        dw3, db3 = g.T @ flat, g.sum(axis=0)
        g = (g @ self.w3).reshape(p2.shape)
        g = pool_backward(g, m2) * (z2 > 0)
        g, dw2, db2 = conv_backward(g, cols2, self.w2, need_x=True)
        g = pool_backward(g, m1) * (z1 > 0)
        _, dw1, db1 = conv_backward(g, cols1, self.w1, need_x=False)
        self.opt.step([dw1, db1, dw2, db2, dw3, db3])
        return loss
