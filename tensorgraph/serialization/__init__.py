"""``tg.save`` / ``tg.load``: checkpoints and safetensors files, never unpickled.

Two formats, chosen by the path's suffix when saving and by the file's first bytes when
loading:

* a **checkpoint** (any suffix but ``.safetensors``; ``.npz``-based, see
  ``checkpoint.py``): nested dicts, lists and tuples of Tensors, arrays and Python
  scalars, such as ``{"model": model.state_dict(), "optim": opt.state_dict()}``;
* **safetensors** (``.safetensors``, see ``safetensors.py``): a flat dict of name ->
  tensor, the format torch and the Hugging Face hub use.

Where the bytes go is ``atomic.py``'s job: atomic replacement, symlinks followed,
permissions kept, non-regular files never replaced.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import IO, Any

from . import atomic, checkpoint, safetensors
from .errors import CheckpointError, Invalid

__all__ = ["CheckpointError", "load", "save"]


def save(obj: Any, f: str | os.PathLike[str] | IO[bytes],
         metadata: Mapping[str, str] | None = None) -> None:
    """Write ``obj`` to a file path or a binary file object.

    What ``save`` promises for a path:

    * **atomic**: the bytes go to a new file in the target's folder (unnamed while being
      written), are fsynced, then renamed onto the path; a crash or error at any point
      leaves the old file or the new one, never neither, and no temporary file behind;
    * **follows symlinks**: the link's target is written and the link stays a link
      (a hard-linked file gets a new inode under this name; its other names keep the
      old bytes, as with any atomic save);
    * **keeps permissions**: the replaced file's mode bits (and owner, for root);
    * **refuses** a file you may not write (``PermissionError``, as ``open(path, "wb")``);
      writes a character device (``/dev/null``) or a FIFO with a reader directly and
      never replaces it;
    * **checks first**: an object that could not be loaded back (a numpy-scalar dict key,
      an unsupported type, a cycle) is refused before anything is written, naming the
      key path.

    Args:
        obj: for a checkpoint, nested dicts (keys None/bool/int/float/str), lists and
            tuples of Tensors, numpy arrays and scalars, and None/bool/int/float/str; an
            OrderedDict loads as an OrderedDict, other dict subclasses as dicts, a
            Parameter as a Parameter; ``requires_grad`` is kept, ``.grad`` is not;
            Tensors that share memory (views of one tensor) share it again when loaded. For a ``.safetensors`` path, a flat ``{str: Tensor}`` dict
            (a ``state_dict()``).
        f: a path (str or path-like; ``.safetensors`` selects that format) or a binary
            file object opened for writing (``io.BytesIO``, ``open(p, "wb")``), which gets
            a checkpoint.
        metadata: safetensors only: a str -> str dict stored in the header.

    Raises:
        TypeError: ``obj`` holds an unsupported type, key or dtype (the message says where).
        ValueError: ``obj`` contains a reference cycle.
        OSError: the file or folder cannot be written (``PermissionError`` included;
            ``FileNotFoundError`` naming the path when its folder does not exist).

    Example:
        >>> tg.save({"model": model.state_dict(), "epoch": 3}, "ckpt.npz")
        >>> tg.save(model.state_dict(), "model.safetensors")   # loads in torch too
    """
    is_path = isinstance(f, (str, os.PathLike))
    if is_path and os.fspath(f).endswith(".safetensors"):
        safetensors.write(_Discard(), obj, metadata)  # refuse bad input before writing
        atomic.write_file(f, lambda fh: safetensors.write(fh, obj, metadata))
        return
    if metadata is not None:
        raise TypeError("save: metadata= is for .safetensors files only")
    index, arrays = checkpoint.encode(obj)
    if not is_path:
        if not hasattr(f, "write"):
            raise TypeError(f"save: f must be a path or a binary file object, not "
                            f"{type(f).__name__}")
        checkpoint.write(f, index, arrays)
        return
    atomic.write_file(f, lambda fh: checkpoint.write(fh, index, arrays))


def load(f: str | os.PathLike[str] | IO[bytes], map_location: Any = None,
         weights_only: bool | None = None) -> Any:
    """Read a checkpoint or a safetensors file, without unpickling anything.

    Args:
        f: a path or a readable, seekable binary file object (``io.BytesIO``).
        map_location, weights_only: accepted for torch compatibility; tensorgraph
            always loads on the CPU and never runs code from a file.

    Returns:
        A checkpoint's object (same nesting, key types, tuples and lists; Tensors as
        Tensors, arrays as arrays; a Tensor saved twice comes back as one object), or
        a safetensors file's ``{name: Tensor}`` dict (bfloat16 widened to float32).

    Raises:
        CheckpointError: the file is neither format, or is damaged or inconsistent
            (pickle, truncated, lying sizes or offsets, unknown dtypes, ...); the message
            names the file and the problem, in one short line.
        OSError: the file cannot be opened (e.g. ``FileNotFoundError``).

    Example:
        >>> model.load_state_dict(tg.load("ckpt.npz")["model"])
    """
    _check_device(map_location)
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        with open(name, "rb") as fh:  # a missing file stays a plain FileNotFoundError
            return _read(fh, name, os.fstat(fh.fileno()).st_size)
    if not (hasattr(f, "read") and hasattr(f, "seek")):
        raise TypeError(f"load: f must be a path or a readable, seekable binary file "
                        f"object, not {type(f).__name__}")
    name = str(getattr(f, "name", None) or type(f).__name__)
    if f.tell() != 0:  # the readers count offsets from the file's start
        f = io.BytesIO(f.read())
    size = f.seek(0, os.SEEK_END)
    f.seek(0)
    return _read(f, name, size)


def _read(fh: IO[bytes], name: str, size: int) -> Any:
    head = fh.read(16)
    fh.seek(0)
    try:
        if safetensors.looks_like_safetensors(head):
            return safetensors.read(fh, size)
        return checkpoint.read(fh, size)
    except Invalid as err:
        raise CheckpointError(f"cannot load {name}: {err}") from None
    except checkpoint.LOAD_ERRORS as err:  # damaged zip or .npy internals, found late
        detail = f"{type(err).__name__}: {err}".rstrip(": ")[:200]
        raise CheckpointError(f"cannot load {name}: the file is damaged ({detail})") from err


def _check_device(map_location: Any) -> None:
    text = str(getattr(map_location, "type", map_location) or "cpu")
    if not (text == "cpu" or text.startswith("cpu:") or callable(map_location)
            or isinstance(map_location, dict)):
        raise RuntimeError(f"load: map_location={map_location!r}, but tensorgraph runs on "
                           "numpy on the CPU only; pass map_location='cpu' or leave it out")


class _Discard:
    """A file that forgets what it is given: lets ``save`` check input before writing."""

    def write(self, data: Any) -> int:
        return len(memoryview(data))
