"""torch's in-place math methods (``exp_``, ``sigmoid_``, ``clamp_min_``, ``addcmul_``,
``div_(..., rounding_mode=)``, ...) and in-place view methods (``squeeze_``,
``unsqueeze_``, ``t_``, ``transpose_``), mixed into ``Tensor`` ahead of the core in-place
methods.

Each in-place math method hands its out-of-place form to ``inplace.write``, which writes
the result into the buffer (aliases see it), bumps the version counter and, when
recording, rewires the graph; so a leaf that requires grad is refused and a non-leaf gets
torch's gradients. A result that cannot be stored in this tensor's dtype (``exp_`` of an
int64 tensor) is torch's RuntimeError, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from .autograd.grad_mode import counters, get_mode


def _inplace(x: Any, op: str, compute: Callable[[Any], Any], other: Any = None) -> Any:
    from .inplace import write

    def checked(t: Any) -> Any:
        out = compute(t)
        if out.array.dtype != x.array.dtype and not np.can_cast(
                out.array.dtype, x.array.dtype, casting="same_kind"):
            raise RuntimeError(
                f"result type {dtypes.scalar_type_name(out.array.dtype)} can't be cast to the "
                f"desired output type {dtypes.scalar_type_name(x.array.dtype)} ({op} on a "
                f"{x.dtype} tensor; convert the tensor first, e.g. x = x.float())")
        return out

    return write(x, op, checked, other)


def _unary_inplace(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _inplace(self, name + "_", lambda t: getattr(t, name)(*args, **kwargs))

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: ``x.{name}_()`` writes ``x.{name}()`` into x."
    return method


def _binary_inplace(name: str) -> Callable[..., Any]:
    def method(self: Any, other: Any, *args: Any, **kwargs: Any) -> Any:
        return _inplace(self, name + "_", lambda t: getattr(t, name)(other, *args, **kwargs),
                        other)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: ``x.{name}_(y)`` writes ``x.{name}(y)`` into x."
    return method


_UNARY = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "abs", "absolute", "sqrt",
          "rsqrt", "square", "sigmoid", "relu", "tanh", "neg", "negative", "reciprocal",
          "sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "arcsin", "arccos",
          "arctan", "erf", "erfc", "floor", "ceil", "round", "trunc", "fix", "frac", "sign",
          "sgn", "clamp_min", "clamp_max", "nan_to_num")
_BINARY = ("pow", "float_power", "atan2", "arctan2", "fmod", "remainder", "true_divide",
           "lerp", "addcmul", "addcdiv", "multiply", "subtract", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift")


class InplaceMathMethods:
    """In-place versions of the elementwise methods, and the in-place view methods."""

    __slots__ = ()

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Any:
        """In-place ``div``: an integer tensor needs a ``rounding_mode`` (true division
        would give floats, as torch refuses)."""
        return _inplace(self, "div_", lambda t: t.div(other, rounding_mode=rounding_mode),
                        other)

    divide_ = div_

    def floor_divide_(self, other: Any) -> Any:
        """In-place ``floor_divide`` (``div_(other, rounding_mode='floor')``)."""
        return _inplace(self, "floor_divide_", lambda t: t.div(other, rounding_mode="floor"),
                        other)

    def clip_(self, min: Any = None, max: Any = None) -> Any:
        """In-place ``clamp`` (torch's alias)."""
        return self.clamp_(min, max)

    # ------------------------------------------------------------ in-place views
    def _view_inplace(self, op: str, make: Callable[[Any], Any]) -> Any:
        """Make this tensor the view ``make(self)`` of its own memory (its shape and
        strides change; with history, its grad_fn becomes the view's node)."""
        recording = get_mode("grad_enabled") and self.requires_grad
        if recording and self.grad_fn is None and self._view is None:
            raise RuntimeError(
                f"a leaf Variable that requires grad is being used in an in-place operation "
                f"({op} on a tensor of shape {tuple(self.shape)}). Wrap it in "
                "`with tg.no_grad():` or use the out-of-place form.")
        # the view node's input: this tensor as it is now (same memory and history; its
        # shape must not change under the node, as this tensor's is about to)
        old = type(self).from_array(self.array, self.requires_grad)
        old.grad_fn = self.grad_fn
        view = make(old) if recording else make(self.detach())
        self.array = view.array
        self._version += 1  # bumps counters.inplace_ops: the mark of this in-place op
        if recording:
            # nodes recorded before keep sending gradient to the old grad_fn (the view
            # node itself among them), as after inplace.write
            view.grad_fn.rebased_from = (counters.inplace_ops, self.grad_fn)
            self.grad_fn = view.grad_fn
        return self

    def squeeze_(self, dim: Any = None) -> Any:
        """In-place ``squeeze``: drop size-1 dims of this tensor."""
        return self._view_inplace("squeeze_", lambda t: t.squeeze(dim))

    def unsqueeze_(self, dim: int) -> Any:
        """In-place ``unsqueeze``: insert a size-1 dim into this tensor."""
        return self._view_inplace("unsqueeze_", lambda t: t.unsqueeze(dim))

    def t_(self) -> Any:
        """In-place ``t``: transpose this (at most 2-D) tensor."""
        return self._view_inplace("t_", lambda t: t.t())

    def transpose_(self, dim0: int, dim1: int) -> Any:
        """In-place ``transpose``: swap two dims of this tensor."""
        return self._view_inplace("transpose_", lambda t: t.transpose(dim0, dim1))

    swapaxes_ = swapdims_ = transpose_


for _name in _UNARY:
    setattr(InplaceMathMethods, _name + "_", _unary_inplace(_name))
for _name in _BINARY:
    setattr(InplaceMathMethods, _name + "_", _binary_inplace(_name))
# the augmented assignments torch makes in place (`x //= 2` changes x, aliases see it)
InplaceMathMethods.__itruediv__ = InplaceMathMethods.div_
InplaceMathMethods.__ifloordiv__ = InplaceMathMethods.floor_divide_
InplaceMathMethods.__ipow__ = InplaceMathMethods.pow_
InplaceMathMethods.__imod__ = InplaceMathMethods.remainder_

__all__ = ["InplaceMathMethods"]
