"""Always-on, cheap checks: a loss that became NaN/inf names the op that started it.

Every loss in ``tensorgraph.nn.functional`` ends with ``check_finite_loss(loss, op)``.
On the success path that is one ``np.isfinite`` over the loss (a scalar, usually).
Only when the loss is NaN or inf does it walk the recorded graph, in forward order,
to the earliest op whose inputs were all finite but whose output was not, and warn
with that op's name, shapes, a hint for the usual cause, and the line of user code
that created it (recorded inside ``tg.autograd.detect_anomaly()``).

Warning, not error: PyTorch does not raise on a NaN loss, and a script that logs
its loss and stops on its own should keep working. The warning class
:class:`NonFiniteLossWarning` (a ``RuntimeWarning``) lets you turn it into an error::

    import warnings
    warnings.simplefilter("error", tg.NonFiniteLossWarning)
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np

from .autograd.grad_mode import outside_package
from .autograd import Function, topological_order

# Why an op usually makes NaN/inf from finite inputs, and what to do about it.
_HINTS = {
    "Log": "log of 0 or of a negative number; add an epsilon (x.clamp(min=1e-12).log()) "
           "or use the fused F.log_softmax / F.cross_entropy on logits",
    "Exp": "exp overflowed (input above ~88 in float32); lower the learning rate or "
           "use a fused, stable op (F.log_softmax, F.cross_entropy, "
           "F.binary_cross_entropy_with_logits)",
    "Pow": "0 raised to a negative power (1/0, sqrt'(0)) or a negative base raised to a "
           "fractional power (sqrt of a negative); add an epsilon or clamp the base",
    "Mul": "inf * 0 or an overflowing product; check the scale of the values",
    "MatMul": "the product overflowed: weights or activations have exploded; lower the "
              "learning rate or clip gradients (tg.nn.utils.clip_grad_norm_)",
}
_DEFAULT_HINT = ("values have exploded; lower the learning rate, clip gradients "
                 "(tg.nn.utils.clip_grad_norm_) or normalise the inputs")


class NonFiniteLossWarning(RuntimeWarning):
    """A loss came out NaN or inf (see :func:`check_finite_loss`)."""


def check_finite_loss(loss: Any, op: str) -> Any:
    """Warn, naming the op that first produced NaN/inf, when ``loss`` is not finite.

    Args:
        loss: the loss Tensor a loss function is about to return.
        op: the loss function's name, e.g. ``"cross_entropy"``.

    Returns:
        ``loss`` unchanged, so a loss can end with ``return check_finite_loss(out, op)``.

    Example:
        >>> F.mse_loss(tg.tensor([0.0]).log(), tg.tensor([1.0]))
        NonFiniteLossWarning: mse_loss: the loss is inf. The first op to produce a
        non-finite value was Log ...
    """
    a = loss.array
    if a.ndim == 0 and np.isfinite(a) or np.logical_and.reduce(np.isfinite(a), axis=None):
        return loss  # (a 0-d test is a numpy bool: no .all() call, the usual loss)
    warnings.warn(explain_nonfinite(loss, op), NonFiniteLossWarning,
                  stacklevel=_user_stacklevel())
    return loss


def explain_nonfinite(loss: Any, op: str) -> str:
    """The message of :func:`check_finite_loss`: where the NaN/inf first appeared."""
    kind = "nan" if np.isnan(loss.array).any() else "inf"
    head = f"{op}: the loss is {kind} (shape {tuple(loss.shape)}, dtype {loss.dtype})."
    if loss.grad_fn is None:
        return (f"{head} No graph was recorded (no_grad, or no input requires grad), so "
                "the op that produced it cannot be traced; run the forward pass with "
                "gradients on, or inside tg.autograd.detect_anomaly().")
    culprit = first_nonfinite_op(loss)
    if culprit is None:
        return f"{head} Every op's output in the recorded graph is finite."
    node, leaf = culprit
    where = (f" It was created at {node.source}." if node.source else
             " Run the forward pass inside tg.autograd.detect_anomaly() to see the line "
             "that created it.")
    shapes = ", ".join(str(tuple(t.shape)) for t in node.inputs)
    name = type(node).__name__
    if leaf is not None:
        return (f"{head} An input of {name} (shape {tuple(leaf.shape)}, not computed in this "
                "graph: data or a parameter) already holds NaN/inf: check the data, or "
                "an earlier step diverged (lower the learning rate, clip gradients)."
                + where)
    return (f"{head} The first op to produce a non-finite value was {name} "
            f"({node.name()} in the graph) on inputs of shapes {shapes}, all finite. "
            f"Likely cause: {_HINTS.get(name, _DEFAULT_HINT)}." + where)


def first_nonfinite_op(loss: Any) -> tuple[Function, Any] | None:
    """The earliest node (forward order) that produced NaN/inf, and the non-finite
    leaf input that explains it (None when the node made it from finite inputs)."""
    nodes = topological_order([loss.grad_fn])
    # A node keeps its inputs, not its output: an output is the input of a later node.
    outputs = {id(loss.grad_fn): loss.array}
    for node in nodes:
        for t, fn in node.edges:
            if fn is not None:
                outputs.setdefault(id(fn), t.array)
    for node in reversed(nodes):  # inputs before the ops that read them
        for t, fn in node.edges:
            if fn is None and not _finite(t.array):
                return node, t
        if not _finite(outputs.get(id(node), 0.0)):
            return node, None
    return None


def _finite(a: Any) -> bool:
    a = np.asarray(a)
    return a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


def _user_stacklevel() -> int:
    """stacklevel that points the warning at the first frame outside tensorgraph."""
    _, up = outside_package(sys._getframe(1))
    return 1 + up
