"""``viz.draw``: turn a traced :class:`tensorgraph.graph.Graph` into a graphviz Digraph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import graphviz

from tensorgraph.graph import Graph, Node, trace

from . import style as S

DEFAULT_MAX_NODES = 500


@dataclass(frozen=True)
class Step:
    """What one backprop frame highlights (see ``viz.backprop_steps``).

    Attributes:
        current: id of the op node being processed (``None`` before/after the pass).
        known: ids of tensor nodes whose gradient is complete at this point.
        receiving: ids of tensor nodes this step sends a gradient to.
        caption: text shown under the frame.
    """

    current: int | None
    known: frozenset = field(default_factory=frozenset)
    receiving: frozenset = field(default_factory=frozenset)
    caption: str = ""


def draw(
    root: Any,
    *,
    params: dict | None = None,
    model: Any = None,
    grads: bool | None = None,
    color: str | None = None,
    collapse: str | None = None,
    show_values: bool = True,
    show_formulas: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    fold_constants: bool = True,
    rankdir: str = "TB",
    title: str | None = None,
    names: dict | None = None,
) -> graphviz.Digraph:
    """Draw the graph recorded behind ``root``: tensors (boxes) and ops (ovals).

    Data flows along the arrows, from inputs and parameters down to the loss.
    Each tensor shows its name, shape, dtype, its values (small tensors) or their
    mean/std/min/max/norm, and its gradient when one is known. Before ``backward()``
    a tensor that will receive a gradient says so.

    Args:
        root: a Tensor (usually the loss) or a ``tensorgraph.graph.Graph``.
        params: ``{name: tensor}``, e.g. ``dict(model.named_parameters())``: names the
            parameters and groups ops into module clusters.
        model: an ``nn.Module``; the same as ``params`` plus module type names.
        grads: compute every tensor's gradient (intermediates too) with a backward
            pass of the tracer's own; default: only with ``color="grad"``.
        color: ``"grad"`` colours tensors and edges by gradient norm on a log scale
            and flags vanishing (< 1e-7), exploding (> 1e3) and NaN gradients.
        collapse: ``"module"`` draws each module as one titled node (an MLP reads
            Linear -> ReLU -> Linear -> loss); default: modules are clusters.
        show_values: show values / statistics on tensor nodes.
        show_formulas: show each op's local derivative (``dL/da = dL/dy @ b^T``).
        max_nodes: past this many nodes the middle of the graph is collapsed into
            one "N nodes hidden" node; ``None`` draws everything.
        fold_constants: write unnamed scalar constants (``x * 0.5``) into their op
            (``Mul  b = 0.5``) instead of drawing a node for each; named tensors
            (``tg.tensor(2.0, name="x1")``, or found in ``names``) are always drawn.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        title: a caption for the whole drawing.
        names: a mapping such as ``locals()``: tensors in it are labelled by their
            variable names.

    Returns:
        A ``graphviz.Digraph``: displays inline in Jupyter; ``.source`` is the DOT.

    Example:
        >>> loss = F.cross_entropy(model(x), y)
        >>> viz.draw(loss, model=model, collapse="module")
    """
    if color not in (None, "grad"):
        raise ValueError(f"draw: color must be None or 'grad', got {color!r}.")
    if collapse not in (None, "module"):
        raise ValueError(f"draw: collapse must be None or 'module', got {collapse!r}.")
    if isinstance(root, Graph):
        graph = root
    else:
        want = color == "grad" if grads is None else grads
        graph = trace(root, params=params, model=model, grads=want, names=names)
    opts = _Options(color, collapse, show_values, show_formulas, max_nodes,
                    fold_constants, rankdir, title)
    return _Drawer(graph, opts).digraph()


@dataclass(frozen=True)
class _Options:
    color: str | None
    collapse: str | None
    show_values: bool
    show_formulas: bool
    max_nodes: int | None
    fold_constants: bool
    rankdir: str
    title: str | None


class _Drawer:
    """Builds one Digraph; a unit is a drawn node (a graph node, a module, or 'hidden')."""

    def __init__(self, graph: Graph, opts: _Options, step: Step | None = None) -> None:
        self.g, self.o, self.step = graph, opts, step
        nodes = graph.nodes
        self.folded: dict[int, list[Node]] = {}  # op id -> scalar constants folded in
        self.unit: dict[int, str] = {}
        for n in nodes:
            if opts.fold_constants and _is_constant(n) and len(n.outputs) == 1:
                self.folded.setdefault(n.outputs[0], []).append(n)
                continue
            if opts.collapse == "module" and n.module is not None:
                self.unit[n.id] = "m:" + n.module
            else:
                self.unit[n.id] = f"n{n.id}"
        order = list(dict.fromkeys(self.unit.values()))  # units in data-flow order
        self.hidden: list[int] = []
        cap = opts.max_nodes
        if cap is not None and len(order) > cap:
            keep_head = max(cap // 2, 1)
            keep_tail = max(cap - keep_head - 1, 1)
            hidden_units = set(order[keep_head:len(order) - keep_tail])
            for nid, u in self.unit.items():
                if u in hidden_units:
                    self.unit[nid] = "hidden"
                    self.hidden.append(nid)

    # ------------------------------------------------------------ top level
    def digraph(self) -> graphviz.Digraph:
        o = self.o
        dot = graphviz.Digraph(
            "tensorgraph",
            graph_attr={"rankdir": o.rankdir, "fontname": S.FONT, "nodesep": "0.25",
                        "ranksep": "0.35", "labelloc": "b", "fontsize": "11"},
            node_attr={"fontname": S.FONT, "fontsize": "10"},
            edge_attr={"fontname": S.FONT, "fontsize": "8", "arrowsize": "0.7"},
        )
        clusters: dict[str, list[tuple[str, dict]]] = {}
        drawn: set[str] = set()
        for n in self.g.nodes:
            u = self.unit.get(n.id)
            if u is None or u in drawn:
                continue
            drawn.add(u)
            name, attrs = self._unit_node(u, n)
            if o.collapse is None and n.module is not None and u != "hidden":
                clusters.setdefault(n.module, []).append((name, attrs))
            else:
                dot.node(name, **attrs)
        for i, (path, members) in enumerate(clusters.items()):
            with dot.subgraph(name=f"cluster_{i}") as sub:
                sub.attr(label=f"<{S.bold(self._module_title(path), 10)}>", style="rounded,filled",
                         labelloc="t", fillcolor=S.MODULE_FILL, color="#9a7fc1")
                for name, attrs in members:
                    sub.node(name, **attrs)
        self._edges(dot)
        if o.color == "grad":
            with dot.subgraph(name="cluster_legend") as sub:
                sub.attr(label="", color="white")
                sub.node("legend", label=S.legend_label(), shape="plain")
        dot.attr(label=f"<{self._caption()}>")
        return dot

    def _caption(self) -> str:
        lines = []
        if self.o.title:
            lines.append(S.bold(self.o.title, 12))
        if self.step is not None and self.step.caption:
            lines.append(S.small(self.step.caption, "#000000", 11))
        if self.hidden:
            lines.append(S.small(f"{len(self.hidden)} nodes hidden (max_nodes="
                                 f"{self.o.max_nodes}); pass max_nodes=None to draw all",
                                 "#b30000", 10))
        if self.g.grad_note and (self.o.color == "grad" or self.step is not None):
            lines.append(S.small("note: " + self.g.grad_note, "#b30000", 9))
        return "<br/>".join(lines) if lines else " "

    def _module_title(self, path: str) -> str:
        kind = self.g.module_type(path)
        return f"{path}: {kind}" if kind else path

    # ------------------------------------------------------------ nodes
    def _unit_node(self, u: str, n: Node) -> tuple[str, dict]:
        name = "hidden" if u == "hidden" else u.replace(":", "_").replace(".", "_")
        if u == "hidden":
            return name, self._hidden_node()
        if u.startswith("m:"):
            return name, self._module_node(u[2:])
        if n.kind == "op":
            return name, self._op_node(n)
        return name, self._tensor_node(n)

    def _grad_of(self, n: Node) -> Any:
        """The gradient to show on ``n`` (in a frame, only once it is known)."""
        if self.step is not None and n.id not in self.step.known:
            return None
        return n.grad

    def _tensor_node(self, n: Node) -> dict:
        rows = [S.bold(n.name), S.small(f"{S.shape_text(n.shape)} {n.dtype}", "#555555")]
        if self.o.show_values and n.value is not None:
            rows.append(S.small(n.value.text()))
        g = self._grad_of(n)
        colour, flag = S.grad_colour(g)
        if g is not None:
            text = "grad " + g.text() + (f"  [{flag}]" if flag else "")
            rows.append(S.small(text, "#08519c" if flag is None else S.NAN_COLOUR))
        elif n.requires_grad:
            rows.append(S.small("grad: pending" if self.step else "will receive grad",
                                "#8c6d00", 8))
        fill = (S.ROOT_FILL if n.id == self.g.root else S.PARAM_FILL if n.is_leaf and
                n.requires_grad else S.INPUT_FILL if n.is_leaf else S.TENSOR_FILL)
        border, line = 1, "#555555"
        if self.o.color == "grad" and n.requires_grad:
            border, line = 3, colour
        if self.step is not None:
            if n.id in self.step.receiving:
                border, line = 3, S.CURRENT
            elif n.id in self.step.known:
                border, line = 2, S.KNOWN
        return {"label": S.table(rows, fill, border, line), "shape": "plain",
                "tooltip": _tip(self._tooltip(n))}

    def _op_node(self, n: Node) -> dict:
        head = n.op or "?"
        for c in self.folded.get(n.id, ()):
            arg = n.args[n.inputs.index(c.id)] if c.id in n.inputs else None
            value = c.value.text() if c.value is not None else "?"
            head += f"  {arg or 'c'} = {value}"
        rows = [S.bold(head, 10)]
        shown = [(k, v) for k, v in n.params if v not in ("None", "False")]
        if shown:
            rows.append(S.small(", ".join(f"{k}={v}" for k, v in shown), size=8))
        current = self.step is not None and self.step.current == n.id
        if n.formula and (self.o.show_formulas or current):
            rows.append(S.small(n.formula, S.CURRENT if current else "#444444", 9))
        attrs = {"label": "<" + "<br/>".join(rows) + ">", "shape": "ellipse",
                 "style": "filled", "fillcolor": S.OP_FILL, "color": "#555555",
                 "margin": "0.05,0.02", "tooltip": _tip(self._tooltip(n))}
        if current:
            attrs.update(fillcolor="#fdd0a2", color=S.CURRENT, penwidth="3")
        return attrs

    def _module_node(self, path: str) -> dict:
        members = [n for n in self.g.nodes if n.module == path and self.unit.get(n.id)]
        ops = Counter(n.op for n in members if n.kind == "op")
        rows = [S.bold(self._module_title(path))]
        worst = None
        for p in (n for n in members if n.is_leaf and n.requires_grad):
            text = f"{p.name} {S.shape_text(p.shape)}"
            g = self._grad_of(p)
            if g is not None:
                text += f"  |grad| {g.norm:.3g}"
                if worst is None or not (g.norm <= worst.norm):
                    worst = g
            rows.append(S.small(text))
        rows.append(S.small(", ".join(f"{k} x{v}" if v > 1 else k for k, v in ops.items()),
                            "#666666", 8))
        out = members[-1]
        rows.append(S.small(f"out {S.shape_text(out.shape)} {out.dtype}", "#555555"))
        border, line = 2, "#9a7fc1"
        if self.o.color == "grad" and worst is not None:
            border, line = 3, S.grad_colour(worst)[0]
        return {"label": S.table(rows, S.MODULE_FILL, border, line, style="rounded"),
                "shape": "plain", "tooltip": _tip(f"module {path}")}

    def _hidden_node(self) -> dict:
        ops = Counter(self.g.nodes[i].op for i in self.hidden
                      if self.g.nodes[i].kind == "op")
        common = ", ".join(f"{k} x{v}" for k, v in ops.most_common(4))
        rows = [S.bold(f"... {len(self.hidden)} nodes hidden ..."),
                S.small(f"ops inside: {common}" if common else "tensors only"),
                S.small(f"raise max_nodes (now {self.o.max_nodes}) to see them", "#777777")]
        return {"label": S.table(rows, S.HIDDEN_FILL, 1, "#777777", style="dashed"),
                "shape": "plain", "tooltip": _tip(f"{len(self.hidden)} nodes hidden")}

    def _tooltip(self, n: Node) -> str:
        lines = [f"{n.kind} {n.name}  {n.shape} {n.dtype}"]
        if n.forward:
            lines.append(n.forward)
        if n.formula:
            lines.append(n.formula)
        if n.value is not None and n.value.values is not None:
            lines.append(f"mean {n.value.mean:.4g} std {n.value.std:.4g} "
                         f"norm {n.value.norm:.4g}")
        if n.source:
            lines.append("created at " + n.source)
        return "\n".join(lines)

    # ------------------------------------------------------------ edges
    def _edges(self, dot: graphviz.Digraph) -> None:
        seen: set[tuple[str, str]] = set()
        step = self.step
        for e in self.g.edges:
            a, b = self.unit.get(e.src), self.unit.get(e.dst)
            if a is None or b is None or a == b:
                continue
            ta = a.replace(":", "_").replace(".", "_")
            tb = b.replace(":", "_").replace(".", "_")
            if (ta, tb) in seen:
                continue
            seen.add((ta, tb))
            src, dst = self.g.nodes[e.src], self.g.nodes[e.dst]
            tensor = src if src.kind == "tensor" else dst
            attrs: dict[str, str] = {}
            n_in = len(dst.inputs) - len(self.folded.get(dst.id, ()))
            if e.arg and dst.kind == "op" and n_in > 1 and b == f"n{dst.id}":
                attrs["label"] = S.esc(e.arg)
            if not tensor.requires_grad:
                attrs.update(style="dotted", color=S.NO_GRAD)
            elif self.o.color == "grad":
                g = self._grad_of(tensor)
                attrs.update(color=S.grad_colour(g)[0], penwidth=S.pen_width(g))
            if "hidden" in (a, b):
                attrs.update(style="dashed")
            if step is not None and step.current is not None:
                if dst.id == step.current and src.id in step.receiving:
                    attrs.update(color=S.CURRENT, penwidth="3", dir="back",
                                 label=S.esc(f"dL/d{e.arg}" if e.arg else "dL/dx"),
                                 fontcolor=S.CURRENT)
                elif src.id == step.current:
                    attrs.update(color=S.CURRENT, penwidth="2", dir="back")
            if "label" in attrs:
                attrs["label"] = "<" + attrs["label"] + ">"
            dot.edge(ta, tb, **attrs)


def _is_constant(n: Node) -> bool:
    return (n.kind == "tensor" and n.is_leaf and not n.requires_grad and not n.named
            and n.value is not None and n.value.numel == 1)


def _tip(text: str) -> str:
    """Tooltips are DOT strings whose backslash escapes (``\\N`` = node name) dot expands
    more than once (twice in 2.43), so no escaping is portable: show a look-alike."""
    return text.replace("\\", "\u29f5")
