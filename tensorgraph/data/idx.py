"""Reader for the IDX format of the MNIST database (gzip-compressed or raw).

An IDX file is a 4-byte magic number ``00 00 <type> <ndim>``, then ``ndim`` big-endian
uint32 sizes, then the values in C order. Files are read defensively: the compression is
detected from the first bytes (not the file name), the header is validated, and the
payload must be exactly as long as the header says. A hostile header cannot make the
reader allocate more than the data that actually arrives (nor more than ``max_bytes``).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from typing import BinaryIO

import numpy as np

__all__ = ["IDX_IMAGES_MAGIC", "IDX_LABELS_MAGIC", "read_idx"]

IDX_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension
IDX_IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions

# IDX type code -> big-endian numpy dtype (from the format's definition).
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
# The largest MNIST-family file (EMNIST) holds ~0.6 GB of pixels; anything above this
# cap is a corrupt or hostile header, refused before a single payload byte is read.
DEFAULT_MAX_BYTES = 1 << 30
# Real IDX files have 1 (labels) to 4 dimensions; numpy stops at 32 or 64.
MAX_DIMS = 16


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    """Read up to ``n`` bytes, fewer only at end of stream."""
    parts, got = [], 0
    while got < n:
        part = stream.read(min(n - got, _CHUNK))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _read_payload(stream: BinaryIO, n: int) -> bytearray:
    """Read ``n`` bytes into a buffer that grows only as data arrives.

    Growing (rather than allocating ``n`` up front) is what bounds memory when a tiny
    file declares a huge size: we never hold more than the file really contains.
    """
    buf = bytearray()
    while len(buf) < n:
        part = stream.read(min(n - len(buf), _CHUNK))
        if not part:
            break
        buf += part
    return buf


def _count_trailing(stream: BinaryIO, limit: int = 64 * _CHUNK) -> tuple[int, bool]:
    """Count the bytes left in ``stream`` without keeping them; stop past ``limit``.

    Returns:
        (count, capped): capped is True when counting stopped at the limit.
    """
    total = 0
    while total <= limit:
        part = stream.read(_CHUNK)
        if not part:
            return total, False
        total += len(part)
    return total, True


def _size_error(
    name: str, what: str, declared: int, actual: int, capped: bool = False
) -> ValueError:
    if actual < declared:
        return ValueError(f"{name}: {what} but file has {actual}")
    more = f"more than {actual - declared}" if capped else str(actual - declared)
    return ValueError(f"{name}: {what} but file has {more} bytes more (trailing data)")


def read_idx(
    path: str | os.PathLike,
    expected_magic: int | None = None,
    kind: str = "data",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> np.ndarray:
    """Read one IDX file (gzip or raw, detected by its magic bytes) into a numpy array.

    Args:
        path: the file to read.
        expected_magic: if given, the file's magic number must equal it (e.g.
            ``IDX_IMAGES_MAGIC`` = 0x00000803 for MNIST images).
        kind: what the payload holds, used in error messages ("pixels", "labels").
        max_bytes: refuse headers that declare a payload larger than this.

    Returns:
        An array with the header's shape and the native-endian form of its dtype
        (``uint8`` for MNIST).

    Raises:
        ValueError: naming the file and what is wrong: bad magic number, unknown type,
            truncated header, a payload shorter or longer than the header says, or a
            corrupt gzip stream.

    Example:
        >>> images = read_idx("t10k-images-idx3-ubyte.gz", IDX_IMAGES_MAGIC, "pixels")
        >>> images.shape
        torch.Size([10000, 28, 28])
    """
    name = os.fspath(path)
    with open(name, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
        try:
            return _parse(stream, name, compressed, expected_magic, kind, max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            if not compressed:
                raise
            # gzip reports damage as BadGzipFile (an OSError), EOFError or zlib.error.
            raise ValueError(f"{name}: not a valid gzip file ({exc})") from exc
        finally:
            if compressed:
                stream.close()


def _parse(
    stream: BinaryIO,
    name: str,
    compressed: bool,
    expected_magic: int | None,
    kind: str,
    max_bytes: int,
) -> np.ndarray:
    head = _read_exact(stream, 4)
    if len(head) < 4:
        raise ValueError(
            f"{name}: file has {len(head)} bytes, too short for an IDX header"
        )
    (magic,) = struct.unpack(">I", head)
    zero, type_code, ndim = magic >> 16, (magic >> 8) & 0xFF, magic & 0xFF
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"{name}: magic number is 0x{magic:08X}, expected 0x{expected_magic:08X}; "
            "this is not the IDX file its name says (a foreign file, or images and "
            "labels swapped?)"
        )
    if zero != 0 or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(f"{name}: magic number 0x{magic:08X} is not an IDX header")
    if ndim > MAX_DIMS:
        raise ValueError(
            f"{name}: header declares {ndim} dimensions; IDX data sets have at most "
            f"{MAX_DIMS} (corrupt or hostile header)"
        )
    dims_raw = _read_exact(stream, 4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise ValueError(
            f"{name}: header declares {ndim} dimensions but the file ends inside them"
        )
    dims = struct.unpack(f">{ndim}I", dims_raw)
    dtype = _IDX_DTYPES[type_code]
    # Python ints: no overflow however large the declared sizes are.
    declared = dtype.itemsize
    for d in dims:
        declared *= d
    shape_txt = "x".join(str(d) for d in dims)
    what = f"header says {shape_txt} = {declared} bytes of {kind}"
    if declared > max_bytes or max(dims) * dtype.itemsize > max_bytes:
        # The second test catches 0 x 2^32 x 2^32: zero bytes, yet no array can have it.
        raise ValueError(
            f"{name}: {what}, over the {max_bytes}-byte limit (corrupt or hostile header)"
        )
    if not compressed:
        # A raw file's length is known without reading it: fail before allocating.
        actual = os.fstat(stream.fileno()).st_size - 4 - 4 * ndim
        if actual != declared:
            raise _size_error(name, what, declared, actual)
    payload = _read_payload(stream, declared)
    if len(payload) < declared:
        raise _size_error(name, what, declared, len(payload))
    extra, capped = _count_trailing(stream)
    if extra:
        raise _size_error(name, what, declared, declared + extra, capped)
    arr = np.frombuffer(payload, dtype=dtype).reshape(dims)
    return (
        arr.astype(dtype.newbyteorder("="), copy=False) if dtype.itemsize > 1 else arr
    )
