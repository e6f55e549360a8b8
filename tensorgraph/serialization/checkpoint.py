"""Checkpoints: ``save`` and ``load`` nested state dicts without pickle.

A checkpoint is a numpy ``.npz`` file (a zip archive, members stored uncompressed):

* ``index.json`` holds the format marker and version, the dtype and shape of every array,
  and the object's structure as JSON (dicts keep their key types, tuples stay tuples);
* ``a0.npy``, ``a1.npy``, ... hold the arrays, the i-th being ``index["arrays"][i]``.

An ``OrderedDict`` (what ``state_dict()`` returns) loads as an ``OrderedDict`` and a
``Parameter`` as a ``Parameter``, as with ``torch.load``; Tensors that share memory are
stored as windows on one buffer and share it again when loaded (``views.py``).

Loading never unpickles, so opening an untrusted file cannot run code. Every array is
checked against the index, the zip directory and the file's real size before it is read,
so a lying or bomb-like file is refused before any large allocation.
"""

from __future__ import annotations

import json
import math
import struct
import zipfile
import zlib
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .. import dtypes
from ..nn.parameter import Parameter
from ..tensor import Tensor
from .errors import Invalid, short_list
from .views import from_window, shared_roots, view_root, window

__all__ = ["FORMAT", "LOAD_ERRORS", "VERSION", "encode", "read", "write"]

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
_TAGS = ("list", "tuple", "dict", "odict", "float", "tensor", "ndarray", "scalar", "dtype")
_TENSOR_KEYS = {"tensor", "requires_grad", "parameter", "view"}
_DTYPES = {d.name: d for d in dtypes.ALL}
LOAD_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                struct.error, OverflowError, NotImplementedError, RuntimeError)


