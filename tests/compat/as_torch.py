"""Run a PyTorch program with tensorgraph imported under the name ``torch``.

Usage: ``python tests/compat/as_torch.py program.py [args...]``

A meta-path finder placed first answers every ``torch`` / ``torch.X.Y`` import with the
module ``tensorgraph`` / ``tensorgraph.X.Y`` (the same object, registered under both
names), so ``import torch.nn as nn``, ``import torch.nn.functional as F`` and
``from torch.utils.data import DataLoader`` all give tensorgraph's, and the installed
PyTorch is never loaded. Nothing in the program is changed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import runpy
import sys
from types import ModuleType


class TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``torch[.sub]`` -> ``tensorgraph[.sub]``."""

    def find_spec(self, name: str, path: object, target: object = None):
        if name == "torch" or name.startswith("torch."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec) -> ModuleType:
        return importlib.import_module("tensorgraph" + spec.name[len("torch"):])

    def exec_module(self, module: ModuleType) -> None:
        return None  # already executed under its tensorgraph name


def install() -> None:
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, TorchAlias())


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: as_torch.py program.py [args...]")
    install()
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(program, run_name="__main__")
