"""Loading a state dict into a module: check every key and shape, then copy in place."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor

if TYPE_CHECKING:
    from .module import Module


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; printed as torch prints its ``_IncompatibleKeys``."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})")

    __str__ = __repr__


def _optional_keys(module: Module) -> set[str]:
    """Keys a state dict may lack: a norm layer's ``num_batches_tracked``, which older
    checkpoints do not have (torch's ``_NormBase`` keeps the current count then)."""
    return {f"{name}.num_batches_tracked" if name else "num_batches_tracked"
            for name, m in module.named_modules()
            if getattr(m, "track_running_stats", False)
            and getattr(m, "num_batches_tracked", None) is not None}


def load_state(module: Module, state_dict: Any, strict: bool) -> IncompatibleKeys:
    """The body of ``Module.load_state_dict``: all problems are collected first and
    reported in one error (PyTorch's wording), so nothing is half-loaded."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    own = module.state_dict(keep_vars=True)
    optional = _optional_keys(module)
    missing = [k for k in own if k not in state_dict and k not in optional]
    unexpected = [k for k in state_dict if k not in own]
    mismatched, pairs = [], []
    for k, target in own.items():
        if k not in state_dict:
            continue
        value = state_dict[k]
        if not isinstance(value, (Tensor, np.ndarray, np.generic)) \
                and not hasattr(value, "__array__"):  # a torch.Tensor is array-like
            mismatched.append(f'While copying the parameter named "{k}", expected '
                              "torch.Tensor or Tensor-like object from checkpoint but "
                              f"received {type(value)}")
            continue
        arr = value.array if isinstance(value, Tensor) else np.asarray(value)
        if arr.dtype.kind not in "biuf":
            mismatched.append(f"value for {k} is a {type(value).__name__}, not a tensor.")
        elif arr.shape != target.shape:
            mismatched.append(
                f"size mismatch for {k}: copying a param with shape {tuple(arr.shape)} "
                f"from checkpoint, the shape in current model is {tuple(target.shape)}."
            )
        else:
            pairs.append((target, arr))
    errors = list(mismatched)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in missing) + ". ")
    if errors:
        raise RuntimeError(
            f"Error(s) in loading state_dict for {module._get_name()}:\n\t"
            + "\n\t".join(errors)
            + "\n(Was the checkpoint saved from the same architecture? Compare "
            "model.state_dict().keys() and shapes with the file's; pass strict=False "
            "to skip missing/unexpected keys.)"
        )
    with no_grad():
        for target, arr in pairs:
            np.copyto(target.array, arr, casting="unsafe")
            target._version += 1
    return IncompatibleKeys(missing, unexpected)
