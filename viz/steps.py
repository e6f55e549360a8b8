"""The backprop player: the chain rule, one frame per step of the backward pass.

The graph is laid out once (one SVG); a frame only changes which nodes are lit and
which gradients are shown, so nothing moves between frames. ``backprop_steps``
writes it as a page, ``show_steps`` plays it inline in a notebook.
"""

from __future__ import annotations

import html
import itertools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tensorgraph.graph import Graph, trace

from .captions import done_caption, op_caption, start_caption
from .draw import DEFAULT_MAX_NODES
from .drawer import Drawer, Options
from .render import (
    INSTALL_HELP,
    DotNotFoundError,
    dot_available,
    to_bytes,
    write_atomic,
)
from .style import GRAD_INK, PENDING_INK

_players = itertools.count()


@dataclass(frozen=True)
class Step:
    """What one frame highlights.

    Attributes:
        current: id of the op node being processed (``None`` before/after the pass).
        known: ids of tensor nodes whose gradient is complete at this point.
        receiving: ids of tensor nodes this step sends a gradient to.
        caption: the chain rule of this step, with names and numbers.
    """

    current: int | None
    known: frozenset = field(default_factory=frozenset)
    receiving: frozenset = field(default_factory=frozenset)
    caption: str = ""


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
    order = graph.backward_order
    steps = [Step(None, frozenset(known), frozenset(), start_caption(graph))]
    for k, op_id in enumerate(order, 1):
        op = nodes[op_id]
        receiving = [i for i in op.inputs if nodes[i].requires_grad]
        for i in receiving:
            pending[i] -= 1
            if pending[i] == 0:
                known.add(i)
        steps.append(Step(op_id, frozenset(known), frozenset(receiving),
                          op_caption(graph, op, k, len(order))))
    steps.append(Step(None, frozenset(known), frozenset(), done_caption(graph)))
    return steps


def player_html(graph: Graph, *, max_nodes: int | None = DEFAULT_MAX_NODES,
                max_frames: int = 300, rankdir: str = "TB",
                title: str = "Backprop, step by step", standalone: bool = True) -> str:
    """The player as HTML: a whole page (``standalone``) or a fragment for a notebook.

    Self-contained: the SVG, captions and script are inlined; no network.
    """
    prefix = f"tgp{next(_players)}_"
    steps = plan(graph)
    dropped = max(len(steps) - max_frames, 0)
    steps = steps[:max_frames]
    opts = Options(max_nodes=max_nodes, rankdir=rankdir, player=prefix)
    dot = Drawer(graph, opts).digraph()
    if not dot_available():
        raise DotNotFoundError(f"backprop_steps: {INSTALL_HELP}")
    svg = to_bytes(dot, "svg").decode("utf-8")
    note = (f"Showing the first {max_frames} frames; {dropped} more were left out "
            "(raise max_frames)." if dropped else "")
    if graph.grad_note:
        note = (note + " " if note else "") + "Note: " + graph.grad_note
    frames = [{"c": s.current, "k": sorted(s.known), "r": sorted(s.receiving),
               "caption": s.caption} for s in steps]
    data = {"prefix": prefix, "frames": frames, "grad": GRAD_INK, "pending": PENDING_INK,
            "tensors": [n.id for n in graph.tensors],
            "edges": [[e.src, e.dst] for e in graph.edges], "root": graph.root,
            "keys": standalone}
    body = _BODY.format(prefix=prefix, title=html.escape(title), note=html.escape(note),
                        last=len(frames) - 1, count=len(frames),
                        height="calc(100vh - 13em)" if standalone else "32em",
                        svg=svg[svg.index("<svg"):], data=script_json(data), script=_SCRIPT)
    if not standalone:
        return body
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n")


