"""Autograd: the public API in one import (``tg.autograd``), as ``torch.autograd``.

Where the code lives:

- ``function.py``: ``Function``, the base of every op and the graph node it records
  (forward/backward side by side, ``save_for_backward``, ``ctx.xp``, ``edges``).
- ``engine.py``: the backward pass (topological order, unbroadcasting, leaf
  accumulation, hooks, fused ops under create_graph).
- ``grad_mode.py``: thread-local modes: ``no_grad``, ``enable_grad``,
  ``set_grad_enabled``, ``detect_anomaly``.
- ``functional.py``: ``tg.autograd.functional`` (jacobian, hessian, vjp, jvp, vhp, hvp).
- this file: ``backward`` and ``grad``, which check their arguments and call the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import function, functional
from .engine import composite_grad, run_backward, sum_to, topological_order
from .accumulate_grad import AccumulateGrad
from .custom_function import FunctionCtx, once_differentiable
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
    "AccumulateGrad",
    "Function",
    "FunctionCtx",
    "Variable",
    "gradcheck",
    "gradgradcheck",
    "once_differentiable",
    "RemovableHandle",
    "ViewFunction",
    "backward",
    "composite_grad",
    "detect_anomaly",
    "enable_grad",
    "functional",
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
    allow_unused: bool | None = None,
    only_inputs: bool = True,
    materialize_grads: bool = False,
) -> tuple:
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned, not accumulated.

    Args:
        outputs: a Tensor or sequence of Tensors.
        inputs: a Tensor or sequence of Tensors that ``outputs`` depend on.
        grad_outputs: gradients w.r.t. each output (needed for non-scalar outputs).
        retain_graph: keep the graph for another backward (default: create_graph).
        create_graph: record the gradient computation, for higher derivatives.
        allow_unused: return None for an input the outputs do not depend on
            instead of raising (implied by ``materialize_grads``).
        only_inputs: accepted and ignored, as torch (deprecated there).
        materialize_grads: zeros instead of None for an unused input.

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
        if g is None and materialize_grads:
            g = function.Tensor.from_array(np.zeros(t.array.shape, t.array.dtype), False)
        if g is None and not allow_unused:
            raise RuntimeError(
                f"autograd.grad: input {i} (shape {tuple(t.shape)}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it."
            )
        if g is not None and isinstance(g, np.ndarray):
            g = function.Tensor.from_array(np.array(g, copy=True), False)
        result.append(g)
    return tuple(result)


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:  # noqa: N802
    """torch's old wrapper (``Variable(t, requires_grad=True)``): a leaf Tensor sharing
    ``data``'s memory; Variables and Tensors have been one thing since torch 0.4."""
    t = data if isinstance(data, function.Tensor) else function.Tensor.from_array(
        np.asarray(data), False)
    return t.detach().requires_grad_(requires_grad)


def gradcheck(func: Any, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, **ignored: Any) -> bool:
    """``torch.autograd.gradcheck``: backward's gradients against central differences
    (float64 inputs recommended); ``tg.testing.gradcheck`` does the work. torch's other
    options (``nondet_tol``, ``check_undefined_grad``, fast_mode, ...) are accepted."""
    from ..testing import gradcheck as check  # testing sits above autograd

    return check(func, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)


def gradgradcheck(func: Any, inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  **ignored: Any) -> bool:
    """``torch.autograd.gradgradcheck``: second derivatives against central differences
    of the first (gradients of ``sum(func(*inputs) * v)`` with create_graph)."""
    from ..testing import gradcheck as check

    inputs = tuple(inputs) if isinstance(inputs, (list, tuple)) else (inputs,)
    out = func(*inputs)
    outs = out if isinstance(out, (list, tuple)) else (out,)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [function.Tensor.from_array(rng.standard_normal(o.array.shape)
                                                   .astype(o.array.dtype), False) for o in outs]
    grad_outputs = (list(grad_outputs) if isinstance(grad_outputs, (list, tuple))
                    else [grad_outputs])

    positions = [i for i, t in enumerate(inputs)
                 if isinstance(t, function.Tensor) and t.requires_grad]

    def first(*xs: Any) -> Any:
        xs_ = list(xs)  # the numeric side passes perturbed copies: make them leaves again
        for i in positions:
            if not xs_[i].requires_grad:
                xs_[i] = xs_[i].detach().requires_grad_(True)
        with enable_grad():
            o = func(*xs_)
            os_ = o if isinstance(o, (list, tuple)) else (o,)
            gs = grad(list(os_), [xs_[i] for i in positions], grad_outputs,
                      create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return check(first, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
