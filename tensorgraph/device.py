"""Devices, honestly: tensorgraph computes with numpy on the CPU, and only there.

``tg.device`` has torch's interface (``type``, ``index``, ``str()``, ``==``, hashing, the
``with tg.device("cpu"):`` form) so scripts that write
``device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`` run unchanged.
A ``device("cuda")`` object can be *made* (torch allows that on a CPU-only build too);
*using* it (a factory's ``device=``, ``.to()``) raises :class:`DeviceUnavailableError`.

:func:`check_device` is what every factory function calls for its ``device=`` keyword;
:func:`parse_to_args` reads the argument forms of ``Tensor.to`` / ``Module.to``.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Self

import numpy as np

from . import dtypes

__all__ = [
    "DeviceUnavailableError",
    "check_device",
    "device",
    "get_default_device",
    "parse_to_args",
    "set_default_device",
]

# torch's list of device types (the error for an unknown one lists them, as torch's does).
_KNOWN_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
    "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)


class DeviceUnavailableError(RuntimeError, AssertionError):
    """A tensor or module was asked to live on a device other than the CPU.

    A RuntimeError (torch raises one for MPS) and an AssertionError (torch's
    "Torch not compiled with CUDA enabled"), so either `except` of a script catches it.
    """


def _unavailable_message(what: Any, where: str) -> str:
    return (
        f"{where}: device {str(what)!r} is not available: tensorgraph runs on numpy on "
        "the CPU only (no CUDA, MPS or other accelerator). Use 'cpu', e.g. "
        "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')."
    )


class device:
    """Where a tensor lives: always ``device(type='cpu')`` in tensorgraph.

    Args:
        type: ``"cpu"``, ``"cpu:0"``, another ``device``, or another torch device type
            (``"cuda"``, ``"mps"``, ...), which can be named but not used.
        index: optional device ordinal (``device("cpu", 0)`` is ``cpu:0``).

    Example:
        >>> dev = tg.device("cuda" if tg.cuda.is_available() else "cpu")
        >>> dev, str(dev), dev.type, dev.index
        (device(type='cpu'), 'cpu', 'cpu', None)
        >>> x = tg.zeros(3, device=dev)
    """

    __slots__ = ("_index", "_type")

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): an index can't be given with a device object")
            self._type, self._index = type.type, type.index
            return
        if isinstance(type, (int, np.integer)) and not isinstance(type, bool):
            # torch reads a bare ordinal as "the current accelerator", which is none here.
            raise DeviceUnavailableError(_unavailable_message(f"accelerator:{type}",
                                                              "device"))
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a str or a device, got "
                            f"{_type_name(type)}")
        name, sep, ordinal = type.partition(":")
        if name not in _KNOWN_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of "
                f"device string: {type}"
            )
        if sep:
            if index is not None or not ordinal.isdigit():
                raise RuntimeError(f"Invalid device string: {type!r}")
            index = int(ordinal)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self._type, self._index = name, index

    @property
    def type(self) -> str:
        """The device type: ``"cpu"`` for every tensor tensorgraph makes."""
        return self._type

    @property
    def index(self) -> int | None:
        """The device ordinal, or None when not given."""
        return self._index

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type={self._type!r})"
        return f"device(type={self._type!r}, index={self._index})"

    def __eq__(self, other: object) -> bool:
        # As torch: a device equals only a device (torch.device('cpu') == 'cpu' is False).
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __reduce__(self) -> tuple:
        return (device, (self._type, self._index))

    # ``with tg.device("cpu"):`` sets torch's default device for factories; the CPU is
    # already the only one, so entering checks the device and changes nothing.
    def __enter__(self) -> Self:
        check_device(self, "with device(...)")
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _type_name(value: Any) -> str:
    return type(value).__name__


_CPU = device("cpu")


def check_device(dev: Any, where: str) -> device:
    """The CPU device if ``dev`` names it; else one clear :class:`DeviceUnavailableError`.

    Every factory function calls this for its ``device=`` keyword.

    Args:
        dev: None, ``"cpu"``, ``"cpu:0"``, a ``tg.device``, or anything else torch takes
            (a CUDA/MPS name or an ordinal), which is refused.
        where: the calling function's name, for the message.

    Example:
        >>> check_device("cpu", "zeros")
        device(type='cpu')
    """
    if dev is None:
        return _CPU
    if not isinstance(dev, (device, str, int, np.integer)) and isinstance(
            getattr(dev, "type", None), str):
        dev = str(dev)  # another library's device object (a torch.device): by its name
    parsed = dev if isinstance(dev, device) else device(dev)
    if parsed.type != "cpu":
        raise DeviceUnavailableError(_unavailable_message(parsed, where))
    return parsed


def get_default_device() -> device:
    """The device factories use when not given one: always the CPU."""
    return _CPU


def set_default_device(dev: Any) -> None:
    """Accepted for the CPU (or None); any other device is refused, as it can't be used."""
    check_device(dev, "set_default_device")


