"""numpy's ``axis=`` spelling for ``dim=``, which torch accepts wherever a function takes a
dim (``x.cumsum(axis=1)``, ``tg.sort(x, axis=0)``, ``tg.cat(ts, axis=1)``).

The core reductions (``sum``, ``mean``, ``max``, ...) take ``axis`` themselves (they are
hot); the other dim-taking methods are wrapped here once, at import, by
:func:`accept_axis`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from .tensor import Tensor

# Tensor methods with a ``dim`` parameter that do not read ``axis`` themselves.
METHODS = (
    "cumsum", "cumprod", "softmax", "log_softmax", "median", "sort", "argsort", "topk",
    "kthvalue", "mode", "cummax", "cummin", "count_nonzero", "squeeze", "unsqueeze", "diff",
    "quantile", "nanquantile", "unbind", "chunk", "narrow", "select", "gather",
    "index_select", "take_along_dim", "unflatten", "tensor_split", "repeat_interleave",
    "split", "logsumexp", "norm", "nansum", "nanmean", "all", "any", "prod", "flatten",
)


def accept_axis(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` that also takes ``axis=`` for ``dim=`` (both at once is a TypeError)."""
    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs:
            if "dim" in kwargs:
                raise TypeError(f"{fn.__name__}(): got both dim and its alias axis; "
                                "pass one of them.")
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)

    wrapped.accepts_axis = True
    return wrapped


def _install() -> None:
    for name in METHODS:
        method = getattr(Tensor, name, None)
        if method is None or getattr(method, "accepts_axis", False):
            continue
        try:
            params = inspect.signature(method).parameters
        except (TypeError, ValueError):
            continue
        if "dim" in params and "axis" not in params:
            setattr(Tensor, name, accept_axis(method))


_install()

__all__ = ["METHODS", "accept_axis"]
