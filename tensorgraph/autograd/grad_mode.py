"""Grad mode and anomaly mode: switches that are thread-local, as in PyTorch.

``no_grad`` / ``enable_grad`` / ``set_grad_enabled`` turn graph recording off and on;
``detect_anomaly`` makes each new node remember the line of user code that created it
and makes backward stop at the first NaN/inf gradient. Each thread has its own modes
(``modes``, a ``threading.local``): ``no_grad()`` in one thread leaves recording on in
the others, so two threads can train two models at once.

``Function.apply`` reads the modes on every op, and a ``threading.local`` read costs
twice a plain attribute read. So the modes are only read when some thread has one
that is not its default: ``nondefault[0]`` counts those (grad off, create_graph,
anomaly, source recording), and while it is 0 every thread is in the default mode.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, Self

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_DEFAULTS = {"grad_enabled": True, "create_graph": False, "anomaly": False,
             "record_source": False}


class _Modes(threading.local):
    """This thread's modes; class attributes are every new thread's defaults."""

    grad_enabled = True
    create_graph = False  # a create_graph backward is running: backward sees Tensors
    anomaly = False  # backward checks each gradient for NaN/inf
    record_source = False  # each new node remembers the user's line that made it


modes = _Modes()
# How many (thread, mode) pairs are away from their default; 0 means "all default".
nondefault = [0]
_lock = threading.Lock()


def set_mode(name: str, value: bool) -> bool:
    """Set this thread's mode ``name`` to ``value``; returns the previous value."""
    prev = getattr(modes, name)
    if prev != value:
        setattr(modes, name, value)
        default = _DEFAULTS[name]
        with _lock:  # += on a shared int is not atomic across threads
            nondefault[0] += (value != default) - (prev != default)
    return prev


def get_mode(name: str) -> bool:
    """This thread's mode ``name`` (cheap when every thread is in its default mode)."""
    return getattr(modes, name) if nondefault[0] else _DEFAULTS[name]


@contextlib.contextmanager
def mode(name: str, value: bool) -> Iterator[None]:
    """Context manager: this thread's mode ``name`` is ``value`` inside."""
    prev = set_mode(name, value)
    try:
        yield
    finally:
        set_mode(name, prev)


class _Counters:
    """Process-wide counters (not modes: they order events across all threads)."""

    inplace_ops = 0  # bumped by in-place ops: lets backward skip version checks
    view_rebases = 0  # bumped when an in-place op rewires the history of a viewed tensor


counters = _Counters


# ---------------------------------------------------------------- grad mode
class _GradMode:
    """Base of ``no_grad``/``enable_grad``: a context manager and a decorator."""

    _enabled = True

    def __enter__(self) -> None:
        self._prev = set_mode("grad_enabled", self._enabled)

    def __exit__(self, *exc: object) -> None:
        set_mode("grad_enabled", self._prev)

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager / decorator: ops inside record nothing (as ``torch.no_grad``).

    Only the current thread is affected.

    Example:
        >>> with tg.no_grad():
        ...     y = model(x)          # y.requires_grad is False
    """

    _enabled = False


class enable_grad(_GradMode):
    """Context manager / decorator that turns recording back on inside ``no_grad``."""

    _enabled = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` works like ``no_grad``; ``True`` like ``enable_grad``.

    Called as a plain function it switches the mode at once (as torch).
    """

    def __init__(self, mode: bool) -> None:
        self._enabled = bool(mode)
        self._prev = set_mode("grad_enabled", self._enabled)

    def __enter__(self) -> None:
        # The mode before the call was captured in __init__, which already switched it.
        set_mode("grad_enabled", self._enabled)

    def __call__(self, fn: Callable) -> Callable:
        set_mode("grad_enabled", self._prev)
        mode = self._enabled

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


def is_grad_enabled() -> bool:
    """True when ops record the graph in this thread (outside ``no_grad``)."""
    return get_mode("grad_enabled")


# ---------------------------------------------------------------- anomaly mode
class detect_anomaly:
    """Context manager: find the op that first produced NaN/inf in backward.

    Inside it every node remembers the line of user code that created it, and
    backward raises ``RuntimeError`` naming the op and that line as soon as a
    gradient contains NaN or inf. Only the current thread is affected.

    Example:
        >>> with tg.autograd.detect_anomaly():
        ...     loss = (x.log() * 0).sum()
        ...     loss.backward()     # RuntimeError: ... LogBackward ... at train.py:12
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> Self:
        self._prev = (set_mode("anomaly", self.check_nan), set_mode("record_source", True))
        return self

    def __exit__(self, *exc: object) -> None:
        set_mode("anomaly", self._prev[0])
        set_mode("record_source", self._prev[1])


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` in this thread."""
    return get_mode("anomaly")


def record_source(enabled: bool = True) -> contextlib.AbstractContextManager:
    """Context manager: each node recorded inside remembers the user's line (``source``)."""
    return mode("record_source", enabled)


# ---------------------------------------------------------------- call sites
def outside_package(frame: FrameType | None) -> tuple[FrameType | None, int]:
    """The first frame from ``frame`` outwards whose code is not in the tensorgraph
    package (None if there is none), and how many frames out it is."""
    up = 0
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, up = frame.f_back, up + 1
    return frame, up


def user_frame() -> str:
    """'file:line: code' of the innermost caller outside the tensorgraph package."""
    frame, _ = outside_package(sys._getframe(2))
    if frame is None:
        return "<unknown>"
    import linecache

    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: {code}"
