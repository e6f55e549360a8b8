"""``viz.backprop_steps``: the chain rule, one frame per step of the backward pass."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from tensorgraph.graph import Graph, trace

from .draw import DEFAULT_MAX_NODES, Step, _Drawer, _Options
from .render import (
    INSTALL_HELP,
    DotNotFoundError,
    dot_available,
    to_bytes,
    write_atomic,
)


def plan(graph: Graph) -> list[Step]:
    """The frames of a backward pass over ``graph``, in the engine's real order.

    Frame 0 seeds dL/dL = 1 at the root; frame k processes the k-th op of
    ``graph.backward_order``: its output's gradient is complete, and its local
    derivative sends a gradient to each input that requires one. A tensor's gradient
    becomes known once every op that consumed it has been processed (that is when
    the engine's sum over its uses is complete). The last frame shows the result.
    """
    nodes = graph.nodes
    pending = {n.id: sum(1 for o in n.outputs if nodes[o].kind == "op")
               for n in nodes if n.kind == "tensor" and n.requires_grad}
    known = {graph.root}
    root = nodes[graph.root]
    order = graph.backward_order
    steps = [Step(None, frozenset(known), frozenset(), (
        f"Start: dL/dL = 1 at '{root.name}'. Backward visits the {len(order)} ops in "
        "reverse topological order, each only after every op that used its output."))]
    for k, op_id in enumerate(order, 1):
        op = nodes[op_id]
        out = nodes[op.outputs[0]]
        receiving = [i for i in op.inputs if nodes[i].requires_grad]
        for i in receiving:
            pending[i] -= 1
            if pending[i] == 0:
                known.add(i)
        sends = ", ".join(f"dL/d{a} -> '{nodes[i].name}'" for a, i in zip(op.args, op.inputs)
                          if nodes[i].requires_grad) or "no input needs a gradient"
        formula = op.formula or f"{op.op}.backward (no formula in its docstring)"
        steps.append(Step(op_id, frozenset(known), frozenset(receiving), (
            f"Step {k}/{len(order)}: {op.op}.  dL/dy is known at '{out.name}'.  "
            f"Local derivative: {formula}.  Sends {sends}.")))
    leaves = [nodes[i].name for i in pending if nodes[i].is_leaf]
    steps.append(Step(None, frozenset(known), frozenset(), (
        f"Done: the leaves ({', '.join(leaves) or 'none'}) now hold dL/dleaf in .grad; "
        "an optimizer step would use them.")))
    return steps


def backprop_steps(root: Any, out_dir: str | os.PathLike, *, params: dict | None = None,
                   model: Any = None, max_nodes: int | None = DEFAULT_MAX_NODES,
                   max_frames: int = 300, rankdir: str = "TB",
                   title: str = "Backprop, step by step") -> Path:
    """Write one SVG frame per backward step and an ``index.html`` to step through them.

    Each frame highlights the op being processed, shows the local derivative it
    applies (``dL/da = dL/dy @ b^T``), draws the gradient flowing to its inputs and
    the gradients already known on their tensors. ``index.html`` is self-contained
    (frames inlined, no network): previous/next buttons, arrow keys and a slider.

    Args:
        root: the loss Tensor (its graph must still be alive: call this before
            ``backward()`` or after ``backward(retain_graph=True)``), or a Graph.
        out_dir: folder to write ``step_000.svg``... and ``index.html`` into.
        params, model: name parameters and group ops (as in :func:`viz.draw`).
        max_nodes: node cap per frame (as in :func:`viz.draw`).
        max_frames: at most this many frames (the first ones); the page says so.
        rankdir, title: as in :func:`viz.draw`.

    Returns:
        The path of ``index.html``.

    Raises:
        DotNotFoundError: when the ``dot`` program is missing; the frames' ``.dot``
            sources are still written.

    Example:
        >>> viz.backprop_steps(loss, "lesson/steps", model=model)
        PosixPath('lesson/steps/index.html')
    """
    graph = root if isinstance(root, Graph) else trace(root, params, model, grads=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    steps = plan(graph)
    dropped = max(len(steps) - max_frames, 0)
    steps = steps[:max_frames]
    opts = _Options(None, None, True, False, max_nodes, True, rankdir, None)
    digraphs = [_Drawer(graph, opts, s).digraph() for s in steps]
    if not dot_available():
        for i, d in enumerate(digraphs):
            write_atomic(out / f"step_{i:03d}.dot", d.source.encode("utf-8"))
        raise DotNotFoundError(f"backprop_steps: {INSTALL_HELP}\n(The frames' DOT sources "
                               f"were written to {out}.)")
    frames = []
    for i, d in enumerate(digraphs):
        svg = to_bytes(d, "svg")
        write_atomic(out / f"step_{i:03d}.svg", svg)
        frames.append(svg.decode("utf-8"))
    note = (f"Showing the first {max_frames} frames; {dropped} more were left out "
            "(raise max_frames)." if dropped else "")
    if graph.grad_note:
        note = (note + " " if note else "") + "Note: " + graph.grad_note
    page = _page(title, frames, [s.caption for s in steps], note)
    return write_atomic(out / "index.html", page.encode("utf-8"))


def script_json(value: object) -> str:
    """JSON safe inside ``<script>``: no ``<`` at all, so neither ``</script>`` nor
    ``<!--`` in a user's name can end or re-parse the script."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def _inline(svg: str) -> str:
    """An SVG document as an inline element (drop the XML prolog and DOCTYPE)."""
    return svg[svg.index("<svg"):]


def _page(title: str, frames: list[str], captions: list[str], note: str) -> str:
    divs = "\n".join(
        f'<div class="frame" id="frame-{i}" hidden>{_inline(svg)}</div>'
        for i, svg in enumerate(frames)
    )
    return _TEMPLATE.format(
        title=html.escape(title), last=len(frames) - 1, count=len(frames), frames=divs,
        note=html.escape(note), captions=script_json(captions),
    )


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em 2em; color: #222; }}
#controls {{ position: sticky; top: 0; background: #fff; padding: .5em 0;
             display: flex; gap: .8em; align-items: center; }}
