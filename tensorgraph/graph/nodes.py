"""The frozen records :func:`tensorgraph.graph.trace` returns: ``Node``, ``Edge``, ``Graph``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .summary import Summary


@dataclass(frozen=True, repr=False)
class Node:
    """One node of the traced graph.

    Attributes:
        id: position in ``Graph.nodes`` (data-flow order: inputs before outputs);
            drawings number nodes by it.
        kind: ``'tensor'`` or ``'op'``.
        op: the primitive's class name (``'MatMul'``) for op nodes; for a tensor,
            the op that produced it (``None`` for a leaf).
        name: display name, unique in the graph: a parameter name (``'0.weight'``),
            the tensor's ``name``, a variable name from ``trace(names=)``, ``'loss'``
            for the root, ``'target'`` for a loss's labels, else a role
            (``'input'``, ``'Mul out'``); repeated names are numbered (`` 1``, `` 2``).
        named: the name came from the user (parameter, ``Tensor.name``, ``names=``).
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
        saved_bytes: op nodes: bytes of the arrays the node keeps for backward
            (each buffer counted once in the whole graph).
        changed: a leaf whose data changed (in place, e.g. ``opt.step()``) after ops
            used it: the values shown are newer than the ones the graph computed with.
        gradcheck: op nodes, with ``trace(gradcheck=True)``: the largest relative
            error between the op's backward and finite differences (``None``:
            not checked).
    """

    id: int
    kind: str
    op: str | None
    name: str
    shape: tuple
    dtype: str
    requires_grad: bool
    is_leaf: bool
    named: bool = False
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
    saved_bytes: int = 0
    changed: bool = False
    gradcheck: float | None = None

    @property
    def is_param(self) -> bool:
        return self.kind == "tensor" and self.is_leaf and self.module is not None

    def __repr__(self) -> str:
        what = self.op if self.kind == "op" else f"{self.name!r} {tuple(self.shape)} {self.dtype}"
        return f"<Node {self.id} {self.kind} {what}>"


@dataclass(frozen=True)
class Edge:
    """Data flows from node ``src`` to node ``dst``; ``arg`` is the input slot name.

    ``grad`` (tensor -> op edges, when gradients were computed) summarises the
    gradient this op sends back to that tensor: its term of the chain rule's sum.
    """

    src: int
    dst: int
    arg: str | None = None
    grad: Summary | None = None


@dataclass(frozen=True, repr=False)
class Graph:
    """A frozen snapshot of the graph recorded behind ``root``.

    In Jupyter a Graph displays as its drawing (``viz.draw``).

    Attributes:
        nodes: all nodes in data-flow (topological) order; ``nodes[i].id == i``.
        edges: data-flow edges (tensor -> op -> tensor).
        root: id of the root tensor.
        backward_order: op node ids in the order the engine's backward visits them.
        grads_computed: True when every tensor's gradient was computed by ``trace``.
        grad_note: why gradients are missing or partial, when they are.
        modules: ``(path, type name)`` of every module that owns a node.
        freed: backward already freed the saved arrays (intermediates' gradients
            are gone; drawings say "grad freed").
        changed: names of leaves modified after the graph used them (e.g. the
            weights after ``opt.step()``).
        error: for a partial graph (``viz`` CLI after a failing forward): the error.
        highlight: for a partial graph: ids of the failing op's operands.
    """

    nodes: tuple
    edges: tuple
    root: int
    backward_order: tuple
    grads_computed: bool = False
    grad_note: str | None = None
    modules: tuple = ()
    freed: bool = False
    changed: tuple = ()
    error: str | None = None
    highlight: tuple = ()

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __repr__(self) -> str:
        return (f"<Graph: {len(self.ops)} ops, {len(self.tensors)} tensors, root "
                f"{self.nodes[self.root].name!r}{', grads' if self.grads_computed else ''}>")

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

    def edge(self, src: int, dst: int) -> Edge | None:
        """The first edge from ``src`` to ``dst``."""
        return next((e for e in self.edges if e.src == src and e.dst == dst), None)

    def _repr_svg_(self) -> Any:
        # Jupyter: the drawing, when viz (and graphviz's dot) are there.
        try:
            import viz
        except ImportError:
            return None
        if not viz.dot_available():
            return None
        return viz.draw(self)._repr_image_svg_xml()
