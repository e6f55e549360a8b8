"""``tg.tensordot`` (a composite of permute, reshape and matmul) and ``tg.cdist``
(pairwise p-norm distances), top-level functions torch has no Tensor method for. The
other top-level matrix functions (``tg.det``, ``tg.svd``, ``tg.kron``, ...) are the
method forms in ``function_forms.py``. ``tensorgraph/__init__.py`` re-exports these.
"""

from __future__ import annotations

from typing import Any

from .tensor import Tensor

__all__ = ["cdist", "tensordot"]


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


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = _CDIST_MODES[0]) -> Tensor:
    """The p-norm distance between each row of ``x1`` and each row of ``x2``.

    Shape: ``x1`` (B..., P, M), ``x2`` (B..., R, M) -> (B..., P, R); the batch dims broadcast.
    As torch, the Euclidean distance (p=2) of more than 25 rows on either side (or with
    ``compute_mode='use_mm_for_euclid_dist'``) takes its values from one matmul,
    ``sqrt(max(|x|^2 - 2 x.y + |y|^2, 0))``, else they are ``||x - y||_p`` directly; the
    gradient is the distance's (0 where it is 0).

    Example:
        >>> tg.cdist(tg.zeros(2, 3), tg.ones(4, 3)).shape
        tg.Size([2, 4])
    """
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"cdist: x1 {tuple(x1.shape)} and x2 {tuple(x2.shape)} must be at least 2-D with "
            "the same number of columns (the last dim); add a leading dim with unsqueeze(0).")
    if x1.dtype != x2.dtype or not x1.is_floating_point():
        raise RuntimeError(f"cdist only supports floating-point dtypes of the same kind, got "
                           f"{x1.dtype} and {x2.dtype}; convert with .float().")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got p={p}")
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"cdist: {compute_mode!r} is not a valid value for compute_mode; use "
                         f"one of {list(_CDIST_MODES)}")
    use_mm = p == 2 and (compute_mode == _CDIST_MODES[1] or (
        compute_mode == _CDIST_MODES[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if p == 0:  # the count of differing coordinates; its gradient is 0, as torch's
        return diff.sign().abs().sum(-1)
    direct = diff.norm(p, dim=-1)
    if not use_mm:
        return direct
    # torch's _euclidean_dist: the values of one matmul (clamped at 0), the gradient of the
    # distance itself (torch's own backward: 0 where the distance is 0, not sqrt's inf)
    from .tensor import cat
    n1 = x1.pow(2).sum(-1, keepdim=True)
    n2 = x2.pow(2).sum(-1, keepdim=True)
    a = cat([x1 * -2, n1, n1.new_ones(n1.shape)], -1)
    b = cat([x2, n2.new_ones(n2.shape), n2], -1)
    mm = (a @ b.transpose(-2, -1)).detach().clamp(min=0).sqrt()
    return direct + (mm - direct.detach())
