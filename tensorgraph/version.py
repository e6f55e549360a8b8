"""``tg.version``: as ``torch.version``, for programs that branch on the build.

``__version__`` is tensorgraph's own; ``cuda``, ``hip``, ``xpu`` and ``rocm`` are None
(a CPU-only build, as torch's ``+cpu`` wheels answer).
"""

__version__ = "0.1.0"
cuda = None
hip = None
xpu = None
rocm = None
debug = False
git_version = "unknown"
