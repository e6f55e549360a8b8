"""tg.Size: the type of ``Tensor.shape`` and ``Tensor.size()``, a tuple of ints as torch.Size.

Inside the engine shapes stay plain tuples (``t.array.shape``): only the public
``shape``/``size()`` build a Size, so ops pay nothing for it.
"""

from __future__ import annotations

import operator
from typing import Any, SupportsIndex


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints, slices and adds as ``torch.Size``.

    It compares equal to a tuple with the same ints (not to a list, as torch), hashes
    as that tuple and pickles as itself. ``repr`` is torch's, ``torch.Size([2, 3])``,
    so a program's printed shapes read the same under either library.

    Example:
        >>> s = tg.zeros(2, 3).shape
        >>> s, s.numel(), s[1:], s + (4,)
        (torch.Size([2, 3]), 6, torch.Size([3]), torch.Size([2, 3, 4]))
    """

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> Size:
        if hasattr(sizes, "tolist") and not isinstance(sizes, tuple):
            sizes = sizes.tolist()  # a 1-d integer tensor or array, as torch allows
        items = []
        for i, n in enumerate(sizes):
            try:
                items.append(operator.index(n))
            except TypeError:
                raise TypeError(
                    f"torch.Size() takes an iterable of 'int' (item {i} is "
                    f"'{type(n).__name__}')"
                ) from None
        return super().__new__(cls, items)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        return (Size, (tuple(self),))

    def numel(self) -> int:
        """The number of elements of a tensor of this shape (1 for ``Size([])``)."""
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, key: SupportsIndex | slice) -> Any:
        out = super().__getitem__(key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n: SupportsIndex) -> Size:
        return Size(tuple(self) * n)

    __rmul__ = __mul__
