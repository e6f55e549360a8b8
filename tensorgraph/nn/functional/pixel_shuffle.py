"""``pixel_shuffle`` / ``pixel_unshuffle``: channels to space and back (composites of
reshape and permute), as torch."""

from __future__ import annotations

from ...tensor import Tensor
from .check import as_tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle"]


def _check(op: str, x: Tensor, factor: int, what: str) -> None:
    if x.ndim < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got "
                           f"input with {x.ndim} dimension(s)")
    if int(factor) <= 0:
        raise RuntimeError(f"{op} expects a positive {what}, but got {factor}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C * r**2, H, W) -> (*, C, H * r, W * r)`` (sub-pixel convolution's rearrange).

    Example:
        >>> F.pixel_shuffle(tg.randn(1, 8, 3, 3), 2).shape
        torch.Size([1, 2, 6, 6])
    """
    x = as_tensor(input, "pixel_shuffle")
    r = upscale_factor
    _check("pixel_shuffle", x, r, "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    k = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``(*, C, H * r, W * r) -> (*, C * r**2, H, W)``, the inverse of pixel_shuffle.

    Example:
        >>> F.pixel_unshuffle(tg.randn(1, 2, 6, 6), 2).shape
        torch.Size([1, 8, 3, 3])
    """
    x = as_tensor(input, "pixel_unshuffle")
    r = downscale_factor
    _check("pixel_unshuffle", x, r, "downscale_factor")
    *lead, c, h, w = x.shape
    for name, size, dim in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({dim})={size} is not "
                               f"divisible by {r}")
    k = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)
