"""Adaptive average and max pooling for ``tensorgraph.nn.functional`` (composites).

Output cell ``i`` of a dim of size ``n -> m`` covers input rows
``floor(i*n/m) .. ceil((i+1)*n/m) - 1`` (torch's windows, overlapping when m does not
divide n). A box average is separable, so the average pool is ``A_h @ x @ A_w^T`` with
constant averaging matrices: two matmuls whose gradients are the transposed matrices.
The max pool gathers each window's elements (short windows padded by repeating their
first element, which changes no maximum) and takes ``max`` over them: the gradient goes
to the first maximal element of each window, as torch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor
from .check import as_tensor, floating

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "along_last_dims"]


def averaging_matrix(n: int, m: int, dtype: np.dtype) -> np.ndarray:
    """(m, n): row i is the mean over torch's adaptive window i."""
    a = np.zeros((m, n))
    for i in range(m):
        start, end = (i * n) // m, -((-(i + 1) * n) // m)
        a[i, start:end] = 1.0 / (end - start)
    return a.astype(dtype)


def along_last_dims(x: Tensor, mats: list[np.ndarray | None]) -> Tensor:
    """Apply a constant matrix (out, in) along each of the last ``len(mats)`` dims of x
    (None leaves that dim alone): ``y = M_h @ x @ M_w^T`` for two dims."""
    k = len(mats)
    for j, m in enumerate(mats):
        if m is None:
            continue
        d = x.ndim - k + j
        const = Tensor.from_array(np.ascontiguousarray(m.T), False)  # (in, out)
        if d == x.ndim - 1:
            x = x @ const
        else:  # move the dim last, contract, move it back
            x = (x.transpose(d, -1) @ const).transpose(d, -1)
    return x


def _sizes(op: str, output_size: Any, in_sizes: tuple) -> tuple:
    k = len(in_sizes)
    sizes = (output_size,) * k if isinstance(output_size, (int, np.integer)) or \
        output_size is None else tuple(output_size)
    if len(sizes) != k:
        raise ValueError(f"{op}: output_size must be an int or a {k}-tuple, got "
                         f"{output_size!r}.")
    out = tuple(n if s is None else int(s) for s, n in zip(sizes, in_sizes))
    if min(out) < 0:
        raise RuntimeError(f"{op}: output_size {output_size!r} must be non-negative.")
    return out


def _windows(n: int, m: int) -> list[range]:
    return [range((i * n) // m, -((-(i + 1) * n) // m)) for i in range(m)]


def _checked(op: str, input: Any, output_size: Any, k: int) -> tuple[Tensor, tuple]:
    x = floating(as_tensor(input, op), op)
    if x.ndim not in (k + 1, k + 2):
        raise RuntimeError(f"{op}: expected a {k + 1}-D or {k + 2}-D input (unbatched or "
                           f"batched), got {x.ndim}-D {tuple(x.shape)}.")
    in_sizes = x.shape[-k:]
    if min(in_sizes) == 0:
        raise RuntimeError(f"{op}: input {tuple(x.shape)} has an empty spatial dimension.")
    return x, _sizes(op, output_size, in_sizes)


def _adaptive(op: str, input: Any, output_size: Any, k: int) -> Tensor:
    x, out = _checked(op, input, output_size, k)
    in_sizes = x.shape[-k:]
    return along_last_dims(x, [None if m == n else averaging_matrix(n, m, x.dtype)
                               for n, m in zip(in_sizes, out)])


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool ``(N, C, H, W)`` (or ``(C, H, W)``) to ``output_size`` exactly.

    Args:
        output_size: int or ``(H_out, W_out)``; None in the pair keeps that size.

    Example:
        >>> F.adaptive_avg_pool2d(tg.randn(2, 512, 7, 7), 1).shape  # global pooling
        torch.Size([2, 512, 1, 1])
    """
    return _adaptive("adaptive_avg_pool2d", input, output_size, 2)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool ``(N, C, L)`` (or ``(C, L)``) to length ``output_size``."""
    return _adaptive("adaptive_avg_pool1d", input, output_size, 1)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) to ``output_size``."""
    return _adaptive("adaptive_avg_pool3d", input, output_size, 3)


def _max_index(in_sizes: tuple, out: tuple) -> np.ndarray:
    """(*out, K): flat input positions of each output cell's window (row-major inside
    the window, padded with the window's first position)."""
    wins = [_windows(n, m) for n, m in zip(in_sizes, out)]
    size = int(np.prod([max(len(w) for w in ws) for ws in wins]))
    idx = np.empty(out + (size,), dtype=np.int64)
    for cell in np.ndindex(*out):
        grid = np.meshgrid(*[np.array(ws[c]) for ws, c in zip(wins, cell)], indexing="ij")
        flat = np.ravel_multi_index(tuple(g.ravel() for g in grid), in_sizes)
        idx[cell] = np.concatenate([flat, np.full(size - flat.size, flat[0])])
    return idx


def _adaptive_max(op: str, input: Any, output_size: Any, k: int,
                  return_indices: bool) -> Any:
    x, out = _checked(op, input, output_size, k)
    in_sizes, lead = x.shape[-k:], x.shape[:-k]
    if min(out) == 0:
        raise RuntimeError(f"{op}: output_size {output_size!r} must be positive.")
    idx = _max_index(tuple(in_sizes), out)
    windows = x.reshape(lead + (-1,))[..., idx]  # (*lead, *out, K)
    values, which = windows.max(dim=-1)
    if not return_indices:
        return values
    where = np.take_along_axis(np.broadcast_to(idx, lead + idx.shape),
                               which.numpy()[..., None], axis=-1)[..., 0]
    return values, Tensor.from_array(np.ascontiguousarray(where), False)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool ``(N, C, H, W)`` (or ``(C, H, W)``) to ``output_size`` exactly.

    Args:
        output_size: int or ``(H_out, W_out)``; None in the pair keeps that size.
        return_indices: also return each maximum's flat position ``h * W + w`` in its
            input plane (int64), as torch.

    Example:
        >>> F.adaptive_max_pool2d(tg.randn(2, 8, 7, 7), 1).shape  # global max pooling
        torch.Size([2, 8, 1, 1])
    """
    return _adaptive_max("adaptive_max_pool2d", input, output_size, 2, return_indices)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max-pool ``(N, C, L)`` (or ``(C, L)``) to length ``output_size``."""
    return _adaptive_max("adaptive_max_pool1d", input, output_size, 1, return_indices)
