"""The backward engine: topological order, the backward pass, gradient accumulation.

``run_backward`` sorts the nodes topologically with an explicit stack (no recursion,
so a chain of a million ops works), walks them once from the root, calls each node's
``backward(ctx, grad)``, sums gradients back to each input's shape (the one place
broadcasting is undone) and accumulates into the leaves' ``.grad``.

With ``create_graph=True`` the engine switches this thread's ``create_graph`` mode on:
gradients are Tensors, ``ctx.saved_tensors`` and ``ctx.xp`` give Tensors and recorded
ops, and a fused op (one with a ``composite`` twin) is differentiated through that
twin (:func:`composite_grad`). Backward code never asks which case it is in.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import function
from .function import Function
from .grad_mode import modes, nondefault, set_mode


# ---------------------------------------------------------------- graph order
def topological_order(roots: Iterable[Function]) -> list[Function]:
    """Nodes reachable from ``roots``, each before the nodes it depends on.

    A valid order for backward (the engine finds one as it goes, see
    :func:`run_backward`); ``graph.trace`` and the NaN checks use this one. An explicit
    stack replaces recursion so depth is limited only by memory.
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


def sum_to(g: Any, shape: tuple) -> Any:
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


# ---------------------------------------------------------------- fused ops
class Alias(Function):
    """y = x;  dx = g   (the cut point that keeps composite_grad's inner backward local)"""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g


def composite_grad(ctx: Function, g: Any, composite: Any = None) -> tuple:
    """Gradients of a fused op w.r.t. its inputs, as recorded Tensors (create_graph).

    Args:
        ctx: the fused op's node (its ``inputs`` and ``needs_input_grad`` are used).
        g: the incoming gradient, a Tensor shaped like the op's output.
        composite: ``composite(*inputs) -> Tensor`` computing the op's forward with
            primitives; by default the op's own ``composite(ctx, *inputs)``.

    Returns:
        One gradient (Tensor or None) per input, as ``backward`` returns them.
    """
    if composite is None:
        def composite(*args: Any) -> Any:
            return ctx.composite(ctx, *args)
    # Each input that needs a gradient is seen through an Alias node whose parent link
    # is cut while the inner grad runs: that pass then stops at the aliases instead of
    # walking (and firing hooks on) the whole graph upstream of the op. Relinking
    # afterwards lets a later derivative of the result reach the real inputs.
    args, aliases = [], []
    for t, need in zip(ctx.inputs, ctx.needs_input_grad):
        if need:
            a = Alias.apply(t)
            a.grad_fn.inputs = ()
            aliases.append(a)
            args.append(a)
        else:
            args.append(t)
    try:
        out = composite(*args)
        found = run_backward([out], [g], True, True, capture=aliases)
    finally:
        for a, t in zip(aliases, [t for t, n in zip(ctx.inputs, ctx.needs_input_grad) if n]):
            a.grad_fn.inputs = (t,)
    it = iter(found)
    return tuple(next(it) if need else None for need in ctx.needs_input_grad)


# ---------------------------------------------------------------- the pass
def _consumers(roots: list) -> dict:
    """For each node reachable from ``roots``: how many edges lead into it (how many
    gradients it waits for). An explicit stack: no recursion limit on depth."""
    deps = dict.fromkeys(roots, 0)
    stack = list(deps)
    input_fn = function.input_fn
    while stack:
        node = stack.pop()
        for t in node.inputs:
            fn = t.grad_fn
            if fn is None:
                continue
            if fn.rebased_from is not None:  # edges, inlined for speed
                fn = input_fn(t, node.inplace_mark)
            n = deps.get(fn)
            if n is None:
                deps[fn] = 1
                stack.append(fn)
            else:
                deps[fn] = n + 1
    return deps