def backprop_steps(root: Any, out_dir: str | os.PathLike, *, params: dict | None = None,
                   model: Any = None, names: dict | None = None,
                   max_nodes: int | None = DEFAULT_MAX_NODES, max_frames: int = 300,
                   rankdir: str = "TB", title: str = "Backprop, step by step") -> Path:
    """Write the backward pass as a step-by-step page: ``index.html`` and ``graph.svg``.

    The graph is laid out once, with every op's local derivative on it; each frame
    lights the op being processed, the gradients it sends and those already known.
    The caption (pinned above the graph) spells the chain rule with real names and,
    for tensors of up to 6 elements, the numbers: ``dL/dx1 = dL/dn * w1 = 0.5 *
    (-3) = -1.5``; for larger ones shapes and norms. The current op is scrolled into
    view. Self-contained (no network): buttons, arrow keys and a slider.

    Args:
        root: the loss Tensor (its graph must still be alive: call this before
            ``backward()`` or after ``backward(retain_graph=True)``), or a Graph.
        out_dir: folder to write ``index.html`` and ``graph.svg`` into.
        params, model, names: name tensors and group ops (as in :func:`viz.draw`).
        max_nodes: node cap (as in :func:`viz.draw`).
        max_frames: at most this many frames (the first ones); the page says so.
        rankdir, title: as in :func:`viz.draw`.

    Returns:
        The path of ``index.html``.

    Raises:
        DotNotFoundError: when the ``dot`` program is missing; ``graph.dot`` is
            still written.

    Example:
        >>> viz.backprop_steps(loss, "lesson/steps", model=model)
        PosixPath('lesson/steps/index.html')
    """
    graph = root if isinstance(root, Graph) else trace(root, params, model, grads=True,
                                                        names=names)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not dot_available():
        dot = Drawer(graph, Options(max_nodes=max_nodes, rankdir=rankdir)).digraph()
        write_atomic(out / "graph.dot", dot.source.encode("utf-8"))
        raise DotNotFoundError(f"backprop_steps: {INSTALL_HELP}\n(The graph's DOT source "
                               f"was written to {out / 'graph.dot'}.)")
    page = player_html(graph, max_nodes=max_nodes, max_frames=max_frames, rankdir=rankdir,
                       title=title)
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    write_atomic(out / "graph.svg", svg.encode("utf-8"))
    return write_atomic(out / "index.html", page.encode("utf-8"))


class StepPlayer:
    """What :func:`show_steps` returns: displays as the player in Jupyter."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html


def show_steps(root: Any, *, params: dict | None = None, model: Any = None,
               names: dict | None = None, max_nodes: int | None = DEFAULT_MAX_NODES,
               max_frames: int = 300, rankdir: str = "TB",
               title: str = "Backprop, step by step") -> StepPlayer:
    """Play the backward pass inline in a notebook (self-contained HTML, no network).

    Same player and arguments as :func:`backprop_steps`; click the player, then use
    the arrow keys, or the buttons and slider.

    Example:
        >>> viz.show_steps(loss, names=locals())      # last line of a cell
    """
    graph = root if isinstance(root, Graph) else trace(root, params, model, grads=True,
                                                        names=names)
    return StepPlayer(player_html(graph, max_nodes=max_nodes, max_frames=max_frames,
                                  rankdir=rankdir, title=title, standalone=False))


def script_json(value: object) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` at all, so neither
    ``</script>`` nor ``<!--`` in a user's name can end or re-parse the script."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


_BODY = """<div class="tg-player" id="{prefix}player" tabindex="0" data-frame="0">
<style>
#{prefix}player {{ font-family: Helvetica, Arial, sans-serif; color: #222; outline: none; }}
#{prefix}player .tg-head {{ position: sticky; top: 0; z-index: 2; background: #fff;
  padding: .3em 0; border-bottom: 1px solid #ddd; }}
#{prefix}player .tg-controls {{ display: flex; gap: .8em; align-items: center; }}
#{prefix}player .tg-slider {{ flex: 1; max-width: 40em; }}
#{prefix}player .tg-caption {{ font-size: 1em; height: 7.5em; overflow-y: auto;
  white-space: pre-line; background: #fff7ec; border-left: 4px solid #e6550d;
  padding: .3em .8em; margin: .4em 0 0 0; font-family: Menlo, Consolas, monospace; }}
