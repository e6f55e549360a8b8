"""``tg.autograd.functional``: Jacobians, Hessians and vector products of a function,
as ``torch.autograd.functional`` (reverse mode; composites of :func:`grad`, no backward).

``func`` takes one Tensor or several (``inputs`` a tuple) and returns one Tensor or a
tuple; results keep that nesting as torch's: ``jacobian(f, x)`` of a Tensor to a
Tensor is a Tensor of shape ``f(x).shape + x.shape``; with tuples on either side, a
tuple (of tuples) indexed ``[output][input]``. Results are detached unless
``create_graph=True``. ``strict`` / ``vectorize`` / strategies are accepted; the
numbers are the same (reverse mode, one backward per output element).

Example:
    >>> jacobian(lambda x: x.exp().sum(dim=1), tg.rand(2, 2)).shape   # (2, 2, 2)
"""

from __future__ import annotations

from typing import Any, Callable

from . import function
from .grad_mode import enable_grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"]


def _as_tuple(x: Any, arg: str, fn: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, function.Tensor):
            raise TypeError(f"{fn}: the {arg} must be a Tensor or a tuple of Tensors, but "
                            f"element {i} is a {type(t).__name__}; wrap numbers in tg.tensor().")
    return is_tuple, items


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Inputs the function is differentiated at: fresh leaves (or, with create_graph, views
    that keep the caller's graph), as torch's _grad_preprocess."""
    if create_graph:
        return tuple(t.view_as(t) if t.requires_grad else t.detach().requires_grad_(True)
                     for t in inputs)
    return tuple(t.detach().requires_grad_(True) for t in inputs)


def _grads(outputs: tuple, inputs: tuple, grad_outputs: Any, create_graph: bool) -> tuple:
    """``grad`` over the outputs that require grad; zeros where an input is unused."""
    from . import grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        found = grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                     create_graph=create_graph, allow_unused=True)
    else:
        found = (None,) * len(inputs)
    return tuple(t.new_zeros(t.shape) if g is None else g for g, t in zip(found, inputs))


def _finish(x: Any, create_graph: bool) -> Any:
    if isinstance(x, tuple):
        return tuple(_finish(t, create_graph) for t in x)
    return x if create_graph else x.detach()


def _nest(res: Any, is_tuple: bool) -> Any:
    return res if is_tuple else res[0]


def _vector(v: Any, inputs: tuple, op: str) -> tuple:
    """The vector(s) of a vector product as a tuple; ``None`` only for one 1-element input
    (then a ones), as torch."""
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError(f"{op}: the vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single element.")
        return (inputs[0].new_ones(inputs[0].shape),)
    return _as_tuple(v, "v", op)[1]


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T J)``: the vector-Jacobian product (one backward pass).
    ``v`` may be omitted when ``func`` returns a single element."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "vjp")
        if v is None:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError("vjp: the vector v can only be None if the user-provided "
                                   "function returns a single Tensor with a single element.")
            vs: tuple = (outputs[0].new_ones(outputs[0].shape),)
        else:
            vs = _as_tuple(v, "v", "vjp")[1]
        res = _grads(outputs, inputs, vs, create_graph)
    return (_nest(_finish(outputs, create_graph), out_tuple),
            _nest(_finish(res, create_graph), in_tuple))


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-backward trick
    (the vjp is linear in its vector, so differentiating it again gives ``J v``)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    vs = _vector(v, inputs, "jvp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "jvp")
        us = tuple(o.new_zeros(o.shape).requires_grad_(True) for o in outputs)
        g = _grads(outputs, inputs, us, create_graph=True)
        res = _grads(g, us, vs, create_graph)
    return (_nest(_finish(outputs, create_graph), out_tuple),
            _nest(_finish(res, create_graph), out_tuple))


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[o][i]`` has shape
    ``outputs[o].shape + inputs[i].shape`` (one backward per output element)."""
    from ..tensor import stack  # the Tensor layer sits above autograd
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "jacobian")
        jac = []
        for out in outputs:
            flat = out.reshape(-1)
            rows = [_grads((flat[j],), inputs, (None,), create_graph)
                    for j in range(flat.numel())]
            per_input = []
            for i, t in enumerate(inputs):
                if rows:
                    block = stack([r[i] for r in rows])
                else:
                    block = t.new_zeros((0,) + tuple(t.shape))
                per_input.append(block.view(tuple(out.shape) + tuple(t.shape)))
            jac.append(_finish(tuple(per_input), create_graph))
    if out_tuple:
        return tuple(_nest(j, in_tuple) for j in jac)
    return _nest(jac[0], in_tuple)


def _single_output(func: Callable, fn: str) -> Callable:
    def scalar_func(*inp: Any) -> Any:
        out = func(*inp)
        is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", fn)
        if is_tuple or outs[0].numel() != 1:
            raise RuntimeError(f"{fn}: the function given to {fn} should return a single "
                               "Tensor with a single element (got "
                               f"{[tuple(o.shape) for o in outs]}).")
        return outs[0].reshape(())
    return scalar_func


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient; ``H[i][j]`` has
    shape ``inputs[i].shape + inputs[j].shape``."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    scalar_func = _single_output(func, "hessian")

    def jac_func(*inp: Any) -> Any:
        return jacobian(scalar_func, inp, create_graph=True)

    res = jacobian(jac_func, inputs, create_graph=create_graph)
    return res if in_tuple else res[0][0]


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T H)`` for a scalar ``func`` (two backward passes)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
    vs = _vector(v, inputs, "vhp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out = _single_output(func, "vhp")(*inputs)
        g = _grads((out,), inputs, (None,), create_graph=True)
        res = _grads(g, inputs, vs, create_graph)
    return _finish(out, create_graph), _nest(_finish(res, create_graph), in_tuple)


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), H v)`` for a scalar ``func``. The Hessian of a twice continuously
    differentiable function is symmetric, so this is ``vhp`` (torch documents the two as
    equal there; it computes ``H v`` with one more backward pass)."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)
