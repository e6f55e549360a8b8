"""Padding layers (torch.nn's ZeroPad2d, ConstantPad1d, ReflectionPad2d, ...): each
calls ``nn.functional.pad`` with its mode."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .functional.padding import pad
from .module import Module


class _PadNd(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        n = 2 * self.dims
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * n
        if len(self.padding) != n:
            raise ValueError(f"{type(self).__name__}: padding must be an int or a "
                             f"{n}-tuple, got {padding!r}.")
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "constant":
            return pad(input, self.padding, "constant", self.value)
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_PadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


def _make(name: str, base: type, mode: str, dims: int, doc: str) -> type:
    return type(name, (base,), {"mode": mode, "dims": dims, "__doc__": doc,
                                "__module__": __name__})


ZeroPad1d = _make("ZeroPad1d", _ZeroPadNd, "constant", 1, "Zero-pad the last dim.")
ZeroPad2d = _make("ZeroPad2d", _ZeroPadNd, "constant", 2,
                  "Zero-pad the last two dims: ``padding`` = (left, right, top, bottom).")
ZeroPad3d = _make("ZeroPad3d", _ZeroPadNd, "constant", 3, "Zero-pad the last three dims.")
ConstantPad1d = _make("ConstantPad1d", _ConstantPadNd, "constant", 1,
                      "Pad the last dim with ``value``.")
ConstantPad2d = _make("ConstantPad2d", _ConstantPadNd, "constant", 2,
                      "Pad the last two dims with ``value``.")
ConstantPad3d = _make("ConstantPad3d", _ConstantPadNd, "constant", 3,
                      "Pad the last three dims with ``value``.")
ReflectionPad1d = _make("ReflectionPad1d", _PadNd, "reflect", 1,
                        "Mirror-pad the last dim (the edge is not repeated).")
ReflectionPad2d = _make("ReflectionPad2d", _PadNd, "reflect", 2, "Mirror-pad the last two dims.")
ReflectionPad3d = _make("ReflectionPad3d", _PadNd, "reflect", 3,
                        "Mirror-pad the last three dims.")
ReplicationPad1d = _make("ReplicationPad1d", _PadNd, "replicate", 1,
                         "Pad the last dim by repeating its edge values.")
ReplicationPad2d = _make("ReplicationPad2d", _PadNd, "replicate", 2,
                         "Pad the last two dims by repeating the edges.")
ReplicationPad3d = _make("ReplicationPad3d", _PadNd, "replicate", 3,
                         "Pad the last three dims by repeating the edges.")
CircularPad1d = _make("CircularPad1d", _PadNd, "circular", 1, "Wrap-around pad the last dim.")
CircularPad2d = _make("CircularPad2d", _PadNd, "circular", 2,
                      "Wrap-around pad the last two dims.")
CircularPad3d = _make("CircularPad3d", _PadNd, "circular", 3,
                      "Wrap-around pad the last three dims.")

__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
    "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
    "ZeroPad3d",
]
