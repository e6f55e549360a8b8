"""``linear`` (fused x @ W^T + b) and ``flatten`` for ``tensorgraph.nn.functional``."""

from __future__ import annotations

from ...ops.linear import Linear
from ...tensor import Tensor
from .check import as_tensor, floating

__all__ = ["flatten", "linear"]


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
