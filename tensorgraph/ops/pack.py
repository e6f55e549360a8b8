"""Pack: several tensors as one flat node, so their gradients arrive together.

Module backward hooks need every gradient of a module's inputs (or outputs) at once;
the engine delivers one gradient per node, so the hooked tensors go through one Pack
node and are read back as slices of it.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class Pack(Function):
    """y = concat(ravel(x_1), ..., ravel(x_n));  dx_i = g[o_i : o_i + n_i].reshape(shape_i)"""

    @staticmethod
    def forward(ctx, *xs):
        ctx.shapes = [x.shape for x in xs]
        return np.concatenate([x.reshape(-1) for x in xs])

    @staticmethod
    def backward(ctx, g):
        return tuple(split_flat(g, ctx.shapes))


def split_flat(flat, shapes: list) -> list:
    """Consecutive slices of a flat array/Tensor, reshaped to ``shapes``."""
    out, start = [], 0
    for shape in shapes:
        n = int(np.prod(shape, dtype=np.int64))
        out.append(flat[start:start + n].reshape(shape))
        start += n
    return out
