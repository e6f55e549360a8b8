"""Autograd: the public API in one import (``tg.autograd``), as ``torch.autograd``.

Where the code lives:

- ``function.py``: ``Function``, the base of every op and the graph node it records
  (forward/backward side by side, ``save_for_backward``, ``ctx.xp``, ``edges``).
- ``engine.py``: the backward pass (topological order, unbroadcasting, leaf
  accumulation, hooks, fused ops under create_graph).
- ``grad_mode.py``: thread-local modes: ``no_grad``, ``enable_grad``,
  ``set_grad_enabled``, ``detect_anomaly``.
- this file: ``backward`` and ``grad``, which check their arguments and call the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import function
from .engine import composite_grad, run_backward, sum_to, topological_order
from .function import Function, RemovableHandle, ViewFunction
from .grad_mode import (
    counters,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .grad_mode import record_source as record_source

__all__ = [
    "Function",
    "RemovableHandle",
    "ViewFunction",
    "backward",
    "composite_grad",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "record_source",
    "run_backward",
    "set_grad_enabled",
    "sum_to",
    "topological_order",
]


def _as_grad(x: Any, like: Any, create_graph: bool) -> Any:
    """A user-given gradient as the engine wants it (array, or Tensor with create_graph)."""
    if x is None:
        if like.array.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but "
                f"this output has shape {tuple(like.shape)}. Reduce it first (loss.sum() or "
                "loss.mean()) or pass gradient= with the same shape."
            )
        arr = np.ones(like.array.shape, like.array.dtype)  # not ones_like: 3x slower
        return function.Tensor.from_array(arr, False) if create_graph else arr
    if isinstance(x, function.Tensor):
        if tuple(x.shape) != tuple(like.shape):
            raise RuntimeError(
                f"backward: gradient has shape {tuple(x.shape)} but the output has shape "
                f"{tuple(like.shape)}; they must match."
            )
        return x if create_graph else x.array.astype(like.array.dtype, copy=False)
    arr = np.asarray(x, dtype=like.array.dtype)
    if arr.shape != like.array.shape:
        raise RuntimeError(
            f"backward: gradient has shape {arr.shape} but the output has shape "
            f"{tuple(like.shape)}; they must match."
        )
    return function.Tensor.from_array(arr, False) if create_graph else arr


def _check_roots(outputs: Sequence[Any], op: str) -> None:
    for i, t in enumerate(outputs):
        if not t.requires_grad:
            raise RuntimeError(
                f"{op}: element {i} of the outputs does not require grad and has no "
                "grad_fn, so there is nothing to differentiate. Make sure an input was "
                "created with requires_grad=True and that no_grad() was not active."
            )


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate gradients of ``tensors`` into the leaves (``torch.autograd.backward``)."""
    tensors = [tensors] if isinstance(tensors, function.Tensor) else list(tensors)
    if not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors] * len(tensors)
    if counters.view_rebases:
        function.refresh_views(tuple(tensors))
    _check_roots(tensors, "backward")
    retain = create_graph if retain_graph is None else retain_graph
    gs = [_as_grad(g, t, create_graph) for t, g in zip(tensors, grad_tensors)]
    run_backward(tensors, gs, retain, create_graph)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned, not accumulated.

    Args:
        outputs: a Tensor or sequence of Tensors.
        inputs: a Tensor or sequence of Tensors that ``outputs`` depend on.
        grad_outputs: gradients w.r.t. each output (needed for non-scalar outputs).
        retain_graph: keep the graph for another backward (default: create_graph).
        create_graph: record the gradient computation, for higher derivatives.
        allow_unused: return None for an input the outputs do not depend on
            instead of raising.

    Returns:
        A tuple with one gradient Tensor (or None) per input.

    Example:
        >>> x = tg.tensor(3.0, requires_grad=True)
        >>> (dx,) = tg.autograd.grad(x ** 3, x, create_graph=True)   # 27
        >>> (ddx,) = tg.autograd.grad(dx, x)                          # 18
    """
    outputs = [outputs] if isinstance(outputs, function.Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, function.Tensor) else list(inputs)
    if not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outputs)
    if counters.view_rebases:
        function.refresh_views(tuple(outputs) + tuple(inputs))
    _check_roots(outputs, "autograd.grad")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(
                f"autograd.grad: input {i} (shape {tuple(t.shape)}) does not require grad; "
                "create it with requires_grad=True."
            )
    retain = create_graph if retain_graph is None else retain_graph
    gs = [_as_grad(g, t, create_graph) for t, g in zip(outputs, grad_outputs)]
    # An input that is itself an output gets that output's gradient directly.
    found = run_backward(outputs, gs, retain, create_graph, capture=inputs)
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        for o, go in zip(outputs, gs):
            if o is t and o.grad_fn is None:
                g = go if g is None else g
        if g is None and not allow_unused:
            raise RuntimeError(
                f"autograd.grad: input {i} (shape {tuple(t.shape)}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it."
            )
        if g is not None and isinstance(g, np.ndarray):
            g = function.Tensor.from_array(np.array(g, copy=True), False)
        result.append(g)
    return tuple(result)
