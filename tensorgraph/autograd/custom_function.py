"""Functions written the PyTorch way: ``class MyReLU(torch.autograd.Function)`` in user code.

tensorgraph's own ops (``tensorgraph/ops``) compute on numpy arrays (function.py). A
Function defined anywhere else gets torch's protocol instead, so the tutorials' custom
Functions run unchanged: ``forward(ctx, *args)`` receives the Tensors (and any other
arguments) themselves and runs with grad mode off; it returns a Tensor or a tuple of
them. ``backward(ctx, *grad_outputs)`` receives one gradient Tensor per output and
returns one gradient (or None) per forward argument. ``ctx`` has torch's
``save_for_backward``, ``saved_tensors``, ``needs_input_grad``,
``mark_non_differentiable``, ``set_materialize_grads``; torch 2's ``setup_context``
style (a ``forward`` without ``ctx``) works too. Set ``array_io = True`` on a class to
write it the array way outside the package.

Under ``backward(create_graph=True)`` the user's backward runs with recording on, so
its ops are differentiated again (as in torch); ``@once_differentiable`` refuses that.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import function
from .function import Function
from .grad_mode import is_grad_enabled, modes, no_grad

NODE_CLASSES: dict = {}  # user Function class -> its graph-node class


class FunctionCtx:
    """torch's name for the type of ``ctx`` (here: the graph node, a Function)."""


def is_user_function(cls: type) -> bool:
    """True for a Function written in user code (torch's protocol, see the module doc)."""
    module = cls.__dict__.get("__module__", "")
    if cls.__dict__.get("is_node_class") or getattr(cls, "array_io", False):
        return False
    return not (module == "tensorgraph" or module.startswith("tensorgraph."))


def node_class(cls: type) -> type:
    """The graph-node class of user Function ``cls`` (made once): ``cls`` with the
    array-side hooks the engine calls, so ``type(grad_fn).__name__`` is the user's."""
    node = NODE_CLASSES.get(cls)
    if node is None:
        name = cls.__name__ + "Backward"  # torch's name for a custom Function's node
        node = type(name, (TensorNode, cls), {
            "is_node_class": True, "__module__": cls.__module__, "__doc__": cls.__doc__,
            "__qualname__": name, "user_class": cls})
        node.backward = staticmethod(TensorNode.run_user_backward)
        NODE_CLASSES[cls] = node
    return node


def apply_user_function(cls: type, *args: Any, **kwargs: Any) -> Any:
    """``MyFunction.apply(*args)``: run the user's forward on Tensors; record a node."""
    Tensor = function.Tensor
    ctx = node_class(cls).__new__(node_class(cls))
    arg_needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    ctx.arg_needs = ctx.needs_input_grad = arg_needs
    with no_grad():
        if "setup_context" in _defined(cls):
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    if not (is_grad_enabled() and True in arg_needs):
        return out
    outs = out if isinstance(out, tuple) else (out,)
    skip = ctx.non_differentiable
    diff = [i for i, o in enumerate(outs) if isinstance(o, Tensor)
            and o.array.dtype.kind in "fc" and not any(o is s for s in skip)]
    if not diff:
        return out
    tensors = tuple(a for a in args if isinstance(a, Tensor))
    ctx.inputs = tensors
    ctx.needs_input_grad = tuple(t.requires_grad for t in tensors)
    ctx.arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    ctx.inplace_mark = function.counters.inplace_ops
    ctx.versions = tuple(0 if t._vc is None else t._vc[0] for t in tensors)
    ctx.out_meta = tuple((o.array.shape, o.array.dtype) if isinstance(o, Tensor) else None
                         for o in outs)
    ctx.diff = tuple(diff)
    if len(diff) == 1:
        result = Tensor.from_array(outs[diff[0]].array, True)
        result.grad_fn = ctx
        made = {diff[0]: result}
    else:  # one node output (the outputs raveled end to end); each output a slice of it
        dtype = np.result_type(*[outs[i].array for i in diff])
        flat = Tensor.from_array(np.concatenate(
            [outs[i].array.ravel().astype(dtype, copy=False) for i in diff]), True)
        flat.grad_fn = ctx
        made, start = {}, 0
        for i in diff:
            a = outs[i].array
            piece = flat[start:start + a.size].reshape(a.shape)
            made[i] = piece if piece.dtype == a.dtype else piece.to(a.dtype)
            start += a.size
    # A saved output is the recorded result, so create_graph sees it depends on inputs.
    ctx.saved_user = tuple(_replace(s, outs, made) for s in ctx.saved_user)
    new = tuple(made.get(i, o) for i, o in enumerate(outs))
    return new if isinstance(out, tuple) else new[0]


def _defined(cls: type) -> set:
    names: set = set()
    for k in cls.__mro__:
        if k is Function or k is TensorNode:
            break
        names |= set(k.__dict__)
    return names