def run_backward(
    roots: Sequence[Any],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Any] | None = None,
) -> list | None:
    """The engine behind ``Tensor.backward`` and ``autograd.grad``.

    A node runs once every node that feeds it a gradient has run (consumer counts,
    Kahn's algorithm): the same order as :func:`topological_order`, found in the pass.

    Args:
        roots: output Tensors to differentiate.
        root_grads: their incoming gradients (arrays, or Tensors with create_graph).
        retain_graph: keep saved arrays so backward can run again.
        create_graph: record the backward pass itself (higher-order gradients).
        capture: if given, Tensors whose gradients are returned instead of being
            accumulated into leaves' ``.grad`` (that is ``autograd.grad``).
    """
    grads: dict[Function, Any] = {}  # node -> gradient of the node's output
    leaf_grads: dict[int, list] = {}  # id(leaf) -> [leaf, gradient]
    captured: dict[Function, Any] = {}
    owned: dict[Function, np.ndarray] = {}  # gradient buffers only this pass holds
    capture_nodes = {t.grad_fn for t in capture or () if t.grad_fn is not None}

    for t, g in zip(roots, root_grads):
        _route(grads, leaf_grads, t, g, t.grad_fn)
    create_graph = bool(create_graph)
    prev_grad = set_mode("grad_enabled", create_graph)
    prev_create = set_mode("create_graph", create_graph)
    # The pass makes no reference cycles, but its many short-lived tuples trigger the
    # cyclic GC, whose full sweeps walk the whole graph: ~20% extra time per op at 1e6
    # ops. Refcounting still frees everything as usual.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    anomaly = nondefault[0] and modes.anomaly
    input_fn = function.input_fn
    ndarray, generic = np.ndarray, np.generic
    try:
        deps = _consumers([t.grad_fn for t in roots if t.grad_fn is not None])
        ready = [node for node, n in deps.items() if n == 0]
        while ready:
            node = ready.pop()
            g = grads.pop(node, None)
            mark = node.inplace_mark
            if g is None:  # no gradient reaches this node: only release its inputs
                for t in node.inputs:
                    fn = t.grad_fn
                    if fn is not None:
                        if fn.rebased_from is not None:
                            fn = input_fn(t, mark)
                        n = deps[fn] - 1
                        deps[fn] = n
                        if not n:
                            ready.append(fn)
                continue
            if owned:
                owned.pop(node, None)  # its gradient is handed out now: no more writes
            if node.pre_hooks:
                g = _run_hooks(node.pre_hooks, g, f"the output of {node.name()}")
            if node in capture_nodes:
                captured[node] = g
            if node.saved is None:
                _ = node.saved_tensors  # raises the "second time" error
            if create_graph and node.composite is not None:
                input_grads = composite_grad(node, g)
            elif node.grad_index is not None and not create_graph:
                input_grads = _write_slice(node, g, grads, owned, anomaly)
            else:
                input_grads = node.backward(node, g)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            for i, (t, need, ig) in enumerate(
                zip(node.inputs, node.needs_input_grad, input_grads)
            ):
                fn = t.grad_fn
                if fn is not None:
                    if fn.rebased_from is not None:
                        fn = input_fn(t, mark)  # edges, inlined for speed
                    n = deps[fn] - 1
                    deps[fn] = n
                    if not n:
                        ready.append(fn)
                if not need or ig is None:
                    continue
                shape = t.array.shape
                if ig.shape != shape:
                    ig = sum_to(ig, shape)
                dtype = t.array.dtype
                if ig.dtype is not dtype and ig.dtype != dtype:  # `is`: the usual case, fast
                    ig = ig.astype(dtype)
                if ig.__class__ is not ndarray and isinstance(ig, generic):
                    ig = np.asarray(ig)  # a 0-d numpy result: backward code expects arrays
                if anomaly and not np.isfinite(np.asarray(ig)).all():
                    raise _nonfinite_error(node, i)
                if fn is not None:
                    prev = grads.get(fn)
                    grads[fn] = ig if prev is None else _add(prev, ig)
                elif t.requires_grad:  # a leaf: _route, inlined
                    entry = leaf_grads.get(id(t))
                    if entry is None:
                        leaf_grads[id(t)] = [t, ig]
                    else:
                        entry[1] = _add(entry[1], ig)
            if not retain_graph:
                node.saved = None
        input_grads = ig = g = None  # loop leftovers would stop _accumulate stealing
    finally:
        set_mode("grad_enabled", prev_grad)
        set_mode("create_graph", prev_create)
        if gc_was_enabled:
            gc.enable()

    if capture is not None:
        out = []
        for t in capture:
            if t.grad_fn is not None:
                out.append(captured.get(t.grad_fn))
            else:
                entry = leaf_grads.get(id(t))
                out.append(None if entry is None else entry[1])
        return out
    while leaf_grads:
        # popitem: drop the dict's reference first, so _accumulate may steal `g`.
        t, g = leaf_grads.popitem()[1]
        view = t._view
        if view is not None and view[2] is not None and view[2].kind == "no_grad":
            continue  # a view made in no_grad: requires grad, accumulates none (torch)
        _accumulate(t, g, create_graph)
    return None


