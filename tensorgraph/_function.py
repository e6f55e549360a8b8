"""Function: a primitive op's forward and backward, and the graph node it records.

See ``tensorgraph.autograd`` (which re-exports ``Function``) for how the engine walks
these nodes in backward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._grad_mode import _State, _user_frame

_Tensor: Any = None  # set by tensorgraph.tensor (imports flow autograd -> ops -> tensor)


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
        out = cls.forward(ctx, *[t.array for t in inputs], **kwargs)
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
            if t._version != v and any(a is t.array for a in self.saved):
                raise RuntimeError(
                        f"{self.name()}: input {i} (shape {t.shape}, dtype {t.dtype}) was "
                        f"modified by an in-place operation after it was saved for "
                        f"backward (its version is {t._version}). Use an out-of-place "
                        "op (x = x + 1 instead of x += 1) or clone() it before."
                    )
        if self.out_modified and any(
            a is not None and not any(a is t.array for t in self.inputs) for a in self.saved
        ):
            raise RuntimeError(
                f"{self.name()}: its output was modified by an in-place operation after "
                "it was saved for backward. Use an out-of-place op or clone() it first."
            )

    def _as_tensor(self, a: Any) -> Any:
        for t in self.inputs:
            if t.array is a:
                return t
        if not isinstance(a, (np.ndarray, np.generic)) or a.dtype.kind != "f":
            return a  # a constant (mask, index): no gradient flows through it
        # A saved float that is not an input is the output: rebuild it as a recorded
        # function of the inputs so second derivatives see its dependence on them.
        return type(self).apply(*self.inputs, **self.kwargs)

    @property
    def edges(self) -> tuple:
        """``(input tensor, node its gradient goes to or None)`` per forward input, in order.

        This is the wiring backward uses: after an in-place op, a node recorded earlier
        still points at the input's old ``grad_fn`` (not at the in-place op), and a view
        modified in place points at the rebased history of its base. A ``None`` node is
        a leaf (or a tensor that does not require grad).
        """
        mark = self.inplace_mark
        return tuple((t, _input_fn(t, mark)) for t in self.inputs)

    @property
    def next_functions(self) -> tuple:
        """The node each input's gradient goes to (``None`` for a leaf), as in PyTorch."""
        return tuple(fn for _, fn in self.edges)

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


def _input_fn(t: Any, mark: int) -> Function | None:
    """``t.grad_fn`` as it was when a node with ``inplace_mark == mark`` was recorded.

    An in-place op gives its tensor a new grad_fn; nodes that used the tensor before
    must still send their gradient to the old one (PyTorch's edges point at nodes).
    """
    fn = t.grad_fn
    while fn is not None and fn.rebased_from is not None and mark < fn.rebased_from[0]:
        fn = fn.rebased_from[1]
    return fn
