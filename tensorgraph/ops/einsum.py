"""Einstein summation as one primitive: the gradient of each operand is another
einsum, of the output gradient with the other operands.

Equations are normalised first (spaces dropped, the implicit output made explicit),
so backward can build each operand's equation by swapping subscripts. An index that
appears in neither the output nor the other operands (``'ij->i'``) is summed over, so
its gradient is broadcast back; broadcasting of ``...`` dims is undone by the engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function


def normalise(equation: str, ndims: list) -> tuple:
    """``(input subscripts, output subscripts)`` with an explicit output, as numpy's
    implicit rule gives it: the ``...`` dims, then the letters used once, sorted."""
    eq = equation.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise RuntimeError(
            f"einsum(): the equation {equation!r} names {len(ins)} operand(s) but "
            f"{len(ndims)} were given."
        )
    for sub, nd in zip(ins, ndims):
        letters = len(sub.replace("...", ""))
        if (letters != nd and "..." not in sub) or letters > nd:
            raise RuntimeError(
                f"einsum(): the subscript {sub!r} has {letters} index letter(s) for an "
                f"operand with {nd} dimension(s)."
            )
    if not arrow:
        once = sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1)
        out = ("..." if "..." in lhs else "") + "".join(once)
    return ins, out


def _einsum(equation: str, *operands: Any) -> Any:
    """numpy's einsum for arrays, the recorded :class:`Einsum` for Tensors."""
    if all(isinstance(o, (np.ndarray, np.generic)) for o in operands):
        return np.einsum(equation, *operands)
    t = next(type(o) for o in operands if hasattr(o, "array"))
    return Einsum.apply(*[t._lift(o, o) for o in operands], equation=equation)


class Einsum(Function):
    """y = einsum(eq, x_1, ..., x_n);  dx_i = einsum(g and the other x_j -> x_i's indices)"""

    @staticmethod
    def forward(ctx, *xs, equation):
        ins, out = normalise(equation, [x.ndim for x in xs])
        ctx.ins, ctx.out = ins, out
        ctx.save_for_backward(*xs)
        return np.einsum(",".join(ins) + "->" + out, *xs)

    @staticmethod
    def backward(ctx, g):
        xs = ctx.saved_tensors
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            sub = ctx.ins[i]
            letters = sub.replace("...", "")
            if len(set(letters)) != len(letters):
                raise NotImplementedError(
                    f"einsum: the gradient for an operand with a repeated index ({sub!r}, "
                    "a diagonal) is not supported; take torch.diagonal-style slices first."
                )
            others = [s for j, s in enumerate(ctx.ins) if j != i]
            known = set(ctx.out + "".join(others))
            # Indices summed away in forward come back as broadcast dims (_restore).
            target = "".join(c for c in sub if c == "." or c in known)
            if "..." not in sub and "..." in ctx.out + "".join(others):
                # numpy can't drop ... dims in an output: keep them, the engine sums them.
                sub, target = "..." + sub, "..." + target
            eq = ",".join([ctx.out, *others]) + "->" + target
            gx = _einsum(eq, g, *[x for j, x in enumerate(xs) if j != i])
            grads.append(_restore(ctx.xp, gx, sub, target, xs[i].shape))
        return tuple(grads)


def _restore(xp: Any, gx: Any, sub: str, target: str, shape: tuple) -> Any:
    """Put back (as broadcast size-1 dims) the indices of ``sub`` missing from ``target``."""
    if target == sub:
        return gx
    n_dots = gx.ndim - len(target.replace("...", ""))
    sizes = iter(gx.shape)
    shape_kept, full = [], []
    lead = len(shape) - len(sub.replace("...", ""))  # the operand's own ... dims
    pos = 0
    for token in sub.replace("...", "."):
        if token == ".":
            dims = [next(sizes) for _ in range(n_dots)]
            shape_kept += dims
            full += dims
            pos += lead
        elif token in target:
            n = next(sizes)
            shape_kept.append(n)
            full.append(n)
            pos += 1
        else:
            shape_kept.append(1)
            full.append(shape[pos])
            pos += 1
    return xp.expand(gx.reshape(tuple(shape_kept)), tuple(full))
