"""viz lenses: colour scale, gradcheck overlay, summary, gradient monitor, reprs."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import tensorgraph as tg
import viz
from tensorgraph.autograd import Function
from tensorgraph.graph import Summary, record_all_modules, trace
from viz.style import GradScale

nn = tg.nn
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot missing")


def _s(v: float) -> Summary:
    return Summary.of(np.array([v]))


def test_colour_scale_has_one_bin_per_decade_and_keeps_zero_apart():
    scale = GradScale([2e-3, 0.5, 3.0])  # decades 1e-3 .. 1e1
    assert (scale.lo, scale.hi) == (-3, 1) and len(scale.colours) == 4
    colours = [scale.colour(_s(v))[0] for v in (2e-3, 0.05, 0.5, 3.0)]
    assert len(set(colours)) == 4  # each decade its own colour
    assert scale.colour(_s(0.0)) == (viz.style.ZERO_COLOUR, "zero")
    assert scale.colour(_s(1e-9))[1] == "vanishing" and scale.colour(_s(2e3))[1] == "exploding"
    legend = scale.legend()
    assert all(f"1e{d}..1e{d + 1}" in legend for d in range(-3, 1)) and "zero" in legend


def test_gradient_view_shows_several_colours_when_gradients_differ():
    w1 = tg.randn(4, 4, requires_grad=True)
    w2 = tg.randn(4, 4, requires_grad=True)
    loss = ((tg.randn(2, 4) @ w1 * 1e-3) @ w2).sum() * 100
    src = viz.draw(loss, params={"w1": w1, "w2": w2}, color="grad").source
    scale = GradScale.of_graph(trace(loss, grads=True))
    used = {c for c in scale.colours if f'color="{c}"' in src}
    assert len(used) >= 2


class WrongSquare(Function):
    """y = x**2;  dx = 3 * g * x   (deliberately wrong: a learner's bug)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * g * x


def test_gradcheck_flags_only_the_wrong_op():
    x = tg.tensor([0.5, -1.0, 2.0], dtype=tg.float64, requires_grad=True)
    loss = (WrongSquare.apply(x.exp()) * x).sum()
    g = trace(loss, gradcheck=True)
    checked = {n.op: n.gradcheck for n in g.ops}
    assert checked["WrongSquare"] > 1e-2
    assert checked["Exp"] < 1e-6 and checked["Mul"] < 1e-6
    src = viz.draw(loss, gradcheck=True).source
    assert src.count("gradcheck FAILED") == 1 and src.count("gradcheck ok") == 3


def test_summary_counts_params_and_the_bytes_the_engine_holds():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    s = viz.summary(model, tg.randn(5, 3))
    assert s.total_params == sum(p.numel() for p in model.parameters()) == 26
    rows = {r.path: r for r in s.rows}
    assert rows["0"].output_shape == (5, 4) and rows[""].output_shape == (5, 2)
    assert rows["0"].params == 16 and rows["1"].params == 0
    # What the nodes really hold, read off them: Linear keeps its input (weights are
    # parameters), ReLU its boolean mask, the second Linear the ReLU output.
    with tg.enable_grad():
        out = model(tg.randn(5, 3))
    fns, fn = [], out.grad_fn
    while fn is not None:
        fns.append(fn)
        fn = next((p for p, _ in fn.next_functions if isinstance(p, tg.autograd.Function)), None)
    held = {id(a): a.nbytes for f in fns for a in (*f.saved, *(
        v for v in vars(f).values() if isinstance(v, np.ndarray)))
        if isinstance(a, np.ndarray) and not any(
            a is p.array for p in model.parameters())}
    assert s.saved_bytes == sum(held.values()) == 5 * 3 * 4 + 5 * 4 + 5 * 4 * 4
    assert rows["1"].saved_bytes == 20 and "saved for backward" in str(s)
    assert "<table>" in s._repr_html_()


def test_gradient_monitor_records_norms_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    monitor = viz.GradientMonitor(model)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (model(tg.randn(8, 3)) ** 2).mean().backward()
        row = monitor.step()
        opt.step()
    w, b = model[2].weight.grad.numpy(), model[2].bias.grad.numpy()
    assert row[1] == pytest.approx(np.sqrt((w ** 2).sum() + (b ** 2).sum()), rel=1e-6)
    assert monitor.names == ["0", "2"] and len(monitor.history) == 3
    monitor.plot(tmp_path / "grad_health.png")
    assert (tmp_path / "grad_health.png").stat().st_size > 1000


def test_model_alone_gives_exact_module_boxes_after_recording_all_modules():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2))
    with record_all_modules():
        loss = model(tg.randn(2, 3)).sum()
    g = trace(loss, model=model)
    assert {n.op: n.module for n in g.ops if n.op in ("ReLU", "Mul")} == {"ReLU": "1",
                                                                         "Mul": "2"}
    src = viz.draw(loss, model=model, collapse="module").source
    assert "1: ReLU" in src and "2: Dropout" in src


