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
    return Einsum.apply(*[t.as_operand(o, o) for o in operands], equation=equation)


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
            full_sub, shape = ctx.ins[i], xs[i].shape
            # A repeated index ('ii', a diagonal): the gradient of the diagonal first,
            # then placed back on it (_embed_diagonal).
            sub, diag_shape = _diagonal_of(full_sub, shape)
            diag_sub = sub if sub != full_sub else None
            others = [s for j, s in enumerate(ctx.ins) if j != i]
            known = set(ctx.out + "".join(others))
            # Indices summed away in forward come back as broadcast dims (_restore).
            target = "".join(c for c in sub if c == "." or c in known)
            if "..." not in sub and "..." in ctx.out + "".join(others):
                # numpy can't drop ... dims in an output: keep them, the engine sums them.
                sub, target = "..." + sub, "..." + target
                if diag_sub is not None:
                    diag_sub, full_sub = "..." + diag_sub, "..." + full_sub
            eq = ",".join([ctx.out, *others]) + "->" + target
            gx = _einsum(eq, g, *[x for j, x in enumerate(xs) if j != i])
            gx = _restore(ctx.xp, gx, sub, target, diag_shape)
            grads.append(gx if diag_sub is None else _embed_diagonal(gx, full_sub, diag_sub,
                                                                     shape))
        return tuple(grads)


def _tokens(sub: str, shape: tuple) -> list:
    """``[(token, sizes)]`` of a subscript: a letter with its size, '.' with the ... dims."""
    pre, dots, post = sub.partition("...")
    lead = len(shape) - len(pre) - len(post)
    out = [(c, (n,)) for c, n in zip(pre, shape)]
    if dots:
        out.append((".", tuple(shape[len(pre):len(pre) + lead])))
    return out + [(c, (n,)) for c, n in zip(post, shape[len(shape) - len(post):])]


def _diagonal_of(sub: str, shape: tuple) -> tuple:
    """The subscript with each repeated letter kept once ('bii' -> 'bi') and the shape
    of that diagonal; unchanged when no letter repeats."""
    seen, kept, sizes = set(), "", []
    for token, n in _tokens(sub, shape):
        if token == ".":
            kept, sizes = kept + "...", sizes + list(n)
        elif token not in seen:
            seen.add(token)
            kept, sizes = kept + token, sizes + list(n)
    return kept, tuple(sizes)


def _embed_diagonal(gd: Any, sub: str, diag_sub: str, shape: tuple) -> Any:
    """Put ``gd`` (indexed by ``diag_sub``) on the diagonal of a zero tensor indexed by
    ``sub``: einsum with identity matrices, 'bi,ij->bij' for 'bii' (so it records)."""
    free = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                if c not in sub)
    renamed, eyes, seen = "", [], set()
    for token, n in _tokens(sub, shape):
        if token == ".":
            renamed += "..."
        elif token in seen:
            new = next(free)
            renamed += new
            eyes.append((token + new, np.eye(n[0], dtype=gd.dtype)))
        else:
            seen.add(token)
            renamed += token
    eq = ",".join([diag_sub, *(e for e, _ in eyes)]) + "->" + renamed
    return _einsum(eq, gd, *(m for _, m in eyes))


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
