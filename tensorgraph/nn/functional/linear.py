"""``linear`` (fused x @ W^T + b), ``bilinear`` (a composite) and ``flatten`` for ``tensorgraph.nn.functional``."""

from __future__ import annotations

from ...ops.linear import Linear
from ...tensor import Tensor
from ...tensor_linalg import einsum
from .check import as_tensor, floating

__all__ = ["bilinear", "flatten", "linear"]


def _dtype_error(op: str, a: Tensor, an: str, b: Tensor, bn: str) -> TypeError:
    return TypeError(
        f"{op}: {an} is {a.dtype} but {bn} is {b.dtype}; they must match. Convert the "
        f"input (x.float() / x.double()) or the model (model.float() / model.double())."
    )


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Affine map ``input @ weight.T + bias`` (as ``torch.nn.functional.linear``).

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)``.
        bias: ``(out_features,)`` or None.

    Shape:
        Output: ``(*, out_features)``.

    Example:
        >>> w, b = tg.randn(10, 784), tg.zeros(10)
        >>> F.linear(tg.randn(64, 784), w, b).shape
        torch.Size([64, 10])
    """
    x = floating(as_tensor(input, "linear"), "linear")
    w = floating(as_tensor(weight, "linear", "weight"), "linear", "weight")
    if w.ndim != 2:
        raise ValueError(
            f"linear: weight must be 2-D (out_features, in_features), got shape {tuple(w.shape)}."
        )
    if x.ndim == 0 or x.array.shape[-1] != w.array.shape[1]:  # hot: the array's tuple
        last = x.shape[-1] if x.ndim else "(none, 0-D)"
        raise ValueError(
            f"linear: input's last dim {last} != in_features {w.shape[1]} (input "
            f"{tuple(x.shape)}, weight {tuple(w.shape)}). The input's last dim must equal the weight's "
            "second dim; flatten images first (x.flatten(1)) or fix in_features."
        )
    if x.array.dtype != w.array.dtype:
        raise _dtype_error("linear", x, "input", w, "weight")
    if bias is None:
        return Linear.apply(x, w)
    b = as_tensor(bias, "linear", "bias")
    if b.array.shape != (w.array.shape[0],):
        raise ValueError(
            f"linear: bias has shape {tuple(b.shape)} but weight {tuple(w.shape)} has "
            f"{w.shape[0]} output features; bias must have shape ({w.shape[0]},)."
        )
    if b.array.dtype != w.array.dtype:
        raise _dtype_error("linear", b, "bias", w, "weight")
    return Linear.apply(x, w, b)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a reshape, as ``torch.flatten``).

    Example:
        >>> F.flatten(tg.zeros(64, 1, 28, 28), 1).shape
        torch.Size([64, 784])
    """
    return as_tensor(input, "flatten").flatten(start_dim, end_dim)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = sum_ij x1[..., i] weight[o, i, j] x2[..., j] + bias[o]`` (an einsum).

    Shape:
        input1 ``(*, in1)``, input2 ``(*, in2)`` (the same batch dims), weight
        ``(out, in1, in2)``, bias ``(out,)``; output ``(*, out)``.
    """
    op = "bilinear"
    x1 = floating(as_tensor(input1, op, "input1"), op, "input1")
    x2 = as_tensor(input2, op, "input2")
    w = as_tensor(weight, op, "weight")
    if w.ndim != 3 or x1.shape[-1:] != w.shape[1:2] or x2.shape[-1:] != w.shape[2:] \
            or x1.shape[:-1] != x2.shape[:-1]:
        raise RuntimeError(f"{op}: input1 {tuple(x1.shape)} and input2 {tuple(x2.shape)} do "
                           f"not fit weight {tuple(w.shape)}; need input1 (*, in1), input2 "
                           "(*, in2) with the same batch dims and weight (out, in1, in2)")
    for name, t in (("input2", x2), ("weight", w)):
        if t.dtype != x1.dtype:
            raise _dtype_error(op, x1, "input1", t, name)
    y = einsum("...i,oij,...j->...o", x1, w, x2)
    return y if bias is None else y + bias
