"""The sampling functions (``tg.rand``, ``tg.randn``, ``tg.randint``, ``tg.randperm``,
``tg.normal``, ``tg.multinomial``, ``tg.bernoulli``, ``*_like``) with torch's signatures
and torch's CPU streams, plus the in-place fill the Tensor samplers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd import is_grad_enabled
from ..tensor import Tensor
from . import streams
from .generator import Generator, resolve

_DTYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool", "float16": "Half"}


def _size(shape: tuple, size: Any, op: str) -> tuple:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(size=(2, 3))`` alike."""
    if size is not None:
        if shape:
            raise TypeError(f"{op}: give the size once, positionally or as size=.")
        shape = (size,)
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    dims = tuple(int(d) for d in shape)
    if any(d < 0 for d in dims):
        bad = next(d for d in dims if d < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(dims)}")
    return dims


def _check_device(device: Any, op: str) -> None:
    if device is not None and str(getattr(device, "type", device)).split(":")[0] != "cpu":
        raise RuntimeError(f"{op}: tensorgraph only has the CPU device, got device={device!r}.")


def float_dtype(dtype: Any, kernel: str) -> np.dtype:
    d = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
    if d.kind != "f":
        raise NotImplementedError(
            f'"{kernel}" not implemented for \'{_DTYPE_NAMES.get(d.name, d.name)}\' '
            "(random floats need a floating dtype such as tg.float32)."
        )
    return d


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    # np.ascontiguousarray would make a 0-d sample 1-d (torch.randn(()) is 0-d)
    t = Tensor.from_array(arr if arr.flags.c_contiguous else np.ascontiguousarray(arr), False)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def in_memory_order(values: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """Lay a flat sequence of samples out as torch's TensorIterator writes a strided
    tensor: along memory (the largest stride outermost), not along the index order."""
    if arr.flags.c_contiguous or arr.ndim < 2:
        return values.reshape(arr.shape)
    perm = sorted(range(arr.ndim), key=lambda d: -abs(arr.strides[d]))
    return values.reshape([arr.shape[d] for d in perm]).transpose(np.argsort(perm))


def fill_(t: Tensor, op: str, draw: Callable[[int, bool], np.ndarray]) -> Tensor:
    """Overwrite ``t`` with ``draw(numel, contiguous)`` in torch's order (in place)."""
    if is_grad_enabled() and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {tuple(t.shape)}) is used in "
            "an in-place operation; wrap it in `with tg.no_grad():` (as nn.init does)."
        )
    arr = t.array
    values = in_memory_order(draw(arr.size, bool(arr.flags.c_contiguous)), arr)
    return t.copy_(Tensor.from_array(np.asarray(values, dtype=arr.dtype), False))


# ---------------------------------------------------------------- floats
def rand(*size: Any, generator: Generator | None = None, dtype: Any = None,
         requires_grad: bool = False, device: Any = None, **_: Any) -> Tensor:
    """Uniform samples on [0, 1): torch's stream for the same seed.

    Shape:
        ``size`` as varargs ``rand(2, 3)``, a tuple ``rand((2, 3))`` or ``size=``.

    Example:
        >>> tg.manual_seed(0); tg.rand(2)
        tensor([0.4963, 0.7682])
    """
    shape = _size(size, _.pop("size", None), "rand")
    _check_device(device, "rand")
    d = float_dtype(dtype, "check_uniform_bounds")
    g = resolve(generator, "rand")
    return _make(streams.uniform(g, int(np.prod(shape)), 0.0, 1.0, d).reshape(shape),
                 requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None,
          requires_grad: bool = False, device: Any = None, **_: Any) -> Tensor:
    """Standard normal samples: torch's Box-Muller streams (its 16-wide vectorised
    path from 16 elements on, its serial path below).

    Example:
        >>> g = tg.Generator().manual_seed(2147483647)
        >>> W = tg.randn((27, 27), generator=g)
    """
    shape = _size(size, _.pop("size", None), "randn")
    _check_device(device, "randn")
    d = float_dtype(dtype, "normal_kernel_cpu")
    g = resolve(generator, "randn")
    return _make(streams.normal(g, int(np.prod(shape)), 0.0, 1.0, d).reshape(shape),
                 requires_grad)


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Normal samples with the given mean and std (each a float or a tensor).

    ``normal(mean, std, size)`` for floats; with tensors the shape is their broadcast
    and, as torch, the draw is N(0, 1) (or N(0, std) for a float std) then ``* std + mean``.

    Example:
        >>> tg.normal(0, 1, (3, 4))
        >>> tg.normal(tg.zeros(3), tg.ones(3))
    """
    g = resolve(generator, "normal")
    _check_device(device, "normal")
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_t or std_t):
        if size is None:
            raise TypeError(
                "normal() received an invalid combination of arguments: with a float "
                "mean and std give a size, e.g. tg.normal(0., 1., (3, 4))."
            )
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        shape = _size((size,), None, "normal")
        d = float_dtype(dtype, "normal_kernel_cpu")
        return _make(streams.normal(g, int(np.prod(shape)), mean, std, d).reshape(shape),
                     requires_grad)
    if std_t and bool((std.array < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not std_t and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    like = mean if mean_t else std
    shape = np.broadcast_shapes(*(t.shape for t in (mean, std) if isinstance(t, Tensor)))
    n = int(np.prod(shape))
    if mean_t and not std_t:
        z = streams.normal(g, n, 0.0, std, like.dtype).reshape(shape)
        return Tensor.from_array(z + mean.array, False)
    z = streams.normal(g, n, 0.0, 1.0, like.dtype).reshape(shape)
    out = z * std.array
    return Tensor.from_array(out + (mean.array if mean_t else np.asarray(mean, like.dtype)), False)


def rand_like(input: Tensor, *, generator: Generator | None = None, dtype: Any = None,
              requires_grad: bool = False, device: Any = None, **_: Any) -> Tensor:
    """``rand`` with ``input``'s shape (and dtype unless given)."""
    return rand(tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                requires_grad=requires_grad, device=device)