#{prefix}player .tg-stage {{ overflow: auto; height: {height}; position: relative; }}
#{prefix}player .tg-stage svg {{ display: block; }}
#{prefix}player .tg-note {{ color: #b30000; margin: .2em 0; }}
#{prefix}player g.tg-current {{ filter: drop-shadow(0 0 4px #e6550d); }}
#{prefix}player g.tg-current ellipse {{ fill: #fdd0a2; stroke: #e6550d; stroke-width: 3; }}
#{prefix}player g.tg-receiving {{ filter: drop-shadow(0 0 4px #e6550d); }}
#{prefix}player g.tg-known {{ filter: drop-shadow(0 0 2px #31a354); }}
#{prefix}player g.tg-flow path {{ stroke: #e6550d; stroke-width: 3; }}
#{prefix}player g.tg-flow polygon {{ fill: #e6550d; stroke: #e6550d; }}
</style>
<div class="tg-head">
<b>{title}</b> <span class="tg-note">{note}</span>
<div class="tg-controls">
  <button class="tg-prev" type="button">&larr; Prev</button>
  <input class="tg-slider" type="range" min="0" max="{last}" value="0" step="1">
  <button class="tg-next" type="button">Next &rarr;</button>
  <span class="tg-counter">1 / {count}</span>
</div>
<p class="tg-caption"></p>
</div>
<div class="tg-stage">{svg}</div>
<script type="application/json" class="tg-data" id="{prefix}data">{data}</script>
<script>var tgPlayer = "{prefix}";{script}</script>
</div>"""

_SCRIPT = """
(function () {
  // Each player finds its own data by id: a notebook may hold several players.
  var data = JSON.parse(document.getElementById(tgPlayer + "data").textContent);
  var p = data.prefix, root = document.getElementById(p + "player");
  var q = function (sel) { return root.querySelector(sel); };
  var slider = q(".tg-slider"), stage = q(".tg-stage"), current = 0;
  function node(kind, id) { return document.getElementById(p + kind + id); }
  function rows(g, ink) { return g ? g.querySelectorAll('text[fill="' + ink + '"]') : []; }
  function setRows(g, ink, on) {
    rows(g, ink).forEach(function (t) { t.style.visibility = on ? "visible" : "hidden"; });
  }
  function show(i) {
    i = Math.max(0, Math.min(data.frames.length - 1, i));
    var f = data.frames[i], known = {}, recv = {};
    f.k.forEach(function (id) { known[id] = true; });
    f.r.forEach(function (id) { recv[id] = true; });
    root.querySelectorAll(".tg-current,.tg-receiving,.tg-known,.tg-flow,.tg-focus").forEach(
      function (el) {
        el.classList.remove("tg-current", "tg-receiving", "tg-known", "tg-flow", "tg-focus");
      });
    data.tensors.forEach(function (id) {
      var g = node("t", id);
      if (!g) return;
      setRows(g, data.grad, !!known[id]);
      setRows(g, data.pending, !known[id]);
      if (recv[id]) g.classList.add("tg-receiving");
      else if (known[id]) g.classList.add("tg-known");
    });
    var focus = node("t", data.root);
    if (f.c !== null) {
      focus = node("o", f.c) || focus;
      if (focus) focus.classList.add("tg-current");
      data.edges.forEach(function (e) {
        if ((e[1] === f.c && recv[e[0]]) || e[0] === f.c) {
          var el = node("e", e[0] + "_" + e[1]);
          if (el) el.classList.add("tg-flow");
        }
      });
    }
    current = i;
    slider.value = i;
    q(".tg-counter").textContent = (i + 1) + " / " + data.frames.length;
    q(".tg-caption").textContent = f.caption;
    root.setAttribute("data-frame", String(i));
    if (focus) {
      focus.classList.add("tg-focus");
      var s = stage.getBoundingClientRect(), b = focus.getBoundingClientRect();
      stage.scrollLeft += (b.left + b.width / 2) - (s.left + s.width / 2);
      stage.scrollTop += (b.top + b.height / 2) - (s.top + s.height / 2);
      var r = stage.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) root.scrollIntoView({block: "start"});
    }
  }
  q(".tg-prev").addEventListener("click", function () { show(current - 1); });
  q(".tg-next").addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  (data.keys ? document : root).addEventListener("keydown", function (e) {
    if (e.target === slider) return;  // the slider handles its own arrows
    if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
  });
  show(0);
})();
"""
