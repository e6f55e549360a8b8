"""``trace``: walk the engine's live graph once and return a frozen :class:`Graph`.

The walk follows the engine's own wiring (``Function.edges``, the one accessor the
engine's backward uses too), so after
``z = y + 3; y.add_(1)`` the trace feeds ``z`` from ``y``'s value before ``add_``,
exactly as backward will.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import autograd
from ..tensor import Tensor
from .gradients import (
    finite_difference_error,
    op_input_gradients,
    tensor_gradients,
)
from .nodes import Edge, Graph, Node
from .record import module_owners
from .summary import Summary, formula_of, input_names, short_repr

#: Ops whose non-first inputs without gradient are labels: drawn as "target".
_LOSS_WORDS = ("Entropy", "Loss", "NLL")


def trace(root: Any, params: Mapping[str, Any] | None = None, model: Any = None,
          grads: bool = False, names: Mapping[str, Any] | None = None,
          gradcheck: bool = False) -> Graph:
    """Snapshot the graph recorded behind ``root`` as a read-only :class:`Graph`.

    Args:
        root: the Tensor whose history to trace (usually the loss).
        params: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``): leaves
            get these names and ops are grouped into the modules that own them.
        model: an ``nn.Module``; shorthand for ``params=dict(model.named_parameters())``
            that also records each module's type for cluster titles.
        grads: compute d(root)/d(t) for every tensor ``t`` in the graph, intermediates
            included, and each edge's term of it, by running a backward pass of
            trace's own (hooks are not run, and no ``.grad`` changes). Works before
            or after ``root.backward()`` as long as the graph is alive
            (``retain_graph=True``); if it was freed, leaves' ``.grad`` are used and
            ``Graph.grad_note`` says why. With ``grads=False`` the gradients shown
            are the ``.grad`` already there.
        names: a mapping such as ``locals()``: tensors found in it are named by their
            key (parameter names and ``Tensor.name`` win; keys starting with ``_``
            are skipped).
        gradcheck: compare each op's backward with central finite differences of
            its forward (float64 inputs of at most 256 elements); the result is
            ``Node.gradcheck``. Implies ``grads=True``.

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
    if not isinstance(root, Tensor):
        raise TypeError(
            f"graph.trace: expected a tensorgraph Tensor (e.g. the loss), got "
            f"{type(root).__name__}."
        )
    return _trace([root], params, model, grads, names, gradcheck)


def trace_partial(tensors: list, error: str, params: Mapping[str, Any] | None = None,
                  model: Any = None, names: Mapping[str, Any] | None = None) -> Graph:
    """The graph recorded up to a failing op: the history of ``tensors`` (the failing
    op's operands), which ``Graph.highlight`` lists, and ``error`` (its message).

    ``python -m viz`` draws this when a script's forward pass raises (a shape error).

    Example:
        >>> g = trace_partial([h, w], "linear: shapes (4, 5) and (3, 2) ...")
    """
    tensors = [t for t in tensors if isinstance(t, Tensor)]
    if not tensors:
        raise ValueError("graph.trace_partial: no tensors given.")
    return _trace(tensors, params, model, False, names, False, error)


def _trace(roots: list, params: Mapping[str, Any] | None, model: Any, grads: bool,
           names: Mapping[str, Any] | None, gradcheck: bool, error: str | None = None
           ) -> Graph:
    root = roots[0]
    partial = error is not None
    if params is None and model is not None:
        params = dict(model.named_parameters())
    module_types = ({p: type(m).__name__ for p, m in model.named_modules() if p}
                    if model is not None and hasattr(model, "named_modules") else {})
    module_paths = ({id(m): p for p, m in model.named_modules() if p}
                    if model is not None and hasattr(model, "named_modules") else {})
    order = autograd.topological_order([r.grad_fn for r in roots if r.grad_fn is not None])
    reps = _representatives(roots, order)
    gradients, note, computed = tensor_gradients(root, reps, order,
                                                 (grads or gradcheck) and not partial)
    builder = _Builder({id(t): n for n, t in (params or {}).items()}, module_types,
                       _variable_names(names), gradients, computed)
    fwd = order[::-1]
    for fn in fwd:
        for t, parent in fn.edges:
            if parent is None:
                builder.tensor(id(t), t, None)
        builder.op(fn, reps, gradcheck and computed)
    for r in roots:
        if r.grad_fn is None:
            builder.tensor(id(r), r, None)
    builder.assign_modules(fwd, module_paths)
    builder.name_all(None if partial else _key(root))
    nodes = builder.freeze()
    changed = tuple(n.name for n in nodes if n.changed)
    return Graph(
        nodes=nodes, edges=tuple(builder.edges), root=builder.tensor_ids[_key(root)],
        backward_order=tuple(builder.ids[id(fn)] for fn in order),
        grads_computed=computed, grad_note=note,
        modules=tuple(sorted({(m, builder.module_types.get(m, "")) for m in
                              (n.module for n in nodes) if m is not None})),
        freed=any(fn.saved is None for fn in order), changed=changed, error=error,
        highlight=tuple(builder.tensor_ids[_key(r)] for r in roots) if partial else ())


