"""Inverse, determinants, linear solves and the Cholesky factor (torch.linalg), batched
over leading dims.

Each backward is written with operators, ``.mT`` and the recorded ``inv`` / ``solve`` of
this file, so it runs on numpy arrays and, under ``create_graph``, on Tensors (second
derivatives). Singular or non-positive-definite input raises :class:`LinAlgError`
(torch.linalg.LinAlgError, a RuntimeError) with torch's message style.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular matrix, or one not positive-definite."""


def _batch_note(a: np.ndarray, bad: Any) -> str:
    """torch's ``(Batch element i): `` prefix for the first failing matrix of a batch."""
    if a.ndim <= 2:
        return ""
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        if bad(m):
            return f"(Batch element {i}): "
    return ""


def _fails(fn: Any, m: np.ndarray) -> bool:
    """Whether numpy's ``fn(m)`` raises LinAlgError (used on error paths only)."""
    try:
        fn(m)
    except np.linalg.LinAlgError:
        return True
    return False


def _singular(m: np.ndarray) -> bool:
    return _fails(np.linalg.inv, m)


def singular_error(op: str, a: np.ndarray) -> LinAlgError:
    what = ("The solver failed because the input matrix is singular." if "solve" in op else
            "The inversion could not be completed because the input matrix is singular.")
    return LinAlgError(
        f"{op}: {_batch_note(a, _singular)}{what} (Check it for linearly dependent rows or "
        "columns, or use linalg.pinv / linalg.lstsq instead.)"
    )


def _inv_array(op: str, a: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise singular_error(op, a) from None


def inv_any(a: Any) -> Any:
    """inv(a) of an array, or recorded (Inv) of a Tensor (inside a create_graph backward)."""
    return _inv_array("linalg.inv", a) if isinstance(a, np.ndarray) else Inv.apply(a)


def solve_any(a: Any, b: Any) -> Any:
    """a^-1 b (b a batch of matrices): numpy on arrays, recorded (Solve) on Tensors."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return Solve.forward(None, a, b)
    ref = a if hasattr(a, "grad_fn") else b
    as_t = type(ref).as_operand
    return Solve.apply(as_t(a, ref), as_t(b, ref))


class Inv(Function):
    """y = A^-1;  dA = -y^T g y^T"""

    @staticmethod
    def forward(ctx, a):
        y = _inv_array("linalg.inv", a)
        if ctx is not None:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        yt = y.mT
        return -(yt @ g @ yt)


class Det(Function):
    """y = det(A);  dA = g y A^-T   (0 where A is exactly singular, as torch 2.13)"""

    @staticmethod
    def forward(ctx, a):
        y = np.linalg.det(a)
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        scale = (g * y)[..., None, None]
        if not isinstance(a, np.ndarray):  # create_graph: recorded
            return scale * inv_any(a).mT
        try:
            return scale * np.linalg.inv(a).mT
        except np.linalg.LinAlgError:  # some matrix of the batch is singular
            return scale * _inv_or_zero(a).mT


def _inv_or_zero(a: np.ndarray) -> np.ndarray:
    """inv of each matrix, zeros for the singular ones."""
    flat = a.reshape((-1,) + a.shape[-2:])
    out = np.zeros_like(flat)
    for i, m in enumerate(flat):
        if not _singular(m):
            out[i] = np.linalg.inv(m)
    return out.reshape(a.shape)


class LogAbsDet(Function):
    """y = log|det A|;  dA = g A^-T"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g[..., None, None] * inv_any(a).mT


class Solve(Function):
    """y = A^-1 B  (B a batch of matrices);  dB = A^-T g,  dA = -dB y^T"""

    @staticmethod
    def forward(ctx, a, b):
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise singular_error("linalg.solve", a) from None
        if ctx is not None:
            ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = solve_any(a.mT, g)
        return (-(gb @ x.mT) if ctx.needs_input_grad[0] else None), gb


def _not_pd(m: np.ndarray) -> bool:
    return _fails(np.linalg.cholesky, m)


def _leading_minor(m: np.ndarray) -> int:
    """The order of the first leading minor that is not positive-definite."""
    for k in range(1, m.shape[-1] + 1):
        if _not_pd(m[:k, :k]):
            return k
    return m.shape[-1]


class Cholesky(Function):
    """y = L = chol(A) (lower);  dA = L^-T Phi(L^T g) L^-1, Phi = tril with the diagonal
    halved, symmetrised (torch's cholesky_backward)"""

    @staticmethod
    def forward(ctx, a):
        try:
            y = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            flat = a.reshape((-1,) + a.shape[-2:])
            first = next((m for m in flat if _not_pd(m)), flat[0])
            raise LinAlgError(
                f"linalg.cholesky: {_batch_note(a, _not_pd)}The factorization could not be "
                "completed because the input is not positive-definite (the leading minor "
                f"of order {_leading_minor(first)} is not positive-definite)."
            ) from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        n = y.shape[-1]
        dtype = y.dtype if isinstance(y, np.ndarray) else y.array.dtype
        lower = np.tril(np.ones((n, n), dtype))
        strict = lower - np.eye(n, dtype=dtype)
        phi = (y.mT @ g) * lower
        phi = (phi + (phi * strict).mT) * 0.5
        # L^-T phi L^-1 = solve(L^T, solve(L^T, phi^T)^T)
        left = solve_any(y.mT, phi)
        return solve_any(y.mT, left.mT).mT
