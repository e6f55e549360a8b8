"""A public, read-only view of a recorded graph: what ``viz`` (and you) can read.

The engine keeps its graph as live objects (a tensor's ``grad_fn`` node, the node's
``inputs``). :func:`trace` walks them once and returns a frozen snapshot: a
:class:`Graph` of tensor nodes and op nodes in data-flow order, with shapes, dtypes,
value and gradient summaries, the engine's backward order and, for every op, the
chain-rule formula taken from its primitive's one-line docstring
(``"y = a * b;  da = g * b,  db = g * a"``).

Intermediate tensors do not keep gradients in the engine (only leaves get ``.grad``).
``trace(root, grads=True)`` runs a backward pass of its own over the still-recorded
graph to get every tensor's gradient, without touching any ``.grad``.

``Summary`` and the formulas are computed in ``_graph_summary.py``; ``record_sources``
and ``record_modules`` live in ``_graph_record.py``. All are public from here.

Example:
    >>> with tg.graph.record_sources():          # optional: remember code lines
    ...     loss = ((x @ w).relu() ** 2).mean()
    >>> g = tg.graph.trace(loss, params={"w": w}, grads=True)
    >>> [n.op for n in g.ops]
    ['MatMul', 'ReLU', 'Pow', 'Sum', 'Mul']
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import autograd
from ._graph_record import _OWNER, record_modules, record_sources
from ._graph_summary import (
    SMALL,
    Summary,
    _formula,
    _input_names,
    _short_repr,
    backward_formula,
)

__all__ = [
    "SMALL",
    "Edge",
    "Graph",
    "Node",
    "Summary",
    "backward_formula",
    "record_modules",
    "record_sources",
    "trace",
]


# ---------------------------------------------------------------- nodes, edges
@dataclass(frozen=True)
class Node:
    """One node of the traced graph.

    Attributes:
        id: position in ``Graph.nodes`` (data-flow order: inputs before outputs).
        kind: ``'tensor'`` or ``'op'``.
        op: the primitive's class name (``'MatMul'``) for op nodes; for a tensor,
            the op that produced it (``None`` for a leaf).
        name: display name: a parameter name (``'0.weight'``), the tensor's ``name``,
            ``'loss'`` for the root, else a generic one (``'input'``, ``'MatMul out'``).
        shape, dtype: of the tensor (of the output, for an op node).
        requires_grad: whether a gradient will flow to it.
        is_leaf: a tensor made by the user, not by an op.
        value: summary of the tensor's data (``None`` for op nodes).
        grad: summary of d(root)/d(tensor) when known (see :func:`trace`).
        source: ``'file:line: code'`` that created it, if recorded.
        formula: op nodes: the local derivative, e.g. ``'dL/da = dL/dy @ b^T, ...'``.
        forward: op nodes: the forward math, e.g. ``'y = a @ b'``.
        args: op nodes: the names of its tensor inputs, in order (``('a', 'b')``).
        params: op nodes: non-tensor arguments as ``(name, repr)`` pairs.
        module: path of the module it belongs to (``'0'``), when known.
        inputs, outputs: ids of the nodes with an edge into / out of this one.
    """

    id: int
    kind: str
    op: str | None
    name: str
    shape: tuple
    dtype: str
    requires_grad: bool
    is_leaf: bool
    value: Summary | None = None
    grad: Summary | None = None
    source: str | None = None
    formula: str | None = None
    forward: str | None = None
    args: tuple = ()
    params: tuple = ()
    module: str | None = None
    inputs: tuple = ()
    outputs: tuple = ()

    @property
    def is_param(self) -> bool:
        return self.kind == "tensor" and self.is_leaf and self.module is not None


@dataclass(frozen=True)
class Edge:
    """Data flows from node ``src`` to node ``dst``; ``arg`` is the input slot name."""

    src: int
    dst: int
    arg: str | None = None


@dataclass(frozen=True)
class Graph:
    """A frozen snapshot of the graph recorded behind ``root``.

    Attributes:
        nodes: all nodes in data-flow (topological) order; ``nodes[i].id == i``.
        edges: data-flow edges (tensor -> op -> tensor).
        root: id of the root tensor.
        backward_order: op node ids in the order the engine's backward visits them.
        grads_computed: True when every tensor's gradient was computed by ``trace``.
        grad_note: why gradients are missing or partial, when they are.
        modules: ``(path, type name)`` of every module that owns a node.
    """

    nodes: tuple
    edges: tuple
    root: int
    backward_order: tuple
    grads_computed: bool = False
    grad_note: str | None = None
    modules: tuple = ()

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    @property
    def ops(self) -> tuple:
        return tuple(n for n in self.nodes if n.kind == "op")

    @property
    def tensors(self) -> tuple:
        return tuple(n for n in self.nodes if n.kind == "tensor")

    def producer(self, tensor_id: int) -> Node | None:
        """The op node that produced a tensor node (``None`` for a leaf)."""
        ins = self.nodes[tensor_id].inputs
        return self.nodes[ins[0]] if ins else None

    def module_type(self, path: str) -> str | None:
        return dict(self.modules).get(path)


def _module_info(params: Mapping[str, Any] | None, model: Any) -> tuple[dict, dict]:
    """``(id(param) -> name, module path -> type name)`` from ``params``/``model``."""
    if params is None and model is not None:
        params = dict(model.named_parameters())
    names = {id(t): name for name, t in (params or {}).items()}
    types: dict[str, str] = {}
    if model is not None and hasattr(model, "named_modules"):
        types = {p: type(m).__name__ for p, m in model.named_modules() if p}
    return names, types


# ---------------------------------------------------------------- trace
def trace(root: Any, params: Mapping[str, Any] | None = None, model: Any = None,
          grads: bool = False) -> Graph:
    """Snapshot the graph recorded behind ``root`` as a read-only :class:`Graph`.

    Args:
        root: the Tensor whose history to trace (usually the loss).
        params: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``): leaves
            get these names and ops are grouped into the modules that own them.
        model: an ``nn.Module``; shorthand for ``params=dict(model.named_parameters())``
            that also records each module's type for cluster titles.
        grads: compute d(root)/d(t) for every tensor ``t`` in the graph, intermediates
            included, by running a backward pass of trace's own (hooks are not run,
            and no ``.grad`` changes). Works before or after ``root.backward()``
            as long as the graph is alive (``retain_graph=True``); if it was freed,
            leaves' ``.grad`` are used and ``Graph.grad_note`` says why.
            With ``grads=False`` the gradients shown are the ``.grad`` already there.

    Returns:
        A :class:`Graph` whose ``nodes`` are in data-flow order and whose
        ``backward_order`` is the order the engine's backward visits the ops.

    Example:
        >>> w = tg.randn(3, 2, requires_grad=True)
        >>> loss = (tg.ones(4, 3) @ w).sum()
        >>> g = trace(loss, params={"w": w}, grads=True)
        >>> [(n.kind, n.name) for n in g.nodes][:3]
        [('tensor', 'input'), ('tensor', 'w'), ('op', 'MatMul')]
    """
    tensor_cls = autograd._Tensor
    if not isinstance(root, tensor_cls):
        raise TypeError(
            f"graph.trace: expected a tensorgraph Tensor (e.g. the loss), got "
            f"{type(root).__name__}."
        )
    param_names, module_types = _module_info(params, model)
    order = autograd.topological_order([root.grad_fn]) if root.grad_fn is not None else []

    gradients, grad_note, computed = _gradients(root, order, grads)

    # Tensor nodes are keyed by their producing op (several Tensor objects may share
    # one), leaves by identity.
    tensors: dict[int, Any] = {}
    for fn in order:
        for t in fn.inputs:
            key = id(t.grad_fn) if t.grad_fn is not None else id(t)
            tensors.setdefault(key, t)
    tensors.setdefault(id(root.grad_fn) if root.grad_fn is not None else id(root), root)

    builder = _Builder(param_names, module_types, gradients)
    fwd = order[::-1]
    for fn in fwd:
        for t in fn.inputs:
            if t.grad_fn is None:
                builder.tensor(t, None)
        op_id = builder.op(fn)
        builder.tensor(tensors[id(fn)], op_id, is_root=tensors[id(fn)] is root)
    if root.grad_fn is None:
        builder.tensor(root, None, is_root=True)
    builder.assign_modules(fwd)
    nodes = builder.freeze()
    ids = builder.ids
    return Graph(
        nodes=nodes,
        edges=tuple(builder.edges),
        root=builder.tensor_ids[id(root.grad_fn) if root.grad_fn is not None else id(root)],
        backward_order=tuple(ids[id(fn)] for fn in order),
        grads_computed=computed,
        grad_note=grad_note,
        modules=tuple(sorted({(m, module_types.get(m, "")) for m in
                              (n.module for n in nodes) if m is not None})),
    )


def _gradients(root: Any, order: list, want: bool) -> tuple[dict, str | None, bool]:
    """``{id(tensor or op): gradient array}``, a note when incomplete, and whether computed."""
    existing: dict[int, Any] = {}
    for fn in order:
        for t in fn.inputs:
            if t.grad is not None:  # leaves after backward(), or retain_grad()
                existing[id(t.grad_fn) if t.grad_fn is not None else id(t)] = t.grad.array
    if root.grad is not None:
        existing[id(root.grad_fn) if root.grad_fn is not None else id(root)] = root.grad.array
    if not want:
        return existing, None, False
    if not root.requires_grad:
        return existing, "the root does not require grad: no gradients flow", False
    if any(fn.saved is None for fn in order):
        return existing, (
            "gradients of intermediate tensors are not shown: backward() already freed "
            "this graph. Call loss.backward(retain_graph=True), or trace before "
            "backward(); leaves show their .grad."), False

    targets: dict[int, Any] = {}
    for fn in order:
        for t in fn.inputs:
            if t.requires_grad:
                targets.setdefault(id(t.grad_fn) if t.grad_fn is not None else id(t), t)
    targets.setdefault(id(root.grad_fn) if root.grad_fn is not None else id(root), root)
    seed = None if root.array.size == 1 else _ones(root)
    # Our own pass must not fire user hooks (a retain_grad hook would add to .grad).
    hooks = [(fn, fn.pre_hooks) for fn in order if fn.pre_hooks]
    for fn, _ in hooks:
        fn.pre_hooks = None
    try:
        found = autograd.grad(root, list(targets.values()), grad_outputs=seed,
                              retain_graph=True, allow_unused=True)
    except RuntimeError as exc:  # e.g. detect_anomaly tripped on a NaN
        return existing, f"gradients could not be computed: {exc}", False
    finally:
        for fn, h in hooks:
            fn.pre_hooks = h
    note = None if seed is None else "the root is not a scalar: its gradient is all ones"
    grads = {k: g.array for k, g in zip(targets, found) if g is not None}
    return grads, note, True


def _ones(like: Any) -> Any:
    return autograd._Tensor._wrap(np.ones_like(like.array), False)


class _Builder:
    """Accumulates nodes and edges while :func:`trace` walks the graph forward."""

    def __init__(self, param_names: dict, module_types: dict, gradients: dict) -> None:
        self.param_names, self.module_types, self.gradients = (
            param_names, module_types, gradients)
        self.rows: list[dict] = []
        self.edges: list[Edge] = []
        self.ids: dict[int, int] = {}  # id(op) -> op node id
        self.tensor_ids: dict[int, int] = {}  # id(leaf) or id(producing op) -> node id
        self.out_of: dict[int, int] = {}  # op node id -> its output tensor node id

    def _add(self, **row: Any) -> int:
        row["id"] = len(self.rows)
        row.setdefault("inputs", [])
        row.setdefault("outputs", [])
        self.rows.append(row)
        return row["id"]

    def _edge(self, src: int, dst: int, arg: str | None = None) -> None:
        self.edges.append(Edge(src, dst, arg))
        self.rows[src]["outputs"].append(dst)
        self.rows[dst]["inputs"].append(src)

    def tensor(self, t: Any, op_id: int | None, is_root: bool = False) -> int:
        key = id(t) if op_id is None else id(t.grad_fn)
        if key in self.tensor_ids and op_id is None:
            return self.tensor_ids[key]
        g = self.gradients.get(key)
        pname = self.param_names.get(id(t)) if op_id is None else None
        node_id = self._add(
            kind="tensor", op=None if op_id is None else self.rows[op_id]["op"],
            name=self._tensor_name(t, op_id, pname, is_root),
            shape=tuple(t.shape), dtype=_dtype_name(t.dtype),
            requires_grad=bool(t.requires_grad), is_leaf=op_id is None,
            value=Summary.of(t.array), grad=None if g is None else Summary.of(g),
            source=None if op_id is None else self.rows[op_id]["source"],
            module=_module_of(pname) if pname else None)
        self.tensor_ids[key] = node_id
        if op_id is not None:
            self._edge(op_id, node_id)
            self.out_of[op_id] = node_id
        return node_id

    def _tensor_name(self, t: Any, op_id: int | None, pname: str | None,
                     is_root: bool) -> str:
        if pname:
            return pname
        if getattr(t, "name", None):
            return str(t.name)
        if is_root:
            return "loss" if t.array.size == 1 else "output"
        if op_id is not None:
            return f"{self.rows[op_id]['op']} out"
        if not t.requires_grad and t.array.size == 1:
            return "const"
        return "leaf" if t.requires_grad else "input"

    def op(self, fn: Any) -> int:
        cls = type(fn)
        fwd, formula = _formula(cls)
        args = _input_names(cls, len(fn.inputs))
        node_id = self._add(
            kind="op", op=cls.__name__, name=cls.__name__, shape=(), dtype="",
            requires_grad=True, is_leaf=False, source=fn.source, formula=formula,
            forward=fwd, args=args,
            params=tuple((k, _short_repr(v)) for k, v in fn.kwargs.items()),
            module=None)
        self.ids[id(fn)] = node_id
        for t, arg in zip(fn.inputs, args):
            key = id(t.grad_fn) if t.grad_fn is not None else id(t)
            self._edge(self.tensor_ids[key], node_id, arg)
        return node_id

    def assign_modules(self, fwd: list) -> None:
        """Ops recorded by :func:`record_modules` keep that module; otherwise an op
        belongs to the module whose parameters it consumes (directly, or through ops
        on that module's parameters alone, like ``W.T``)."""
        rows = self.rows
        for fn in fwd:
            owner = _OWNER.get(fn)
            if owner is not None:
                rows[self.ids[id(fn)]]["module"] = owner[0]
                self.module_types.setdefault(*owner)
        # pure[node id] = module whose parameters (alone) the tensor is made from
        pure: dict[int, str] = {r["id"]: r["module"] for r in rows
                                if r["kind"] == "tensor" and r["is_leaf"] and r["module"]}
        for fn in fwd:
            op_id = self.ids[id(fn)]
            ins = rows[op_id]["inputs"]
            # Scalar constants (``W * 0.5``) keep a tensor pure; data inputs do not.
            mixed = [i for i in ins if i not in pure and not _is_scalar_const(rows[i])]
            mods = [pure[i] for i in ins if i in pure]
            if not mixed and len(set(mods)) == 1:
                pure[self.out_of[op_id]] = mods[0]
            if rows[op_id]["module"] is None and mods:
                rows[op_id]["module"] = mods[0]
        for op_id, t_id in self.out_of.items():
            rows[t_id]["module"] = rows[op_id]["module"]

    def freeze(self) -> tuple:
        nodes = []
        for r in self.rows:
            r["inputs"], r["outputs"] = tuple(r["inputs"]), tuple(r["outputs"])
            if r["kind"] == "op":  # an op node shows its output's shape and dtype
                out = self.rows[self.out_of[r["id"]]]
                r.update(shape=out["shape"], dtype=out["dtype"], value=None)
            nodes.append(Node(**r))
        return tuple(nodes)


def _is_scalar_const(row: dict) -> bool:
    return row["is_leaf"] and not row["requires_grad"] and row["value"].numel == 1


def _module_of(param_name: str) -> str | None:
    return param_name.rpartition(".")[0] or None


@functools.cache
def _dtype_name(dtype: np.dtype) -> str:
    return str(dtype)
