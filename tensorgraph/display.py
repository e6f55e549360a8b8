"""How tensors and modules show themselves in Jupyter (``_repr_html_``).

``DisplayMethods`` is mixed into ``Tensor``; ``module_html`` backs
``nn.Module._repr_html_``. Everything user-controlled (names, reprs) is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np


class DisplayMethods:
    """``Tensor``'s notebook display: shape, dtype, grad_fn, values and grad."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        t: Any = self
        fn = t.grad_fn
        facts = [f"shape {tuple(t.shape)}", str(t.array.dtype)]
        if t.name:
            facts.insert(0, f"<b>{html.escape(str(t.name))}</b>")
        if fn is not None:
            facts.append(f"grad_fn={html.escape(fn.name())}")
        elif t.requires_grad:
            facts.append("requires_grad (leaf)")
        rows = [f"<div>{' &middot; '.join(facts)}</div>", _values(t.array)]
        if (t.is_leaf or t.retains_grad) and t.grad is not None:  # others warn
            rows.append(f"<div>grad:</div>{_values(t.grad.array)}")
        return "<div class='tg-tensor'>" + "".join(rows) + "</div>"


def _values(a: np.ndarray) -> str:
    text = np.array2string(a, precision=4, threshold=60, edgeitems=3)
    return f"<pre style='margin:0'>{html.escape(text)}</pre>"


def module_html(module: Any) -> str:
    """A module's parameters per submodule, as an HTML table (``print(model)`` too)."""
    rows = []
    for path, m in module.named_modules():
        own = list(m.named_parameters(recurse=False))
        count = sum(p.numel() for _, p in own)
        shapes = ", ".join(f"{n} {tuple(p.shape)}" for n, p in own)
        rows.append(f"<tr><td style='text-align:left'>{html.escape(path or '(model)')}</td>"
                    f"<td style='text-align:left'>{html.escape(type(m).__name__)}</td>"
                    f"<td>{count:,}</td><td style='text-align:left'>"
                    f"{html.escape(shapes)}</td></tr>")
    total = sum(p.numel() for p in module.parameters())
    return (f"<details><summary><code>{html.escape(type(module).__name__)}</code>: {total:,}"
            f" parameters</summary><pre>{html.escape(repr(module))}</pre></details>"
            "<table><tr><th>module</th><th>type</th><th>params</th><th>shapes</th></tr>"
            + "".join(rows) + "</table>")
