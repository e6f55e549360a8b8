"""How an optimizer records its defaults as torch does: the implementation switches
(``foreach``, ``fused``, ``capturable``, ``differentiable``) and torch's key order, so a
printed ``state_dict()['param_groups']`` or ``repr(optimizer)`` reads as torch's."""

from __future__ import annotations

from typing import Any

__all__ = ["implementation_flags", "torch_order"]


def torch_order(defaults: dict[str, Any], keys: str) -> dict[str, Any]:
    """``defaults`` with its keys in the order torch's constructor writes them
    (``keys``, space-separated), so a printed ``state_dict()['param_groups']`` reads as
    torch's."""
    order = keys.split()
    assert sorted(order) == sorted(defaults), (order, list(defaults))
    return {k: defaults[k] for k in order}


def implementation_flags(name: str, foreach: bool | None = None, fused: bool | None = None,
                         capturable: bool | None = None,
                         differentiable: bool = False) -> dict[str, Any]:
    """torch's implementation switches (``foreach``, ``fused``, ``capturable``,
    ``differentiable``), recorded in the defaults as torch records them.

    They choose among torch kernels that compute the same update; here one numpy loop
    computes it, so each is accepted and the numbers are the same. ``differentiable=True``
    (autograd through ``step()``) is refused: the update runs on raw arrays. Only the
    switches the optimizer has in torch are passed (None: that one does not exist).
    """
    if differentiable:
        raise NotImplementedError(
            f"{name}(differentiable=True): tensorgraph's optimizers update the raw arrays, "
            "outside autograd, so a step can't be differentiated; write the update with "
            "tensor ops instead."
        )
    if foreach and fused:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    flags: dict[str, Any] = {"foreach": foreach}
    if capturable is not None:
        flags["capturable"] = capturable
    flags["differentiable"] = differentiable
    if fused is not None or name in _HAS_FUSED:
        flags["fused"] = fused
    return flags


_HAS_FUSED = ("SGD", "Adam", "AdamW", "Adagrad")
