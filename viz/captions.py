"""The step player's captions: the chain rule of each backward step spelled with the
graph's real names and, for tensors of up to ``NUMBERS_UP_TO`` elements, its numbers:
``dL/dx1 = dL/dn * w1 = 0.5 * (-3) = -1.5``."""

from __future__ import annotations

import re

from tensorgraph.graph import Graph, Node, Summary, slot_formulas

#: Tensors with at most this many elements are written out as numbers in captions.
NUMBERS_UP_TO = 6

_TOKEN = re.compile(r"dL/d\w+|\b[A-Za-z_]\w*\b")


def number(s: Summary | None, digits: int = 3) -> str | None:
    """``'-3'``, ``'[0.5, 1]'``; ``None`` when too big (or unknown) to write out."""
    if s is None or s.values is None or s.numel > NUMBERS_UP_TO:
        return None
    nums = [f"{v + 0.0:.{digits}g}" for v in s.values]
    if s.shape == ():
        return f"({nums[0]})" if nums[0].startswith("-") else nums[0]
    return "[" + ", ".join(nums) + "]"


def sized(s: Summary | None) -> str:
    """Numbers when small, else shape and norm."""
    if s is None:
        return "?"
    return number(s) or f"<{'x'.join(map(str, s.shape)) or 'scalar'}, norm {s.norm:.3g}>"


def label(name: str) -> str:
    """A name as it reads inside a formula: ``(Mul out 2)`` when it has spaces."""
    return f"({name})" if " " in name else name


def _substitute(text: str, table: dict[str, str]) -> str:
    text = _TOKEN.sub(lambda m: table.get(m.group(0), m.group(0)), text)
    return re.sub(r"\(\(([^()]*)\)\)", r"(\1)", text)  # exp((Mul out)) -> exp(Mul out)


def _tables(graph: Graph, op: Node) -> tuple[dict, dict | None]:
    """Token -> name and token -> number for an op's formula (numbers: ``None`` if
    any tensor involved is too big to write out)."""
    nodes = graph.nodes
    out = nodes[op.outputs[0]]
    names = {"dL/dy": f"dL/d{label(out.name)}", "y": label(out.name)}
    values: dict | None = {"dL/dy": number(out.grad), "y": number(out.value)}
    lhs = re.match(r"(\w+)\s*=", op.forward or "")
    if lhs and lhs.group(1) not in op.args:  # the output's letter: y, or l for losses
        names[lhs.group(1)], values[lhs.group(1)] = label(out.name), number(out.value)
    for slot, i in zip(op.args, op.inputs):
        names[slot] = label(nodes[i].name)
        names[f"dL/d{slot}"] = f"dL/d{label(nodes[i].name)}"
        values[slot] = number(nodes[i].value)
    if any(v is None for v in values.values()):
        values = None
    return names, values


def named_formula(graph: Graph, op: Node) -> str | None:
    """The op's local derivative in the graph's names: ``dL/dx1 = dL/dn * w1, ...``."""
    if not op.formula:
        return None
    return _substitute(op.formula, _tables(graph, op)[0])


def forward_text(graph: Graph, op: Node) -> str:
    """The op's forward with real names: ``n = x1 * w1``."""
    if not op.forward:
        return op.op or "?"
    return _substitute(op.forward, _tables(graph, op)[0])


def op_caption(graph: Graph, op: Node, k: int, total: int) -> str:
    """The caption of backward step ``k`` of ``total``: processing ``op``."""
    nodes = graph.nodes
    out = nodes[op.outputs[0]]
    names, values = _tables(graph, op)
    lines = [f"Step {k}/{total}: #{op.id} {op.op}   {forward_text(graph, op)}",
             (f"dL/d{label(out.name)} = {sized(out.grad)} is complete at #{out.id} "
              f"'{out.name}'.")]
    rhs_of = slot_formulas(op.formula)
    sent = False
    for slot, i in zip(op.args, op.inputs):
        inp = nodes[i]
        if not inp.requires_grad:
            continue
        sent = True
        edge = next((e for e in graph.edges if e.src == i and e.dst == op.id
                     and e.arg == slot), None)
        term = edge.grad if edge is not None else None
        rhs = rhs_of.get(slot)
        line = f"dL/d{label(inp.name)} = "
        result = sized(term)
        if rhs is None:
            line += f"{op.op}.backward(dL/d{label(out.name)})"
        else:
            line += _substitute(rhs, names)
            numeric = _substitute(rhs, values) if values is not None else None
            if numeric is not None and numeric != result:
                line += " = " + numeric
        line += " = " + result
        if _broadcast_into(inp.shape, out.shape) and rhs is not None:
            line += f"   (summed to {inp.name}'s shape {tuple(inp.shape)})"
        uses = sum(1 for e in graph.edges if e.src == i)
        if uses > 1:
            line += f"   (one of {uses} terms: {inp.name} is used {uses} times; its "\
                    "gradient is their sum)"
        lines.append(line)
    if not sent:
        lines.append("No input needs a gradient: nothing is sent.")
    return "\n".join(lines)


def _broadcast_into(small: tuple, big: tuple) -> bool:
    """``small`` was broadcast up to ``big`` (so its gradient is summed back)."""
    if tuple(small) == tuple(big) or len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(reversed(small), reversed(big)))


def start_caption(graph: Graph) -> str:
    root = graph.nodes[graph.root]
    n = len(graph.backward_order)
    return (f"Start: dL/d{root.name} = 1 at #{root.id} '{root.name}'.\n"
            f"Backward visits the {n} ops in reverse topological order (highest number "
            "first), each only after every op that used its output.")


def done_caption(graph: Graph) -> str:
    leaves = [n for n in graph.tensors if n.is_leaf and n.requires_grad]
    parts = [f"{n.name}.grad = {sized(n.grad)}" for n in leaves]
    return ("Done: the leaves now hold dL/dleaf in .grad (an optimizer step would use "
            "them):\n" + ("\n".join(parts) if parts else "no leaf requires grad."))
