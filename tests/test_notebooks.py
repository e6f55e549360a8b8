"""Every lesson notebook in examples/notebooks runs top to bottom (nbclient, the
current Python as its kernel) with no cell error, and shows its graphs as SVG/HTML."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "examples" / "notebooks")
                   .glob("*.ipynb"))
DATA = Path(os.environ.get("TENSORGRAPH_DATA", Path(__file__).resolve().parents[2]
                           / "shared" / "data"))
NEEDS = {"03_mlp_gradient_health.ipynb": DATA / "mnist",
         "05_char_lm_attention.ipynb": DATA / "text" / "names.txt"}


def test_there_are_five_lessons():
    assert len(NOTEBOOKS) == 5


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_graphs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    if shutil.which("dot") is None:
        pytest.skip("graphviz dot is not installed")
    if path.name in NEEDS and not NEEDS[path.name].exists():
        pytest.skip(f"{NEEDS[path.name]} missing (set TENSORGRAPH_DATA)")
    nb = nbformat.read(path, as_version=4)
    # "python3" is ipykernel's native kernel: this interpreter, no kernelspec install.
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}})
    env = {"MPLBACKEND": "Agg", "TENSORGRAPH_DATA": str(DATA)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    rich = [o for o in outputs if o.get("output_type") in ("display_data", "execute_result")]
    assert any("image/svg+xml" in o.get("data", {}) or "<svg" in
               str(o.get("data", {}).get("text/html", "")) or "text/html" in o.get("data", {})
               for o in rich)
