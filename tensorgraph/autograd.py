"""Autograd: the backward engine, and the public autograd API in one import.

The node class ``Function`` lives in ``_function.py`` and grad mode / anomaly detection
in ``_grad_mode.py``; both are re-exported here (``tg.autograd.Function``,
``tg.autograd.no_grad``, ``tg.autograd.detect_anomaly``).

Every primitive is a subclass of :class:`Function`. Calling ``Mul.apply(a, b)`` runs
``Mul.forward(ctx, a.array, b.array)`` on numpy arrays and, when a gradient is needed,
keeps the ``ctx`` instance as the output's ``grad_fn``: the node of the recorded graph.
The node holds its input tensors (its parents) and whatever ``forward`` saved.

``backward()`` sorts the nodes topologically with an explicit stack (no recursion, so
a chain of a million ops works), walks them once from the root, calls each node's
``backward(ctx, grad)``, sums gradients back to each input's shape (the one place
broadcasting is undone) and accumulates into the leaves' ``.grad``.

With ``create_graph=True`` the same ``backward`` methods run on Tensors instead of
arrays, with grad mode on, so the gradient is itself a recorded graph that can be
differentiated again. That is why backward code sticks to operators and methods that
numpy arrays and Tensors share (``*``, ``@``, ``.mT``, ``.sum(axis=, keepdims=)``,
``.reshape``) plus the few helpers in ``tensorgraph.ops._dual``.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ._function import Function, RemovableHandle, _input_fn
from ._grad_mode import (
    _State,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)

_Tensor: Any = None  # set by tensorgraph.tensor (imports flow autograd -> ops -> tensor)

__all__ = [
    "Function",
    "RemovableHandle",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "run_backward",
    "set_grad_enabled",
    "topological_order",
]


# ---------------------------------------------------------------- engine
def topological_order(roots: Iterable[Function]) -> list[Function]:
    """Nodes reachable from ``roots``, each before the nodes it depends on.

    This is the order backward processes them. An explicit stack replaces recursion
    so depth is limited only by memory.
    """
    order: list[Function] = []
    seen: set[int] = set()
    stack: list[tuple[Function, bool]] = [(r, False) for r in roots]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for _, fn in node.edges:
            if fn is not None and id(fn) not in seen:
                stack.append((fn, False))
    order.reverse()
    return order


def _sum_to(g: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum ``g`` down to ``shape`` (arrays or Tensors)."""
    lead = len(g.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead or g.shape != shape:
        g = g.reshape(shape)
    return g


def _add(a: Any, b: Any) -> Any:
    """a + b for gradients; 0-d arrays stay arrays (numpy would return a scalar)."""
    s = a + b
    return np.asarray(s) if isinstance(s, np.generic) else s


def _nonfinite_error(node: Function, i: int) -> RuntimeError:
    where = node.source or "(run the forward pass inside detect_anomaly() to see where)"
    return RuntimeError(
        f"detect_anomaly: {node.name()} returned NaN or inf in its gradient for input "
        f"{i}. The op was created at {where}"
    )


def run_backward(
    roots: Sequence[Any],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Any] | None = None,
) -> list | None:
    """The engine behind ``Tensor.backward`` and ``autograd.grad``.

    Args:
        roots: output Tensors to differentiate.
        root_grads: their incoming gradients (arrays, or Tensors with create_graph).
        retain_graph: keep saved arrays so backward can run again.
        create_graph: record the backward pass itself (higher-order gradients).
        capture: if given, Tensors whose gradients are returned instead of being
            accumulated into leaves' ``.grad`` (that is ``autograd.grad``).
    """
    grads: dict[int, Any] = {}  # id(node) -> gradient of the node's output
    leaf_grads: dict[int, list] = {}  # id(leaf) -> [leaf, gradient]
    captured: dict[int, Any] = {}
    capture_nodes = {id(t.grad_fn) for t in capture or () if t.grad_fn is not None}

    def route(t: Any, g: Any, fn: Function | None) -> None:
        if fn is not None:
            key = id(fn)
            prev = grads.get(key)
            grads[key] = g if prev is None else _add(prev, g)
        elif t.requires_grad:
            entry = leaf_grads.get(id(t))
            if entry is None:
                leaf_grads[id(t)] = [t, g]
            else:
                entry[1] = _add(entry[1], g)

    for t, g in zip(roots, root_grads):
        route(t, g, t.grad_fn)
    prev_state = (_State.grad_enabled, _State.create_graph)
    _State.grad_enabled = _State.create_graph = bool(create_graph)
    # The sort and the pass make no reference cycles, but their many short-lived
    # tuples trigger the cyclic GC, whose full sweeps walk the whole graph: ~20% extra
    # time per op at 1e6 ops. Refcounting still frees everything as usual.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    anomaly = _State.anomaly
    try:
        order = topological_order([t.grad_fn for t in roots if t.grad_fn is not None])
        for node in order:
            g = grads.pop(id(node), None)
            if g is None:
                continue  # no gradient reaches this node
            if node.pre_hooks:
                g = _run_hooks(node.pre_hooks, g)
            if id(node) in capture_nodes:
                captured[id(node)] = g
            if node.saved is None:
                _ = node.saved_tensors  # raises the "second time" error
            input_grads = node.backward(node, g)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            for i, (t, need, ig) in enumerate(
                zip(node.inputs, node.needs_input_grad, input_grads)
            ):
                if not need or ig is None:
                    continue
                if ig.shape != t.array.shape:
                    ig = _sum_to(ig, t.array.shape)
                if ig.dtype != t.array.dtype:
                    ig = ig.astype(t.array.dtype)
                if isinstance(ig, np.generic):
                    ig = np.asarray(ig)  # a 0-d numpy result: backward code expects arrays
                if anomaly and not np.isfinite(np.asarray(ig)).all():
                    raise _nonfinite_error(node, i)
                fn = t.grad_fn
                if fn is not None and fn.rebased_from is not None:
                    fn = _input_fn(t, node.inplace_mark)
                route(t, ig, fn)
            if not retain_graph:
                node.saved = None
        input_grads = ig = g = None  # loop leftovers would stop _accumulate stealing
    finally:
        _State.grad_enabled, _State.create_graph = prev_state
        if gc_was_enabled:
            gc.enable()

    if capture is not None:
        out = []
        for t in capture:
            if t.grad_fn is not None:
                out.append(captured.get(id(t.grad_fn)))
            else:
                entry = leaf_grads.get(id(t))
                out.append(None if entry is None else entry[1])
        return out
    while leaf_grads:
        # popitem: drop the dict's reference first, so _accumulate may steal `g`.
        t, g = leaf_grads.popitem()[1]
        _accumulate(t, g, create_graph)
    return None


