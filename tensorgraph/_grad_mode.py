"""Grad mode and anomaly detection: the process-wide switches every op reads.

``no_grad`` / ``enable_grad`` / ``set_grad_enabled`` turn graph recording off and on;
``detect_anomaly`` makes each new node remember the line of user code that created it
and makes backward stop at the first NaN/inf gradient. They all set class attributes
of ``_State``, which ``Function.apply`` reads on every op. Import them from
``tensorgraph.autograd`` (or ``tg.no_grad``); this module is where they live.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, Self

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class _State:
    """Process-wide autograd switches, read on every op (class attributes: fast)."""

    grad_enabled = True
    create_graph = False  # True while a create_graph backward runs: grads are Tensors
    anomaly = False
    record_source = False  # remember the user's line that created each node
    inplace_ops = 0  # bumped by in-place ops: lets backward skip version checks


# ---------------------------------------------------------------- grad mode
class _GradMode:
    """Base of ``no_grad``/``enable_grad``: a context manager and a decorator."""

    _enabled = True

    def __enter__(self) -> None:
        self._prev = _State.grad_enabled
        _State.grad_enabled = self._enabled

    def __exit__(self, *exc: object) -> None:
        _State.grad_enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager / decorator: ops inside record nothing (as ``torch.no_grad``).

    Example:
        >>> with tg.no_grad():
        ...     y = model(x)          # y.requires_grad is False
    """

    _enabled = False


class enable_grad(_GradMode):
    """Context manager / decorator that turns recording back on inside ``no_grad``."""

    _enabled = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` works like ``no_grad``; ``True`` like ``enable_grad``."""

    def __init__(self, mode: bool) -> None:
        self._enabled = bool(mode)
        self._prev = _State.grad_enabled
        _State.grad_enabled = self._enabled  # torch also applies it when called as a function

    def __enter__(self) -> None:
        # The mode before the call was captured in __init__, which already switched it.
        _State.grad_enabled = self._enabled

    def __call__(self, fn: Callable) -> Callable:
        _State.grad_enabled = self._prev
        mode = self._enabled

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_grad_enabled() -> bool:
    """True when ops record the graph (outside ``no_grad``)."""
    return _State.grad_enabled


class detect_anomaly:
    """Context manager: find the op that first produced NaN/inf in backward.

    Inside it every node remembers the line of user code that created it, and
    backward raises ``RuntimeError`` naming the op and that line as soon as a
    gradient contains NaN or inf.

    Example:
        >>> with tg.autograd.detect_anomaly():
        ...     loss = (x.log() * 0).sum()
        ...     loss.backward()     # RuntimeError: ... LogBackward ... at train.py:12
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> Self:
        self._prev = (_State.anomaly, _State.record_source)
        _State.anomaly = self.check_nan
        _State.record_source = True
        return self

    def __exit__(self, *exc: object) -> None:
        _State.anomaly, _State.record_source = self._prev


def _outside_package(frame: FrameType | None) -> tuple[FrameType | None, int]:
    """The first frame from ``frame`` outwards whose code is not in the tensorgraph
    package (None if there is none), and how many frames out it is."""
    up = 0
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, up = frame.f_back, up + 1
    return frame, up


def _user_frame() -> str:
    """'file:line: code' of the innermost caller outside the tensorgraph package."""
    frame, _ = _outside_package(sys._getframe(2))
    if frame is None:
        return "<unknown>"
    import linecache

    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: {code}"
