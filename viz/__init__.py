"""viz: see the graph your tensorgraph code recorded, and watch backprop run through it.

    import viz
    viz.draw(loss, model=model)                      # a graphviz.Digraph (inline in Jupyter)
    viz.render(loss, "graph.svg", color="grad")      # .svg / .png / .pdf / .dot
    viz.backprop_steps(loss, "steps/")               # the backward pass, step by step
    viz.show_steps(loss, names=locals())             # the same player inline in Jupyter
    viz.draw(loss, gradcheck=True)                   # mark ops whose backward is wrong
    print(viz.summary(model, x))                     # shapes, params, memory per module
    monitor = viz.GradientMonitor(model)             # grad norm per module per step

Importing viz switches on ``tensorgraph.graph.module_recording`` (exact module boxes
from ``model=`` alone; ``module_recording(False)`` switches it off). It reads only
``tensorgraph.graph`` (the public, read-only view of a recorded graph)
and public ``tensorgraph`` names.
"""

import tensorgraph.graph

from .draw import DEFAULT_MAX_NODES, draw
from .monitor import GradientMonitor
from .render import DotNotFoundError, dot_available, render
from .show import show
from .steps import backprop_steps, show_steps
from .summary import summary

# Remember which module made each op from here on (one dict entry per module call), so
# `viz.draw(loss, model=model)` draws exact module boxes with no record_modules block.
tensorgraph.graph.module_recording(True)

__all__ = [
           "DEFAULT_MAX_NODES",
           "DotNotFoundError",
           "GradientMonitor",
           "backprop_steps",
           "dot_available",
           "draw",
           "render",
           "show",
           "show_steps",
           "summary",
]
