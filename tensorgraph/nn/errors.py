"""Errors that name the layer: ``in model.3 (Linear(...)): <what went wrong>``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .module import Module


def annotate(exc: BaseException, module: Module) -> None:
    """Name the failing layer by its path in the model, e.g. ``model.3 (Linear(...))``.

    Runs only when a forward raises (the success path pays nothing). The innermost
    module's ``__call__`` records itself on the exception; every enclosing one adds
    itself and rewrites the one prefix, so the outermost call leaves
    ``in model.3 (Linear(...)): <original message>`` and the prefix appears once.
    """
    chain = getattr(exc, "_tg_modules", None)
    if chain is None:
        if not (len(exc.args) == 1 and isinstance(exc.args[0], str)):
            return  # not a plain message we can safely rewrite
        try:
            exc._tg_message = exc.args[0]  # type: ignore[attr-defined]
            exc._tg_modules = chain = [module]  # type: ignore[attr-defined]
        except AttributeError:  # an exception type that takes no attributes
            return
    else:
        chain.append(module)
    names = []
    for parent, child in zip(chain[:0:-1], chain[-2::-1]):
        names.append(_child_path(parent, child))
    leaf = chain[0]
    if names:
        where = "model." + ".".join(names) + f" ({_one_line(leaf)})"
    else:
        where = _one_line(leaf)
    exc.args = (f"in {where}: {exc._tg_message}",)  # type: ignore[attr-defined]


def _child_path(parent: Module, child: Module) -> str:
    """Dotted name of ``child`` inside ``parent`` (or its class name if not registered)."""
    for name, m in parent.named_modules():
        if m is child and name:
            return name
    return f"<{type(child).__name__}>"


def _one_line(module: Module) -> str:
    """The module's repr, shortened for containers so the message stays readable."""
    text = repr(module)
    return text if "\n" not in text else type(module).__name__ + "(...)"
