"""``Optimizer.load_state_dict``'s check that a state dict comes from the same kind of
optimizer (SGD's into Adam, Adam's into SGD are refused at load, naming what differs)."""

from __future__ import annotations

from typing import Any

__all__ = ["check_same_kind"]


def check_same_kind(optimizer: Any, state_dict: dict[str, Any], name: str) -> None:
    """Refuse another optimizer type's state dict now, naming what differs (else the
    next ``step()`` would fail with a bare ``KeyError: 'step'``, or silently ignore it)."""
    kind = type(optimizer).__name__
    for i, saved in enumerate(state_dict["param_groups"]):
        # Missing keys alone are an older save (they take defaults, as in torch);
        # missing ones together with another optimizer's keys are a foreign one.
        missing = sorted(set(optimizer.defaults) - set(saved))
        foreign = set(saved) - set(optimizer.defaults) - _GROUP_EXTRAS
        if missing and foreign:
            raise ValueError(
                f"{name}: loaded parameter group {i} lacks {kind}'s hyperparameters "
                f"{missing} (it has {sorted(k for k in saved if k != 'params')}); this "
                f"state dict was saved by another optimizer. "
                f"Load it into the optimizer type that saved it."
            )
    if optimizer.state_keys is None:
        return
    for key, entry in state_dict["state"].items():
        keys = set(entry)
        if entry and not (optimizer.required_state_keys <= keys <= optimizer.state_keys):
            raise ValueError(
                f"{name}: the state of parameter {key!r} has keys {sorted(keys)}, but "
                f"{kind} keeps {sorted(optimizer.required_state_keys)}"
                + (f" (and optionally {sorted(optimizer.state_keys - optimizer.required_state_keys)})"
                   if optimizer.state_keys - optimizer.required_state_keys else "")
                + f"; this state dict was saved by another optimizer{_guess(keys)}."
            )


# Group keys that are not hyperparameters of one optimizer type: schedulers' and torch's.
_GROUP_EXTRAS = frozenset({"params", "param_names", "initial_lr", "max_lr", "min_lr", "base_lr",
                           "max_momentum", "base_momentum", "foreach", "fused", "capturable",
                           "differentiable"})


def _guess(keys: set) -> str:
    """' (it looks like SGD's)' when exactly one optimizer type fits ``keys``."""
    fits = []
    from .optimizer import Optimizer

    todo = list(Optimizer.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__subclasses__():
            continue  # name the base (Adam), not its variants (AdamW)
        if cls.state_keys is not None and cls.required_state_keys <= keys <= cls.state_keys:
            fits.append(cls.__name__)
    return f" (it looks like {fits[0]}'s)" if len(fits) == 1 else ""
