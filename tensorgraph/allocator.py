"""Keep freed memory for reuse, so a training step does not page-fault its arrays anew.

A numpy engine allocates every activation, gradient and im2col matrix afresh each step
(a few MB each, tens of MB per step). glibc's malloc serves such sizes with ``mmap``
or returns the freed top of its heap to the kernel (its dynamic thresholds move as
sizes vary), so the next step gets fresh pages and the kernel zero-fills every one of
them on first touch: measured 3,400 page faults per step of the benchmark CNN, about a
third of its time. Raising malloc's mmap and trim thresholds keeps freed blocks in the
process for the next step instead (0 faults per step); PyTorch's CPU allocator caches
for the same reason.

Applied once, when tensorgraph is imported, on Linux with glibc only; it changes
malloc for the whole process (which then keeps up to ``TRIM_BYTES`` of freed memory).
Set the environment variable ``TENSORGRAPH_KEEP_FREED_MEMORY=0`` to leave malloc alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
MMAP_BYTES = 64 << 20  # blocks below this come from the heap, not a fresh mmap
TRIM_BYTES = 128 << 20  # free heap top kept before memory is handed back to the kernel


def keep_freed_memory() -> bool:
    """Raise glibc malloc's mmap/trim thresholds; True if applied."""
    if os.environ.get("TENSORGRAPH_KEEP_FREED_MEMORY", "1") == "0":
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_BYTES))


APPLIED = keep_freed_memory()
