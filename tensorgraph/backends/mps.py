"""``tg.backends.mps``: Apple's Metal backend is not available (numpy on the CPU)."""


def is_available() -> bool:
    """False."""
    return False


def is_built() -> bool:
    """False."""
    return False