def randn_like(input: Tensor, *, generator: Generator | None = None, dtype: Any = None,
               requires_grad: bool = False, device: Any = None, **_: Any) -> Tensor:
    """``randn`` with ``input``'s shape (and dtype unless given)."""
    return randn(tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                 requires_grad=requires_grad, device=device)


# ---------------------------------------------------------------- integers
def _bounds(args: list, low: Any, high: Any, op: str) -> tuple[int, int]:
    nums = list(args)
    if low is not None:
        nums.insert(0, low)
    if high is not None:
        nums.append(high)
    if len(nums) == 1:
        nums.insert(0, 0)
    if len(nums) != 2:
        raise TypeError(f"{op}: expected (high, size) or (low, high, size), got {len(nums)} bounds.")
    lo, hi = (int(v) for v in nums)
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    return lo, hi


def randint(*args: Any, size: Any = None, generator: Generator | None = None,
            dtype: Any = None, requires_grad: bool = False, device: Any = None,
            low: Any = None, high: Any = None) -> Tensor:
    """Integers uniform on [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    Example:
        >>> g = tg.Generator().manual_seed(2147483647)
        >>> ix = tg.randint(0, 1000, (32,), generator=g)
    """
    args = list(args)
    if size is None:
        if not args or isinstance(args[-1], (int, np.integer)):
            raise TypeError("randint() missing the size: randint(high, size) or "
                            "randint(low, high, size), e.g. randint(10, (3,)).")
        size = args.pop()
    lo, hi = _bounds(args, low, high, "randint")
    shape = _size((size,), None, "randint")
    _check_device(device, "randint")
    d = dtypes.int64 if dtype is None else np.dtype(dtype)
    g = resolve(generator, "randint")
    return _make(streams.integers(g, int(np.prod(shape)), lo, hi, d).reshape(shape),
                 requires_grad)


def randint_like(input: Tensor, *args: Any, generator: Generator | None = None,
                 dtype: Any = None, requires_grad: bool = False, device: Any = None,
                 low: Any = None, high: Any = None) -> Tensor:
    """``randint`` with ``input``'s shape and dtype: ``randint_like(x, high)`` or ``(x, low, high)``."""
    lo, hi = _bounds(list(args), low, high, "randint_like")
    return randint(lo, hi, tuple(input.shape), generator=generator,
                   dtype=dtype or input.dtype, requires_grad=requires_grad, device=device)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None, **_: Any) -> Tensor:
    """A random permutation of 0 .. n-1: torch's shuffle for the same seed.

    Example:
        >>> order = tg.randperm(len(dataset), generator=g)
    """
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    _check_device(device, "randperm")
    d = dtypes.int64 if dtype is None else np.dtype(dtype)
    return _make(streams.permutation(resolve(generator, "randperm"), n).astype(d, copy=False),
                 requires_grad)


