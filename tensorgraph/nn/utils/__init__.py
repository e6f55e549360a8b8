"""Gradient clipping and flat parameter vectors (``torch.nn.utils``); ``rnn``: packed
variable-length sequences (``torch.nn.utils.rnn``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ...tensor import Tensor
from . import rnn as rnn  # torch.nn.utils.rnn is there after `import torch`


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def zero_grads(parameters: Iterable[Tensor], set_to_none: bool) -> None:
    """``Module.zero_grad`` and ``Optimizer.zero_grad``: drop each ``.grad``, or zero it.

    Zeroing writes in place, except into a gradient that is part of a graph
    (``create_graph``) or a read-only array: those get a fresh zero array instead.
    """
    for p in parameters:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        elif p.grad.grad_fn is not None or not p.grad.array.flags.writeable:
            p.grad = Tensor.from_array(np.zeros_like(p.grad.array), False)
        else:
            p.grad.requires_grad = False
            p.grad.array.fill(0)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale all gradients together, in place, so their joint norm is at most ``max_norm``.

    The norm is taken over all gradients as if concatenated into one vector; every
    gradient is multiplied by ``min(1, max_norm / (total_norm + 1e-6))``, so directions
    are kept. Call it between ``loss.backward()`` and ``optimizer.step()``.

    Args:
        parameters: a Tensor or an iterable of Tensors (``model.parameters()``).
        max_norm: the largest allowed norm.
        norm_type: the p of the p-norm; ``float('inf')`` for the max-abs norm.
        error_if_nonfinite: raise if the total norm is NaN or inf.
        foreach: accepted for torch compatibility (there is one CPU implementation).

    Returns:
        The total norm before clipping (a 0-d Tensor), handy to log.

    Example:
        >>> loss.backward()
        >>> tg.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        >>> opt.step()
    """
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    _scale_by_norm(grads, max_norm, total)
    return total


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of ``tensors`` taken together, as if concatenated into one
    vector (a 0-d Tensor; 0 for none), as torch.nn.utils.get_total_norm.

    Example:
        >>> norm = tg.nn.utils.get_total_norm([p.grad for p in model.parameters()])
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else [t for t in tensors
                                                             if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return Tensor.from_array(np.zeros((), dtype=np.float32), False)
    dtype = tensors[0].dtype
    if norm_type == math.inf:
        total = np.max([np.abs(t.array).max(initial=0) for t in tensors])
    else:
        total = np.sum([(np.abs(t.array.astype(np.float64)) ** norm_type).sum()
                        for t in tensors]) ** (1.0 / norm_type)
    total = np.asarray(total, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{float(total)}, so they cannot be clipped. Set error_if_nonfinite=False to "
            "clip anyway, or find the op that made a NaN/inf with "
            "tg.autograd.detect_anomaly()."
        )
    return Tensor.from_array(total, False)


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                          total_norm: Tensor | float, foreach: bool | None = None) -> None:
    """Scale the gradients in place by ``min(1, max_norm / (total_norm + 1e-6))``, given
    a norm already computed (``get_total_norm``), as torch.nn.utils.clip_grads_with_norm_."""
    _scale_by_norm(_grads(parameters), max_norm, total_norm)


def _scale_by_norm(grads: list[Tensor], max_norm: float, total_norm: Tensor | float) -> None:
    if not grads:
        return
    coef = min(float(max_norm) / (float(total_norm) + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 is NaN, as in torch, without a warning
        for g in grads:
            np.multiply(g.array, np.asarray(coef, dtype=g.array.dtype), out=g.array)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place
    (``foreach`` is accepted for torch compatibility)."""
    for g in _grads(parameters):
        np.clip(g.array, -clip_value, clip_value, out=g.array)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D Tensor (a copy)."""
    from ...tensor import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (inverse of the above)."""
    from ...tensor import Tensor

    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    # torch's RuntimeError (a slice that cannot be viewed as a parameter); a longer vector
    # is read from its start, as torch does
    if vec.ndim != 1 or vec.numel() < total:
        raise RuntimeError(
            f"vector_to_parameters: expected a 1-D tensor of {total} elements, got shape "
            f"{tuple(vec.shape)}."
        )
    i = 0
    for p in params:
        n = p.numel()
        np.copyto(p.array, vec.array[i:i + n].reshape(p.shape), casting="unsafe")
        p._version += 1
        i += n


