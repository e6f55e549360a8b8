"""The Digraph builder behind ``viz.draw`` and the step player: one drawn unit per graph
node, module (``collapse="module"``), repeated block ("x N") or hidden range."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass

import graphviz

from tensorgraph.graph import Graph, Node

from . import style as S
from .captions import named_formula

#: gradcheck: relative errors above this mark an op's backward as wrong.
GRADCHECK_TOLERANCE = 1e-5


@dataclass(frozen=True)
class Options:
    """What ``viz.draw`` was asked for (see its docstring)."""

    color: str | None = None
    collapse: str | None = None
    show_values: bool = True
    show_formulas: bool = False
    max_nodes: int | None = 500
    fold_constants: bool = True
    rankdir: str = "TB"
    title: str | None = None
    merge_repeats: bool = True
    #: the step player: every node gets an SVG id with this prefix, gradient rows
    #: are drawn with their final values (the page shows them when known).
    player: str | None = None


class Drawer:
    """Builds one Digraph of ``graph`` with ``opts``."""

    def __init__(self, graph: Graph, opts: Options) -> None:
        self.g, self.o = graph, opts
        self.scale = S.GradScale.of_graph(graph)
        self.folded: dict[int, list[Node]] = {}  # op id -> scalar constants folded in
        self.unit: dict[int, str] = {}
        self.repeats: dict[str, list[str]] = {}  # block unit -> the blocks it stands for
        blocks = _repeated_blocks(graph) if (opts.collapse == "module"
                                             and opts.merge_repeats) else {}
        for n in graph.nodes:
            if opts.fold_constants and _is_constant(n) and len(n.outputs) == 1:
                self.folded.setdefault(n.outputs[0], []).append(n)
                continue
            if opts.collapse == "module" and n.module is not None:
                block = next((b for b in blocks if _inside(n.module, b)), None)
                self.unit[n.id] = "m:" + (blocks[block][0] if block else n.module)
                if block:
                    self.repeats["m:" + blocks[block][0]] = blocks[block]
            else:
                self.unit[n.id] = f"n{n.id}"
        self.hidden = self._cap()

    def _cap(self) -> list[int]:
        """Hide the middle of a graph past ``max_nodes`` units, whole modules only."""
        order = list(dict.fromkeys(self.unit.values()))
        cap = self.o.max_nodes
        if cap is None or len(order) <= cap:
            return []
        keep_head = max(cap // 2, 1)
        keep_tail = max(cap - keep_head - 1, 1)
        hidden_units = set(order[keep_head:len(order) - keep_tail])
        # A module is hidden whole or not at all: never split one across the cut.
        cut = {self.g.nodes[i].module for i, u in self.unit.items() if u in hidden_units}
        hidden = []
        for nid, u in self.unit.items():
            if u in hidden_units or (self.g.nodes[nid].module in cut - {None}):
                self.unit[nid] = "hidden"
                hidden.append(nid)
        return hidden

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
                sub.attr(label=f"<{S.bold(self._module_title(path), 10)}>",
                         style="rounded,filled", labelloc="t", fillcolor=S.MODULE_FILL,
                         color="#9a7fc1")
                for name, attrs in members:
                    sub.node(name, **attrs)
        self._edges(dot)
        if o.color == "grad":
            with dot.subgraph(name="cluster_legend") as sub:
                sub.attr(label="", color="white")
                sub.node("legend", label=self.scale.legend(), shape="plain")
        dot.attr(label=f"<{self._caption()}>")
        return dot

    def _caption(self) -> str:
        lines = []
        if self.o.title:
            lines.append(S.bold(self.o.title, 12))
        if self.g.error:
            lines.append(S.small(textwrap.fill("forward failed: " + self.g.error, 110),
                                 "#b30000", 10))
        if self.g.changed:
            lines.append(S.small(
                f"warning: {', '.join(self.g.changed)} changed after this graph was "
                "recorded (e.g. by opt.step()): the values shown are newer than the "
                "ones the graph computed with", "#b30000", 10))
        if self.hidden:
            lines.append(S.small(f"{len(self.hidden)} nodes hidden (max_nodes="
                                 f"{self.o.max_nodes}); pass max_nodes=None to draw all",
                                 "#b30000", 10))
        if self.g.grad_note and (self.o.color == "grad" or self.o.player):
            lines.append(S.small("note: " + self.g.grad_note, "#b30000", 9))
        return "<br/>".join(lines) if lines else " "

    def _module_title(self, path: str) -> str:
        kind = self.g.module_type(path)
        return f"{path}: {kind}" if kind else path

    def _id(self, what: str) -> dict:
        return {"id": f"{self.o.player}{what}"} if self.o.player else {}

    # ------------------------------------------------------------ nodes
    def _unit_node(self, u: str, n: Node) -> tuple[str, dict]:
        name = _dot_name(u)
        if u == "hidden":
            return name, self._hidden_node()
        if u.startswith("m:"):
            return name, self._module_node(u[2:])
        if n.kind == "op":
            return name, self._op_node(n)
        return name, self._tensor_node(n)

    def _tensor_node(self, n: Node) -> dict:
        rows = [S.bold(f"#{n.id} {n.name}"),
                S.small(f"{S.shape_text(n.shape)} {n.dtype}", "#555555")]
        if self.o.show_values and n.value is not None:
            rows.append(S.small(n.value.text()))
        g = n.grad
        colour, flag = self.scale.colour(g)
        if g is not None:
            text = "grad " + g.text() + (f"  [{flag}]" if flag else "")
            ink = S.GRAD_INK if flag in (None, "zero") or self.o.player else S.NAN_COLOUR
            if self.o.player:
                rows.append(S.small("grad: pending", S.PENDING_INK, 8))
            rows.append(S.small(text, ink))
        elif n.requires_grad:
            freed = self.g.freed and not n.is_leaf
            rows.append(S.small("grad freed (backward ran)" if freed else
                                "will receive grad", S.PENDING_INK, 8))
        if n.changed:
            rows.append(S.small("changed after recording", "#b30000", 8))
        fill = (S.ROOT_FILL if n.id == self.g.root else S.PARAM_FILL if n.is_leaf and
                n.requires_grad else S.INPUT_FILL if n.is_leaf else S.TENSOR_FILL)
        border, line = 1, "#555555"
        if self.o.color == "grad" and n.requires_grad:
            border, line = 3, colour
        if n.id in self.g.highlight:  # an operand of the op that failed
            rows[1] = S.small(f"{S.shape_text(n.shape)} {n.dtype}  <- the failing op's input",
                              "#b30000", 10)
            border, line = 4, "#b30000"
        return {"label": S.table(rows, fill, border, line), "shape": "plain",
                "tooltip": _tip(self._tooltip(n)), **self._id(f"t{n.id}")}

    def _op_node(self, n: Node) -> dict:
        head = f"#{n.id} {n.op or '?'}"
        for c in self.folded.get(n.id, ()):
            arg = n.args[n.inputs.index(c.id)] if c.id in n.inputs else None
            value = c.value.text() if c.value is not None else "?"
            head += f"  {arg or 'c'} = {value}"
        rows = [S.bold(head, 10)]
        shown = [(k, v) for k, v in n.params if v not in ("None", "False")]
        if shown:
            rows.append(S.small(", ".join(f"{k}={v}" for k, v in shown), size=8))
        if n.formula and (self.o.show_formulas or self.o.player):
            # In the player, in the graph's names (dL/dx1 = dL/dn * w1), so nobody has to
            # map slot letters; one line per input keeps wide formulas narrow.
            text = named_formula(self.g, n) if self.o.player else n.formula
            rows.append(S.small(text.replace(",  ", "\n"), "#444444", 9))
        elif self.o.player:
            rows.append(S.small(f"{n.op}.backward (its docstring has no formula)",
                                "#444444", 9))
        attrs = {"label": "<" + "<br/>".join(rows) + ">", "shape": "ellipse",
                 "style": "filled", "fillcolor": S.OP_FILL, "color": "#555555",
                 "margin": "0.05,0.02", "tooltip": _tip(self._tooltip(n)),
                 **self._id(f"o{n.id}")}
        if n.gradcheck is not None:
            bad = not n.gradcheck <= GRADCHECK_TOLERANCE
            attrs["label"] = attrs["label"][:-1] + "<br/>" + S.small(
                f"gradcheck FAILED: backward vs finite differences, rel. error "
                f"{n.gradcheck:.2g}" if bad else f"gradcheck ok ({n.gradcheck:.1g})",
                "#b30000" if bad else S.KNOWN, 8) + ">"
            if bad:
                attrs.update(fillcolor="#ffd6d6", color="#b30000", penwidth="3")
        return attrs

    def _module_node(self, path: str) -> dict:
        blocks = self.repeats.get("m:" + path, [path])
        members = [n for n in self.g.nodes if self.unit.get(n.id) == "m:" + path]
        ops = Counter(n.op for n in members if n.kind == "op")
        if len(blocks) > 1:
            title = f"{blocks[0]} .. {blocks[-1]}: {self.g.module_type(path) or ''} x {len(blocks)}"
        else:
            title = self._module_title(path)
        rows = [S.bold(title)]
        worst = None
        first = [n for n in members if n.module is not None and _inside(n.module, path)]
        for p in (n for n in first if n.is_leaf and n.requires_grad):
            text = f"{p.name} {S.shape_text(p.shape)}"
            if p.grad is not None:
                text += f"  |grad| {p.grad.norm:.3g}"
                if worst is None or not (p.grad.norm <= worst.norm):
                    worst = p.grad
            rows.append(S.small(text))
        rows.append(S.small(", ".join(f"{k} x{v}" if v > 1 else k for k, v in ops.items()),
                            "#666666", 8))
        out = members[-1]
        rows.append(S.small(f"out {S.shape_text(out.shape)} {out.dtype}", "#555555"))
        border, line = 2, "#9a7fc1"
        if self.o.color == "grad" and worst is not None:
            border, line = 3, self.scale.colour(worst)[0]
        return {"label": S.table(rows, S.MODULE_FILL, border, line, style="rounded"),
                "shape": "plain", "tooltip": _tip(f"module {title}")}

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
        lines = [f"#{n.id} {n.kind} {n.name}  {n.shape} {n.dtype}"]
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
        for e in self.g.edges:
            a, b = self.unit.get(e.src), self.unit.get(e.dst)
            if a is None or b is None or a == b:
                continue
            ta, tb = _dot_name(a), _dot_name(b)
            if (ta, tb) in seen:
                continue
            seen.add((ta, tb))
            src, dst = self.g.nodes[e.src], self.g.nodes[e.dst]
            tensor = src if src.kind == "tensor" else dst
            attrs: dict[str, str] = self._id(f"e{e.src}_{e.dst}")
            n_in = len(dst.inputs) - len(self.folded.get(dst.id, ()))
            if e.arg and dst.kind == "op" and n_in > 1 and b == f"n{dst.id}":
                attrs["label"] = f"<{S.esc(e.arg)}>"
            if not tensor.requires_grad:
                attrs.update(style="dotted", color=S.NO_GRAD)
            elif self.o.color == "grad":
                g = e.grad if e.grad is not None else tensor.grad
                attrs.update(color=self.scale.colour(g)[0], penwidth=self.scale.pen_width(g))
            if "hidden" in (a, b):
                attrs.update(style="dashed")
            dot.edge(ta, tb, **attrs)


def _repeated_blocks(graph: Graph) -> dict[str, list[str]]:
    """``{first block path: [paths of identical consecutive sibling blocks]}``:
    ``layers.0 .. layers.3`` of a ModuleList of equal blocks (same types, parameter
    shapes and ops), so ``collapse="module"`` can draw them once with "x N"."""
    paths = {n.module for n in graph.nodes if n.module is not None}
    candidates: dict[str, set[int]] = {}
    for p in paths:
        parts = p.split(".")
        for i, part in enumerate(parts):
            if part.isdigit():
                candidates.setdefault(".".join(parts[:i]), set()).add(int(part))

    def signature(block: str) -> tuple:
        inside = [n for n in graph.nodes if n.module is not None and _inside(n.module, block)]
        return tuple((n.module[len(block):], n.kind, n.op, n.shape) for n in inside
                     if n.kind == "op" or n.is_leaf)

    out: dict[str, list[str]] = {}
    for parent, indices in candidates.items():
        run: list[str] = []
        for k in sorted(indices):
            block = f"{parent}.{k}" if parent else str(k)
            if run and signature(block) == signature(run[0]) and graph.module_type(block) \
                    == graph.module_type(run[0]) and int(run[-1].rsplit(".", 1)[-1]) == k - 1:
                run.append(block)
                continue
            if len(run) > 1:
                out[run[0]] = run
            run = [block]
        if len(run) > 1:
            out[run[0]] = run
    # Keep only blocks that are not themselves inside a repeated block.
    return {b: r for b, r in out.items()
            if not any(b != o and any(_inside(b, x) for x in out[o]) for o in out)}


def _inside(module: str, block: str) -> bool:
    return module == block or module.startswith(block + ".")


def _is_constant(n: Node) -> bool:
    return (n.kind == "tensor" and n.is_leaf and not n.requires_grad and not n.named
            and n.value is not None and n.value.numel == 1)


def _dot_name(unit: str) -> str:
    return re.sub(r"\W", "_", unit)


def _tip(text: str) -> str:
    """Tooltips are DOT strings whose backslash escapes (``\\N`` = node name) dot expands
    more than once (twice in 2.43), so no escaping is portable: show a look-alike."""
    return text.replace("\\", "\u29f5")

