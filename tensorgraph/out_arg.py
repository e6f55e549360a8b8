"""torch's ``out=`` argument: ``tg.mul(a, b, out=z)`` writes the result into ``z``.

As torch: the result is cast to ``out``'s dtype where torch may cast (no float into an
integer tensor), ``out`` is resized when its shape differs (with torch's deprecation
warning when it had elements), the call returns ``out`` itself, and an ``out=`` call
that autograd would have to record (a result or ``out`` requires grad, grad mode on) is
refused: ``out=`` writes are not differentiable. Results without a gradient (argmax, a
comparison) may be written whatever their inputs.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import dtypes
from .autograd.grad_mode import get_mode
from .tensor import Tensor


def with_out(op: str, result: Any, out: Any) -> Any:
    """``result`` written into ``out`` (a Tensor, or a tuple of them for an op with several
    results) and ``out`` returned; ``result`` itself when ``out`` is None.

    Args:
        op: the function's name, for messages (``"mul"``).
        result: what the out-of-place call returned.
        out: the ``out=`` argument.
    """
    if out is None:
        return result
    results, outs = (result, out) if isinstance(result, tuple) else ((result,), (out,))
    if isinstance(result, tuple) and (not isinstance(out, (tuple, list))
                                      or len(out) != len(result)):
        raise TypeError(f"{op}(): argument 'out' must be a tuple of {len(result)} Tensors, "
                        f"not {type(out).__name__}")
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(o).__name__}")
    needs_grad = any(getattr(r, "requires_grad", False) for r in results) or any(
        o.requires_grad for o in outs)
    if get_mode("grad_enabled") and needs_grad:
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad. Call it under "
            f"torch.no_grad(), or drop out= and assign the result (z = torch.{op}(...)).")
    for r, o in zip(results, outs):
        _write(op, r, o)
    if not isinstance(result, tuple):
        return out
    return type(result)(*out) if hasattr(result, "_fields") else tuple(out)


def _write(op: str, result: Any, out: Tensor) -> None:
    value = result.array if isinstance(result, Tensor) else np.asarray(result)
    if value.dtype != out.array.dtype:
        dtypes.check_cast(value.dtype, out.array.dtype, f"{op}(out=...)")
    if out.array.shape != value.shape:
        if out.array.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.array.shape)}, which does not match the required output shape "
                f"{list(value.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).", UserWarning, stacklevel=4)
        out.array = np.empty(value.shape, dtype=out.array.dtype)
    np.copyto(out.array, value, casting="unsafe")
    out._version += 1

