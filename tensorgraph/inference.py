"""``tg.inference_mode``: torch's faster ``no_grad`` for evaluation, here exactly ``no_grad``.

PyTorch's inference mode also skips version-counter bookkeeping; tensorgraph has no such
cost to save, so the mode turns gradient recording off and remembers that it is on
(``tg.is_inference_mode_enabled()``). Context manager and decorator, as torch's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .autograd import no_grad

__all__ = ["inference_mode", "is_inference_mode_enabled"]

_active = [False]


class inference_mode:  # noqa: N801 - torch's name
    """Context manager / decorator: no gradients are recorded inside (as ``no_grad``).

    Args:
        mode: True (the default) turns inference mode on; False leaves the grad mode as
            it is (torch's ``inference_mode(False)`` inside an inference block).

    Example:
        >>> with tg.inference_mode():
        ...     y = model(x)               # y.requires_grad is False
        >>> @tg.inference_mode()
        ... def predict(x):
        ...     return model(x).argmax(1)
    """

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # bare @tg.inference_mode on a function
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        self._prev_active = _active[0]
        self._grad = no_grad() if self.mode else None
        if self._grad is not None:
            self._grad.__enter__()
        _active[0] = self.mode

    def __exit__(self, *exc: object) -> None:
        if self._grad is not None:
            self._grad.__exit__(*exc)
        _active[0] = self._prev_active

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_inference_mode_enabled() -> bool:
    """True inside ``tg.inference_mode()``."""
    return _active[0]
