"""Function: a primitive op's forward and backward, and the graph node it records.

``Mul.apply(a, b)`` runs ``Mul.forward(ctx, a.array, b.array)`` on numpy arrays and,
when a gradient is needed, keeps the ``ctx`` instance as the output's ``grad_fn``: the
node of the recorded graph. The node holds its input tensors and what ``forward``
saved; ``node.edges`` says where each input's gradient goes. ``engine.py`` walks the
nodes in backward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .accumulate_grad import AccumulateGrad
from .handles import RemovableHandle
from .node_names import torch_name
from .grad_mode import counters, modes, nondefault, user_frame

# Bound by tensorgraph.tensor (imports flow autograd -> ops -> tensor): the Tensor
# class, and the function that rebuilds a stale view's grad_fn (see inplace.py).
Tensor: Any = None
refresh_views: Callable[[tuple], None] = lambda inputs: None


def bind_tensor_class(cls: type, refresh: Callable[[tuple], None]) -> None:
    """Called once by ``tensorgraph.tensor``: the Tensor class ops return."""
    global Tensor, refresh_views
    Tensor, refresh_views = cls, refresh


_CHECKED: set = set()  # Function classes whose saved arrays were checked once


# ---------------------------------------------------------------- Function
class Function:
    """Base class of an op; an instance is both its ``ctx`` and its graph node.

    Subclasses define ``forward(ctx, *arrays, **kwargs) -> array`` and
    ``backward(ctx, grad) -> grad or tuple of grads`` (one per array input, ``None``
    where no gradient flows) as static methods, side by side, with a one-line
    docstring of the math. ``forward`` may save its inputs and its output with
    ``ctx.save_for_backward``, and keep constants (masks, indices, shapes) as
    attributes of ``ctx``.

    The same ``backward`` serves ``backward(create_graph=True)``: there ``grad`` and
    ``ctx.saved_tensors`` are Tensors, so the arithmetic is recorded. Operators,
    ``.sum(axis=, keepdims=)``, ``.reshape``, ``.mT`` and indexing mean the same on
    both; for the rest use ``ctx.xp`` (``xp.exp``, ``xp.log``, ``xp.where``,
    ``xp.expand``, ``xp.permute``, ``xp.index_add``). A fused op whose backward is
    numpy-only instead defines ``composite(ctx, *inputs) -> Tensor``, the same
    function written with primitives, and the engine differentiates that under
    create_graph.

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
    inplace_mark = 0  # counters.inplace_ops when the node was made
    versions: tuple = ()  # the inputs' versions when their arrays were saved
    out_saved: tuple | None = None  # (position in saved, the output's version counter)
    # Set on the node an in-place op gives its tensor: (mark, the tensor's previous
    # grad_fn). Nodes recorded before the in-place op must send gradient there.
    rebased_from: tuple | None = None
    composite: Callable[..., Any] | None = None  # a fused op's twin, for create_graph
    # Set by a forward whose backward is zeros(x.shape) with g written at this basic
    # index (GetItem): the engine writes g straight into x's gradient buffer instead,
    # so several slices of one tensor (q, k, v of a qkv) fill one array.
    grad_index: tuple | None = None
    # The array namespaces behind ``ctx.xp`` (set by tensorgraph.ops.xp).
    array_ops: Any = None
    tensor_ops: Any = None

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
        arrays = [t.array for t in inputs]
        raw = out = cls.forward(ctx, *arrays, **kwargs)
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)  # numpy turns 0-d results into scalars; keep arrays
        if nondefault[0] and not modes.grad_enabled:
            return Tensor.from_array(out, False)
        if counters.view_rebases:
            refresh_views(inputs)  # a view whose base was rebased by an in-place op
        needs = tuple([t.requires_grad for t in inputs])
        if True not in needs:
            return Tensor.from_array(out, False)
        result = Tensor.from_array(out, True)
        result.grad_fn = ctx
        ctx.inputs = inputs
        ctx.needs_input_grad = needs
        if kwargs:
            ctx.kwargs = kwargs
        # When the node was made, counted in in-place ops: backward uses it to skip
        # version checks and to find an input's grad_fn from before an in-place op.
        ctx.inplace_mark = counters.inplace_ops
        saved = ctx.saved
        if saved:
            # Input versions at save time: backward compares them to catch a saved
            # tensor modified in place afterwards (through any alias).
            ctx.versions = tuple([0 if t._vc is None else t._vc[0] for t in inputs])
            for a in saved:
                if a is out or a is raw:
                    ctx._note_saved_output(raw, out, result)
                    break
            if cls not in _CHECKED:
                ctx._check_saved(arrays, raw, out)
        if nondefault[0] and modes.record_source:
            ctx.source = user_frame()
        return result

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for ``backward``: the inputs and/or the output of ``forward``.

        (Constants such as masks or indices are kept as attributes of ``ctx``.)
        """
        self.saved = arrays

    def _note_saved_output(self, raw: Any, out: np.ndarray, result: Any) -> None:
        """The output is saved: remember where, and give it a version counter."""
        saved = self.saved
        i = 0
        while not (saved[i] is out or saved[i] is raw):
            i += 1
        if saved[i] is not out:  # a 0-d result numpy made a scalar: save the array
            self.saved = saved[:i] + (out,) + saved[i + 1:]
        result._vc = [0]
        self.out_saved = (i, result._vc)

    def _check_saved(self, arrays: list, raw: Any, out: np.ndarray) -> None:
        """Refuse a saved float array that is neither an input nor the output: under
        create_graph its dependence on the inputs would be lost (wrong second
        derivatives). Checked the first time each class saves (a Function saves the
        same kinds of arrays on every call), so the per-op cost stays low."""
        cls = type(self)
        for a in self.saved:
            if a is out or a is raw or any(a is b for b in arrays):
                continue
            if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind in "fc":
                raise RuntimeError(
                    f"{cls.__name__}.forward: save_for_backward got a float array of "
                    f"shape {tuple(a.shape)} that is neither an input nor the output of forward. "
                    "Under create_graph its dependence on the inputs would be lost "
                    "(wrong second derivatives). Save the inputs (or the output) and "
                    "recompute it in backward; keep constants (masks, indices) as ctx "
                    "attributes."
                )
        _CHECKED.add(cls)

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
        if self.inplace_mark != counters.inplace_ops:
            self._check_versions()
        if not (nondefault[0] and modes.create_graph):
            return saved
        return tuple(self._as_tensor(i, a) for i, a in enumerate(saved))

    def _check_versions(self) -> None:
        for i, (t, v) in enumerate(zip(self.inputs, self.versions)):
            now = 0 if t._vc is None else t._vc[0]
            if now != v and any(a is t.array for a in self.saved):
                raise _modified_error(t, input_fn(t, self.inplace_mark), now, v,
                                      f"input {i} of {self.name()}")
        if self.out_saved is not None and self.out_saved[1][0] != 0:
            a = self.saved[self.out_saved[0]]
            raise _modified_error(a, self, self.out_saved[1][0], 0,
                                  f"the output of {self.name()}")

    def _as_tensor(self, i: int, a: Any) -> Any:
        for t in self.inputs:
            if t.array is a:
                return t
        if self.out_saved is not None and self.out_saved[0] == i:
            # The output, as the recorded function of the inputs it is (this node).
            out = Tensor.from_array(a, True)
            out.grad_fn = self
            return out
        return a  # a constant (mask, index): no gradient flows through it

    @property
    def xp(self) -> Any:
        """numpy-like namespace for backward code: numpy arrays normally, recorded
        Tensor ops during a create_graph backward (the one switch between the two)."""
        if nondefault[0] and modes.create_graph:
            return self.tensor_ops
        return self.array_ops

    @property
    def edges(self) -> tuple:
        """``(input tensor, node its gradient goes to or None)`` per forward input, in order.

        This is the wiring backward uses: after an in-place op, a node recorded earlier
        still points at the input's old ``grad_fn`` (not at the in-place op), and a view
        modified in place points at the rebased history of its base. A ``None`` node is
        a leaf (or a tensor that does not require grad).
        """
        edges = []
        for t in self.inputs:
            fn = t.grad_fn
            if fn is not None and fn.rebased_from is not None:
                fn = input_fn(t, self.inplace_mark)
            edges.append((t, fn))
        return tuple(edges)

    @property
    def next_functions(self) -> tuple:
        """``(node, 0)`` per input, as in PyTorch: the node its gradient goes to, an
        ``AccumulateGrad`` for a leaf that requires grad, ``None`` for a constant."""
        return tuple((fn if fn is not None else AccumulateGrad(t) if t.requires_grad
                      else None, 0) for t, fn in self.edges)

    def name(self) -> str:
        """Node name as PyTorch prints it, e.g. ``MulBackward``."""
        return type(self).__name__ + "Backward"

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        """Call ``fn(grad)`` before this node's backward; it may return a new grad."""
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
        return f"<{torch_name(self)} object at {hex(id(self))}>"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        from . import custom_function  # a Function in user code takes torch's protocol

        if custom_function.is_user_function(cls):
            cls.apply = classmethod(custom_function.apply_user_function)


