"""The safetensors format, read and written with numpy (no dependency).

A ``.safetensors`` file is: 8 bytes, the header's length N as a little-endian uint64; N
bytes of UTF-8 JSON mapping each tensor's name to ``{"dtype", "shape", "data_offsets":
[begin, end]}`` (plus an optional ``"__metadata__"`` of str -> str); then the tensors'
raw little-endian bytes, ``begin``/``end`` counted from the start of that buffer. It is
the format of the ``safetensors`` package and the Hugging Face hub, so a state dict
saved here loads in torch with ``safetensors.torch.load_file`` and back.

Why our own reader rather than the package: the format is a page of rules, numpy reads
raw buffers directly, and tensorgraph keeps numpy as its only dependency (the package
is used by the tests, to check both directions).

Reading checks what the reference implementation checks, before allocating anything:
the header length against the file, UTF-8 and JSON, known dtypes, that the tensors'
byte ranges tile the buffer exactly (no overlap, no gap, nothing out of range), and
that each range is exactly ``prod(shape) * itemsize`` bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from ..tensor import Tensor
from .errors import Invalid

__all__ = ["MAX_HEADER_BYTES", "looks_like_safetensors", "read", "write"]

# The reference implementation refuses headers over 100 MB.
MAX_HEADER_BYTES = 100_000_000

_TO_NUMPY = {
    "BOOL": "|b1", "U8": "|u1", "I8": "|i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
    "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8",
}
_FROM_NUMPY = {np.dtype(v).newbyteorder("<").str: k for k, v in _TO_NUMPY.items()}
_UNSUPPORTED = {"F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "F6_E2M3": 1,
                "F6_E3M2": 1, "F4": 1, "C64": 8}


def looks_like_safetensors(head: bytes) -> bool:
    """True when the first bytes are a safetensors length followed by ``{``."""
    return len(head) >= 9 and head[8:9] == b"{" and \
        int.from_bytes(head[:8], "little") >= 2


def write(fh: IO[bytes], tensors: Any, metadata: Mapping[str, str] | None = None) -> None:
    """Write a flat ``{name: Tensor or array}`` dict as safetensors to ``fh``."""
    arrays = _flat_arrays(tensors)
    header: dict[str, Any] = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("save: safetensors metadata must map str to str")
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, array in arrays.items():
        header[name] = {"dtype": _FROM_NUMPY[array.dtype.str], "shape": list(array.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)  # the reference writer pads to 8 bytes
    fh.write(len(text).to_bytes(8, "little"))
    fh.write(text)
    for array in arrays.values():
        fh.write(np.ascontiguousarray(array).tobytes() if array.size == 0 else
                 memoryview(np.ascontiguousarray(array).reshape(-1)).cast("B"))


def _flat_arrays(tensors: Any) -> dict[str, np.ndarray]:
    """name -> little-endian array; refuses what the format cannot hold, naming it."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"save: a .safetensors file holds a flat dict of name -> tensor "
                        f"(e.g. model.state_dict()), not {type(tensors).__name__}; use a "
                        ".npz path for other objects")
    out = {}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"save: safetensors names must be str, got {name!r}")
        if name == "__metadata__":
            raise TypeError("save: '__metadata__' is reserved in safetensors; pass "
                            "metadata= instead")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: [{name!r}] is a {type(value).__name__}; a .safetensors "
                            "file holds only tensors (save nested checkpoints as .npz)")
        array = np.asarray(value.array if isinstance(value, Tensor) else value)
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        if little.dtype.str not in _FROM_NUMPY:
            raise TypeError(f"save: [{name!r}] has dtype {array.dtype}, which safetensors "
                            "cannot hold here (bool, (u)int8-64, float16/32/64)")
        out[name] = little
    return out