class ToArgs(NamedTuple):
    """What a ``.to(...)`` call asks for (the device is already checked to be the CPU)."""

    dtype: np.dtype | None
    non_blocking: bool
    copy: bool


def _is_dtype(value: Any) -> bool:
    if isinstance(value, (np.dtype, dtypes.dtype)):
        return True
    if isinstance(value, type):  # np.float32, or Python's float / int / bool as torch
        try:
            np.dtype(value)
        except TypeError:
            return False
        return True
    return False


def parse_to_args(args: tuple, kwargs: dict, where: str = "to") -> ToArgs:
    """Read the argument forms of ``Tensor.to`` / ``Module.to`` (torch's overloads).

    ``to(dtype, non_blocking=False, copy=False)``, ``to(device=None, dtype=None,
    non_blocking=False, copy=False)``, ``to(other_tensor, non_blocking=False, copy=False)``,
    each with keyword-only ``memory_format=`` (accepted; numpy arrays have one layout).
    A device other than the CPU raises :class:`DeviceUnavailableError`.

    Returns:
        The requested dtype (None: keep), ``non_blocking`` and ``copy``.

    Example:
        >>> parse_to_args(("cpu", tg.float64), {})
        ToArgs(dtype=dtype('float64'), non_blocking=False, copy=False)
    """
    kwargs = dict(kwargs)
    kwargs.pop("memory_format", None)
    dev, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    rest = list(args)
    if rest:
        first = rest.pop(0)
        if hasattr(first, "dtype") and hasattr(first, "device") and not _is_dtype(first):
            dtype, dev = first.dtype, first.device  # to(other_tensor)
        elif _is_dtype(first):
            dtype = first
        elif first is None or isinstance(first, (str, device, int, np.integer)) \
                or isinstance(getattr(first, "type", None), str):
            dev = first
            if rest and (_is_dtype(rest[0]) or rest[0] is None):
                dtype = rest.pop(0)
            elif rest:
                raise TypeError(
                    f"{where}() received an invalid combination of arguments: after a "
                    f"device comes a dtype, got {_type_name(rest[0])}; the forms "
                    "are to(device, dtype, non_blocking, copy), to(dtype, non_blocking, "
                    "copy) and to(tensor, non_blocking, copy)"
                )
        else:
            raise TypeError(
                f"{where}() received an invalid argument {first!r}: expected a device, a "
                "dtype or a tensor"
            )
    flags = [bool(kwargs.pop("non_blocking", False)), bool(kwargs.pop("copy", False))]
    if len(rest) > 2:
        raise TypeError(f"{where}() takes at most 2 flags after the device/dtype "
                        f"(non_blocking, copy), got {len(rest)}")
    for i, flag in enumerate(rest):
        flags[i] = bool(flag)
    if kwargs:
        raise TypeError(f"{where}() got an unexpected keyword argument "
                        f"{next(iter(kwargs))!r}")
    check_device(dev, where)
    return ToArgs(None if dtype is None else np.dtype(dtype), flags[0], flags[1])
