"""Autograd: grad mode, the Function/Context node, and the backward engine.

Every primitive is a subclass of :class:`Function`. Calling ``Mul.apply(a, b)`` runs
``Mul.forward(ctx, a.data, b.data)`` on numpy arrays and, when a gradient is needed,
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

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self

import numpy as np

_Tensor: Any = None  # set by tensorgraph.tensor (imports flow autograd -> ops -> tensor)
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class _State:
    """Process-wide autograd switches, read on every op (class attributes: fast)."""

    grad_enabled = True
    create_graph = False  # True while a create_graph backward runs: grads are Tensors
    anomaly = False
    record_source = False  # remember the user's line that created each node
    inplace_ops = 0  # bumped by in-place ops: lets backward skip version checks


# ---------------------------------------------------------------- grad mode
class _GradMode:
    """Base of ``no_grad``/``enable_grad``: a context manager and a decorator."""

    _enabled = True

    def __enter__(self) -> None:
        self._prev = _State.grad_enabled
        _State.grad_enabled = self._enabled

    def __exit__(self, *exc: object) -> None:
        _State.grad_enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager / decorator: ops inside record nothing (as ``torch.no_grad``).

    Example:
        >>> with tg.no_grad():
        ...     y = model(x)          # y.requires_grad is False
    """

    _enabled = False


