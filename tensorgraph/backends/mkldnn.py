"""``tg.backends.mkldnn``: settable flag (numpy does the CPU work here, not oneDNN)."""

enabled = True


def is_available() -> bool:
    """False: tensorgraph computes with numpy, not oneDNN."""
    return False
