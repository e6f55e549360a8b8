"""``tg.backends.cuda``: settable flags (torch's CPU-build values; no CUDA here)."""

from types import SimpleNamespace

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built() -> bool:
    """False: no CUDA."""
    return False
