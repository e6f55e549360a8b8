"""A Tensor's device methods (``to``, ``cpu``, ``cuda``, ``device``, ...), mixed into
``Tensor``: every tensor lives on the CPU (see ``tensorgraph/device.py``)."""

from __future__ import annotations

from typing import Any

from . import ops as P
from .autograd.node_names import named
from .device import DeviceUnavailableError, check_device, device, parse_to_args


class DeviceMethods:
    """``Tensor``'s device surface, with torch's argument forms."""

    __slots__ = ()

    @property
    def device(self) -> device:
        """Where the tensor lives: ``device(type='cpu')``."""
        return check_device(None, "device")

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return True

    def get_device(self) -> int:
        """-1, torch's answer for a CPU tensor."""
        return -1

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Cast and/or move: ``to(dtype)``, ``to(device, dtype)``, ``to(other_tensor)``.

        Casting is differentiable; the device must be the CPU (anything else raises a
        clear error). Returns ``self`` when nothing changes, unless ``copy=True``.

        Example:
            >>> x = tg.zeros(2).to("cpu", tg.float64)
            >>> x.dtype, x.device
            (tensorgraph.float64, device(type='cpu'))
        """
        request = parse_to_args(args, kwargs, "Tensor.to")
        dtype = self.array.dtype if request.dtype is None else request.dtype
        if dtype == self.array.dtype and not request.copy:
            return self
        return named(P.Copy.apply(self, dtype=dtype), "ToCopyBackward0")

    def cpu(self, memory_format: Any = None) -> Any:
        """This tensor (it is already on the CPU)."""
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False,
             memory_format: Any = None) -> Any:
        """Refused: tensorgraph has no CUDA device."""
        raise DeviceUnavailableError(
            "Tensor.cuda: tensorgraph runs on numpy on the CPU only (no CUDA); keep the "
            "tensor on 'cpu' (e.g. .to(device) with device = torch.device('cpu'))."
        )

    def is_pinned(self, device: Any = None) -> bool:
        return False
