"""Checkpoints: ``save`` and ``load`` nested state dicts without pickle.

A checkpoint is a numpy ``.npz`` file (a zip archive, members stored uncompressed):

* ``index.json`` holds the format marker and version, the dtype and shape of every array,
  and the object's structure as JSON (dicts keep their key types, tuples stay tuples);
* ``a0.npy``, ``a1.npy``, ... hold the arrays, the i-th being ``index["arrays"][i]``.

Loading never unpickles, so opening an untrusted file cannot run code. Every array is
checked against the index, the zip directory and the file's real size before it is read,
so a lying or bomb-like file is refused before any large allocation.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import struct
import zipfile
import zlib
from typing import IO, Any

import numpy as np

from .tensor import Tensor

__all__ = ["CheckpointError", "load", "save"]

FORMAT = "tensorgraph.checkpoint"
VERSION = 1
INDEX_NAME = "index.json"
# The index is parsed into Python objects several times its size; real state dicts need
# well under 1 MiB of it, so 16 MiB is generous yet keeps a hostile index cheap.
MAX_INDEX_BYTES = 16 * 2**20
_ALLOWED_DTYPES = frozenset(
    np.dtype(name).newbyteorder("<").str
    for name in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "float16", "float32", "float64")
)
_TAGS = ("list", "tuple", "dict", "float", "tensor", "ndarray", "scalar")
_LOAD_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                struct.error, OverflowError, NotImplementedError, RuntimeError)


class CheckpointError(ValueError):
    """A file could not be loaded as a tensorgraph checkpoint (the message says why)."""


class _Invalid(Exception):
    """Internal: what is wrong with the file; ``load`` adds the path."""


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` to ``path`` as a checkpoint, atomically.

    The data goes to a temporary file in the same folder, is fsynced, and is then renamed
    onto ``path``, so a crash leaves either the old file or the new one, never half of one.

    Args:
        obj: nested dicts (keys None/bool/int/float/str), lists and tuples of Tensors, numpy
            arrays and scalars, and None/bool/int/float/str. Dict subclasses (OrderedDict) load
            as dicts and Tensor subclasses (Parameter) as Tensors; ``requires_grad`` is kept,
            ``.grad`` is not. Array dtypes: bool, (u)int8-64, float16/32/64.
        path: where to write (str or path-like); an existing file is replaced.

    Raises:
        TypeError: ``obj`` holds an unsupported type or dtype (the message says where).
        ValueError: ``obj`` contains a reference cycle.
        OSError: the folder cannot be written.

    Example:
        >>> tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3},
        ...         "ckpt.npz")
    """
    path = os.fspath(path)
    arrays: list[np.ndarray] = []
    root = _encode(obj, arrays, {}, set(), "obj")
    index = {"format": FORMAT, "version": VERSION, "root": root,
             "arrays": [{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays]}
    folder, base = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{base}.{secrets.token_hex(6)}.tmp")
    # os.open (not mkstemp) so the checkpoint gets the usual umask permissions, not 0600.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            # Stored, not deflated: the loader can then bound memory by the file's size.
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
                zf.writestr(INDEX_NAME, json.dumps(index, allow_nan=False))
                for i, array in enumerate(arrays):
                    with zf.open(f"a{i}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable; Windows cannot open folders
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def load(path: str | os.PathLike[str]) -> Any:
    """Read a checkpoint written by :func:`save`, without unpickling anything.

    Args:
        path: the checkpoint file (str or path-like).

    Returns:
        The saved object: same nesting, key types, tuples and lists; Tensors come back as
        Tensors, numpy arrays as arrays, each with its dtype, shape and values. A Tensor
        saved twice comes back as one object.

    Raises:
        CheckpointError: the file is not a valid checkpoint (pickle, foreign format,
            truncated, object arrays, an index that disagrees with the data, a newer format
            version, ...); the message names the file and the problem.
        OSError: the file cannot be opened (e.g. ``FileNotFoundError``).

    Example:
        >>> ckpt = tg.load("ckpt.npz")
        >>> model.load_state_dict(ckpt["model"])
    """
    name = os.fspath(path)
    with open(name, "rb") as fh:  # a missing file stays a plain FileNotFoundError
        try:
            return _load(fh)
        except _Invalid as err:
            raise CheckpointError(f"cannot load checkpoint {name}: {err}") from None
        except _LOAD_ERRORS as err:  # damaged zip or .npy internals, found while reading
            detail = f"{type(err).__name__}: {err}".rstrip(": ")
            raise CheckpointError(f"cannot load checkpoint {name}: the file is damaged "
                                  f"({detail})") from err


# ----------------------------------------------------------------------------- saving

def _encode(obj: Any, arrays: list, memo: dict, active: set, where: str) -> Any:
    """Turn ``obj`` into JSON, moving arrays into ``arrays``; ``where`` names it in errors."""
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        if id(obj) not in memo:  # the same Tensor twice (tied weights) is stored once
            array = np.asarray(obj.array if isinstance(obj, Tensor) else obj)
            little = array.dtype.newbyteorder("<")  # one byte order: files move between machines
            if little.str not in _ALLOWED_DTYPES:
                raise TypeError(f"save: {where} has dtype {array.dtype}; checkpoints hold bool, "
                                "int8-64, uint8-64 and float16/32/64 arrays")
            memo[id(obj)] = len(arrays)
            arrays.append(array.astype(little, copy=False))
        if isinstance(obj, Tensor):
            return {"tensor": memo[id(obj)], "requires_grad": bool(obj.requires_grad)}
        return {"ndarray" if isinstance(obj, np.ndarray) else "scalar": memo[id(obj)]}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj  # JSON keeps null, true, 1 and "1" apart, so these need no tag
    if isinstance(obj, float):  # json writes 2.0 as "2.0", so it reads back as a float
        return obj if math.isfinite(obj) else {"float": repr(obj)}
    if not isinstance(obj, (list, tuple, dict)):
        raise TypeError(f"save: cannot store {type(obj).__name__} at {where}; a checkpoint "
                        "holds dicts, lists, tuples, Tensors, numpy arrays and "
                        "None/bool/int/float/str")
    if id(obj) in active:
        raise ValueError(f"save: {where} contains itself; a checkpoint must be a tree")
    active.add(id(obj))
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if key is not None and not isinstance(key, (bool, int, float, str)):
                raise TypeError(f"save: {where} has a key of type {type(key).__name__}; "
                                "keys must be None/bool/int/float/str")
            items.append([_encode(key, arrays, memo, active, where),
                          _encode(value, arrays, memo, active, f"{where}[{key!r}]")])
        node = {"dict": items}
    else:
        node = {"tuple" if isinstance(obj, tuple) else "list":
                [_encode(v, arrays, memo, active, f"{where}[{i}]") for i, v in enumerate(obj)]}
    active.discard(id(obj))
    return node


# ---------------------------------------------------------------------------- loading

def _load(fh: IO[bytes]) -> Any:
    """Check the archive, its index and every array header, then read and rebuild."""
    head = fh.read(8)
    fh.seek(0)
    if not zipfile.is_zipfile(fh):
        raise _Invalid(_describe(head))
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        if INDEX_NAME not in names:
            raise _Invalid(f"no {INDEX_NAME} member, so it is not a tensorgraph checkpoint "
                           f"(members: {', '.join(names[:5]) or 'none'})")
        if len(set(names)) != len(names):
            raise _Invalid("the archive lists a member name twice")
        declared, actual = 0, os.fstat(fh.fileno()).st_size
        for info in infos:
            # Stored members decode to exactly their on-disk bytes, so checking the sizes
            # against the real file size bounds the memory that loading can take.
            if info.flag_bits & 0x1 or info.compress_type != zipfile.ZIP_STORED \
                    or info.compress_size != info.file_size:
                raise _Invalid(f"member {info.filename} is compressed or encrypted; "
                               "checkpoints store members as plain bytes")
            declared += info.file_size
            if declared > actual:
                raise _Invalid(f"member {info.filename} claims {info.file_size} bytes but "
                               f"the whole file has {actual} (truncated, or a zip bomb)")
        index, specs = _read_index(zf, zf.getinfo(INDEX_NAME))
        expected = {INDEX_NAME} | {f"a{i}.npy" for i in range(len(specs))}
        if set(names) - expected:
            raise _Invalid(f"members not in the index: {sorted(set(names) - expected)}")
        if expected - set(names):
            raise _Invalid(f"members missing: {sorted(expected - set(names))}")
        arrays = [_read_array(zf, f"a{i}.npy", *spec) for i, spec in enumerate(specs)]
    used: set[int] = set()
    obj = _decode(index["root"], arrays, {}, used)
    if len(used) != len(arrays):
        raise _Invalid(f"arrays {sorted(set(range(len(arrays))) - used)} are not used")
    return obj


def _describe(head: bytes) -> str:
    """Say what a non-zip file looks like, so the error points at the likely mix-up."""
    if not head:
        return "the file is empty"
    if head.startswith(b"\x80"):
        return ("it looks like a pickle (pickle.dump, or an old torch.save); tensorgraph "
                "never unpickles, because unpickling can run arbitrary code")
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not a checkpoint; read it with numpy.load"
    if head.startswith(b"PK"):
        return "it starts like a zip archive but its end is missing (truncated or damaged)"
    return f"it is not a zip archive (it starts with {head!r})"


def _read_index(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[dict, list]:
    """Parse and check the index; return it and each array's (dtype string, shape)."""
    if info.file_size > MAX_INDEX_BYTES:
        raise _Invalid(f"{INDEX_NAME} is {info.file_size} bytes (limit {MAX_INDEX_BYTES})")
    with zf.open(info) as f:
        text = f.read(MAX_INDEX_BYTES + 1).decode("utf-8")

    def reject_constant(name: str) -> None:
        raise _Invalid(f"{INDEX_NAME} contains {name}, which is not JSON")

    try:
        index = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError) as err:
        raise _Invalid(f"{INDEX_NAME} is not valid JSON ({err})") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise _Invalid(f"{INDEX_NAME} lacks the '{FORMAT}' format marker")
    version = index.get("version")
    if type(version) is not int or version != VERSION:
        raise _Invalid(f"format version {version!r} is not supported (this tensorgraph "
                       f"reads version {VERSION}; a newer tensorgraph may read it)")
    entries = index.get("arrays")
    if not isinstance(entries, list) or "root" not in index:
        raise _Invalid(f"{INDEX_NAME} lacks its 'arrays' list or 'root'")
    specs = []
    for i, entry in enumerate(entries):
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if type(dtype) is not str or dtype not in _ALLOWED_DTYPES:
            raise _Invalid(f"array a{i}.npy has dtype {dtype!r}, which is not allowed")
        if not isinstance(shape, list) or len(shape) > 64 \
                or any(type(d) is not int or d < 0 for d in shape):
            raise _Invalid(f"array a{i}.npy has an invalid shape {shape!r}")
        specs.append((dtype, tuple(shape)))
    return index, specs


def _read_array(zf: zipfile.ZipFile, name: str, dtype: str, shape: tuple) -> np.ndarray:
    """Read one member after checking its .npy header and size against the index."""
    info = zf.getinfo(name)
    with zf.open(info) as f:
        version = np.lib.format.read_magic(f)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:  # 3.0 exists only for structured dtypes, which are refused
            raise _Invalid(f"{name} uses .npy version {version}, which is not supported")
        header_shape, _, header_dtype = read_header(f)
        if header_dtype.str != dtype or header_shape != shape:
            raise _Invalid(f"the index says {name} is {dtype} {shape} but the array is "
                           f"{header_dtype.str} {header_shape}")
        needed = math.prod(shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
        if info.file_size - f.tell() != needed:
            raise _Invalid(f"{name} holds {info.file_size - f.tell()} bytes of data but its "
                           f"shape needs {needed}")
    with zf.open(info) as f:  # sizes are now known to be honest, so reading is bounded
        return np.lib.format.read_array(f, allow_pickle=False)


def _decode(node: Any, arrays: list, memo: dict, used: set) -> Any:
    """Rebuild the object that ``_encode`` turned into ``node``."""
    if node is None or type(node) in (bool, int, float, str):
        return node
    tags = [tag for tag in _TAGS if isinstance(node, dict) and tag in node]
    extra = set(node) - {*tags, "requires_grad"} if isinstance(node, dict) else None
    if len(tags) != 1 or extra or (tags[0] != "tensor" and len(node) != 1):
        raise _Invalid(f"malformed node in {INDEX_NAME}: {str(node)[:80]}")
    tag, value = tags[0], node[tags[0]]
    if tag in ("list", "tuple") and isinstance(value, list):
        items = [_decode(v, arrays, memo, used) for v in value]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict" and isinstance(value, list) \
            and all(isinstance(kv, list) and len(kv) == 2 for kv in value):
        return {_decode_key(k): _decode(v, arrays, memo, used) for k, v in value}
    if tag == "float" and value in ("inf", "-inf", "nan"):
        return float(value)
    if tag in ("tensor", "ndarray", "scalar") and type(value) is int \
            and 0 <= value < len(arrays):
        used.add(value)
        array = arrays[value]
        if tag == "ndarray":
            return array
        if tag == "scalar" and array.ndim == 0:
            return array[()]
        requires_grad = node.get("requires_grad", False)
        if tag == "tensor" and type(requires_grad) is bool \
                and (array.dtype.kind == "f" or not requires_grad):
            if value not in memo:  # one Tensor saved twice loads as one Tensor
                memo[value] = Tensor(array, requires_grad=requires_grad)
            return memo[value]
    raise _Invalid(f"malformed {tag!r} node in {INDEX_NAME}: {str(node)[:80]}")


def _decode_key(node: Any) -> Any:
    if isinstance(node, dict) and node.keys() == {"float"}:  # an inf or nan key
        return _decode(node, [], {}, set())
    if node is None or type(node) in (bool, int, float, str):
        return node
    raise _Invalid(f"a dict key in {INDEX_NAME} is not a scalar: {str(node)[:80]}")
