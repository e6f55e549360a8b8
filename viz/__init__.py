"""viz: see the graph your tensorgraph code recorded, and watch backprop run through it.

    import viz
    viz.draw(loss, model=model)                      # a graphviz.Digraph (inline in Jupyter)
    viz.render(loss, "graph.svg", color="grad")      # .svg / .png / .pdf / .dot
    viz.backprop_steps(loss, "steps/")               # one frame per backward step + index.html

It reads only ``tensorgraph.graph`` (the public, read-only view of a recorded graph)
and public ``tensorgraph`` names.
"""

from .draw import DEFAULT_MAX_NODES, draw
from .render import DotNotFoundError, dot_available, render
from .show import show
from .steps import backprop_steps, show_steps

__all__ = ["DEFAULT_MAX_NODES", "DotNotFoundError", "backprop_steps", "dot_available",
           "draw", "render", "show", "show_steps"]
