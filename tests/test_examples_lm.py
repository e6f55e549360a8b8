"""Smoke tests of the language-model examples: a few steps on a small text, offline.

The texts are small made-up files written here (never the network); the runs check the
outputs (history, plot, checkpoint, samples) and the clear error when the text is missing.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import tensorgraph as tg

pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def examples():
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def text_dir(tmp_path):
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    names = ["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(300)]
    folder = tmp_path / "data" / "text"
    folder.mkdir(parents=True)
    (folder / "names.txt").write_text("\n".join(names) + "\n")
    verse = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind\n"
    (folder / "tinyshakespeare.txt").write_text(verse * 60)
    return tmp_path / "data"


@pytest.mark.parametrize("model", ["bigram", "mlp", "wavenet", "lstm", "gpt"])
def test_names_script_writes_valid_outputs(examples, text_dir, tmp_path, model):
    names = examples("names")
    out = tmp_path / "run"
    argv = ["--model", model, "--data-dir", str(text_dir), "--out", str(out),
            "--epochs", "2", "--batch-size", "512", "--steps", "6"]
    assert names.main(argv) == 0
    history = json.loads((out / "history.json").read_text())
    assert history["config"]["model"] == model
    assert [e["epoch"] for e in history["epochs"]] == [1, 2]
    assert all(np.isfinite(e["dev_loss"]) for e in history["epochs"])
    assert len(history["samples"]) == 20
    assert (out / "samples.txt").read_text().count("\n") == 20
    assert (out / "history.png").read_bytes()[:8] == PNG_MAGIC
    ckpt = tg.load(out / "model.tg")
    assert set(ckpt) == {"model", "optimizer", "config"}


def test_shakespeare_script_trains_and_samples(examples, text_dir, tmp_path, capsys):
    shakespeare = examples("shakespeare")
    out = tmp_path / "run"
    argv = ["--data-dir", str(text_dir), "--out", str(out), "--steps", "4",
            "--eval-interval", "2", "--eval-batches", "1", "--batch-size", "4",
            "--context", "16", "--width", "32", "--layers", "1", "--heads", "2",
            "--sample-chars", "30", "--device", "cpu"]
    assert shakespeare.main(argv) == 0
    history = json.loads((out / "history.json").read_text())
    assert [e["step"] for e in history["evals"]] == [0, 2, 4]
    assert history["evals"][-1]["val_loss"] < history["evals"][0]["val_loss"]
    assert len((out / "sample.txt").read_text()) == 31
    assert (out / "history.png").read_bytes()[:8] == PNG_MAGIC
    ckpt = tg.load(out / "model.tg")
    model = shakespeare.GPT(len(ckpt["vocab"]), 16, 32, 1, 2)
    model.load_state_dict(ckpt["model"])
    assert "sampled characters" in capsys.readouterr().out


@pytest.mark.parametrize("script", ["names", "shakespeare"])
def test_missing_text_says_which_file_and_where(examples, tmp_path, monkeypatch, script):
    monkeypatch.delenv("TENSORGRAPH_DATA", raising=False)
    module = examples(script)
    with pytest.raises(FileNotFoundError, match=r"(names|tinyshakespeare)\.txt not found.*"
                                                r"--data-dir"):
        module.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "o"),
                     "--steps", "1"])


@pytest.mark.parametrize("script", ["names", "shakespeare"])
def test_help_works(examples, script, capsys):
    with pytest.raises(SystemExit) as exit_info:
        examples(script).main(["--help"])
    assert exit_info.value.code == 0
    assert "--steps" in capsys.readouterr().out
