"""Tests for tensorgraph.data's datasets: finding the files, downloading them
(IDX parsing is tested in test_data_idx.py, Dataset and DataLoader in
test_data_loader.py).

Nothing here touches the internet: mirrors are pointed at a closed local port or at a
small HTTP server on 127.0.0.1 serving generated files.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import sys
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from data_files import STEMS, fake_split, make_dataset_dir

from tensorgraph.data import (
    MNIST,
    DataLoader,
    DatasetNotFoundError,
    FashionMNIST,
    datasets,
    download,
)
from tensorgraph.tensor import Tensor


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Every test: no real data dirs, a private HOME, and mirrors that refuse connections."""
    monkeypatch.delenv("TENSORGRAPH_DATA", raising=False)
    monkeypatch.delenv("TENSORGRAPH_MNIST_MIRRORS", raising=False)
    monkeypatch.delenv("TENSORGRAPH_FASHION_MNIST_MIRRORS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(FashionMNIST, "system_dirs", ())
    dead = closed_port_url()
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [dead])
    monkeypatch.setitem(datasets.MIRRORS, "fashion-mnist", [dead])


# ---------------------------------------------------------------- finding files


def test_sample_format_and_attributes(tmp_path):
    make_dataset_dir(tmp_path / "d", gz=False)
    ds = MNIST(tmp_path / "d", train=True, download=False)
    images, labels = fake_split(6, 0)
    assert len(ds) == 6 and ds.data.dtype == np.uint8 and ds.targets.dtype == np.int64
    image, label = ds[2]
    assert (
        isinstance(image, Tensor)
        and image.array.shape == (1, 28, 28)
        and image.array.dtype == np.float32
    )
    np.testing.assert_array_equal(image.array[0], images[2].astype(np.float32) / 255)
    assert type(label) is int and label == labels[2]
    X, y = ds.arrays()
    assert X.shape == (6, 1, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0 <= X.min() and X.max() <= 1
    ds2 = MNIST(
        tmp_path / "d",
        download=False,
        transform=lambda t: t.array.sum(),
        target_transform=str,
    )
    assert ds2[2] == (pytest.approx(float(X[2].sum()), rel=1e-5), str(labels[2]))
    # The loader's fast path (no transform) and the per-sample path agree.
    ds3 = MNIST(tmp_path / "d", download=False, transform=lambda t: t)
    for (fx, fy), (sx, sy) in zip(DataLoader(ds, 4), DataLoader(ds3, 4), strict=True):
        np.testing.assert_array_equal(fx.array, sx.array)
        np.testing.assert_array_equal(fy.array, sy.array)
        assert (
            fx.array.dtype == sx.array.dtype == np.float32 and fy.array.dtype == np.int64
        )


def test_search_order(tmp_path, monkeypatch):
    root, env, home = tmp_path / "root", tmp_path / "env", tmp_path / "home"
    make_dataset_dir(home / ".cache" / "tensorgraph" / "mnist", n_test=1)
    assert len(MNIST(train=False)) == 1
    make_dataset_dir(env / "mnist", n_test=2)
    monkeypatch.setenv("TENSORGRAPH_DATA", str(env))
    assert len(MNIST(train=False)) == 2
    make_dataset_dir(root / "mnist", n_test=3)  # root/<name> counts too
    assert len(MNIST(root, train=False)) == 3
    make_dataset_dir(root, n_test=4)
    ds = MNIST(root, train=False)
    assert len(ds) == 4 and ds.folder == root
    assert ds.search_dirs()[:4] == [
        root,
        root / "mnist",
        env / "mnist",
        home / ".cache" / "tensorgraph" / "mnist",
    ]


def test_incomplete_folder_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORGRAPH_DATA", str(tmp_path / "env"))
    make_dataset_dir(tmp_path / "env" / "fashion-mnist", n_test=2)
    make_dataset_dir(tmp_path / "partial", n_test=5)
    (tmp_path / "partial" / "train-labels-idx1-ubyte.gz").unlink()
    assert len(FashionMNIST(tmp_path / "partial", train=False)) == 2


def test_fashion_system_dir(tmp_path, monkeypatch):
    system = tmp_path / "usr-share"
    make_dataset_dir(system, n_test=3, gz=False)
    monkeypatch.setattr(FashionMNIST, "system_dirs", (str(system),))
    ds = FashionMNIST(train=False)
    assert len(ds) == 3 and ds.folder == system and ds.classes[9] == "Ankle boot"
    with pytest.raises(DatasetNotFoundError):
        MNIST(train=False)  # MNIST does not look there


def test_offline_error_names_files_folders_and_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORGRAPH_DATA", str(tmp_path / "env"))
    with pytest.raises(DatasetNotFoundError) as err:
        FashionMNIST(tmp_path / "root")
    msg = str(err.value)
    for stem in STEMS:
        assert stem in msg
    for folder in (
        tmp_path / "root",
        tmp_path / "env" / "fashion-mnist",
        tmp_path / "home" / ".cache",
    ):
        assert str(folder) in msg
    assert datasets.MIRRORS["fashion-mnist"][0] in msg  # the failed mirror and why
    assert (
        "root=" in msg
        and "TENSORGRAPH_DATA" in msg
        and "apt-get install dataset-fashion-mnist" in msg
    )
    assert isinstance(err.value, FileNotFoundError)
    assert not list((tmp_path / "root").rglob("*ubyte*"))  # nothing half-downloaded


def test_download_false_says_so(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="download=False") as err:
        MNIST(download=False)
    assert "apt-get" not in str(err.value)


# ---------------------------------------------------------------- downloads


class MirrorHandler(http.server.BaseHTTPRequestHandler):
    """/good/<f> serves the file, /corrupt/<f> flips a byte, /truncated/<f> stops halfway."""

    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self):
        _, mode, name = self.path.split("/", 2)
        body = self.files.get(name)
        if body is None or mode not in ("good", "corrupt", "truncated"):
            self.send_error(404)
            return
        if mode == "corrupt":
            body = body[:30] + bytes([body[30] ^ 1]) + body[31:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mode == "truncated" else body)

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A local mirror of four generated files whose sha256 the loader now expects."""
    files = make_dataset_dir(tmp_path / "upstream")
    monkeypatch.setattr(MirrorHandler, "files", files)
    monkeypatch.setitem(
        datasets.SHA256,
        "mnist",
        {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MirrorHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_download_lands_verified_files(tmp_path, monkeypatch, mirror, with_tqdm):
    if not with_tqdm:
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails: no bar
    dead = closed_port_url()
    monkeypatch.setitem(
        datasets.MIRRORS, "mnist", [dead, f"{mirror}/corrupt/", f"{mirror}/good/"]
    )
    ds = MNIST(tmp_path / "root", train=False)
    assert len(ds) == 4 and ds.folder == tmp_path / "root" / "mnist"
    landed = sorted(p.name for p in ds.folder.iterdir())
    assert landed == sorted(MirrorHandler.files)  # and no .part file left
    for name, body in MirrorHandler.files.items():
        assert (ds.folder / name).read_bytes() == body
    # Found locally next time, without the network.
    assert len(MNIST(tmp_path / "root", train=False, download=False)) == 4


@pytest.mark.parametrize("mode", ["corrupt", "truncated"])
def test_bad_download_never_reaches_cache(tmp_path, monkeypatch, mirror, mode):
    monkeypatch.setenv("TENSORGRAPH_MNIST_MIRRORS", f"{mirror}/{mode}/")
    with pytest.raises(DatasetNotFoundError) as err:
        MNIST()
    cache = tmp_path / "home" / ".cache" / "tensorgraph" / "mnist"
    assert not cache.exists()  # no file, no .part, not even the empty folder
    why = (
        "sha256 mismatch" if mode == "corrupt" else "truncated: got 2371 of 4743 bytes"
    )
    assert why in str(err.value)
    assert f"{mirror}/{mode}/train-images-idx3-ubyte.gz" in str(err.value)


def test_interrupted_download_leaves_nothing(tmp_path, monkeypatch, mirror):
    class Interrupt:
        def update(self, n):
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setattr(download, "_progress", lambda total, desc: Interrupt())
    monkeypatch.setenv("TENSORGRAPH_MNIST_MIRRORS", f"{mirror}/good/")
    with pytest.raises(KeyboardInterrupt):
        MNIST(tmp_path / "root")
    assert not (tmp_path / "root" / "mnist").exists()


# ---------------------------------------------------------------- the real data


# Read at import, before the autouse fixture clears TENSORGRAPH_DATA (CI points it here).
REAL = Path(
    os.environ.get("TENSORGRAPH_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)


@pytest.mark.skipif(
    not (REAL / "mnist").is_dir(), reason="no local MNIST copy in ../shared/data"
)
def test_real_mnist_via_env(monkeypatch):
    monkeypatch.setenv("TENSORGRAPH_DATA", str(REAL))
    test = MNIST(train=False, download=False)
    assert len(test) == 10_000 and test.folder == REAL / "mnist"
    assert test.data.shape == (10_000, 28, 28) and test.data.dtype == np.uint8
    assert (
        set(np.unique(test.targets)) == set(range(10))
        and test.targets.dtype == np.int64
    )
    image, label = test[0]
    assert (
        image.array.shape == (1, 28, 28)
        and image.array.dtype == np.float32
        and label == 7
    )
    X, y = test.arrays()
    assert X.shape == (10_000, 1, 28, 28) and 0 <= X.min() and X.max() == 1.0
    np.testing.assert_array_equal(y, test.targets)
    train = MNIST(train=True, download=False)
    assert len(train) == 10_000  # the shared copy is a 10,000-image training subset
    xb, yb = next(iter(DataLoader(train, batch_size=128, shuffle=True, seed=0)))
    assert (
        xb.array.shape == (128, 1, 28, 28)
        and xb.array.dtype == np.float32
        and yb.array.dtype == np.int64
    )


@pytest.mark.skipif(
    not Path("/usr/share/datasets/fashion-mnist").is_dir(),
    reason="dataset-fashion-mnist not installed",
)
def test_real_fashion_mnist_from_debian_package(monkeypatch):
    monkeypatch.setattr(
        FashionMNIST, "system_dirs", ("/usr/share/datasets/fashion-mnist",)
    )
    test = FashionMNIST(train=False, download=False)
    assert len(test) == 10_000 and np.bincount(test.targets).tolist() == [1000] * 10
