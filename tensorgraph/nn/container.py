"""Containers: Sequential (a pipeline of layers) and ModuleList (a list that registers)."""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, Self

from .module import Module, addindent


class _Container(Module):
    """What Sequential and ModuleList share: a numbered, ordered run of submodules."""

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def _key(self, idx: Any) -> str:
        i, n = operator.index(idx), len(self._modules)
        if not -n <= i < n:
            raise IndexError(f"{type(self).__name__}: index {i} is out of range for {n} modules")
        return list(self._modules)[i % n]

    def _renumber(self, modules: list) -> None:
        # After a deletion or insertion the names are 0..n-1 again, as PyTorch does.
        self._modules.clear()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(self._key(idx), module)

    def __delitem__(self, idx: Any) -> None:
        items = list(self._modules.values())
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[list(self._modules).index(self._key(idx))]
        self._renumber(items)

    def append(self, module: Module) -> Self:
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Self:
        """Add every module of ``modules`` at the end."""
        if isinstance(modules, Module) and not isinstance(modules, _Container):
            raise TypeError(
                f"{type(self).__name__}.extend should be called with an iterable of modules, "
                f"but got a single {type(modules).__name__}; use append()."
            )
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> Self:
        """Put ``module`` before position ``index``."""
        items = list(self._modules.values())
        n = len(items)
        if not -n <= index <= n:
            raise IndexError(
                f"{type(self).__name__}.insert: index {index} is out of range for {n} modules"
            )
        items.insert(index, module)
        self._renumber(items)
        return self


class Sequential(_Container):
    """Layers applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Args:
        *args: modules, named ``'0'``, ``'1'``, ... in order; or one ``OrderedDict``
            of name -> module, to choose the names.

    Example:
        >>> model = tg.nn.Sequential(tg.nn.Linear(784, 128), tg.nn.ReLU(),
        ...                          tg.nn.Linear(128, 10))
        >>> model[0]
        Linear(in_features=784, out_features=128, bias=True)
        >>> model = tg.nn.Sequential(OrderedDict([("fc", tg.nn.Linear(4, 2))]))
        >>> [n for n, _ in model.named_parameters()]
        ['fc.weight', 'fc.bias']
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):  # keeps the names, as PyTorch
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._key(idx)]


class ModuleList(_Container):
    """A list of modules whose parameters the parent module sees.

    A plain Python list of layers would hide their parameters from ``parameters()``
    (and so from the optimizer); a ModuleList registers them as ``'0'``, ``'1'``, ...

    Example:
        >>> layers = tg.nn.ModuleList([tg.nn.Linear(8, 8) for _ in range(3)])
        >>> len(list(layers.parameters()))
        6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._key(idx)]

    def __iadd__(self, modules: Iterable[Module]) -> Self:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList(list(self) + list(other))

    def __repr__(self) -> str:
        # Runs of identical children print once, "(0-2): 3 x Linear(...)", as PyTorch.
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        blocks: list[list] = []  # [start, end, repr]
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            line = f"({start}): {r}" if start == end else f"({start}-{end}): {end - start + 1} x {r}"
            lines.append(addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters the parent module sees (keys keep their order).

    Args:
        modules: a mapping or an iterable of ``(name, module)`` pairs.

    Example:
        >>> heads = tg.nn.ModuleDict({"cls": tg.nn.Linear(8, 3), "box": tg.nn.Linear(8, 4)})
        >>> [n for n, _ in heads.named_parameters()][:2]
        ['cls.weight', 'cls.bias']
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module."""
        v = self[key]
        del self[key]
        return v

    def keys(self) -> Any:
        return self._modules.keys()

    def items(self) -> Any:
        return self._modules.items()

    def values(self) -> Any:
        return self._modules.values()

    def update(self, modules: Any) -> None:
        """Add (or replace) modules from a mapping or an iterable of ``(key, module)``."""
        if isinstance(modules, (dict, ModuleDict)) or hasattr(modules, "keys"):
            for key, module in modules.items():
                self[key] = module
            return
        if isinstance(modules, Module):
            raise TypeError(
                "ModuleDict.update should be called with an iterable of key/value pairs, "
                f"but got {type(modules).__name__}"
            )
        for j, pair in enumerate(modules):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(
                    f"ModuleDict update sequence element #{j} should be an iterable of "
                    f"length 2, got {pair!r}"
                )
            self[pair[0]] = pair[1]
