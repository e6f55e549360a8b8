"""Smoke tests of the example scripts: each runs on tiny settings and writes valid outputs.

The MNIST runs use small fake IDX files written here (never the network, never the real
data), so they take seconds; the offline run checks the no-data error path end to end.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from test_data import closed_port_url, make_dataset_dir

import tensorgraph as tg

pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EPOCH_KEYS = {"epoch", "train_loss", "train_acc", "test_loss", "test_acc", "seconds"}


@pytest.fixture(scope="module")
def examples():
    """Import an example script as a module (they import their helper ``_common``)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(EXAMPLES))


def is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize(("model", "dataset"), [("mlp", "mnist"), ("cnn", "fashion-mnist")])
def test_mnist_script_writes_valid_outputs(examples, tmp_path, model, dataset):
    mnist = examples("mnist")
    make_dataset_dir(tmp_path / "data" / dataset, n_train=80, n_test=24)
    out = tmp_path / "run"
    argv = ["--model", model, "--dataset", dataset, "--data-dir", str(tmp_path / "data"),
            "--out", str(out), "--epochs", "2", "--batch-size", "16", "--limit", "48"]
    assert mnist.main(argv) == 0

    history = json.loads((out / "history.json").read_text())
    config = history["config"]
    assert (config["model"], config["dataset"], config["limit"]) == (model, dataset, 48)
    assert [e["epoch"] for e in history["epochs"]] == [1, 2]
    for e in history["epochs"]:
        assert set(e) == EPOCH_KEYS
        assert 0 <= e["train_acc"] <= 1 and 0 <= e["test_acc"] <= 1
        assert np.isfinite(e["train_loss"]) and np.isfinite(e["test_loss"]) and e["seconds"] >= 0
    assert is_png(out / "history.png") and is_png(out / "mistakes.png")
    assert is_png(out / "grad_health.png")
    if shutil.which("dot"):
        root = ET.parse(out / "graph.svg").getroot()
        assert root.tag.endswith("svg")
        assert "Linear" in (out / "graph.svg").read_text()  # modules are labelled
    else:
        assert "digraph" in (out / "graph.dot").read_text()

    checkpoint = tg.load(out / "model.tg")
    assert checkpoint["epoch"] == 2 and checkpoint["config"]["model"] == model
    restored = mnist.build_model(model)
    restored.load_state_dict(checkpoint["model"])  # strict: every key and shape matches
    assert set(checkpoint["optimizer"]) == {"state", "param_groups"}


def test_mnist_script_offline_without_data_fails_cleanly(tmp_path):
    # A fresh process: no data anywhere it looks, a private HOME, mirrors that refuse.
    env = dict(os.environ, TENSORGRAPH_DATA=str(tmp_path / "empty"), HOME=str(tmp_path / "home"),
               TENSORGRAPH_MNIST_MIRRORS=closed_port_url())
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "mnist.py"), "--out", str(tmp_path / "run")],
        check=False, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "MNIST: the dataset files were not found" in result.stderr
    assert "train-images-idx3-ubyte.gz" in result.stderr and "TENSORGRAPH_DATA" in result.stderr
    assert not (tmp_path / "run" / "model.tg").exists()


def test_regression_fits_with_learned_biases(examples, tmp_path, capsys):
    regression = examples("regression")
    result = regression.run(regression.parse_args(["--out", str(tmp_path)]))
    assert result["mse"] < 1e-2
    assert is_png(tmp_path / "fit.png")
    printed = capsys.readouterr().out
    assert "MSE on a 1,000-point grid" in printed and "bias" in printed


def test_classification_separates_moons(examples, tmp_path):
    classification = examples("classification")
    result = classification.run(classification.parse_args(["--out", str(tmp_path)]))
    assert result["train_acc"] > 0.95 and result["test_acc"] > 0.9
    assert is_png(tmp_path / "boundary_moons.png")


def test_optimizers_all_reduce_the_loss(examples, tmp_path):
    optimizers = examples("optimizers")
    result = optimizers.run(optimizers.parse_args(["--out", str(tmp_path), "--steps", "60"]))
    assert set(result["curves"]) == {"sgd", "momentum", "adam", "adamw"}
    for losses in result["curves"].values():
        assert len(losses) == 60 and losses[-1] < losses[0]
    assert is_png(tmp_path / "optimizers.png")


def test_activations_shows_exploding_relu_and_the_fixes(examples, tmp_path):
    activations = examples("activations")
    result = activations.run(activations.parse_args(
        ["--out", str(tmp_path), "--depth", "6", "--batch", "64"]))["results"]
    relu = {setup: act for setup, (act, _) in result["relu"].items()}
    assert relu["N(0, 1) init"][-1] > 1e6  # sqrt(2 * 256 / 2)^6: explodes
    for fixed in ("Kaiming (He) init", "default init + BatchNorm"):
        assert 0.2 < relu[fixed][-1] < 5  # stays of order one through depth
    assert relu["default init"][-1] < 0.5 * relu["default init"][0]  # shrinks
    assert is_png(tmp_path / "activations.png")
