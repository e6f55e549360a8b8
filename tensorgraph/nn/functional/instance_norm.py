"""``instance_norm`` for ``tensorgraph.nn.functional``: batch norm of each (sample,
channel) plane on its own (a composite, as torch writes it)."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .check import as_tensor, floating
from .norm import batch_norm

__all__ = ["instance_norm"]


def _per_plane(t: Tensor | None, n: int, c: int) -> Tensor | None:
    """A ``(C,)`` tensor repeated for each of the ``n`` samples: ``(N * C,)``."""
    return None if t is None else t.reshape(1, c).expand(n, c).reshape(n * c)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its spatial dims, as
    ``torch.nn.functional.instance_norm``.

    With ``use_input_stats`` the plane's own mean and biased variance are used, and
    ``running_mean``/``running_var`` (if given) move towards the mean over the batch
    of the per-plane statistics (unbiased variance), as torch; otherwise the running
    statistics normalise the input.

    Args:
        input: ``(N, C, *)`` with at least one spatial dim.
        running_mean, running_var: ``(C,)`` buffers or None.
        weight, bias: ``(C,)`` affine parameters or None.

    Example:
        >>> F.instance_norm(tg.randn(2, 3, 8, 8)).mean(dim=(2, 3)).abs().max() < 1e-5
        tensor(True)
    """
    op = "instance_norm"
    x = floating(as_tensor(input, op), op)
    if x.ndim < 3:
        raise ValueError(f"{op}: expected input of shape (N, C, *) with at least one "
                         f"spatial dim, got {tuple(x.shape)}.")
    n, c = x.shape[0], x.shape[1]
    if use_input_stats and x.array[0, 0].size <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input "
                         f"size {tuple(x.shape)}")
    rm, rv = (None if t is None else Tensor.from_array(np.tile(t.array, n), False)
              for t in (running_mean, running_var))
    out = batch_norm(x.reshape((1, n * c) + tuple(x.shape[2:])), rm, rv,
                     _per_plane(weight, n, c), _per_plane(bias, n, c), use_input_stats,
                     momentum, eps)
    if use_input_stats:
        for buf, new in ((running_mean, rm), (running_var, rv)):
            if buf is not None:  # the plane statistics averaged over the batch
                np.copyto(buf.array, new.array.reshape(n, c).mean(axis=0), casting="unsafe")
                buf._version += 1
    return out.reshape(x.shape)
