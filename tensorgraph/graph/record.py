"""Context managers that make the engine remember more while you run the forward pass:
the line of your code behind each op (``record_sources``) and the module whose forward
made it (``record_modules``). ``tensorgraph.graph.trace`` reads what they recorded.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import weakref
from collections.abc import Iterator
from typing import Any

from ..autograd import record_source


# ---------------------------------------------------------------- sources
def record_sources() -> contextlib.AbstractContextManager:
    """Inside it, every recorded op remembers the line of your code that created it.

    The line appears in ``Node.source`` (and as a tooltip in ``viz`` drawings).

    Example:
        >>> with tg.graph.record_sources():
        ...     y = (x * 2).sum()
        >>> tg.graph.trace(y).nodes[-1].source     # '.../script.py:2: y = (x * 2).sum()'
    """
    return record_source(True)


# ---------------------------------------------------------------- modules
#: op node -> (module path, module type), filled by record_modules' forward hooks.
OWNERS: weakref.WeakKeyDictionary[Any, tuple[str, str]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def record_modules(model: Any) -> Iterator[None]:
    """Inside it, every op remembers the (innermost) submodule whose forward made it.

    :func:`trace` then groups ops by module exactly, including modules without
    parameters (``nn.ReLU``). Without it, ``trace(..., model=)`` guesses membership
    from the parameters each op consumes.

    Args:
        model: an ``nn.Module`` (anything with ``named_modules`` and
            ``register_forward_hook``).

    Example:
        >>> with tg.graph.record_modules(model):
        ...     loss = F.cross_entropy(model(x), y)
        >>> viz.draw(loss, model=model, collapse="module")
    """
    handles = []
    for path, module in model.named_modules():
        if path:  # the model itself is the whole picture, not a cluster
            hook = functools.partial(_claim_ops, path, type(module).__name__)
            handles.append(module.register_forward_hook(hook))
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def _claim_ops(path: str, type_name: str, module: Any, args: tuple, out: Any) -> None:
    """Forward hook: the ops between a module's inputs and its output are its own."""
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if getattr(o, "grad_fn", None) is not None]
    stop = {id(a.grad_fn) for a in args if getattr(a, "grad_fn", None) is not None}
    stack = [o.grad_fn for o in outs]
    seen: set[int] = set()
    while stack:
        fn = stack.pop()
        if id(fn) in seen or id(fn) in stop:
            continue
        seen.add(id(fn))
        OWNERS.setdefault(fn, (path, type_name))  # inner modules finish first: they win
        stack.extend(p for _, p in fn.edges if p is not None)


# ---------------------------------------------------------------- always-on
# out node -> [(call number, module, ids of the call's input nodes)], from the global
# forward hook below: O(1) per module call; the ops are claimed only when traced.
_CALLS: weakref.WeakKeyDictionary[Any, list] = weakref.WeakKeyDictionary()
_calls_made = itertools.count()


def remember_call(module: Any, args: tuple, out: Any) -> None:
    """Global forward hook: note which module produced ``out`` from ``args``."""
    stop = frozenset(id(a.grad_fn) for a in args if getattr(a, "grad_fn", None) is not None)
    for o in out if isinstance(out, (tuple, list)) else (out,):
        fn = getattr(o, "grad_fn", None)
        if fn is not None:
            _CALLS.setdefault(fn, []).append((next(_calls_made), weakref.ref(module), stop))


def module_owners(fns: list, module_paths: dict) -> dict[int, tuple[str, str]]:
    """``{id(op node): (module path, type)}`` for the ops in ``fns``: what
    ``record_modules`` recorded, else what the global module hook saw for modules of
    the model (``module_paths``: ``{id(module): path}``)."""
    owners = {id(fn): OWNERS[fn] for fn in fns if fn in OWNERS}
    calls = sorted((c for fn in fns for c in _CALLS.get(fn, ()) if c[1]() is not None
                    and id(c[1]()) in module_paths), key=lambda c: c[0])
    members = {id(fn) for fn in fns}
    by_id = {id(fn): fn for fn in fns}
    for _, ref, stop in calls:  # call order: inner modules finish first, so they win
        module = ref()
        owner = (module_paths[id(module)], type(module).__name__)
        starts = [fn for fn in fns if any(c[1] is ref for c in _CALLS.get(fn, ()))]
        stack, seen = list(starts), set()
        while stack:
            fn = stack.pop()
            if id(fn) in seen or id(fn) in stop or id(fn) not in members:
                continue
            seen.add(id(fn))
            owners.setdefault(id(fn), owner)
            stack.extend(p for _, p in by_id[id(fn)].edges if p is not None)
    return owners


_original_call: list = []  # Module.__call__ while module recording is on


def module_recording(on: bool) -> bool:
    """Switch on (or off) remembering every module call of any model (O(1) per call),
    so ``trace(loss, model=model)`` draws exact module boxes for the modules of
    ``model``, parameterless ones (ReLU, Dropout, Flatten) included, without
    ``record_modules``. ``import viz`` switches it on. Returns the previous state.

    Example:
        >>> tg.graph.module_recording(True)
        >>> loss = F.cross_entropy(model(x), y)
        >>> viz.draw(loss, model=model, collapse="module")
    """
    from ..nn.module import Module  # the graph package is imported before nn

    was = bool(_original_call)
    if on and not was:
        original = Module.__call__

        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            out = original(self, *args, **kwargs)
            remember_call(self, args, out)
            return out

        _original_call.append(original)
        Module.__call__ = call  # type: ignore[method-assign]
    elif not on and was:
        Module.__call__ = _original_call.pop()  # type: ignore[method-assign]
    return was


@contextlib.contextmanager
def record_all_modules() -> Iterator[None]:
    """Module recording (see :func:`module_recording`) on inside the block.

    ``python -m viz`` runs scripts inside it.

    Example:
        >>> with tg.graph.record_all_modules():
        ...     loss = F.cross_entropy(model(x), y)
        >>> viz.draw(loss, model=model, collapse="module")
    """
    was = module_recording(True)
    try:
        yield
    finally:
        module_recording(was)