def encode(obj: Any) -> tuple[dict, list[np.ndarray]]:
    """The JSON index of ``obj`` and the arrays it refers to; refuses, before anything is
    written, whatever could not be loaded back (the message names the key path)."""
    arrays: list[np.ndarray] = []
    root = _encode(obj, arrays, {"shared": shared_roots(obj)}, set(), "checkpoint")
    index = {"format": FORMAT, "version": VERSION, "root": root,
             "arrays": [{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays]}
    json.dumps(index, allow_nan=False)  # fails now, not half-way through the file
    return index, arrays


def write(fh: IO[bytes], index: dict, arrays: list[np.ndarray]) -> None:
    """Write a checkpoint (an uncompressed zip of index.json and a0.npy, ...) to ``fh``."""
    # Stored, not deflated: the loader can then bound memory by the file's size.
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(INDEX_NAME, json.dumps(index, allow_nan=False))
        for i, array in enumerate(arrays):
            with zf.open(f"a{i}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def read(fh: IO[bytes], size: int) -> Any:
    """Read a checkpoint from the seekable ``fh`` of ``size`` bytes; raises
    ``CheckpointError``-ready ``Invalid`` or the damaged-file errors in ``LOAD_ERRORS``."""
    return _load(fh, size)


# ----------------------------------------------------------------------------- saving

def _encode(obj: Any, arrays: list, memo: dict, active: set, where: str) -> Any:
    """Turn ``obj`` into JSON, moving arrays into ``arrays``; ``where`` names it in errors.
    ``memo["shared"]`` holds the ids of buffers that several Tensors are views of."""
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        array = np.asarray(obj.array if isinstance(obj, Tensor) else obj)
        root = view_root(array) if isinstance(obj, Tensor) else None
        if root is not None and id(root) in memo["shared"]:
            key, stored = id(root), root.reshape(-1)  # the buffer once, flat
        else:
            key, stored, root = id(obj), array, None  # the same Tensor twice is stored once
        if key not in memo:
            little = stored.dtype.newbyteorder("<")  # one byte order: files move between machines
            if little.str not in _ALLOWED_DTYPES:
                raise TypeError(f"save: {where} has dtype {array.dtype}; checkpoints hold bool, "
                                "int8-64, uint8-64 and float16/32/64 arrays")
            memo[key] = len(arrays)
            arrays.append(stored.astype(little, copy=False))
        if isinstance(obj, Tensor):
            node = {"tensor": memo[key], "requires_grad": bool(obj.requires_grad)}
            if root is not None:
                node["view"] = window(array, root)
            if isinstance(obj, Parameter):
                node["parameter"] = True
            return node
        return {"ndarray" if isinstance(obj, np.ndarray) else "scalar": memo[key]}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj  # JSON keeps null, true, 1 and "1" apart, so these need no tag
    if isinstance(obj, dtypes.dtype):  # tg.float32 (torch.save keeps dtypes too)
        return {"dtype": obj.name}
    if isinstance(obj, float):  # json writes 2.0 as "2.0", so it reads back as a float
        return obj if math.isfinite(obj) else {"float": repr(obj)}
    if not isinstance(obj, (list, tuple, dict)):
        raise TypeError(f"save: cannot store {type(obj).__name__} at {where}; a checkpoint "
                        "holds dicts, lists, tuples, Tensors, numpy arrays, dtypes and "
                        "None/bool/int/float/str")
    if id(obj) in active:
        raise ValueError(f"save: {where} contains itself; a checkpoint must be a tree")
    active.add(id(obj))
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if key is not None and type(key) not in (bool, int, float, str):
                # Exact types: a numpy scalar key (np.float64 is a float subclass) would
                # be written but could never be read back as the same key.
                raise TypeError(f"save: {where}[{key!r}]: keys must be str or int (or "
                                f"None/bool/float), not {type(key).__module__}."
                                f"{type(key).__name__}; convert it, e.g. int(k) or str(k)")
            items.append([_encode(key, arrays, memo, active, where),
                          _encode(value, arrays, memo, active, f"{where}[{key!r}]")])
        node = {"odict" if isinstance(obj, OrderedDict) else "dict": items}
    else:
        node = {"tuple" if isinstance(obj, tuple) else "list":
                [_encode(v, arrays, memo, active, f"{where}[{i}]") for i, v in enumerate(obj)]}
    active.discard(id(obj))
    return node


# ---------------------------------------------------------------------------- loading

def _load(fh: IO[bytes], actual: int) -> Any:
    """Check the archive, its index and every array header, then read and rebuild."""
    head = fh.read(8)
    fh.seek(0)
    if not zipfile.is_zipfile(fh):
        raise Invalid(_describe(head))
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        pickles = [n for n in names if n.rpartition("/")[2] == "data.pkl"]
        if INDEX_NAME not in names and pickles:
            raise Invalid(f"it is a PyTorch torch.save file ({pickles[0][:80]}, no "
                          f"{INDEX_NAME}): a zip of pickles; tensorgraph never unpickles, "
                          "because unpickling can run arbitrary code. In "
                          "PyTorch, save it with safetensors.torch.save_file(state_dict, "
                          "'model.safetensors') and load that file")
        if INDEX_NAME not in names:
            raise Invalid(f"no {INDEX_NAME} member, so it is not a tensorgraph checkpoint "
                           f"(members: {', '.join(names[:5]) or 'none'})")
        if len(set(names)) != len(names):
            raise Invalid("the archive lists a member name twice")
        declared = 0
        for info in infos:
            # Stored members decode to exactly their on-disk bytes, so checking the sizes
            # against the real file size bounds the memory that loading can take.
            if info.flag_bits & 0x1 or info.compress_type != zipfile.ZIP_STORED \
                    or info.compress_size != info.file_size:
                raise Invalid(f"member {info.filename} is compressed or encrypted; "
                               "checkpoints store members as plain bytes")
            declared += info.file_size
            if declared > actual:
                raise Invalid(f"member {info.filename} claims {info.file_size} bytes but "
                               f"the whole file has {actual} (truncated, or a zip bomb)")
        index, specs = _read_index(zf, zf.getinfo(INDEX_NAME))
        expected = {INDEX_NAME} | {f"a{i}.npy" for i in range(len(specs))}
        if set(names) - expected:
            raise Invalid(short_list(sorted(set(names) - expected), "members not in the index"))
        if expected - set(names):
            raise Invalid(short_list(_by_number(expected - set(names)), "members missing"))
        arrays = [_read_array(zf, f"a{i}.npy", *spec) for i, spec in enumerate(specs)]
    used: set[int] = set()
    obj = _decode(index["root"], arrays, {}, used)
    if len(used) != len(arrays):
        raise Invalid(short_list(sorted(set(range(len(arrays))) - used), "arrays not used"))
    return obj


def _by_number(names: set[str]) -> list[str]:
    """Member names a0.npy, a1.npy, ... in numeric order (a2 before a10)."""
    return sorted(names, key=lambda n: (len(n), n))


def _describe(head: bytes) -> str:
    """Say what a non-zip file looks like, so the error points at the likely mix-up."""
    if not head:
        return "the file is empty"
    if head.startswith(b"\x80"):
        return ("it looks like a pickle (pickle.dump, or an old torch.save); tensorgraph "
                "never unpickles, because unpickling can run arbitrary code. For a torch "
                "model, save it in PyTorch with safetensors.torch.save_file(state_dict, "
                "'model.safetensors') and load that file")
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not a checkpoint; read it with numpy.load"
    if head.startswith(b"PK"):
        return "it starts like a zip archive but its end is missing (truncated or damaged)"
    return f"it is not a zip archive (it starts with {head!r})"


def _read_index(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[dict, list]:
    """Parse and check the index; return it and each array's (dtype string, shape)."""
    if info.file_size > MAX_INDEX_BYTES:
        raise Invalid(f"{INDEX_NAME} is {info.file_size} bytes (limit {MAX_INDEX_BYTES})")
    with zf.open(info) as f:
        text = f.read(MAX_INDEX_BYTES + 1).decode("utf-8")

    def reject_constant(name: str) -> None:
        raise Invalid(f"{INDEX_NAME} contains {name}, which is not JSON")

    try:
        index = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError) as err:
        raise Invalid(f"{INDEX_NAME} is not valid JSON ({err})") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise Invalid(f"{INDEX_NAME} lacks the '{FORMAT}' format marker")
    version = index.get("version")
    if type(version) is not int or version != VERSION:
        raise Invalid(f"format version {version!r} is not supported (this tensorgraph "
                       f"reads version {VERSION}; a newer tensorgraph may read it)")
    entries = index.get("arrays")
    if not isinstance(entries, list) or "root" not in index:
        raise Invalid(f"{INDEX_NAME} lacks its 'arrays' list or 'root'")
    specs = []
    for i, entry in enumerate(entries):
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if type(dtype) is not str or dtype not in _ALLOWED_DTYPES:
            raise Invalid(f"array a{i}.npy has dtype {dtype!r}, which is not allowed")
        if not isinstance(shape, list) or len(shape) > 64 \
                or any(type(d) is not int or d < 0 for d in shape):
            raise Invalid(f"array a{i}.npy has an invalid shape {shape!r}")
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
            raise Invalid(f"{name} uses .npy version {version}, which is not supported")
        header_shape, _, header_dtype = read_header(f)
        if header_dtype.str != dtype or header_shape != shape:
            raise Invalid(f"the index says {name} is {dtype} {shape} but the array is "
                           f"{header_dtype.str} {header_shape}")
        needed = math.prod(shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
        if info.file_size - f.tell() != needed:
            raise Invalid(f"{name} holds {info.file_size - f.tell()} bytes of data but its "
                           f"shape needs {needed}")
    with zf.open(info) as f:  # sizes are now known to be honest, so reading is bounded
        return np.lib.format.read_array(f, allow_pickle=False)


def _decode(node: Any, arrays: list, memo: dict, used: set) -> Any:
    """Rebuild the object that ``_encode`` turned into ``node``."""
    if node is None or type(node) in (bool, int, float, str):
        return node
    tags = [tag for tag in _TAGS if isinstance(node, dict) and tag in node]
    extra = set(node) - {*tags, *_TENSOR_KEYS} if isinstance(node, dict) else None
    if len(tags) != 1 or extra or (tags[0] != "tensor" and len(node) != 1):
        raise Invalid(f"malformed node in {INDEX_NAME}: {str(node)[:80]}")
    tag, value = tags[0], node[tags[0]]
    if tag in ("list", "tuple") and isinstance(value, list):
        items = [_decode(v, arrays, memo, used) for v in value]
        return tuple(items) if tag == "tuple" else items
    if tag in ("dict", "odict") and isinstance(value, list) \
            and all(isinstance(kv, list) and len(kv) == 2 for kv in value):
        items = ((_decode_key(k), _decode(v, arrays, memo, used)) for k, v in value)
        return OrderedDict(items) if tag == "odict" else dict(items)
    if tag == "float" and value in ("inf", "-inf", "nan"):
        return float(value)
    if tag == "dtype" and value in _DTYPES:
        return _DTYPES[value]
    if tag in ("tensor", "ndarray", "scalar") and type(value) is int \
            and 0 <= value < len(arrays):
        used.add(value)
        array = arrays[value]
        if tag == "ndarray":
            return array
        if tag == "scalar" and array.ndim == 0:
            return array[()]
        requires_grad = node.get("requires_grad", False)
        parameter = node.get("parameter", False)
        if tag == "tensor" and type(requires_grad) is bool and type(parameter) is bool \
                and (array.dtype.kind == "f" or not requires_grad):
            if "view" in node:  # one of several Tensors sharing this buffer
                array = from_window(array, node["view"])
            key = (value, json.dumps(node, sort_keys=True))
            if key not in memo:  # one Tensor saved twice loads as one Tensor
                memo[key] = Parameter(Tensor(array), requires_grad) if parameter \
                    else Tensor(array, requires_grad=requires_grad)
            return memo[key]
    raise Invalid(f"malformed {tag!r} node in {INDEX_NAME}: {str(node)[:80]}")


def _decode_key(node: Any) -> Any:
    if isinstance(node, dict) and node.keys() == {"float"}:  # an inf or nan key
        return _decode(node, [], {}, set())
    if node is None or type(node) in (bool, int, float, str):
        return node
    raise Invalid(f"a dict key in {INDEX_NAME} is not a scalar: {str(node)[:80]}")
