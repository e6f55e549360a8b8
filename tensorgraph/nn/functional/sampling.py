"""``interpolate`` (resize) for ``tensorgraph.nn.functional``: nearest, nearest-exact,
linear, bilinear, trilinear, bicubic and area, as torch computes them (a composite).

Nearest modes gather rows/columns with an index array (the gradient scatters back);
the other modes are separable, so they apply a constant matrix along each resized dim
(see ``adaptive_pool.along_last_dims``): linear weights, cubic-convolution weights
(Keys, a = -0.75, border indices clamped, as torch) or area averages (adaptive average
pooling). The gradients are those of the matmuls.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...tensor import Tensor
from .adaptive_pool import along_last_dims, averaging_matrix
from .check import as_tensor, floating

__all__ = ["interpolate", "upsample"]

_DIMS = {"nearest": None, "nearest-exact": None, "linear": 1, "bilinear": 2,
         "bicubic": 2, "trilinear": 3, "area": None}


def _out_sizes(x: Tensor, k: int, size: Any, scale_factor: Any) -> tuple[tuple, list]:
    """Output sizes and the per-dim scales torch uses for source coordinates."""
    in_sizes = x.shape[-k:]
    if (size is None) == (scale_factor is None):
        raise ValueError("either size or scale_factor should be defined" if size is None
                         else "only one of size or scale_factor should be defined")
    if size is not None:
        sizes = (size,) * k if isinstance(size, (int, np.integer)) else tuple(size)
        if len(sizes) != k:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(in_sizes)} and output size of {list(sizes)}.")
        return tuple(int(s) for s in sizes), [None] * k
    scales = (scale_factor,) * k if isinstance(scale_factor, (int, float)) \
        else tuple(scale_factor)
    if len(scales) != k:
        raise ValueError(f"scale_factor shape must match input shape. Input is {k}D, "
                         f"scale_factor size is {len(scales)}")
    return tuple(math.floor(n * float(s)) for n, s in zip(in_sizes, scales)), \
        [float(s) for s in scales]


def _src_scale(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> float:
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None else n_in / n_out


def _nearest_index(n_in: int, n_out: int, scale: float | None, exact: bool) -> np.ndarray:
    r = _src_scale(n_in, n_out, scale, False)
    dst = np.arange(n_out, dtype=np.float64)
    # float32 arithmetic, as torch's nearest kernels (matters at exact .5 boundaries)
    src = np.floor(((dst + 0.5) if exact else dst).astype(np.float32) * np.float32(r))
    return np.minimum(src.astype(np.int64), n_in - 1)


def _linear_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool,
                   dtype: np.dtype) -> np.ndarray:
    r = _src_scale(n_in, n_out, scale, align_corners)
    dst = np.arange(n_out, dtype=np.float64)
    src = dst * r if align_corners else np.maximum((dst + 0.5) * r - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.arange(n_out), i0), 1 - lam)
    np.add.at(m, (np.arange(n_out), i1), lam)
    return m.astype(dtype)


def _cubic_weights(t: np.ndarray, a: float = -0.75) -> list:
    """Keys' cubic-convolution weights of the 4 taps at offsets -1, 0, 1, 2 from floor."""
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1  # noqa: E731  (|x| <= 1)
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # noqa: E731  (1 < |x| < 2)
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool,
                  dtype: np.dtype) -> np.ndarray:
    r = _src_scale(n_in, n_out, scale, align_corners)
    dst = np.arange(n_out, dtype=np.float64)
    src = dst * r if align_corners else (dst + 0.5) * r - 0.5  # not clamped at 0 (cubic)
    i0 = np.floor(src).astype(np.int64)
    m = np.zeros((n_out, n_in))
    for tap, w in zip(range(-1, 3), _cubic_weights(src - i0)):
        np.add.at(m, (np.arange(n_out), np.clip(i0 + tap, 0, n_in - 1)), w)
    return m.astype(dtype)


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of ``(N, C, L)`` / ``(N, C, H, W)`` / ``(N, C, D, H, W)``.

    Args:
        size: output spatial size (int or tuple), or
        scale_factor: multiplier(s) of the input size (output = floor(in * scale)).
        mode: ``'nearest'`` (torch's default: ``src = floor(dst * in/out)``),
            ``'nearest-exact'`` (pixel centres), ``'linear'`` (3-D input),
            ``'bilinear'`` / ``'bicubic'`` (4-D), ``'trilinear'`` (5-D) or ``'area'``
            (adaptive average pooling to the output size).
        align_corners: linear and cubic modes only; True maps the corner pixels onto each
            other (``src = dst * (in-1)/(out-1)``), False (default) uses pixel centres.
        recompute_scale_factor: True computes the coordinates from the sizes instead
            of the given scale_factor.
        antialias: only False (the default).

    Example:
        >>> F.interpolate(tg.randn(1, 3, 8, 8), scale_factor=2, mode="bilinear").shape
        torch.Size([1, 3, 16, 16])
    """
    op = "interpolate"
    x = floating(as_tensor(input, op), op)
    if mode not in _DIMS:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} is not one of 'nearest', 'nearest-exact', "
            "'linear', 'bilinear', 'trilinear', 'bicubic', 'area'."
        )
    if antialias:
        raise NotImplementedError(f"interpolate: antialias=True (mode={mode!r}) is not "
                                  "implemented in tensorgraph; use antialias=False.")
    k = x.ndim - 2
    if k < 1 or k > 3:
        raise NotImplementedError(f"interpolate: expected a 3-D, 4-D or 5-D input "
                                  f"(N, C, spatial...), got {x.ndim}-D {tuple(x.shape)}.")
    if _DIMS[mode] is not None and _DIMS[mode] != k:
        raise NotImplementedError(
            f"Got {x.ndim}D input, but {mode} mode needs {_DIMS[mode] + 2}D input"
        )
    linear = _DIMS[mode] is not None  # the interpolating modes (align_corners allowed)
    if align_corners is not None and not linear:
        raise ValueError("align_corners option can only be set with the interpolating "
                         "modes: linear | bilinear | bicubic | trilinear")
    out, scales = _out_sizes(x, k, size, scale_factor)
    if min(out) < 1:
        raise ValueError(f"interpolate: the output size {out} must be positive.")
    if recompute_scale_factor:
        scales = [None] * k
    in_sizes = x.shape[-k:]
    if mode == "area":  # adaptive average pooling to the output size
        return along_last_dims(x, [None if n == m else averaging_matrix(n, m, x.dtype)
                                   for n, m in zip(in_sizes, out)])
    if not linear:
        exact = mode == "nearest-exact"
        for j, (n, m, s) in enumerate(zip(in_sizes, out, scales)):
            if n != m or s not in (None, 1.0):
                idx = _nearest_index(n, m, s, exact)
                x = x[(slice(None),) * (x.ndim - k + j) + (idx,)]
        return x
    ac = bool(align_corners)
    matrix = _cubic_matrix if mode == "bicubic" else _linear_matrix
    return along_last_dims(x, [matrix(n, m, s, ac, x.dtype)
                               for n, m, s in zip(in_sizes, out, scales)])


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None,
             mode: str = "nearest", align_corners: bool | None = None) -> Tensor:
    """Deprecated torch alias of :func:`interpolate`."""
    return interpolate(input, size, scale_factor, mode, align_corners)