# ---------------------------------------------------------------- discrete
def bernoulli(input: Tensor, p: float | None = None, *,
              generator: Generator | None = None) -> Tensor:
    """0/1 samples: each element is 1 with probability ``input`` (or ``p`` if given).

    Example:
        >>> tg.bernoulli(tg.full((3,), 0.5))
    """
    out = Tensor.from_array(np.empty(input.shape, dtype=input.dtype), False)
    return out.bernoulli_(input if p is None else p, generator=generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Category indices drawn from the (unnormalised) probabilities in each row.

    As torch: without replacement, or for one sample, the exponential trick
    ``argmax/topk(p / Exp(1))``; with replacement, a search in the cumulative sum.

    Shape:
        input ``(C,)`` or ``(N, C)``; output ``(num_samples,)`` or ``(N, num_samples)``.

    Example:
        >>> ix = tg.multinomial(p, num_samples=1, replacement=True, generator=g)
    """
    p = input.array
    if p.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim (got shape {tuple(p.shape)})")
    if p.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, "
                           f"got: {_DTYPE_NAMES.get(p.dtype.name, p.dtype.name)}")
    if num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (got num_samples={num_samples})")
    n_cat = p.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement (num_samples={num_samples} > {n_cat})")
    if n_cat > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    out_shape = (num_samples,) if p.ndim == 1 else (p.shape[0], num_samples)
    g = resolve(generator, "multinomial")
    if p.size == 0:
        return Tensor.from_array(np.empty(out_shape, dtype=np.int64), False)
    if not replacement or num_samples == 1:
        if not (np.all(p < np.inf) and np.all(p >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(p.sum(-1) == 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = streams.exponential(g, p.size, 1.0, p.dtype).reshape(p.shape)
        keys = p / q
        if num_samples == 1:
            idx = keys.argmax(-1)[..., None]
        else:
            idx = np.argsort(-keys, axis=-1, kind="stable")[..., :num_samples]
        return Tensor.from_array(idx.astype(np.int64).reshape(out_shape), False)
    if np.any(p < 0):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if not np.all(np.isfinite(p)):
        raise RuntimeError("invalid multinomial distribution (encountering probability "
                           "entry = infinity or NaN)")
    if np.any(p.sum(-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    idx = streams.multinomial_with_replacement(g, p, num_samples)
    return Tensor.from_array(idx.reshape(out_shape), False)


def memory_order(a: np.ndarray) -> tuple | None:
    """The axes order (slowest first) of ``torch.empty_like`` of a tensor laid out as
    ``a``, when that is not plain C order; else None.

    ``empty_like`` keeps the input's dim order (its strides when dense, dense strides in
    the same order otherwise: torch's ``infer_dense_strides``) and torch's samplers fill in
    memory order, so dropout's mask for ``x.t()`` is the mask of ``x``, transposed. The
    order is TensorIterator's: an insertion sort of the dims by stride (innermost first),
    broadcast (stride 0) dims left where they are, ties broken by size.
    """
    if a.flags.c_contiguous or a.ndim < 2:
        return None
    shape, strides = a.shape, [abs(s) for s in a.strides]

    def should_swap(d0: int, d1: int) -> int:
        if strides[d0] == 0 or strides[d1] == 0:
            return 0
        if strides[d0] != strides[d1]:
            return 1 if strides[d0] > strides[d1] else -1
        return 1 if shape[d0] > shape[d1] else 0

    perm = list(range(a.ndim - 1, -1, -1))  # innermost first
    for i in range(1, a.ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    order = tuple(reversed(perm))
    return None if order == tuple(range(a.ndim)) else order


def dropout_mask(shape: tuple, p: float, dtype: Any, generator: Generator | None = None,
                 like: np.ndarray | None = None) -> np.ndarray:
    """torch's dropout noise as an array: ``empty(shape).bernoulli_(1 - p)`` divided by
    ``1 - p`` in ``dtype`` (what F.dropout and attention dropout multiply by).

    With ``like`` (the input's array), the noise is ``empty_like(input)``'s: drawn in
    ``like``'s memory order when it is a dense transpose/permute (see ``memory_order``),
    and laid out as ``like``.

    Example:
        >>> keep = dropout_mask(scores.shape, 0.1, scores.dtype)   # 0 or 1/0.9
    """
    d = np.dtype(dtype)
    if p >= 1:
        return np.zeros(shape, dtype=d)
    perm = None if like is None else memory_order(like)
    drawn = shape if perm is None else tuple(shape[i] for i in perm)
    keep = streams.bernoulli_scalar(resolve(generator, "dropout"), int(np.prod(shape)), 1 - p)
    mask = (keep.astype(d) / np.asarray(1 - p, dtype=d)).reshape(drawn)
    return mask if perm is None else mask.transpose(np.argsort(perm))
