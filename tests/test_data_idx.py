"""Tests for tensorgraph.data's IDX reader: round trips, and every way a file can be
broken (truncated, trailing bytes, bad magic, corrupt gzip, lying sizes)."""

from __future__ import annotations

import gzip
import struct
import tracemalloc

import numpy as np
import pytest
from data_files import fake_split, idx_bytes, make_dataset_dir, write

from tensorgraph.data import MNIST, read_idx
from tensorgraph.data.idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC


@pytest.fixture(autouse=True)
def no_data_env(monkeypatch):
    """The folders these tests write are the only data they may find."""
    monkeypatch.delenv("TENSORGRAPH_DATA", raising=False)


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_roundtrip(tmp_path, gz):
    images, labels = fake_split(5, 0)
    # Misleading names on purpose: compression is detected from the bytes, not the suffix.
    p_img = write(
        tmp_path / ("images.raw" if gz else "images.gz"), idx_bytes(images), gz
    )
    p_lab = write(tmp_path / "labels", idx_bytes(labels), gz)
    got = read_idx(p_img, IDX_IMAGES_MAGIC, "pixels")
    assert got.dtype == np.uint8 and got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, images)
    np.testing.assert_array_equal(read_idx(p_lab, IDX_LABELS_MAGIC, "labels"), labels)


def test_read_idx_wider_types_are_native_endian(tmp_path):
    arr = np.arange(6, dtype=">i4").reshape(2, 3)
    p = write(
        tmp_path / "ints",
        struct.pack(">I", 0x0C02) + struct.pack(">2I", 2, 3) + arr.tobytes(),
        False,
    )
    got = read_idx(p)
    assert got.dtype == np.dtype("int32") and got.dtype.isnative
    np.testing.assert_array_equal(got, np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_file_names_file_and_sizes(tmp_path, gz):
    images, _ = fake_split(5, 0)
    p = write(tmp_path / "train-images-idx3-ubyte.gz", idx_bytes(images)[:-100], gz)
    with pytest.raises(ValueError) as err:
        read_idx(p, IDX_IMAGES_MAGIC, "pixels")
    msg = str(err.value)
    assert "train-images-idx3-ubyte.gz" in msg
    assert "header says 5x28x28 = 3920 bytes of pixels but file has 3820" in msg


@pytest.mark.parametrize("gz", [True, False])
def test_trailing_data_is_rejected(tmp_path, gz):
    _, labels = fake_split(5, 0)
    p = write(tmp_path / "labels", idx_bytes(labels) + b"\0" * 7, gz)
    with pytest.raises(
        ValueError, match="header says 5 = 5 bytes of labels but file has 7 bytes more"
    ):
        read_idx(p, IDX_LABELS_MAGIC, "labels")


def test_bad_magic(tmp_path):
    _, labels = fake_split(5, 0)
    p = write(tmp_path / "t10k-images-idx3-ubyte", idx_bytes(labels), False)
    with pytest.raises(
        ValueError,
        match=r"t10k-images-idx3-ubyte: magic number is 0x00000801, expected 0x00000803",
    ):
        read_idx(p, IDX_IMAGES_MAGIC, "pixels")


@pytest.mark.parametrize(
    "payload",
    [b"", b"\x00\x00", b"<html>not found</html>", b"\x00\x00\x08\x03\x00\x00"],
)
def test_foreign_or_tiny_files(tmp_path, payload):
    p = write(tmp_path / "x", payload, False)
    with pytest.raises(ValueError, match=str(p)):
        read_idx(p)


def test_corrupt_gzip(tmp_path):
    good = gzip.compress(idx_bytes(fake_split(5, 0)[0]))
    p = tmp_path / "x.gz"
    p.write_bytes(good[:20] + bytes(b ^ 0xFF for b in good[20:60]) + good[60:])
    with pytest.raises(ValueError, match="x.gz"):
        read_idx(p)


def test_huge_declared_size_is_refused_without_allocating(tmp_path):
    header = struct.pack(">I", IDX_IMAGES_MAGIC) + struct.pack(
        ">3I", 0xFFFFFFFF, 0xFFFFFFFF, 28
    )
    p = write(tmp_path / "bomb.gz", header + b"\0" * 10, True)
    with pytest.raises(ValueError, match="over the .*-byte limit"):
        read_idx(p, IDX_IMAGES_MAGIC, "pixels")
    # Under the cap (~78 MB declared) but the file holds 10 bytes: memory stays tiny.
    header = struct.pack(">I", IDX_IMAGES_MAGIC) + struct.pack(">3I", 100_000, 28, 28)
    p = write(tmp_path / "liar.gz", header + b"\0" * 10, True)
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError, match="100000x28x28 = 78400000 bytes of pixels but file has 10"
        ):
            read_idx(p, IDX_IMAGES_MAGIC, "pixels")
        assert tracemalloc.get_traced_memory()[1] < 8 << 20
    finally:
        tracemalloc.stop()


def test_mnist_rejects_mismatched_counts(tmp_path):
    make_dataset_dir(tmp_path / "d")
    write(
        tmp_path / "d" / "t10k-labels-idx1-ubyte.gz",
        idx_bytes(np.zeros(3, np.uint8)),
        True,
    )
    with pytest.raises(
        ValueError, match="has 3 labels but t10k-images-idx3-ubyte.gz has 4 images"
    ):
        MNIST(tmp_path / "d", train=False, download=False)
    MNIST(tmp_path / "d", train=True, download=False)  # the train split is fine


def test_mnist_rejects_out_of_range_labels(tmp_path):
    make_dataset_dir(tmp_path / "d")
    write(
        tmp_path / "d" / "train-labels-idx1-ubyte.gz",
        idx_bytes(np.full(6, 10, np.uint8)),
        True,
    )
    with pytest.raises(ValueError, match="label 10 is out of range"):
        MNIST(tmp_path / "d", download=False)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dims", [(0, 0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0, 1),
                                  (1,) * 40, (1,) * 255, (2,) * 17])
def test_absurd_headers_name_the_file_never_numpy(tmp_path, gz, dims):
    """No 'array is too big' or 'maximum supported dimension' from numpy: our own error."""
    magic = (0x08 << 8) | len(dims)
    header = struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims)
    p = write(tmp_path / ("absurd.gz" if gz else "absurd"), header, gz)
    with pytest.raises(ValueError, match="absurd") as info:
        read_idx(p)
    assert "too big" not in str(info.value) and "maximum supported" not in str(info.value)
    assert "hostile" in str(info.value) or "dimensions" in str(info.value)


def test_a_size_that_disagrees_with_the_file_names_it(tmp_path):
    header = struct.pack(">I", IDX_LABELS_MAGIC) + struct.pack(">I", 5)
    p = write(tmp_path / "labels-idx1", header + b"\0" * 3, False)
    with pytest.raises(ValueError, match=r"labels-idx1: header says 5 = 5 bytes of data but "
                                         r"file has 3"):
        read_idx(p)
