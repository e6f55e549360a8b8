"""torch names that make no sense on numpy, handled honestly.

``tg.compile`` returns the model or function unchanged (with a one-time note): there is
no compiler, and the program's numbers are the same. ``torch.distributed``, ``torch.onnx``
and CUDA-only pieces are modules whose names all exist, so a program imports them fine,
but *using* one raises :class:`NotAvailableError` saying so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["NotAvailableError", "compile", "not_available", "note_once", "raising_getattr"]


class NotAvailableError(RuntimeError):
    """The program used a torch feature tensorgraph does not have (GPU, distributed...)."""


def not_available(qualname: str, what: str) -> NotAvailableError:
    return NotAvailableError(
        f"{qualname} is not available in tensorgraph: {what} needs PyTorch itself "
        "(tensorgraph computes with numpy on the CPU, in one process)."
    )


def raising_getattr(module: str, what: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``module`` (torch-style name): every public
    name it is asked for is a function that raises :class:`NotAvailableError` on call."""

    def getattr_(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def unavailable(*args: Any, **kwargs: Any) -> Any:
            raise not_available(f"{module}.{name}", what)

        unavailable.__name__ = name
        unavailable.__qualname__ = f"{module}.{name}"
        return unavailable

    return getattr_


_noted: set[str] = set()


def note_once(key: str, message: str, stacklevel: int = 3) -> None:
    """Warn ``message`` the first time ``key`` is seen in this process (compile, jit)."""
    if key not in _noted:
        _noted.add(key)
        warnings.warn(message, stacklevel=stacklevel)


def compile(model: Callable | None = None, *, fullgraph: bool = False,
            dynamic: bool | None = None, backend: Any = "inductor", mode: str | None = None,
            options: dict | None = None, disable: bool = False) -> Any:
    """torch.compile's signature; returns ``model`` unchanged (there is no compiler).

    The first call notes on stderr (a warning) that nothing was compiled; results are
    identical either way, only PyTorch's speed-up is missing. ``tg.compile()`` with no
    model returns a decorator, as torch.

    Example:
        >>> model = tg.compile(model)        # the same object back
    """
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic,
                                  backend=backend, mode=mode, options=options,
                                  disable=disable)
    note_once("compile", "torch.compile: tensorgraph has no compiler; the model runs as "
              "written (same results, eager numpy speed).")
    return model
