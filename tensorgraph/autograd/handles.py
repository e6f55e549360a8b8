"""RemovableHandle: what ``register_hook`` returns, as torch's ``utils.hooks``."""

from __future__ import annotations

from collections.abc import Callable


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list, fn: Callable) -> None:
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)
