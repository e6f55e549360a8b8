"""``viz.summary``: every module's output shape, parameters and the bytes its ops keep
for backward (activation memory), with totals: torchinfo's table plus memory."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import tensorgraph as tg
from tensorgraph.graph import record_modules, trace


@dataclass(frozen=True)
class Row:
    """One module: ``path`` (``''`` for the model), type, output shape, own and
    total (with children) parameter counts, and bytes saved for backward by its ops
    and its children's."""

    path: str
    type: str
    depth: int
    output_shape: tuple | None
    params: int
    saved_bytes: int


@dataclass(frozen=True, repr=False)
class ModelSummary:
    """What :func:`summary` returns; ``print`` it, or let Jupyter show its table."""

    rows: tuple
    total_params: int
    trainable_params: int
    saved_bytes: int
    param_bytes: int

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        head = f"{'module':<34}{'output shape':<20}{'params':>12}{'saved for bw':>14}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            name = ("  " * r.depth + (r.path or "(model)") + f" ({r.type})")[:33]
            shape = "" if r.output_shape is None else str(tuple(r.output_shape))
            lines.append(f"{name:<34}{shape:<20}{r.params:>12,}{_bytes(r.saved_bytes):>14}")
        lines += ["-" * len(head),
                  (f"parameters: {self.total_params:,} ({self.trainable_params:,} "
                   f"trainable, {_bytes(self.param_bytes)})"),
                  f"saved for backward: {_bytes(self.saved_bytes)} for this input"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td style='text-align:left;padding-left:{r.depth}em'>"
            f"{html.escape(r.path or '(model)')} <i>{html.escape(r.type)}</i></td>"
            f"<td>{'' if r.output_shape is None else html.escape(str(tuple(r.output_shape)))}"
            f"</td><td>{r.params:,}</td><td>{_bytes(r.saved_bytes)}</td></tr>"
            for r in self.rows)
        return ("<table><tr><th>module</th><th>output shape</th><th>params</th>"
                f"<th>saved for backward</th></tr>{cells}</table><p>parameters: "
                f"{self.total_params:,} ({self.trainable_params:,} trainable, "
                f"{_bytes(self.param_bytes)}); saved for backward: "
                f"{_bytes(self.saved_bytes)}</p>")


def summary(model: Any, example_input: Any) -> ModelSummary:
    """Run ``model(example_input)`` once and tabulate every module.

    Args:
        model: an ``nn.Module``.
        example_input: a Tensor (or a tuple of positional inputs) of a real batch
            shape: saved bytes depend on it.

    Returns:
        A :class:`ModelSummary`: rows per module (output shape, parameters with
        children, bytes its ops keep for backward, parameters not counted: they
        exist anyway; each buffer counted once), and totals.

    Example:
        >>> print(viz.summary(model, tg.randn(64, 1, 28, 28)))
    """
    inputs = example_input if isinstance(example_input, tuple) else (example_input,)
    shapes: dict[str, tuple] = {}
    handles = []
    for path, module in model.named_modules():
        def hook(mod: Any, args: tuple, out: Any, path: str = path) -> None:
            first = out[0] if isinstance(out, (tuple, list)) else out
            if isinstance(first, tg.Tensor):
                shapes[path] = tuple(first.shape)
        handles.append(module.register_forward_hook(hook))
    try:
        with tg.enable_grad(), record_modules(model):
            out = model(*inputs)
    finally:
        for h in handles:
            h.remove()
    first = out[0] if isinstance(out, (tuple, list)) else out
    saved: dict[str, int] = {}
    if isinstance(first, tg.Tensor) and first.grad_fn is not None:
        graph = trace(first, model=model)
        for n in graph.ops:
            saved[n.module or ""] = saved.get(n.module or "", 0) + n.saved_bytes
    rows = []
    for path, module in model.named_modules():
        inside = [k for k in saved if k == path or not path or k.startswith(path + ".")]
        rows.append(Row(path, type(module).__name__, path.count(".") + bool(path),
                        shapes.get(path), sum(p.numel() for p in module.parameters()),
                        sum(saved[k] for k in inside)))
    params = list(model.parameters())
    return ModelSummary(tuple(rows), sum(p.numel() for p in params),
                        sum(p.numel() for p in params if p.requires_grad),
                        sum(saved.values()), sum(p.numel() * p.dtype.itemsize for p in params))


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
