"""torch's ``inplace=True`` for the activations and dropouts of ``nn.functional``.

``F.relu(x, inplace=True)`` returns ``x`` itself with the result written into its
buffer (aliases such as ``x.detach()`` see it, as in torch). While recording, the
write goes through :func:`tensorgraph.inplace.write`, so ``x``'s history is rebased
onto the new node (views rebase their base), and an in-place op on a leaf that
requires grad is refused with torch's message.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from ...inplace import write
from ...tensor import Tensor

__all__ = ["inplace_form"]


def inplace_form(op: str) -> Callable:
    """Decorate ``f(input, ..., inplace=False)`` (computed out of place, from ``input``
    only) so that ``inplace=True`` writes ``f(input, ...)`` into ``input`` and returns it."""

    def wrap(f: Callable) -> Callable:
        at = list(inspect.signature(f).parameters).index("inplace") - 1  # among *args

        @functools.wraps(f)
        def form(input, *args, **kwargs):
            if len(args) > at:  # inplace passed positionally: F.leaky_relu(x, 0.2, True)
                inplace, args = args[at], args[:at] + args[at + 1:]
            else:
                inplace = kwargs.pop("inplace", False)
            if not inplace:
                return f(input, *args, **kwargs)
            if not isinstance(input, Tensor):
                raise TypeError(f"{op}: inplace=True needs a Tensor input, got "
                                f"{type(input).__name__}.")
            return write(input, op + "_", lambda t: f(t, *args, **kwargs))

        return form

    return wrap
