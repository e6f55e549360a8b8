"""``tg.backends.cudnn``: settable flags (no cuDNN here; torch's CPU-build values)."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: cuDNN is NVIDIA's GPU library; tensorgraph computes with numpy."""
    return False


def version() -> None:
    """None, as torch answers without cuDNN."""
    return None