def _run_hooks(hooks: list, g: Any) -> Any:
    for hook in list(hooks):
        arg = g if not isinstance(g, np.ndarray) else _Tensor._wrap(g, False)
        result = hook(arg)
        if result is not None:
            g = result if not isinstance(g, np.ndarray) else np.asarray(result.array)
    return g


def _accumulate(t: Any, g: Any, create_graph: bool) -> None:
    """Add ``g`` into leaf ``t.grad`` (in place when possible, like AccumulateGrad)."""
    refs = 3  # run_backward's `g`, this frame's `g`, getrefcount's argument
    if t._hooks:
        hooked = _run_hooks(t._hooks, g)
        if hooked is not g:
            g, refs = hooked, 2  # a hook's result: run_backward does not hold it
    if create_graph or not isinstance(g, np.ndarray):
        g = g if not isinstance(g, np.ndarray) else _Tensor._wrap(g, False)
        # clone(): the same Tensor may reach several leaves, or be the user's.
        t.grad = g.clone() if t.grad is None else t.grad + g
        return
    if t.grad is None:
        # Steal the array when nothing else refers to it (PyTorch does the same),
        # else copy: a gradient shared with another leaf or held by the user (one
        # more reference, e.g. from a Tensor) must not be aliased.
        if not (g.flags.owndata and g.flags.writeable and sys.getrefcount(g) <= refs):
            g = np.array(g, copy=True)
        t.grad = _Tensor._wrap(g, False)
    else:
        buf = t.grad.array
        if buf.flags.writeable and buf.shape == g.shape:
            np.add(buf, g, out=buf)
        else:
            t.grad = _Tensor._wrap(buf + g, False)


def _as_grad(x: Any, like: Any, create_graph: bool) -> Any:
    """A user-given gradient as the engine wants it (array, or Tensor with create_graph)."""
    if x is None:
        if like.array.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but "
                f"this output has shape {like.shape}. Reduce it first (loss.sum() or "
                "loss.mean()) or pass gradient= with the same shape."
            )
        arr = np.ones_like(like.array)
        return _Tensor._wrap(arr, False) if create_graph else arr
    if isinstance(x, _Tensor):
        if tuple(x.shape) != tuple(like.shape):
            raise RuntimeError(
                f"backward: gradient has shape {x.shape} but the output has shape "
                f"{like.shape}; they must match."
            )
        return x if create_graph else x.array.astype(like.array.dtype, copy=False)
    arr = np.asarray(x, dtype=like.array.dtype)
    if arr.shape != like.array.shape:
        raise RuntimeError(
            f"backward: gradient has shape {arr.shape} but the output has shape "
            f"{like.shape}; they must match."
        )
    return _Tensor._wrap(arr, False) if create_graph else arr


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
    tensors = [tensors] if isinstance(tensors, _Tensor) else list(tensors)
    if not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors] * len(tensors)
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
    outputs = [outputs] if isinstance(outputs, _Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, _Tensor) else list(inputs)
    if not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outputs)
    _check_roots(outputs, "autograd.grad")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(
                f"autograd.grad: input {i} (shape {t.shape}) does not require grad; "
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
                f"autograd.grad: input {i} (shape {t.shape}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it."
            )
        if g is not None and isinstance(g, np.ndarray):
            g = _Tensor._wrap(np.array(g, copy=True), False)
        result.append(g)
    return tuple(result)
