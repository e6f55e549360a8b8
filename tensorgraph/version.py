"""``tg.version``: as ``torch.version``, for programs that branch on the build.

``__version__`` names the torch API tensorgraph follows (and is tested against) with
tensorgraph's own release as the local label, ``"2.13.0+tensorgraph.0.1.0"``, so that
``torch.__version__ >= "2.0"`` and ``packaging.version.parse(torch.__version__)`` answer
as they do for the torch a script was written for. Like torch's, it is a ``str`` that
compares as a version (``"2.13.0+..." > "2.9"``, ``>= (2, 0)``).
``tensorgraph_version`` is the package's own release. ``cuda``, ``hip``, ``xpu`` and
``rocm`` are None (a CPU-only build, as torch's ``+cpu`` wheels answer).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["TorchVersion", "__version__", "cuda", "hip", "rocm", "tensorgraph_version", "xpu"]

_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre)[-_.]?(\d*))?"
                      r"(?:[-_.]?post[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+(.*))?$")
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2}


def _key(text: Any) -> tuple:
    """A sortable key for a PEP 440 version: release, then pre/post/dev, then local."""
    if isinstance(text, tuple | list):
        text = ".".join(str(part) for part in text)
    match = _VERSION.match(str(text).strip().lower())
    if match is None:
        raise ValueError(f"TorchVersion: cannot compare with {text!r}; give a version "
                         "string like '2.0' or a tuple like (2, 0)")
    release, pre, pre_n, post, dev, local = match.groups()
    parts = [int(p) for p in release.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 2.0.0 == 2.0 == 2, as PEP 440
    # A dev release sorts before its pre-releases, which sort before the release.
    pre_key = (_PRE[pre], int(pre_n or 0)) if pre else ((-1, 0) if dev is not None and
                                                        post is None else (3, 0))
    post_key = -1 if post is None else int(post or 0)
    dev_key = float("inf") if dev is None else int(dev or 0)
    return tuple(parts), pre_key, post_key, dev_key, local or ""


class TorchVersion(str):
    """torch.torch_version.TorchVersion: a version string that compares as a version
    with strings, tuples and other versions (``TorchVersion("2.1.0") > "2.0"``)."""

    def _cmp(self, other: Any) -> tuple[tuple, tuple]:
        return _key(self), _key(other)

    def __lt__(self, other: Any) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other: Any) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other: Any) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other: Any) -> bool:
        a, b = self._cmp(other)
        return a >= b

    def __eq__(self, other: object) -> bool:
        try:
            a, b = self._cmp(other)
        except ValueError:
            return False
        return a == b

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__


tensorgraph_version = "0.1.0"
__version__ = TorchVersion(f"2.13.0+tensorgraph.{tensorgraph_version}")
cuda = None
hip = None
xpu = None
rocm = None
debug = False
git_version = "unknown"
