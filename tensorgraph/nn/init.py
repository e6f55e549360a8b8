"""Weight initialisation, as ``torch.nn.init``: fill a tensor in place and return it.

Draws come from ``tg.default_generator`` (``tg.manual_seed``) unless a ``tg.Generator``
is passed, through the tensor's own ``uniform_``/``normal_``, so they are torch's
streams: ``tg.manual_seed(0); nn.Linear(784, 10)`` has torch's initial weights.

The rules (``std = gain / sqrt(fan)``, Kaiming/He; ``std = gain * sqrt(2 / (fan_in +
fan_out))``, Xavier/Glorot) keep the variance of activations roughly constant from
layer to layer; ``calculate_gain`` corrects for what the nonlinearity does to it.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..creation import zeros, zeros_like
from ..random import Generator
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "sparse_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    ========================== =====================================
    linear, conv*, sigmoid      1
    tanh                        5/3
    relu                        sqrt(2)
    leaky_relu                  sqrt(2 / (1 + negative_slope ** 2))
    selu                        3/4
    ========================== =====================================

    Args:
        nonlinearity: its name, e.g. ``'relu'``.
        param: the negative slope for ``'leaky_relu'`` (default 0.01).

    Example:
        >>> tg.nn.init.calculate_gain('leaky_relu', 0.2)
        1.3867504905630728
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity}; use one of linear, conv2d, sigmoid, "
        "tanh, relu, leaky_relu, selu."
    )


def calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): inputs and outputs feeding one unit.

    A weight of shape ``(out, in, *kernel)`` has ``fan_in = in * prod(kernel)`` and
    ``fan_out = out * prod(kernel)`` (Linear is the case with no kernel dims).
    """
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 "
            f"dimensions (got shape {tuple(tensor.shape)})."
        )
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return int(tensor.shape[1]) * receptive, int(tensor.shape[0]) * receptive


# torch's name (users call torch.nn.init._calculate_fan_in_and_fan_out)
_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: Any) -> Tensor:
    """Write ``values`` into the tensor's own buffer (in place, no graph, same dtype)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a tg.Tensor, got {type(tensor).__name__}.")
    np.copyto(tensor.array, values, casting="unsafe")
    tensor._version += 1
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Generator | None = None) -> Tensor:
    """Fill with samples from U(a, b) (``tensor.uniform_(a, b)`` under no_grad)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill with samples from N(mean, std**2) (``tensor.normal_`` under no_grad)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Generator | None = None) -> Tensor:
    """Fill with N(mean, std**2) restricted to [a, b], by torch's rejection method.

    When [a, b] holds more than 30% of the mass: normal samples, with the whole
    tensor redrawn and the out-of-range elements replaced until none is left (torch's
    stream, bit for bit). Otherwise: uniform candidates on [a, b] accepted with the
    normal density (the same draws; an acceptance test at a float32 rounding tie
    of ``log`` could differ from torch's).
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)

    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    with no_grad():
        if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
            lo, hi = np.asarray(a, tensor.dtype), np.asarray(b, tensor.dtype)
            result = tensor.normal_(mean, std, generator=generator).array.copy()
            while True:
                bad = (result < lo) | (result > hi)
                if not bad.any():
                    break
                fresh = zeros_like(tensor).normal_(mean, std, generator=generator).array
                result = np.where(bad, fresh, result)
            return _fill(tensor, result)
        d = tensor.dtype
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2

        def log_density(x: np.ndarray) -> np.ndarray:
            z = ((x - np.asarray(mean, d)) / np.asarray(std, d)) ** 2
            return z * np.asarray(-0.5, d) - np.asarray(log_peak, d)

        def accept_draw(candidates: np.ndarray) -> np.ndarray:
            u = zeros_like(tensor).uniform_(generator=generator).array
            return np.log(u) > log_density(candidates)

        result = tensor.uniform_(a, b, generator=generator).array.copy()
        pending = accept_draw(result)
        while pending.any():
            cand = zeros_like(tensor).uniform_(a, b, generator=generator).array
            result = np.where(pending, cand, result)
            pending = np.where(pending, accept_draw(cand), pending)
        return _fill(tensor, result)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (Linear layers that start as a no-op)."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}.")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0,
                    generator: Generator | None = None) -> Tensor:
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> w = tg.zeros(256, 128)
        >>> tg.nn.init.xavier_uniform_(w, gain=tg.nn.init.calculate_gain('tanh'))
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0,
                   generator: Generator | None = None) -> Tensor:
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    fan = _calculate_correct_fan(tensor, mode)
    if fan == 0:
        raise ValueError(f"kaiming init: tensor of shape {tuple(tensor.shape)} has a zero fan.")
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:
    """He uniform: U(-bound, bound) with ``bound = gain * sqrt(3 / fan)``.

    Args:
        tensor: the weight, shape ``(out, in, *kernel)``.
        a: negative slope of the leaky_relu after this layer (used by the gain).
        mode: ``'fan_in'`` keeps forward variances, ``'fan_out'`` backward ones.
        nonlinearity: ``'relu'`` or ``'leaky_relu'`` (the default, as PyTorch).

    Example:
        >>> w = tg.zeros(128, 784)
        >>> tg.nn.init.kaiming_uniform_(w, nonlinearity='relu')
    """
    if 0 in tensor.shape:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)`` (arguments as
    :func:`kaiming_uniform_`)."""
    if 0 in tensor.shape:
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix: QR of a standard normal draw, signs fixed
    so R's diagonal is positive (Saxe et al., 2013), times ``gain``.

    The normal draw is torch's; the QR is numpy's LAPACK rather than torch's, so the
    values agree with torch's to rounding, not bit for bit.
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = int(tensor.shape[0])
    cols = tensor.numel() // rows
    with no_grad():
        flat = zeros(rows, cols, dtype=tensor.dtype).normal_(0, 1, generator=generator).array
        if rows < cols:
            flat = flat.T
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _fill(tensor, (q * gain).reshape(tensor.shape))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Generator | None = None) -> Tensor:
    """Fill a 2-D tensor from N(0, std^2), then zero ``ceil(sparsity * rows)`` entries of
    each column, picked by ``randperm`` (Martens, 2010), drawing as torch draws.

    Example:
        >>> tg.nn.init.sparse_(tg.empty(6, 3), sparsity=0.5)  # 3 zeros per column
    """
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported (sparse_ got shape "
                         f"{tuple(tensor.shape)}); reshape it to (rows, cols) first")
    from ..random.sampling import randperm

    rows, cols = (int(n) for n in tensor.shape)
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        values = tensor.array.copy()
        for col in range(cols):  # torch draws each column's permutation from the global stream
            values[randperm(rows).array[:num_zeros], col] = 0
        return _fill(tensor, values)


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D conv weight with the Dirac delta: each of the first
    ``min(out / groups, in)`` channels of a group passes its input through unchanged."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"Only tensors with 3, 4, or 5 dimensions are supported (dirac_ got "
                         f"shape {tuple(tensor.shape)})")
    sizes = tuple(int(n) for n in tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError(f"dim 0 must be divisible by groups (dirac_: {sizes[0]} output "
                         f"channels, groups={groups})")
    per_group = sizes[0] // groups
    values = np.zeros(sizes, tensor.array.dtype)
    centre = tuple(n // 2 for n in sizes[2:])
    for g in range(groups):
        for d in range(min(per_group, sizes[1])):
            values[(g * per_group + d, d, *centre)] = 1
    return _fill(tensor, values)
