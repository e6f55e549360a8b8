"""See the graph a 2-layer MLP records, and watch backprop run through it.

    python examples/graph_demo.py out/graph_demo      # writes the figures below
    python -m viz examples/graph_demo.py -o out/      # the same graph via the CLI

Writes into the output folder:
    forward.svg    the recorded graph before backward (what will receive gradients)
    gradients.svg  every tensor's gradient, edges coloured by gradient norm (log scale)
    modules.svg    one node per module: Linear -> ReLU -> Linear -> cross-entropy
    steps/index.html  the backward pass, one frame per op, in the engine's real order
"""

from __future__ import annotations

import sys
from pathlib import Path

import tensorgraph as tg
import viz
from tensorgraph.graph import record_all_modules, record_sources

tg.manual_seed(0)
x = tg.randn(2, 4)  # a tiny batch: 2 samples, 4 features
y = tg.tensor([0, 2])  # their classes (3 classes)

try:
    import tensorgraph.nn.functional as F
    from tensorgraph import nn

    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    with record_all_modules(), record_sources():  # exact module boxes, code lines
        loss = F.cross_entropy(model(x), y)
    params = None
except (ImportError, AttributeError):  # tg.nn not available: the same MLP by hand
    model = None
    params = {"0.weight": tg.randn(5, 4, requires_grad=True),
              "0.bias": tg.zeros(5, requires_grad=True),
              "2.weight": tg.randn(3, 5, requires_grad=True),
              "2.bias": tg.zeros(3, requires_grad=True)}
    with record_sources():
        h = (x @ params["0.weight"].T + params["0.bias"]).relu()
        logits = h @ params["2.weight"].T + params["2.bias"]
        logp = logits - logits.exp().sum(1, keepdim=True).log()
        loss = -(logp * tg.eye(3)[y]).sum() * 0.5


def main(out_dir: str = "out/graph_demo") -> tg.Tensor:
    out = Path(out_dir)
    kw = {"model": model} if model is not None else {"params": params}
    kw["names"] = {"x": x, "y": y, "loss": loss}  # label data and labels by their names
    print(viz.render(loss, out / "forward.svg", title="2-layer MLP: forward", **kw))
    print(viz.render(loss, out / "gradients.svg", color="grad",
                     title="gradients (colour = |dL/dt|, one colour per decade)", **kw))
    print(viz.render(loss, out / "modules.svg", collapse="module", **kw))
    print(viz.backprop_steps(loss, out / "steps", **kw))
    return loss


if __name__ == "__main__":
    main(*sys.argv[1:2])
