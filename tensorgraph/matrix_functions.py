"""``tg.tensordot``: a composite of permute, reshape and matmul (torch has no such
Tensor method). The other top-level matrix functions (``tg.det``, ``tg.svd``, ``tg.kron``,
...) are the method forms in ``function_forms.py``. ``tensorgraph/__init__.py``
re-exports it.
"""

from __future__ import annotations

from typing import Any

from .tensor import Tensor

__all__ = ["tensordot"]


def _dims_list(d: Any) -> list:
    d = d.tolist() if isinstance(d, Tensor) else d
    return [d] if isinstance(d, int) else list(d)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum over the dims ``dims`` of ``a`` and ``b``: an int ``d`` pairs ``a``'s last d dims
    with ``b``'s first d; a pair of lists names them.

    Example:
        >>> tg.tensordot(tg.ones(2, 3, 4), tg.ones(3, 4, 5)).shape
        tg.Size([2, 5])
    """
    if isinstance(dims, int) or (isinstance(dims, Tensor) and dims.ndim == 0):
        d = int(dims)
        if d < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={d}")
        da, db = list(range(a.ndim - d, a.ndim)), list(range(d))
    else:
        if len(dims) != 2:
            raise RuntimeError(f"tensordot: dims must be an int or a pair of lists, got {dims!r}")
        da = [x % a.ndim for x in _dims_list(dims[0])]
        db = [x % b.ndim for x in _dims_list(dims[1])]
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length (got {da} and {db})")
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} "
                               f"in dim {j}")
    free_a = [i for i in range(a.ndim) if i not in da]
    free_b = [j for j in range(b.ndim) if j not in db]
    k = 1
    for i in da:
        k *= a.shape[i]
    out_shape = [a.shape[i] for i in free_a] + [b.shape[j] for j in free_b]
    left = a.permute(*free_a, *da).reshape(-1, k)
    right = b.permute(*db, *free_b).reshape(k, -1)
    return (left @ right).reshape(*out_shape)