def test_repeated_blocks_are_drawn_once():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc(x).tanh()

    model = nn.Sequential(*[Block() for _ in range(4)])
    with record_all_modules():
        loss = model(tg.randn(2, 4)).sum()
    src = viz.draw(loss, model=model, collapse="module").source
    assert "0 .. 3: Block x 4" in src or "x 4" in src
    assert "x 4" not in viz.draw(loss, model=model, collapse="module",
                                 merge_repeats=False).source


def test_max_nodes_never_splits_a_module():
    model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(30)])
    with record_all_modules():
        loss = model(tg.randn(2, 4)).sum()
    g = trace(loss, model=model)
    from viz.drawer import Drawer, Options

    d = Drawer(g, Options(max_nodes=20))
    for path, _ in g.modules:
        units = {d.unit.get(n.id) == "hidden" for n in g.nodes if n.module == path}
        assert len(units) == 1, path


def test_jupyter_reprs_of_tensor_module_graph_and_player():
    t = tg.tensor([1.0, 2.0], requires_grad=True, name="x<b>")
    y = t * 2
    assert "grad_fn=MulBackward" in y._repr_html_() and "x&lt;b&gt;" in t._repr_html_()
    assert "Linear" in nn.Sequential(nn.Linear(2, 3))._repr_html_()
    assert len(repr(trace(y.sum()))) < 80
    if shutil.which("dot"):
        assert "<svg" in trace(y.sum())._repr_svg_()
        html = viz.show_steps(y.sum())._repr_html_()
        assert html.count("<svg") == 1 and "<script" in html and "http" not in html.replace(
            "http://www.w3.org", "")


def test_after_import_viz_model_alone_gives_exact_module_boxes():
    from tensorgraph.graph import module_recording

    assert module_recording(True) is True  # import viz switched it on
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Flatten(), nn.Linear(4, 2))
    loss = model(tg.randn(2, 3)).sum()  # no record_modules block
    g = trace(loss, model=model)
    assert next(n for n in g.ops if n.op == "ReLU").module == "1"
    was = module_recording(False)
    try:
        loss = model(tg.randn(2, 3)).sum()
        assert next(n for n in trace(loss, model=model).ops if n.op == "ReLU").module is None
    finally:
        module_recording(was)


def test_captions_spell_the_chain_rule_with_names_and_numbers():
    from viz.steps import plan

    x = tg.ones(4, 3)
    b = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = tg.tensor(-3.0, requires_grad=True)
    loss = ((x + b).sum() * c)
    caps = [s.caption for s in plan(trace(loss, grads=True, names={"x": x, "b": b, "c": c}))]
    text = "\n".join(caps)
    assert "dL/dc = dL/dloss * (Sum out) = 1 * 36 = 36" in text
    assert "dL/db = dL/d(Add out) = [-12, -12, -12]   (summed to b's shape (3,))" in text
    assert "<4x3, norm" in text  # big tensors: shape and norm, not numbers
    assert caps[0].startswith("Start") and caps[-1].startswith("Done")
    loss.backward()
    assert b.grad.tolist() == [-12.0, -12.0, -12.0] and c.grad.item() == 36.0


def test_after_backward_intermediates_say_grad_freed_and_changed_weights_warn():
    w = tg.randn(3, requires_grad=True)
    loss = (w * tg.randn(3)).exp().sum()
    assert "will receive grad" in viz.draw(loss).source
    loss.backward()
    src = viz.draw(loss, params={"w": w}).source
    assert "grad freed (backward ran)" in src and "will receive grad" not in src
    assert "changed after this graph" not in src
    with tg.no_grad():
        w -= 0.1 * w.grad  # what opt.step() does
    src = viz.draw(loss, params={"w": w}).source
    assert "warning: w changed after this graph was recorded" in src


def test_player_nodes_show_formulas_in_the_graphs_names():
    from viz.captions import named_formula

    x1 = tg.tensor(2.0, name="x1")
    w1 = tg.tensor(-3.0, requires_grad=True, name="w1")
    y = (x1 * w1).exp()
    g = trace(y, grads=True, names={"y": y})
    mul = next(n for n in g.ops if n.op == "Mul")
    assert named_formula(g, mul) == "dL/dx1 = dL/d(Mul out) * w1,  dL/dw1 = dL/d(Mul out) * x1"
    if shutil.which("dot"):
        assert "dL/dw1 = dL/d(Mul out) * x1" in viz.show_steps(y)._repr_html_()
