"""``viz.draw``: turn a traced :class:`tensorgraph.graph.Graph` into a graphviz Digraph."""

from __future__ import annotations

from typing import Any

import graphviz

from tensorgraph.graph import Graph, trace

from .drawer import Drawer, Options

DEFAULT_MAX_NODES = 500


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
    gradcheck: bool = False,
    merge_repeats: bool = True,
) -> graphviz.Digraph:
    """Draw the graph recorded behind ``root``: tensors (boxes) and ops (ovals).

    Data flows along the arrows, from inputs and parameters down to the loss. Nodes
    are numbered by their place in the topological order. Each tensor shows its
    name, shape, dtype, its values (small tensors) or their mean/std/min/max/norm,
    and its gradient when one is known. Before ``backward()`` a tensor that will
    receive a gradient says so; after it, intermediates say "grad freed". Weights
    changed after the graph was recorded (``opt.step()``) get a warning.

    Args:
        root: a Tensor (usually the loss) or a ``tensorgraph.graph.Graph``.
        params: ``{name: tensor}``, e.g. ``dict(model.named_parameters())``: names the
            parameters and groups ops into module clusters.
        model: an ``nn.Module``; the same as ``params`` plus module type names.
        grads: compute every tensor's gradient (intermediates too) with a backward
            pass of the tracer's own; default: only with ``color="grad"``.
        color: ``"grad"`` colours tensors and edges by gradient norm, one colour per
            decade the graph's gradients span (the legend says which), zero apart,
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
        gradcheck: check every op's backward against finite differences of its
            forward (float64 inputs up to 256 elements) and mark the ops that
            disagree in red: for learners writing their own ``Function``.
        merge_repeats: with ``collapse="module"``, draw identical consecutive blocks
            (a ModuleList of equal layers) once, titled "x N".

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
        graph = trace(root, params=params, model=model, grads=want, names=names,
                      gradcheck=gradcheck)
    opts = Options(color, collapse, show_values, show_formulas, max_nodes,
                   fold_constants, rankdir, title, merge_repeats)
    return Drawer(graph, opts).digraph()
