"""Give a model the same starting weights under torch and tensorgraph.

Until both libraries draw identical random streams from ``torch.manual_seed``, a compat
program sets its initial weights from numpy through the public torch API only
(``named_parameters`` + ``copy_`` under ``no_grad``), as real code does when it ports
weights from another framework.
"""

import numpy as np
import torch


def numpy_init(model, seed=0):
    """Fill every parameter of ``model`` from a numpy generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            shape = tuple(p.shape)
            if len(shape) >= 2:
                fan_in = int(np.prod(shape[1:]))
                arr = rng.uniform(-1, 1, shape) / np.sqrt(fan_in)
            elif name.endswith("bias"):
                arr = rng.uniform(-0.1, 0.1, shape)
            else:  # norm weights and the like
                arr = 1.0 + rng.uniform(-0.1, 0.1, shape)
            p.copy_(torch.from_numpy(arr.astype(p.detach().numpy().dtype)))
    return model


def numpy_tensor(shape, seed=0, scale=1.0, dtype=np.float32):
    """A standard-normal tensor from numpy (same values under both libraries)."""
    rng = np.random.default_rng(seed)
    return torch.from_numpy((rng.standard_normal(shape) * scale).astype(dtype))
