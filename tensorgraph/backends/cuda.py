"""``tg.backends.cuda``: settable flags (torch's CPU-build values; no CUDA here).

``matmul.allow_tf32`` is the same switch as ``tg.set_float32_matmul_precision``, as in
torch: setting it True makes the precision ``"high"``, False ``"highest"``.
"""

from ..runtime import get_float32_matmul_precision, set_float32_matmul_precision


class _Matmul:
    """``torch.backends.cuda.matmul``: TF32 and reduced-precision flags (recorded only)."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        set_float32_matmul_precision("high" if value else "highest")


matmul = _Matmul()


def is_built() -> bool:
    """False: no CUDA."""
    return False
