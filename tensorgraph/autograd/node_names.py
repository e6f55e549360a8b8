"""The names torch prints for graph nodes (``grad_fn=<MeanBackward0>``).

tensorgraph records fewer, more general primitives than torch (``x - y`` is an Add of
``-y``, ``x.mean()`` a Sum times 1/n, ``view``/``unsqueeze`` a Reshape), so a printed
tensor would otherwise show the last primitive's name. A composite labels its result's
node with torch's name (``named``); primitives that torch spells differently are mapped
here (``torch_name``). Only what is printed changes: viz and error messages keep the
primitive's own name, which is the op that really runs.
"""

from __future__ import annotations

from typing import Any

# primitive node name -> torch's, where they differ only in spelling
SPELLING = {"ReLUBackward": "ReluBackward0", "ReshapeBackward": "ViewBackward0",
            "CopyBackward": "CloneBackward0", "LayerNormBackward": "NativeLayerNormBackward0",
            "CrossEntropyBackward": "NllLossBackward0"}


def named(out: Any, name: str) -> Any:
    """Give ``out``'s node the name torch prints for the op that made it; returns ``out``."""
    fn = getattr(out, "grad_fn", None)
    if fn is not None:
        fn.torch_name = name
    return out


def torch_name(fn: Any) -> str:
    """What torch prints for node ``fn``, numbered (``MmBackward0``)."""
    label = getattr(fn, "torch_name", None)
    if label:
        return label
    name = fn.name()
    if name == "MatMulBackward":
        return matmul_node_name(*(t.ndim for t in fn.inputs))
    if name == "LinearBackward" and fn.inputs[0].ndim == 2:
        return "AddmmBackward0" if len(fn.inputs) > 2 else "MmBackward0"
    if name in SPELLING:
        return SPELLING[name]
    return name + "0" if name.endswith("Backward") else name


def matmul_node_name(a: int, b: int) -> str:
    """The node torch's matmul ends in, by the operands' ranks (mm, mv, dot, or a
    batched product folded back with _unsafe_view)."""
    if a >= 3 or b >= 3:
        return "UnsafeViewBackward0"
    return {(2, 2): "MmBackward0", (2, 1): "MvBackward0", (1, 1): "DotBackward0",
            (1, 2): "SqueezeBackward4"}[(a, b)]