class enable_grad(_GradMode):
    """Context manager / decorator that turns recording back on inside ``no_grad``."""

    _enabled = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` works like ``no_grad``; ``True`` like ``enable_grad``."""

    def __init__(self, mode: bool) -> None:
        self._enabled = bool(mode)
        self._prev = _State.grad_enabled
        _State.grad_enabled = self._enabled  # torch also applies it when called as a function

    def __enter__(self) -> None:
        # The mode before the call was captured in __init__, which already switched it.
        _State.grad_enabled = self._enabled

    def __call__(self, fn: Callable) -> Callable:
        _State.grad_enabled = self._prev
        mode = self._enabled

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_grad_enabled() -> bool:
    """True when ops record the graph (outside ``no_grad``)."""
    return _State.grad_enabled


class detect_anomaly:
    """Context manager: find the op that first produced NaN/inf in backward.

    Inside it every node remembers the line of user code that created it, and
    backward raises ``RuntimeError`` naming the op and that line as soon as a
    gradient contains NaN or inf.

    Example:
        >>> with tg.autograd.detect_anomaly():
        ...     loss = (x.log() * 0).sum()
        ...     loss.backward()     # RuntimeError: ... LogBackward ... at train.py:12
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> Self:
        self._prev = (_State.anomaly, _State.record_source)
        _State.anomaly = self.check_nan
        _State.record_source = True
        return self

    def __exit__(self, *exc: object) -> None:
        _State.anomaly, _State.record_source = self._prev


def _user_frame() -> str:
    """'file:line: code' of the innermost caller outside the tensorgraph package."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    import linecache

    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: {code}"


# ---------------------------------------------------------------- Function
class Function:
    """Base class of a primitive op; an instance is both its ``ctx`` and graph node.

    Subclasses define ``forward(ctx, *arrays, **kwargs) -> array`` and
    ``backward(ctx, grad) -> grad or tuple of grads`` (one per array input, ``None``
    where no gradient flows) as static methods, side by side, with a one-line
    docstring of the math. ``forward`` may save its inputs, its output and
    non-float constants (masks, indices) with ``ctx.save_for_backward``.

    Example:
        >>> class Square(Function):
        ...     '''y = x**2;  dx = 2 * g * x'''
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * g * x
        >>> y = Square.apply(tg.tensor([3.0], requires_grad=True))
    """

    # Class-level defaults keep node creation cheap; instances override as needed.
    inputs: tuple = ()
    needs_input_grad: tuple = ()
    saved: tuple | None = ()  # None once freed by backward
    kwargs: dict = {}  # noqa: RUF012  (a shared, never-mutated default; apply sets its own)
    pre_hooks: list | None = None
    source: str | None = None
    out_modified = False  # the output was changed in place after forward
    inplace_mark = 0
    # Set on the node an in-place op gives its tensor: (mark, the tensor's previous
    # grad_fn). Nodes recorded before the in-place op must send gradient there.
    rebased_from: tuple | None = None

    @staticmethod
    def forward(ctx: Function, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Function, grad: Any) -> Any:
        raise NotImplementedError

    # --- forward side
    @classmethod
    def apply(cls, *inputs: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on the inputs' arrays and record the node if needed."""
        ctx = cls.__new__(cls)
        out = cls.forward(ctx, *[t.data for t in inputs], **kwargs)
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)  # numpy turns 0-d results into scalars; keep arrays
        if _State.grad_enabled:
            for t in inputs:
                if t.requires_grad:
                    break
            else:
                return _Tensor._wrap(out, False)
            result = _Tensor._wrap(out, True)
            result.grad_fn = ctx
            ctx.inputs = inputs
            ctx.needs_input_grad = tuple([t.requires_grad for t in inputs])
            if kwargs:
                ctx.kwargs = kwargs
            # When the node was made, counted in in-place ops: backward uses it to skip
            # version checks and to find an input's grad_fn from before an in-place op.
            ctx.inplace_mark = _State.inplace_ops
            if ctx.saved:
                # Input versions at save time: backward compares them to catch a
                # saved tensor that was modified in place afterwards.
                ctx.versions = tuple([t._version for t in inputs])
            if _State.record_source:
                ctx.source = _user_frame()
            return result
        return _Tensor._wrap(out, False)

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for ``backward`` (inputs, output, or non-float constants)."""
        self.saved = arrays

    # --- backward side
    @property
    def saved_tensors(self) -> tuple:
        """What ``forward`` saved: arrays, or Tensors during a create_graph backward."""
        saved = self.saved
        if saved is None:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time "
                "(its saved arrays were freed by the first backward). Pass "
                "retain_graph=True to the first backward() if you need to call it twice."
            )
        if self.inplace_mark != _State.inplace_ops:
            self._check_versions()
        if not _State.create_graph:
            return saved
        return tuple(self._as_tensor(a) for a in saved)

    def _check_versions(self) -> None:
        versions = getattr(self, "versions", ())
        for i, (t, v) in enumerate(zip(self.inputs, versions)):
            if t._version != v and any(a is t.data for a in self.saved):
                raise RuntimeError(
                        f"{self.name()}: input {i} (shape {t.shape}, dtype {t.dtype}) was "
                        f"modified by an in-place operation after it was saved for "
                        f"backward (its version is {t._version}). Use an out-of-place "
                        "op (x = x + 1 instead of x += 1) or clone() it before."
                    )
        if self.out_modified and any(
            a is not None and not any(a is t.data for t in self.inputs) for a in self.saved
        ):
            raise RuntimeError(
                f"{self.name()}: its output was modified by an in-place operation after "
                "it was saved for backward. Use an out-of-place op or clone() it first."
            )

    def _as_tensor(self, a: Any) -> Any:
        for t in self.inputs:
            if t.data is a:
                return t
        if not isinstance(a, (np.ndarray, np.generic)) or a.dtype.kind != "f":
            return a  # a constant (mask, index): no gradient flows through it
        # A saved float that is not an input is the output: rebuild it as a recorded
        # function of the inputs so second derivatives see its dependence on them.
        return type(self).apply(*self.inputs, **self.kwargs)

    @property
    def next_functions(self) -> tuple:
        """The node each input's gradient goes to (``None`` for a leaf), as in PyTorch."""
        return tuple(_input_fn(t, self.inplace_mark) for t in self.inputs)

    def name(self) -> str:
        """Node name as PyTorch prints it, e.g. ``MulBackward``."""
        return type(self).__name__ + "Backward"

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        if self.pre_hooks is None:
            self.pre_hooks = []
        hooks = self.pre_hooks
        # retain_grad's hook stays last, so .grad shows what the other hooks made (torch).
        if hooks and getattr(hooks[-1], "retains_grad", False):
            hooks.insert(len(hooks) - 1, fn)
        else:
            hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list, fn: Callable) -> None:
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


# ---------------------------------------------------------------- engine
def _input_fn(t: Any, mark: int) -> Function | None:
    """``t.grad_fn`` as it was when a node with ``inplace_mark == mark`` was recorded.

    An in-place op gives its tensor a new grad_fn; nodes that used the tensor before
    must still send their gradient to the old one (PyTorch's edges point at nodes).
    """
    fn = t.grad_fn
    while fn is not None and fn.rebased_from is not None and mark < fn.rebased_from[0]:
        fn = fn.rebased_from[1]
    return fn


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
        for t in node.inputs:
            fn = t.grad_fn
            if fn is not None and fn.rebased_from is not None:
                fn = _input_fn(t, node.inplace_mark)
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
                if ig.shape != t.data.shape:
                    ig = _sum_to(ig, t.data.shape)
                if ig.dtype != t.data.dtype:
                    ig = ig.astype(t.data.dtype)
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
            g = result if not isinstance(g, np.ndarray) else np.asarray(result.data)
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
        buf = t.grad.data
        if buf.flags.writeable and buf.shape == g.shape:
            np.add(buf, g, out=buf)
        else:
            t.grad = _Tensor._wrap(buf + g, False)


def _as_grad(x: Any, like: Any, create_graph: bool) -> Any:
    """A user-given gradient as the engine wants it (array, or Tensor with create_graph)."""
    if x is None:
        if like.data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but "
                f"this output has shape {like.shape}. Reduce it first (loss.sum() or "
                "loss.mean()) or pass gradient= with the same shape."
            )
        arr = np.ones_like(like.data)
        return _Tensor._wrap(arr, False) if create_graph else arr
    if isinstance(x, _Tensor):
        if tuple(x.shape) != tuple(like.shape):
            raise RuntimeError(
                f"backward: gradient has shape {x.shape} but the output has shape "
                f"{like.shape}; they must match."
            )
        return x if create_graph else x.data.astype(like.data.dtype, copy=False)
    arr = np.asarray(x, dtype=like.data.dtype)
    if arr.shape != like.data.shape:
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