def _key(t: Tensor, parent: Any = None) -> int:
    """A tensor node's identity: its producing node (as the engine sees it), or the
    leaf itself; several Tensor objects may stand for one node."""
    fn = parent if parent is not None else t.grad_fn
    return id(fn) if fn is not None else id(t)


def _representatives(roots: list, order: list) -> dict[int, Tensor]:
    """``{node key: a Tensor whose grad_fn is that node}`` (a leaf: itself).

    After ``y.add_(1)`` the Tensor ``y`` belongs to the ``add_`` node; the node it
    had before is represented by the copy the in-place op kept, or by a stand-in.
    """
    reps: dict[int, Tensor] = {}
    stale: dict[int, tuple] = {}
    for fn in order:
        for t, parent in fn.edges:
            if parent is None or t.grad_fn is parent:
                reps.setdefault(_key(t, parent), t)
            else:
                stale.setdefault(id(parent), (t, parent))
    for r in roots:
        reps.setdefault(_key(r), r)
    for key, (t, parent) in stale.items():
        if key not in reps:
            stand_in = t.detach()
            stand_in.grad_fn, stand_in.requires_grad = parent, True
            reps[key] = stand_in
    return reps


def _variable_names(names: Mapping[str, Any] | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for var, obj in (names or {}).items():
        if isinstance(obj, Tensor) and not str(var).startswith("_"):
            out.setdefault(id(obj), str(var))
            if obj.grad_fn is not None:
                out.setdefault(id(obj.grad_fn), str(var))
    return out


class _Builder:
    """Accumulates nodes and edges while :func:`trace` walks the graph forward."""

    def __init__(self, param_names: dict, module_types: dict, var_names: dict,
                 gradients: dict, computed: bool) -> None:
        self.param_names, self.module_types, self.var_names = (
            param_names, module_types, var_names)
        self.gradients, self.computed = gradients, computed
        self.rows: list[dict] = []
        self.edges: list[Edge] = []
        self.ids: dict[int, int] = {}  # id(op) -> op node id
        self.tensor_ids: dict[int, int] = {}  # tensor key -> node id
        self.out_of: dict[int, int] = {}  # op node id -> its output tensor node id
        self.seen_buffers: set[int] = set()  # saved arrays already counted

    def _add(self, **row: Any) -> int:
        row["id"] = len(self.rows)
        row.setdefault("inputs", [])
        row.setdefault("outputs", [])
        self.rows.append(row)
        return row["id"]

    def tensor(self, key: int, t: Tensor, op_id: int | None, changed: bool = False) -> int:
        if key in self.tensor_ids:
            return self.tensor_ids[key]
        g = self.gradients.get(key)
        pname = self.param_names.get(id(t)) if op_id is None else None
        given = pname or (str(t.name) if t.name else None) or self.var_names.get(
            id(t) if op_id is None else key)
        node_id = self._add(
            kind="tensor", op=None if op_id is None else self.rows[op_id]["op"],
            name=given, named=given is not None, shape=tuple(t.shape), dtype=_dtype_name(t.dtype),
            requires_grad=bool(t.requires_grad), is_leaf=op_id is None,
            value=Summary.of(t.array), grad=None if g is None else Summary.of(g),
            source=None if op_id is None else self.rows[op_id]["source"],
            module=_module_of(pname) if pname else None, changed=changed)
        self.tensor_ids[key] = node_id
        if op_id is not None:
            self.edges.append(Edge(op_id, node_id))
            self.rows[op_id]["outputs"].append(node_id)
            self.rows[node_id]["inputs"].append(op_id)
            self.out_of[op_id] = node_id
        return node_id

    def op(self, fn: Any, reps: dict, gradcheck: bool) -> int:
        cls = getattr(fn, "user_class", None) or type(fn)  # a custom Function: the user's class
        fwd, formula = formula_of(cls)
        args = input_names(cls, len(fn.inputs))
        versions = getattr(fn, "versions", None) or (None,) * len(fn.inputs)
        node_id = self._add(
            kind="op", op=cls.__name__, name=cls.__name__, shape=(), dtype="",
            requires_grad=True, is_leaf=False, source=fn.source, formula=formula,
            forward=fwd, args=args,
            params=tuple((k, short_repr(v)) for k, v in fn.kwargs.items()),
            module=None, saved_bytes=self._saved_bytes(fn))
        self.ids[id(fn)] = node_id
        g_out = self.gradients.get(id(fn)) if self.computed else None
        terms = op_input_gradients(fn, g_out) if g_out is not None else [None] * len(args)
        if gradcheck and g_out is not None:
            self.rows[node_id]["gradcheck"] = finite_difference_error(fn, g_out, terms)
        for (t, parent), arg, v, term in zip(fn.edges, args, versions,
                                           terms):
            # A leaf written in place after this op used it (the weights after
            # opt.step()): the values shown are not the ones this op computed with.
            changed = parent is None and v is not None and t._version != v
            src = self.tensor_ids.get(_key(t, parent))
            if src is None:  # a rebased input whose producer is outside the graph
                src = self.tensor(_key(t, parent), reps[_key(t, parent)], None)
            elif changed:
                self.rows[src]["changed"] = True
            self.edges.append(Edge(src, node_id, arg,
                                   None if term is None else Summary.of(term)))
            self.rows[src]["outputs"].append(node_id)
            self.rows[node_id]["inputs"].append(src)
        self.tensor(id(fn), reps[id(fn)], node_id)
        return node_id

    def _saved_bytes(self, fn: Any) -> int:
        """Bytes of arrays ``fn`` keeps for backward that nothing counted before
        (parameters excluded: they exist anyway)."""
        params = {id(t.array) for t in fn.inputs if t.grad_fn is None and t.requires_grad}
        total = 0
        for name, value in vars(fn).items():
            if name in ("inputs", "kwargs", "versions", "needs_input_grad"):
                continue
            for a in value if isinstance(value, (tuple, list)) else (value,):
                if not isinstance(a, np.ndarray):
                    continue
                base = a
                while isinstance(base.base, np.ndarray):
                    base = base.base
                if id(base) in params or id(a) in params or id(base) in self.seen_buffers:
                    continue
                self.seen_buffers.add(id(base))
                total += base.nbytes
        return total

    def assign_modules(self, fwd: list, module_paths: dict) -> None:
        """Ops recorded by ``record_modules`` (or the always-on module recording) keep
        that module; otherwise an op belongs to the module whose parameters it
        consumes (directly, or through ops on that module's parameters alone)."""
        rows = self.rows
        owners = module_owners(fwd, module_paths)
        for fn in fwd:
            owner = owners.get(id(fn))
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

    def name_all(self, root_key: int | None) -> None:
        """Give every unnamed tensor a role name, then number repeated names."""
        rows = self.rows
        root_id = self.tensor_ids[root_key] if root_key is not None else None
        for r in rows:
            if r["kind"] == "op" or r["name"]:
                continue
            r["name"] = self._role(r, r["id"] == root_id)
        counts: dict[str, int] = {}
        for r in rows:
            if r["kind"] == "tensor":
                counts[r["name"]] = counts.get(r["name"], 0) + 1
        seen: dict[str, int] = {}
        for r in rows:
            if r["kind"] == "tensor" and counts[r["name"]] > 1:
                seen[r["name"]] = seen.get(r["name"], 0) + 1
                r["name"] = f"{r['name']} {seen[r['name']]}"

    def _role(self, r: dict, is_root: bool) -> str:
        if is_root:
            return "loss" if r["value"].numel == 1 else "output"
        if not r["is_leaf"]:
            return f"{r['op']} out"
        if r["requires_grad"]:
            return "leaf"
        for op_id in r["outputs"]:
            op = self.rows[op_id]
            slot = op["inputs"].index(r["id"])
            if slot > 0 and any(w in op["op"] for w in _LOSS_WORDS):
                return "target"
            if op["module"] and self.module_types.get(op["module"]) == "Dropout":
                return "dropout mask"
        if r["value"].numel == 1 and r["value"].values:
            return f"{r['value'].values[0]:.4g}"
        return "input"

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
    return str(np.dtype(dtype))  # numpy's name: float32, not tensorgraph.float32