def read(fh: IO[bytes], size: int) -> dict[str, Tensor]:
    """Read a safetensors file of ``size`` bytes into ``{name: Tensor}`` (header order)."""
    if size < 8:
        raise Invalid(f"the file has {size} bytes, too short for a safetensors header")
    n = int.from_bytes(fh.read(8), "little")
    if n > MAX_HEADER_BYTES:
        raise Invalid(f"the safetensors header claims {n:,} bytes (limit "
                      f"{MAX_HEADER_BYTES:,})")
    if 8 + n > size:
        raise Invalid(f"the safetensors header claims {n:,} bytes but the file has "
                      f"{size - 8:,} after its length field (truncated?)")
    raw = fh.read(n)
    try:
        header = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except UnicodeDecodeError as err:
        raise Invalid(f"the safetensors header is not UTF-8 ({err.reason} at byte "
                      f"{err.start})") from None
    except (ValueError, RecursionError) as err:
        raise Invalid(f"the safetensors header is not valid JSON ({err})") from None
    if not isinstance(header, dict):
        raise Invalid("the safetensors header is not a JSON object")
    meta = header.pop("__metadata__", None)
    if meta is not None and not (isinstance(meta, dict)
                                 and all(isinstance(v, str) for v in meta.values())):
        raise Invalid("the safetensors __metadata__ is not a str -> str object")
    specs = {name: _spec(name, entry) for name, entry in header.items()}
    bf16 = {name: entry["dtype"] == "BF16" for name, entry in header.items()}
    _check_tiling(specs, size - 8 - n)
    out = {}
    for name, (dtype, shape, begin, end) in specs.items():
        fh.seek(8 + n + begin)
        data = bytearray(fh.read(end - begin))
        array = np.frombuffer(data, dtype=dtype).reshape(shape)
        if bf16[name]:  # bfloat16 is the top half of a float32: widening is exact
            array = (array.astype(np.uint32) << 16).view(np.float32)
        out[name] = Tensor(array.astype(array.dtype.newbyteorder("="), copy=False))
    return out


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _spec(name: str, entry: Any) -> tuple[np.dtype, tuple, int, int]:
    """Check one header entry; return (dtype, shape, begin, end)."""
    if not isinstance(entry, dict) or set(entry) - {"dtype", "shape", "data_offsets"}:
        raise Invalid(f"safetensors entry {name!r} is malformed: {str(entry)[:80]}")
    code, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if code in _UNSUPPORTED:
        raise Invalid(f"tensor {name!r} has dtype {code}, which numpy cannot hold "
                      "(convert it to float32 in torch before saving: t.float())")
    if code != "BF16" and code not in _TO_NUMPY:
        raise Invalid(f"tensor {name!r} has unknown dtype {str(code)[:40]!r}")
    if not isinstance(shape, list) or len(shape) > 64 or \
            any(type(d) is not int or d < 0 for d in shape):
        raise Invalid(f"tensor {name!r} has an invalid shape {str(shape)[:80]}")
    if not isinstance(offsets, list) or len(offsets) != 2 or \
            any(type(o) is not int or o < 0 for o in offsets) or offsets[0] > offsets[1]:
        raise Invalid(f"tensor {name!r} has invalid data_offsets {str(offsets)[:80]}")
    # numpy has no bfloat16: read its raw 16-bit words (read() widens them to float32).
    dtype = np.dtype("<u2" if code == "BF16" else _TO_NUMPY[code])
    need = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
    if offsets[1] - offsets[0] != need:
        raise Invalid(f"tensor {name!r} is {code} {tuple(shape)} = {need:,} bytes but its "
                      f"data_offsets span {offsets[1] - offsets[0]:,}")
    return dtype, tuple(shape), offsets[0], offsets[1]


def _check_tiling(specs: dict, buffer_size: int) -> None:
    """The byte ranges must cover the buffer exactly: no overlap, no gap, none outside."""
    position = 0
    for name, (_, _, begin, end) in sorted(specs.items(), key=lambda kv: kv[1][2:]):
        if begin != position:
            what = "overlaps the previous tensor" if begin < position else \
                f"leaves a gap of {begin - position:,} bytes"
            raise Invalid(f"tensor {name!r} starts at byte {begin:,}, which {what}")
        position = end
    if position != buffer_size:
        raise Invalid(f"the tensors end at byte {position:,} of a data buffer of "
                      f"{buffer_size:,} bytes ({'out of range' if position > buffer_size else 'trailing bytes'})")