def _replace(saved: Any, outs: tuple, made: dict) -> Any:
    for i, o in enumerate(outs):
        if saved is o and i in made:
            return made[i]
    return saved


class TensorNode(Function):
    """The ctx and graph node of a user Function (torch's protocol)."""

    array_io = True  # this class itself is tensorgraph's
    saved_user: tuple = ()
    non_differentiable: tuple = ()
    materialize_grads = True
    user_class: Any = None

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep Tensors (inputs, outputs or None) for backward, as torch's ctx does."""
        self.saved_user = tensors
        self.saved = tuple(t.array for t in tensors if isinstance(t, function.Tensor))

    @property
    def saved_tensors(self) -> tuple:
        Function.saved_tensors.fget(self)  # the freed-graph and version checks
        return self.saved_user

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self.non_differentiable = self.non_differentiable + tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors: Any) -> None:
        raise NotImplementedError(
            f"{self.user_class.__name__}: ctx.mark_dirty (a custom Function that modifies "
            "its input in place) is not supported by tensorgraph; return a new tensor "
            "from forward instead (e.g. x.clone() modified) and drop mark_dirty.")

    def name(self) -> str:
        return type(self).__name__  # torch's name for a custom node: XBackward, no 0

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    @staticmethod
    def run_user_backward(ctx: Any, g: Any) -> tuple:
        """The engine's backward for a user node: unpack ``g`` per output, call the
        user's backward on Tensors, check and return one gradient per Tensor input."""
        Tensor = function.Tensor
        create = bool(function.nondefault[0] and modes.create_graph)
        grads = _split_grad(ctx, g)
        grads = [x if x is None or isinstance(x, Tensor) else Tensor.from_array(x, False)
                 for x in grads]
        engine_needs = ctx.needs_input_grad
        ctx.needs_input_grad = ctx.arg_needs  # per forward argument, as the user wrote it
        try:
            res = ctx.user_class.backward(ctx, *grads)
        finally:
            ctx.needs_input_grad = engine_needs
        res = res if isinstance(res, tuple) else (res,)
        n = len(ctx.arg_is_tensor)
        name = ctx.name()
        if len(res) < n or any(r is not None for r in res[n:]):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(res)})")
        out, k = [], 0
        for pos, (is_tensor, r) in enumerate(zip(ctx.arg_is_tensor, res)):
            if not is_tensor:
                if r is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at "
                        f"position {pos + 1}, but the corresponding forward input was not "
                        "a Variable")
                continue
            t = ctx.inputs[k]
            k += 1
            if r is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise TypeError(f"function {name} returned a {type(r).__name__} as the "
                                f"gradient at position {pos + 1}; return a Tensor or None")
            if r.shape != t.shape and not _broadcasts_to(r.shape, t.shape):
                raise RuntimeError(
                    f"Function {name} returned an invalid gradient at index {pos} - got "
                    f"{list(r.shape)} but expected shape compatible with {list(t.shape)}")
            out.append(r if create else r.array)
        return tuple(out)


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(tuple(target), tuple(shape)) == tuple(target)
    except ValueError:
        return False


def _split_grad(ctx: Any, g: Any) -> list:
    """The gradient of each forward output (zeros for a non-differentiable one)."""
    Tensor = function.Tensor
    metas = ctx.out_meta
    grads: list = []
    pieces: dict = {}
    if len(ctx.diff) == 1:
        pieces[ctx.diff[0]] = g
    else:
        start = 0
        for i in ctx.diff:
            shape, dtype = metas[i]
            size = int(np.prod(shape, dtype=np.int64))
            pieces[i] = g[start:start + size].reshape(shape)
            start += size
    for i, meta in enumerate(metas):
        if i in pieces:
            grads.append(pieces[i])
        elif meta is None or not ctx.materialize_grads:
            grads.append(None)
        else:
            grads.append(Tensor.from_array(np.zeros(meta[0], meta[1]), False))
    return grads


class DifferentiatedTwice(Function):
    """y = x;  dx = an error (y is a @once_differentiable backward's result)"""

    @staticmethod
    def forward(ctx, x, *others):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("trying to differentiate twice a function that was marked "
                           "with @once_differentiable")


def once_differentiable(fn: Callable) -> Callable:
    """torch's decorator for a custom Function's backward that is not differentiable
    itself: it runs without recording, and a second differentiation raises."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            outputs = fn(ctx, *args)
        if not (function.nondefault[0] and modes.create_graph):
            return outputs
        Tensor = function.Tensor
        needing = [a for a in list(args) + list(getattr(ctx, "saved_user", ()))
                   if isinstance(a, Tensor) and a.requires_grad]
        if not needing:
            return outputs
        single = not isinstance(outputs, tuple)
        outs = tuple(DifferentiatedTwice.apply(o, *needing) if isinstance(o, Tensor) else o
                     for o in ((outputs,) if single else outputs))
        return outs[0] if single else outs

    return wrapper
