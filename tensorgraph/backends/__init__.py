"""``tg.backends``: the flags PyTorch scripts set or read (``cudnn.deterministic = True``,
``mps.is_available()``, ``cuda.matmul.allow_tf32``). They are plain settable attributes
with torch's CPU-build values; none changes what numpy computes (it is deterministic and
has no TF32).

Example:
    >>> tg.backends.cudnn.deterministic = True     # accepted, as in torch
    >>> tg.backends.mps.is_available()
    False
"""

from . import cpu, cuda, cudnn, mkldnn, mps

__all__ = ["cpu", "cuda", "cudnn", "mkldnn", "mps"]