#slider {{ flex: 1; max-width: 40em; }}
#caption {{ font-size: 1.05em; min-height: 3em; background: #fff7ec;
            border-left: 4px solid #e6550d; padding: .4em .8em; }}
.frame svg {{ max-width: 100%; height: auto; }}
.note {{ color: #b30000; }}
</style></head>
<body>
<h1>{title}</h1>
<p>Orange: the op being processed and the gradients it sends back. Green border:
gradients already known. Use the buttons, the slider or the arrow keys.</p>
<p class="note">{note}</p>
<div id="controls">
  <button id="prev" type="button">&larr; Prev</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" step="1">
  <button id="next" type="button">Next &rarr;</button>
  <span id="counter">1 / {count}</span>
</div>
<p id="caption"></p>
{frames}
<script>
(function () {{
  var captions = {captions};
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var current = 0;
  function show(i) {{
    i = Math.max(0, Math.min(frames.length - 1, i));
    frames[current].hidden = true;
    frames[i].hidden = false;
    current = i;
    slider.value = i;
    document.getElementById("counter").textContent = (i + 1) + " / " + frames.length;
    document.getElementById("caption").textContent = captions[i];
    document.body.setAttribute("data-frame", String(i));
  }}
  document.getElementById("prev").addEventListener("click", function () {{ show(current - 1); }});
  document.getElementById("next").addEventListener("click", function () {{ show(current + 1); }});
  slider.addEventListener("input", function () {{ show(parseInt(slider.value, 10)); }});
  document.addEventListener("keydown", function (e) {{
    if (e.target === slider) return;  // the slider handles its own arrows
    if (e.key === "ArrowRight") {{ show(current + 1); e.preventDefault(); }}
    if (e.key === "ArrowLeft") {{ show(current - 1); e.preventDefault(); }}
  }});
  show(0);
}})();
</script>
</body></html>
"""
