"""viz: DOT structure, escaping, real rendering, missing dot, node cap, steps, CLI."""

from __future__ import annotations

import ast
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tensorgraph as tg
import viz
from tensorgraph.graph import record_modules, trace, trace_partial
from viz import cli

ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot missing")
SVG = "{http://www.w3.org/2000/svg}"


def _mlp():
    x = tg.randn(4, 3)
    params = {"0.weight": tg.randn(5, 3, requires_grad=True),
              "0.bias": tg.zeros(5, requires_grad=True),
              "2.weight": tg.randn(2, 5, requires_grad=True)}
    h = (x @ params["0.weight"].T + params["0.bias"]).relu()
    return (h @ params["2.weight"].T).sum(), params


def _dot_nodes(src: str) -> list[str]:
    names = re.findall(r"^\s*(\w+) \[", src, flags=re.MULTILINE)
    return [n for n in names if n not in ("graph", "node", "edge")]


def _dot_edges(src: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", src, flags=re.MULTILINE)


def test_dot_counts_match_the_graph():
    a, b = tg.randn(2, 3, requires_grad=True), tg.randn(3, requires_grad=True)
    loss = (a * b).sum()
    src = viz.draw(loss).source
    g = trace(loss)
    assert len(_dot_nodes(src)) == len(g) == 6 and len(_dot_edges(src)) == len(g.edges) == 5
    assert "#0 leaf 1" in src and "#2 Mul" in src  # numbered by topological order
    assert "(2, 3) float32" in src and "(3,) float32" in src and "MatMul" not in src
    assert "will receive grad" in src  # forward-only view, before backward


def test_constants_fold_into_their_op():
    a = tg.randn(3, requires_grad=True)
    loss = (a * 0.5).sum()
    folded, full = viz.draw(loss).source, viz.draw(loss, fold_constants=False).source
    assert len(_dot_nodes(full)) == len(_dot_nodes(folded)) + 1
    assert "Mul  b = 0.5" in folded


def test_labels_are_escaped():
    nasty = "w<b>&\"q'\\N"
    w = tg.randn(2, requires_grad=True)
    x = tg.randn(2)
    x.name = "</table>&amp;"
    loss = (w * x).sum()
    src = viz.draw(loss, params={nasty: w}).source
    assert "w&lt;b&gt;&amp;&quot;q&#x27;" in src and "&lt;/table&gt;&amp;amp;" in src
    labels = re.findall(r"label=<(.*?)> (?:shape|color)", src)
    assert labels and not any(nasty in lab or "</table>&amp;" in lab for lab in labels)
    assert "\\N" not in src.replace("\\\\N", "")  # no bare DOT escape like \N


@needs_dot
def test_escaped_labels_survive_svg(tmp_path):
    nasty = "w<b>&\"q'\\N"
    w = tg.randn(2, requires_grad=True)
    viz.render((w * 2).sum(), tmp_path / "g.svg", params={nasty: w})
    root = ET.parse(tmp_path / "g.svg").getroot()
    assert f"#0 {nasty}" in [t.text for t in root.iter(SVG + "text")]
    tips = [a.get("{http://www.w3.org/1999/xlink}title") for a in root.iter(SVG + "a")]
    assert any(t and nasty.replace("\\", "\u29f5") in t for t in tips)


@needs_dot
def test_svg_png_pdf_and_dot(tmp_path):
    loss, params = _mlp()
    d = viz.draw(loss, params=params)
    out = viz.render(loss, tmp_path / "g.svg", params=params)
    root = ET.parse(out).getroot()
    nodes = [g for g in root.iter(SVG + "g") if g.get("class") == "node"]
    assert len(nodes) == len(_dot_nodes(d.source))
    texts = {re.sub(r"^#\d+ ", "", t.text or "") for t in root.iter(SVG + "text")}
    assert {"MatMul", "ReLU", "0.weight", "0.bias", "2.weight", "loss"} <= texts
    assert (tmp_path / "g.png").exists() is False
    assert viz.render(loss, tmp_path / "g.png", params=params).read_bytes()[:4] == b"\x89PNG"
    assert viz.render(loss, tmp_path / "g.pdf", params=params).read_bytes()[:4] == b"%PDF"
    assert viz.render(loss, tmp_path / "g.dot", params=params).read_text() == d.source
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []  # atomic writes leave no temp files


def test_missing_dot_fails_fast_and_still_writes_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert not viz.dot_available()
    loss, params = _mlp()
    with pytest.raises(viz.DotNotFoundError) as err:
        viz.render(loss, tmp_path / "g.svg", params=params)
    msg = str(err.value)
    assert all(s in msg for s in ("apt-get install graphviz", "brew install graphviz",
                                  "conda install graphviz"))
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    assert not (tmp_path / "g.svg").exists()
    assert viz.render(loss, tmp_path / "h.dot").exists()  # .dot needs no dot program
    with pytest.raises(viz.DotNotFoundError):
        viz.backprop_steps(loss, tmp_path / "steps")
    assert (tmp_path / "steps" / "graph.dot").exists()


def test_gradient_view_colours_and_flags():
    small = tg.ones(3, requires_grad=True)
    src = viz.draw((small * 1e-9).sum() * 1e-3, color="grad").source
    assert "legend" in src and "one colour per decade" in src and "penwidth" in src
    assert "[vanishing]" in src and "[exploding]" not in src
    big = tg.ones(3, requires_grad=True)
    assert "[exploding]" in viz.draw((big * 1e5).sum(), color="grad").source
    bad = tg.ones(3, requires_grad=True)
    assert "[NaN]" in viz.draw((bad * float("nan")).sum(), color="grad").source
    fine = tg.ones(3, requires_grad=True)
    assert "[" + "NaN]" not in viz.draw((fine * 2).sum(), color="grad").source


def test_module_clusters_and_collapse():
    loss, params = _mlp()
    clustered = viz.draw(loss, params=params).source
    assert clustered.count("subgraph cluster_") == 2
    collapsed = viz.draw(loss, params=params, collapse="module").source
    assert len(_dot_nodes(collapsed)) < len(_dot_nodes(clustered))
    assert "m_0" in collapsed and "m_2" in collapsed and "ReLU" in collapsed


def test_module_names_with_a_model():
    nn = pytest.importorskip("tensorgraph.nn")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with record_modules(model):
        loss = model(tg.randn(5, 3)).sum()
    src = viz.draw(loss, model=model, collapse="module").source
    assert "0: Linear" in src and "1: ReLU" in src and "2: Linear" in src


def test_big_chain_is_capped():
    a = tg.randn(2, requires_grad=True)
    h = a
    for _ in range(5000):
        h = h * 1.0001 + 0.001  # 10,000 ops
    src = viz.draw(h.sum(), max_nodes=300).source
    assert len(_dot_nodes(src)) <= 301
    hidden = int(re.search(r"(\d+) nodes hidden", src).group(1))
    assert hidden > 19000


@needs_dot
def test_jupyter_repr():
    loss, _ = _mlp()
    bundle = viz.draw(loss)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


@needs_dot
def test_backprop_steps_one_layout(tmp_path):
    loss, params = _mlp()
    index = viz.backprop_steps(loss, tmp_path, params=params)
    g = trace(loss)
    page = index.read_text()
    assert page.count("<svg") == 1 and (tmp_path / "graph.svg").exists()  # laid out once
    assert "<link" not in page and "src=" not in page  # self-contained, no network
    assert "dL/da = dL/dy @ b^T" in page  # MatMul's local derivative on its node
    first = g.nodes[g.backward_order[0]]
    assert f"Step 1/{len(g.backward_order)}: #{first.id} {first.op}" in page
    assert page.count('"caption"') == len(g.backward_order) + 2
    assert loss.grad is None and params["0.weight"].grad is None


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0 and "viz.show" in capsys.readouterr().out


@needs_dot
def test_cli_renders_a_script(tmp_path):
    script = tmp_path / "lesson.py"
    script.write_text(
        "import tensorgraph as tg\nimport viz\n"
        "w = tg.randn(3, requires_grad=True)\n"
        "viz.show((w * w).sum(), params={'w': w})\n"
        "if __name__ == '__main__':\n    raise SystemExit('must not run')\n")
    assert cli.main([str(script), "-o", str(tmp_path / "out")]) == 0
    for name in ("graph.svg", "graph_grad.svg", "graph_modules.svg", "steps/index.html"):
        assert (tmp_path / "out" / name).exists()
    demo = cli.main([str(ROOT / "examples" / "graph_demo.py"), "-o", str(tmp_path / "d"),
                     "--format", "dot"])
    assert demo == 0
    assert "loss" in (tmp_path / "d" / "graph.dot").read_text()
    assert (tmp_path / "d" / "graph_modules.dot").exists()


def _scan(source: str, name: str) -> list[str]:
    """Private attribute access (not on self/cls) and non-public tensorgraph imports."""
    problems = []
    for node in ast.walk(ast.parse(source, filename=name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            problems.append(f"{where}: private attribute .{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "tensorgraph" \
                and (node.module not in ("tensorgraph", "tensorgraph.graph")
                     or any(a.name.startswith("_") for a in node.names)):
            problems.append(f"{where}: from {node.module} import ...")
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("tensorgraph") and a.name not in (
                        "tensorgraph", "tensorgraph.graph"):
                    problems.append(f"{where}: import {a.name}")
    return problems


def test_viz_reads_no_private_attributes():
    """viz may use only tensorgraph's public names and tensorgraph.graph."""
    files = sorted((ROOT / "viz").glob("*.py"))
    assert len(files) >= 5
    problems = [p for f in files for p in _scan(f.read_text(), f.name)]
    assert problems == []


@pytest.mark.parametrize("snippet", [
    "import tensorgraph\nx = tensorgraph.autograd._State\n",
    "def f(t):\n    return t.grad_fn._saved\n",
    "from tensorgraph.autograd import topological_order\n",
    "from tensorgraph import _private_helper\n",
    "import tensorgraph.ops\n",
])
def test_private_scan_catches_violations(snippet):
    assert _scan(snippet, "bad.py")


@needs_dot
def test_cli_draws_the_partial_graph_of_a_failing_forward(tmp_path, capsys):
    script = tmp_path / "broken.py"
    script.write_text(
        "import tensorgraph as tg\nnn = tg.nn\n"
        "model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(6, 2))\n"
        "x = tg.randn(3, 4)\nloss = model(x).sum()\n")
    assert cli.main([str(script), "-o", str(tmp_path / "out")]) == 1
    svg = (tmp_path / "out" / "graph.svg").read_text()
    assert "forward failed: ValueError" in svg and "in_features 6" in svg
    assert svg.count("the failing op&#39;s input") == 3  # input, weight, bias
    assert "1: ReLU" in svg and "#0 x" in svg  # modules and the script's names
    assert "raised ValueError" in capsys.readouterr().err
    g = trace_partial([tg.randn(2)], "boom")
    assert g.error == "boom" and g.highlight == (0,)


def test_hostile_module_names_attributes_and_titles_are_escaped():
    nn = pytest.importorskip("tensorgraph.nn")
    hostile = "x</script><!--\"&'"
    model = nn.Sequential()
    model.add_module(hostile, nn.Linear(2, 2))
    loss = model(tg.randn(1, 2)).sum()
    for kw in ({}, {"collapse": "module"}):
        src = viz.draw(loss, model=model, title=hostile, **kw).source
        labels = re.findall(r"label=<(.*?)>\s*(?:shape|style|color|labelloc|\])", src, re.DOTALL)
        assert labels and not any(hostile in lab for lab in labels)
        assert "x&lt;/script&gt;&lt;!--&quot;&amp;&#x27;" in src
    s = tg.randn(2, 3, requires_grad=True)
    src = viz.draw(s.sum(dim=1).sum(), title="<b>t</b>").source
    assert "&lt;b&gt;t&lt;/b&gt;" in src
