"""Module dtype and device methods: ``to``, ``float``/``double``/``half``, ``type``, ``cpu``.

``Module`` inherits :class:`ModuleCasts`. Casting replaces each parameter's and
buffer's array in place, so the Parameter objects (and optimizers holding them) stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check_device, parse_to_args
from .device import as_dtype


class ModuleCasts:
    """The dtype/device half of ``Module``."""

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(tensor)``, as torch.

        Floating parameters and buffers are cast in place; the Parameter objects stay
        the same, so an optimizer created earlier keeps training them (as in PyTorch).
        The device must be the CPU (``'cpu'``, ``'cpu:0'``, ``tg.device('cpu')``);
        any other is refused (tensorgraph runs on numpy, on the CPU).
        """
        dtype = parse_to_args(args, kwargs, "Module.to").dtype
        if dtype is None:
            return self
        dtype = as_dtype(dtype, "Module.to")
        if dtype.kind != "f":
            raise TypeError(
                f"nn.Module.to only accepts floating point or complex dtypes, but got "
                f"desired dtype={dtypes.of_numpy(dtype)}"
            )
        return self._apply(lambda a: a.astype(dtype) if a.dtype.kind == "f" else a)

    def _apply(self, fn: Callable[[np.ndarray], np.ndarray]) -> Any:
        for m in self.modules():
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is None:
                    continue
                t.array = fn(t.array)
                if t.grad is not None:
                    t.grad.array = fn(t.grad.array)
        return self

    def double(self) -> Any:
        return self.to(dtypes.float64)

    def float(self) -> Any:
        return self.to(dtypes.float32)

    def half(self) -> Any:
        return self.to(dtypes.float16)

    def bfloat16(self) -> Any:
        raise TypeError(
            "bfloat16: numpy has no bfloat16 dtype, so tensorgraph cannot store it; use "
            "model.float() (float32), model.half() (float16) or model.double()."
        )

    def cpu(self) -> Any:
        return self

    def cuda(self, device: Any = None) -> Any:
        check_device("cuda", "Module.cuda")
        return self

    def type(self, dst_type: Any) -> Any:
        """Cast every parameter and buffer to ``dst_type`` (floats and ints alike)."""
        dtype = as_dtype(dst_type, "Module.type")
        return self._apply(lambda a: a.astype(dtype))

    def share_memory(self) -> Any:
        return self  # one process, one address space: already shared
