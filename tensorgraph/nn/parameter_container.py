"""ParameterList and ParameterDict: containers whose Parameters a module registers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Self

import numpy as np

from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

# torch prints its legacy tensor type names in a ParameterDict.
_LEGACY = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
           "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
           "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


def _as_parameter(value: Any) -> Any:
    # A plain Tensor becomes a Parameter, as torch's containers do; others stay as given.
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(p: Any, legacy: bool) -> str:
    if not isinstance(p, Tensor):
        return f"Object of type: {type(p).__name__}"
    size = "x".join(str(n) for n in p.shape)
    kind = "Parameter containing" if isinstance(p, Parameter) else "Tensor"
    dtype = p.array.dtype.name
    name = _LEGACY.get(dtype, dtype) if legacy else dtype
    return f"{kind}: [tensorgraph.{name} of size {size}]"


def _wrap(name: str, body: str) -> str:
    """Module.__repr__'s layout of an extra_repr: one line stays inside the parentheses
    (torch prints ``ParameterList(  (0): Parameter containing: ...)``), more go below."""
    if not body:
        return f"{name}()"
    if "\n" not in body:
        return f"{name}({body})"
    return f"{name}(\n  {_indent(body)}\n)"


def _lines(owner: Module, items: Iterable[tuple[str, Any]], legacy: bool) -> str:
    return "\n".join(f"  ({k}): {_describe(p, legacy)}" for k, p in items)


class ParameterList(Module):
    """A list of Parameters registered as ``'0'``, ``'1'``, ... (plain Tensors are
    wrapped into Parameters, as torch).

    Example:
        >>> ws = tg.nn.ParameterList([tg.nn.Parameter(tg.randn(4, 4)) for _ in range(3)])
        >>> [n for n, _ in ws.named_parameters()]
        ['0', '1', '2']
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self.__dict__["_size"] = 0
        if values is not None:
            self += values

    def _index(self, idx: int) -> str:
        i, n = int(np.asarray(idx)), len(self)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range")
        return str(i % n)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)([self[i] for i in range(len(self))[idx]])
        return getattr(self, self._index(idx))

    def __setitem__(self, idx: int, param: Any) -> None:
        key = self._index(idx)
        self._forget(key)
        setattr(self, key, _as_parameter(param))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters: Iterable[Any]) -> Self:
        return self.extend(parameters)

    def append(self, value: Any) -> Self:
        """Add ``value`` (a Parameter, or a Tensor made one) at the end."""
        self.__dict__["_size"] += 1
        setattr(self, str(self._size - 1), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> Self:
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError("ParameterList.extend should be called with an iterable, but "
                            f"got {type(values).__name__}")
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return _lines(self, ((str(i), p) for i, p in enumerate(self)), legacy=False)

    def __repr__(self) -> str:
        body = self.extra_repr()
        return _wrap(self._get_name(), body)


def _indent(body: str) -> str:
    return "\n  ".join(body.split("\n"))


class ParameterDict(Module):
    """A dict of Parameters registered under their keys (order kept).

    Example:
        >>> pd = tg.nn.ParameterDict({"scale": tg.nn.Parameter(tg.ones(3))})
        >>> pd["scale"].shape
        torch.Size([3])
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self.__dict__["_keys"] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, got {type(key).__name__}")
        self._keys[key] = None
        self._forget(key)
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __or__(self, other: ParameterDict) -> ParameterDict:
        out = self.copy()
        out.update(other)
        return out

    def copy(self) -> ParameterDict:
        return ParameterDict({k: self[k] for k in self._keys})

    def keys(self) -> Any:
        return self._keys.keys()

    def values(self) -> Iterator[Any]:
        return (self[k] for k in self._keys)

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((k, self[k]) for k in self._keys)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401  (this IS get)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str) -> Any:
        v = self[key]
        del self[key]
        return v

    def popitem(self) -> tuple[str, Any]:
        k = list(self._keys)[-1]
        return k, self.pop(k)

    def clear(self) -> None:
        for k in list(self._keys):
            del self[k]

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        return ParameterDict((k, default) for k in keys)

    def update(self, parameters: Any) -> None:
        """Add (or replace) entries from a mapping or an iterable of ``(key, value)``."""
        if hasattr(parameters, "keys"):
            pairs = [(k, parameters[k]) for k in parameters.keys()]  # noqa: SIM118
        else:
            pairs = list(parameters)
        for j, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(f"ParameterDict update sequence element #{j} should be "
                                 f"an iterable of length 2, got {pair!r}")
            self[pair[0]] = pair[1]

    def extra_repr(self) -> str:
        return _lines(self, self.items(), legacy=True)

    def __repr__(self) -> str:
        body = self.extra_repr()
        return _wrap(self._get_name(), body)