class ViewFunction(Function):
    """y = view of x (shares its memory);  dx = as the subclass's backward says

    The base of the ops whose output may be a view of their input's memory.

    When it is (``reshape`` of a contiguous tensor, basic indexing, ``permute``,
    ``expand``), the output shares the input's version counter and remembers its
    base, as torch: an in-place change through any alias is seen by every node that
    saved one of them, and an in-place op on the view rewires the base's history.
    """

    @classmethod
    def apply(cls, x: Any, **kwargs: Any) -> Any:
        out = super().apply(x, **kwargs)
        base = out.array.base
        if base is not None and (base is x.array or base is x.array.base):
            link_view(out, x)
            meta = out._view[2]
            if meta is not None and meta.kind == "no_grad" and out._view[0].requires_grad:
                # torch: such a view requires grad (its base does) but is a leaf that
                # accumulates nothing, and using it after its memory changed in place
                # while recording is refused (refresh_views).
                out.requires_grad = True
                if len(out._vc) == 1:
                    out._vc.append(True)  # writes to this memory trigger refresh_views
        return out


class ViewMeta(NamedTuple):
    """How a view was made, when that limits in-place ops on it (torch's CreationMeta).

    ``kind`` is ``"multi_output"`` (an output of split/chunk/unbind, made while
    recording) or ``"no_grad"`` (made inside ``no_grad``); ``op`` and ``index`` name
    the op and output for messages; ``version`` is the counter's value when made.
    """

    kind: str
    op: str
    index: int
    version: int


