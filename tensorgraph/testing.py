"""Gradient checking, for tensorgraph's own ops and for users' ops."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .autograd import grad, no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when analytic and numeric gradients disagree."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    max_elements: int = 2000,
    seed: int = 0,
) -> bool:
    """Compare backward's gradients with central differences.

    The outputs are reduced to a scalar ``sum(out * v)`` with a fixed random ``v``
    (so every output element matters); its gradient w.r.t. each input that requires
    grad is checked at every element (or along random directions past
    ``max_elements`` elements). Use float64 inputs: float32 rounding swamps ``eps``.

    Args:
        fn: function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or tuple of Tensors (and constants).
        eps: step of the central difference.
        atol, rtol: pass when ``|analytic - numeric| <= atol + rtol * |numeric|``.
        raise_exception: raise :class:`GradcheckError` on failure (else return False).

    Returns:
        True when every checked gradient matches.

    Example:
        >>> x = tg.randn(3, 4, dtype=tg.float64, requires_grad=True)
        >>> tg.testing.gradcheck(lambda t: (t.tanh() * t).sum(dim=1), x)
        True
    """
    inputs = _as_tuple(inputs)
    wrt = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input requires grad; pass requires_grad=True.")
    for i in wrt:
        if inputs[i].dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {inputs[i].dtype}; use float64 (x.double()) or "
                "rounding errors will swamp the finite differences."
            )
    rng = np.random.default_rng(seed)
    outs = _as_tuple(fn(*inputs))
    vs = [rng.standard_normal(o.shape) for o in outs]

    def scalar(*args: Any) -> Any:
        return sum((o * v).sum() for o, v in zip(_as_tuple(fn(*args)), vs))

    diff_outs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if diff_outs:
        total = sum((o * v).sum() for o, v in diff_outs)
        analytic = grad(total, [inputs[i] for i in wrt], allow_unused=True)
    else:
        analytic = [None] * len(wrt)
    for k, i in enumerate(wrt):
        x = inputs[i]
        a = np.zeros(x.shape) if analytic[k] is None else np.asarray(analytic[k].array, float)
        numeric, analytic_dir, where = _numeric(scalar, inputs, i, eps, a, rng, max_elements)
        err = np.abs(analytic_dir - numeric) - (atol + rtol * np.abs(numeric))
        if err.size and err.max() > 0:
            j = int(np.argmax(err))
            msg = (
                f"gradcheck: gradient of input {i} (shape {tuple(x.shape)}) is wrong at "
                f"{where(j)}: backward gives {analytic_dir.flat[j]:.10g}, central "
                f"differences give {numeric.flat[j]:.10g} (atol={atol}, rtol={rtol})."
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def _numeric(scalar: Callable, inputs: Sequence, i: int, eps: float, analytic: np.ndarray,
             rng: np.random.Generator, max_elements: int) -> tuple:
    x = inputs[i]
    base = x.array

    def f(arr: np.ndarray) -> float:
        args = list(inputs)
        args[i] = Tensor.from_array(arr, False)
        with no_grad():
            return float(scalar(*args).array)

    if base.size <= max_elements:
        numeric = np.zeros(base.shape)
        flat = base.reshape(-1)
        for j in range(flat.size):
            plus, minus = flat.copy(), flat.copy()
            plus[j] += eps
            minus[j] -= eps
            numeric.flat[j] = (f(plus.reshape(base.shape)) - f(minus.reshape(base.shape))) / (
                2 * eps)
        return numeric, analytic, lambda j: f"element {np.unravel_index(j, base.shape)}"
    dirs = rng.standard_normal((8,) + base.shape)
    numeric = np.array([(f(base + eps * d) - f(base - eps * d)) / (2 * eps) for d in dirs])
    analytic_dir = np.array([(analytic * d).sum() for d in dirs])
    return numeric, analytic_dir, lambda j: f"random direction {j}"


def assert_close(actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Assert two tensors/arrays are elementwise close, naming the worst element."""
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise AssertionError(f"assert_close: shapes differ: {tuple(a.shape)} vs {tuple(e.shape)}")
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