def _route(grads: dict, leaf_grads: dict, t: Any, g: Any, fn: Function | None) -> None:
    """Add ``g`` to what node ``fn`` (or, for ``None``, leaf ``t``) has received."""
    if fn is not None:
        prev = grads.get(fn)
        grads[fn] = g if prev is None else _add(prev, g)
    elif t.requires_grad:
        entry = leaf_grads.get(id(t))
        if entry is None:
            leaf_grads[id(t)] = [t, g]
        else:
            entry[1] = _add(entry[1], g)


def _write_slice(node: Function, g: Any, grads: dict, owned: dict, anomaly: bool) -> Any:
    """Backward of a slice x[index] (``node.grad_index``): write ``g`` at ``index`` into
    the gradient buffer of x's node, made once by this pass (zeros) and shared by every
    slice of x, instead of a full-size zeros array per slice summed by the engine.

    Returns ``(None,)`` once written; for a leaf x, an input that needs no gradient or a
    buffer someone else may hold, the node's own backward (a plain array) as usual.
    """
    (t,) = node.inputs
    fn = t.grad_fn
    if fn is not None and fn.rebased_from is not None:
        fn = function.input_fn(t, node.inplace_mark)
    prev = None if fn is None else grads.get(fn)
    if fn is None or not node.needs_input_grad[0] or (
            prev is not None and owned.get(fn) is not prev):
        return node.backward(node, g)
    dtype = t.array.dtype
    if g.dtype != dtype:
        g = g.astype(dtype)
    if anomaly and not np.isfinite(g).all():
        raise _nonfinite_error(node, 0)
    if prev is None:
        prev = grads[fn] = owned[fn] = np.zeros(t.array.shape, dtype)
        prev[node.grad_index] = g
    else:
        prev[node.grad_index] += g
    return (None,)


# ---------------------------------------------------------------- hooks and leaves
def _hook_name(hook: Any) -> str:
    return getattr(hook, "__name__", None) or repr(hook)


def _run_hooks(hooks: list, g: Any, where: str) -> Any:
    """Call each hook on the gradient; a returned Tensor replaces it (checked as torch)."""
    as_array = isinstance(g, np.ndarray)  # the engine's own representation, not a backward's
    for hook in list(hooks):
        arg = function.Tensor.from_array(g, False) if as_array else g
        result = hook(arg)
        if result is None:
            continue
        if not isinstance(result, function.Tensor):
            raise TypeError(
                f"expected Tensor, but hook '{_hook_name(hook)}' (on {where}) returned "
                f"'{type(result).__name__}'; a hook returns a Tensor or None."
            )
        if result.shape != arg.shape:
            raise RuntimeError(
                f"hook '{_hook_name(hook)}' has changed the size of value: the gradient "
                f"of {where} has shape {tuple(arg.shape)} but the hook returned shape "
                f"{tuple(result.shape)}."
            )
        if result.dtype != arg.dtype:
            raise RuntimeError(
                f"hook '{_hook_name(hook)}' has changed the type of value (was "
                f"{arg.dtype} got {result.dtype}) for the gradient of {where}."
            )
        g = np.asarray(result.array) if as_array else result
    return g


def _accumulate(t: Any, g: Any, create_graph: bool) -> None:
    """Add ``g`` into leaf ``t.grad`` (in place when possible, like AccumulateGrad)."""
    refs = 3  # run_backward's `g`, this frame's `g`, getrefcount's argument
    if t._hooks:
        hooked = _run_hooks(t._hooks, g, "a leaf tensor")
        if hooked is not g:
            g, refs = hooked, 2  # a hook's result: run_backward does not hold it
    wrap = function.Tensor.from_array
    if create_graph or not isinstance(g, np.ndarray):
        g = g if not isinstance(g, np.ndarray) else wrap(g, False)
        # clone(): the same Tensor may reach several leaves, or be the user's.
        t._grad = g.clone() if t._grad is None else t._grad + g
        return
    if t._grad is None:
        # Steal the array when nothing else refers to it (PyTorch does the same),
        # else copy: a gradient shared with another leaf or held by the user (one
        # more reference, e.g. from a Tensor) must not be aliased.
        if not (g.flags.owndata and g.flags.writeable and sys.getrefcount(g) <= refs):
            g = np.array(g, copy=True)
        t._grad = wrap(g, False)
    else:
        buf = t._grad.array
        if buf.flags.writeable and buf.shape == g.shape:
            np.add(buf, g, out=buf)
        else:
            t._grad = wrap(buf + g, False)
