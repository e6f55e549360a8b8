"""A public, read-only view of a recorded graph: what ``viz`` (and you) can read.

The engine keeps its graph as live objects (a tensor's ``grad_fn`` node, the node's
``edges``). :func:`trace` walks them once and returns a frozen snapshot: a
:class:`Graph` of tensor nodes and op nodes in data-flow order, with shapes, dtypes,
value and gradient summaries, the engine's backward order and, for every op, the
chain-rule formula taken from its primitive's math docstring
(``"y = a * b;  da = g * b,  db = g * a"``).

Intermediate tensors do not keep gradients in the engine (only leaves get ``.grad``).
``trace(root, grads=True)`` runs a backward pass of its own over the still-recorded
graph to get every tensor's gradient, without touching any ``.grad``.

Modules: ``trace.py`` (the walk), ``nodes.py`` (Node, Edge, Graph), ``summary.py``
(Summary, formulas), ``gradients.py`` (gradients, per-edge terms, finite-difference
check), ``record.py`` (record_sources, record_modules).

Example:
    >>> with tg.graph.record_sources():          # optional: remember code lines
    ...     loss = ((x @ w).relu() ** 2).mean()
    >>> g = tg.graph.trace(loss, params={"w": w}, grads=True)
    >>> [n.op for n in g.ops]
    ['MatMul', 'ReLU', 'Pow', 'Sum', 'Mul']
"""

from .nodes import Edge, Graph, Node
from .record import module_recording, record_all_modules, record_modules, record_sources
from .summary import SMALL, Summary, backward_formula, slot_formulas
from .trace import trace, trace_partial

__all__ = [
    "SMALL",
    "Edge",
    "Graph",
    "Node",
    "Summary",
    "backward_formula",
    "module_recording",
    "record_all_modules",
    "record_modules",
    "record_sources",
    "slot_formulas",
    "trace",
    "trace_partial",
]
