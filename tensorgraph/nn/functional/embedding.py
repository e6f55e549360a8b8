"""``embedding`` and ``one_hot`` for ``tensorgraph.nn.functional`` (as torch's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...autograd import no_grad
from ...ops.embedding import Embedding
from ...tensor import Tensor
from .check import as_tensor

__all__ = ["embedding", "one_hot"]


def _indices(input: Any, op: str) -> np.ndarray:
    """The integer index array of ``input`` (a Tensor, array or list)."""
    arr = input.array if isinstance(input, Tensor) else np.asarray(input)
    if arr.dtype.kind not in "iu":  # torch's RuntimeError (a dtype check of the kernel)
        raise RuntimeError(
            f"{op}: expected an integer tensor of indices (int64 or int32), got {arr.dtype} "
            f"(shape {arr.shape}). Convert it with .long()."
        )
    return arr


def _renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without gradient, the rows ``idx`` whose norm > max_norm."""
    rows = np.unique(idx)
    w = weight.array
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._version += 1


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input`` (a table lookup).

    Args:
        input: integer tensor of any shape, values in ``[0, num_embeddings)``.
        weight: ``(num_embeddings, embedding_dim)``.
        padding_idx: this row gets no gradient (it stays what it is, e.g. zeros).
        max_norm: rows looked up with a larger ``norm_type``-norm are rescaled to it,
            in place (as torch, this modifies ``weight``).
        scale_grad_by_freq: divide each row's gradient by its count in the batch.
        sparse: sparse gradients are not supported (numpy has no sparse tensors).

    Shape:
        Output: ``(*input.shape, embedding_dim)``.

    Example:
        >>> F.embedding(tg.tensor([[0, 2]]), tg.eye(3)).shape
        torch.Size([1, 2, 3])
    """
    op = "embedding"
    idx = _indices(input, op)
    w = as_tensor(weight, op, "weight")
    if w.ndim != 2:
        raise ValueError(f"{op}: weight must be 2-D (num_embeddings, embedding_dim), got "
                         f"shape {tuple(w.shape)}.")
    if sparse:
        raise NotImplementedError(
            f"{op}: sparse=True (sparse gradients) is not available in tensorgraph, "
            "which has no sparse tensors; use the default sparse=False."
        )
    n = w.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"{op}: index {bad} is out of range for a table of {n} rows "
                         f"(weight {tuple(w.shape)}); indices must be in [0, {n - 1}].")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"{op}: padding_idx {padding_idx} must be within "
                             f"[{-n}, {n - 1}] for {n} embeddings.")
        padding_idx = padding_idx % n
    if max_norm is not None:
        with no_grad():
            _renorm_(w, idx, max_norm, norm_type)
    return Embedding.apply(w, idx=idx.astype(np.intp, copy=False), padding_idx=padding_idx,
                           scale_grad_by_freq=bool(scale_grad_by_freq))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: ``out[..., i] = 1`` where ``tensor == i``.

    Args:
        tensor: integer class indices of any shape (non-negative).
        num_classes: the length of the new last dim; -1 means ``tensor.max() + 1``.

    Example:
        >>> F.one_hot(tg.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    op = "one_hot"
    idx = _indices(tensor, op)
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError(f"{op}: cannot infer num_classes from an empty tensor; "
                               "pass num_classes.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError(f"{op}: class values must be non-negative, got {idx.min()}.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"{op}: class values must be smaller than num_classes "
                           f"{num_classes}, got {idx.max()}.")
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor.from_array(out, False)
