"""AccumulateGrad: what ``grad_fn.next_functions`` shows for a leaf, as in PyTorch.

torch's graph ends, for each leaf that requires grad, in an ``AccumulateGrad`` node that
adds the incoming gradient into ``leaf.grad``. tensorgraph's engine does that itself
(engine.py, ``_accumulate``), so this object is a read-only view of the same wiring for
code that walks ``next_functions`` (the 60-minute blitz does): ``.variable`` is the leaf.
"""

from __future__ import annotations

from typing import Any


class AccumulateGrad:
    """The leaf end of a ``next_functions`` walk: ``.variable`` is the leaf tensor."""

    next_functions: tuple = ()

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"
