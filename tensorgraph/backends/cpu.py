"""``tg.backends.cpu``: what the CPU offers."""


def get_cpu_capability() -> str:
    """``"numpy"``: tensorgraph's kernels are numpy's (torch answers e.g. ``"AVX2"``)."""
    return "numpy"