def link_view(view: Any, of: Any) -> None:
    """Make ``view`` share ``of``'s version counter and remember its base tensor
    (``view._view = (base, base's grad_fn then, ViewMeta or None)``)."""
    vc = of._vc
    if vc is None:
        vc = of._vc = [0]
    view._vc = vc
    if of._view is None:
        root, meta = of, None
    else:
        root, meta = of._view[0], of._view[2]
    if meta is not None:  # a view of a restricted view is restricted the same way
        op = type(view.grad_fn).__name__ if view.grad_fn is not None else meta.op
        meta = meta._replace(op=op, index=0)
    elif nondefault[0] and not modes.grad_enabled:
        meta = ViewMeta("no_grad", "", 0, vc[0])
    view._view = (root, root.grad_fn, meta)


def mark_multi_output(views: tuple, op: str) -> tuple:
    """Mark the outputs of a function returning several views (split, chunk, unbind):
    torch refuses in-place ops on them while recording, and any later use of one
    after its memory changed in place. Returns ``views``."""
    if nondefault[0] and not modes.grad_enabled:
        return views  # made in no_grad: link_view marked them "no_grad" already
    for i, v in enumerate(views):
        if v._view is None:
            continue  # not a view (a copy): nothing to restrict
        v._view = v._view[:2] + (ViewMeta("multi_output", op, i, v._vc[0]),)
        if len(v._vc) == 1:
            v._vc.append(True)  # writes to this memory must trigger refresh_views
    return views


def view_error(t: Any, meta: ViewMeta, indirect: bool) -> RuntimeError:
    """torch's error for an in-place op on a restricted view (``indirect``: its
    base or another view of it was modified, and the view is used afterwards)."""
    what = ("its base or another view of its base has been modified inplace" if indirect
            else "is being modified inplace")
    multi = ("This view is the output of a function that returns multiple views. Such "
             "functions do not allow the output views to be modified inplace. You should "
             "replace the inplace operation by an out-of-place one.")
    if meta.kind == "multi_output" and t.grad_fn is not None:
        msg = f"Output {meta.index} of {meta.op} is a view and {what}. {multi}"
    elif meta.kind == "multi_output":
        msg = f"A view was created in no_grad mode and {what} with grad mode enabled. {multi}"
    else:
        msg = (f"A view was created in no_grad mode and {what} with grad mode enabled. "
               "Given that this use case is ambiguous and error-prone, it is forbidden. "
               "You can clarify your code by moving both the view and the inplace either "
               "both inside the no_grad block (if you don't want the inplace to be "
               "tracked) or both outside (if you want the inplace to be tracked).")
    return RuntimeError(f"{msg} (tensor of shape {tuple(t.shape)})")


def _modified_error(t: Any, creator: Function | None, now: int, expected: int,
                    saved_as: str) -> RuntimeError:
    kind = {"float32": "Float", "float64": "Double", "float16": "Half"}.get(
        t.dtype.name, t.dtype.name.capitalize())
    what = f"[tensorgraph.{kind}Tensor {list(t.shape)}]"
    if creator is not None:
        what += f", which is output 0 of {type(creator).__name__},"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} is at version {now}; expected version {expected} "
        f"instead. (It was saved for backward as {saved_as}.) Hint: use an out-of-place op (x = x * 2 instead of x *= 2) or clone() "
        "the tensor before changing it; run the forward pass inside "
        "tg.autograd.detect_anomaly() to see the line that created the op."
    )


def input_fn(t: Any, mark: int) -> Function | None:
    """``t.grad_fn`` as it was when a node with ``inplace_mark == mark`` was recorded.

    An in-place op gives its tensor a new grad_fn; nodes that used the tensor before
    must still send their gradient to the old one (PyTorch's edges point at nodes).
    """
    fn = t.grad_fn
    while fn is not None and fn.rebased_from is not None and mark < fn.rebased_from[0]:
        fn = fn.rebased_from[1]
    return fn


from .custom_function import FunctionCtx, once_differentiable  # noqa: E402,F401  (torch's names)
