"""``tg.jit``: torch.jit's names, with no TorchScript behind them.

``script`` and ``trace`` return the function or module unchanged (one note on first use,
as ``tg.compile``): the program runs eagerly with the same numbers. The decorators
(``ignore``, ``unused``, ``export``) leave what they decorate as it is; ``is_scripting()``
and ``is_tracing()`` answer False. Saving or loading TorchScript archives, and every other
name, exists but raises :class:`~tensorgraph.unsupported.NotAvailableError` on use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .unsupported import note_once, raising_getattr

__all__ = ["annotate", "export", "ignore", "is_scripting", "is_tracing", "script", "trace",
           "trace_module", "unused"]

_NOTE = ("torch.jit.{}: tensorgraph has no TorchScript; the {} runs eagerly as written "
         "(same results).")


def script(obj: Any, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None,
           example_inputs: Any = None) -> Any:
    """torch.jit.script's signature; returns ``obj`` (a function or Module) unchanged.

    Example:
        >>> model = tg.jit.script(model)     # the same object back
    """
    note_once("jit.script", _NOTE.format("script", "model"))
    return obj


def trace(func: Any, example_inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
    """torch.jit.trace's signature; returns ``func`` unchanged (nothing is recorded)."""
    note_once("jit.trace", _NOTE.format("trace", "model"))
    return func


def trace_module(mod: Any, inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
    """torch.jit.trace_module's signature; returns ``mod`` unchanged."""
    note_once("jit.trace", _NOTE.format("trace_module", "module"))
    return mod


def _decorator(fn: Callable | None, **_: Any) -> Any:
    """``@deco`` and ``@deco(...)`` alike: the function itself comes back."""
    return (lambda f: f) if fn is None else fn


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """``@torch.jit.ignore`` / ``@torch.jit.ignore(drop=True)``: the function unchanged."""
    return _decorator(drop if callable(drop) else None)


def unused(fn: Callable) -> Callable:
    """``@torch.jit.unused``: the function unchanged."""
    return fn


def export(fn: Callable) -> Callable:
    """``@torch.jit.export``: the method unchanged."""
    return fn


def is_scripting() -> bool:
    """False: code never runs under TorchScript here."""
    return False


def is_tracing() -> bool:
    """False: nothing is traced."""
    return False


def annotate(the_type: Any, the_value: Any) -> Any:
    """``torch.jit.annotate(T, v)``: ``v`` (the type only matters to TorchScript)."""
    return the_value


__getattr__ = raising_getattr("torch.jit", "TorchScript (saving, loading, freezing)")
