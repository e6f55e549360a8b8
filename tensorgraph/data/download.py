"""Verified, atomic downloads from a list of mirrors.

Each file is streamed into a hidden temporary file in the destination folder while its
sha256 is computed; only a complete file with the expected digest is renamed into place
(``os.replace`` is atomic within a folder). A failed, corrupt, truncated or interrupted
(Ctrl-C) download therefore never leaves anything under the final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path

__all__ = ["download_verified"]

_CHUNK = 1 << 16
TIMEOUT_S = 30.0
# Every official MNIST/Fashion-MNIST file is under 30 MB; a mirror streaming more than
# this is misbehaving, and we stop rather than fill the disk.
MAX_DOWNLOAD_BYTES = 64 << 20


def _progress(total: int | None, desc: str):
    """A tqdm bar when tqdm is installed (an optional dependency), else a no-op."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    # disable=None: tqdm hides itself when stderr is not a terminal (CI logs, pytest).
    return tqdm(
        total=total,
        desc=desc,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        leave=False,
        disable=None,
    )


def _fetch(url: str, dest: Path, sha256: str, max_bytes: int) -> None:
    """Download ``url`` to ``dest`` atomically, or raise (leaving ``dest`` untouched)."""
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    bar = None
    try:
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp,
        ):
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > max_bytes:
                raise ValueError(
                    f"server announces {total} bytes, over the {max_bytes}-byte limit"
                )
            bar = _progress(total, dest.name)
            digest, got = hashlib.sha256(), 0
            while chunk := resp.read(_CHUNK):
                got += len(chunk)
                if got > max_bytes:
                    raise ValueError(f"more than {max_bytes} bytes received; stopped")
                digest.update(chunk)
                out.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if total is not None and got != total:
                raise ValueError(f"truncated: got {got} of {total} bytes")
            if digest.hexdigest() != sha256:
                raise ValueError(
                    f"sha256 mismatch ({got} bytes): got {digest.hexdigest()}, expected {sha256}"
                )
            out.flush()
            os.fsync(
                out.fileno()
            )  # the bytes are on disk before the name points at them
        os.replace(tmp, dest)
    except BaseException:
        # BaseException: Ctrl-C mid-download must not leave a .part file behind either.
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    finally:
        if bar is not None:
            bar.close()


def download_verified(
    files: dict[str, str],
    mirrors: Sequence[str],
    folder: str | os.PathLike,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> list[str]:
    """Download each missing file of ``files`` into ``folder``, trying mirrors in turn.

    Args:
        files: file name -> expected sha256 (hex). Files already in ``folder`` are kept.
        mirrors: base URLs; a file's URL is ``base.rstrip('/') + '/' + name``.
        folder: destination, created if needed.
        max_bytes: refuse a response larger than this.

    Returns:
        One line per failed attempt (``"<url>: <why>"``); empty when every file landed.
        A file that no mirror could supply is absent from ``folder`` afterwards.

    Example:
        >>> errors = download_verified({"t10k-labels-idx1-ubyte.gz": "f7ae60f9..."},
        ...                            ["https://ossci-datasets.s3.amazonaws.com/mnist/"], "data")
    """
    target = Path(folder).expanduser()
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"{target}: cannot create the folder ({exc})"]
    errors: list[str] = []
    try:
        for name, sha256 in files.items():
            dest = target / name
            if dest.exists():
                continue
            for base in mirrors:
                url = base.rstrip("/") + "/" + name
                try:
                    _fetch(url, dest, sha256.lower(), max_bytes)
                    break
                except Exception as exc:  # noqa: BLE001 - any failure: try the next mirror
                    errors.append(f"{url}: {type(exc).__name__}: {exc}")
            if not dest.exists():
                # The other files would need the same failing mirrors: stop here rather
                # than wait for three more rounds of timeouts.
                break
    finally:
        if created and not any(target.iterdir()):
            target.rmdir()  # a failed first download leaves no empty folder behind
    return errors
