"""tensorgraph.graph: the public read-only view that viz draws from."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph import autograd
from tensorgraph.graph import (
    Summary,
    backward_formula,
    record_modules,
    record_sources,
    trace,
)


def _mlp():
    """A Linear -> relu -> Linear -> squared-error MLP from raw tensors, with names."""
    x = tg.randn(4, 3)
    params = {"0.weight": tg.randn(5, 3, requires_grad=True),
              "0.bias": tg.randn(5, requires_grad=True),
              "2.weight": tg.randn(2, 5, requires_grad=True),
              "2.bias": tg.randn(2, requires_grad=True)}
    h = (x @ params["0.weight"].T + params["0.bias"]).relu()
    out = h @ params["2.weight"].T + params["2.bias"]
    return ((out - 1.0) ** 2).mean(), params, h


def test_nodes_edges_and_order():
    a, b, c = (tg.randn(3, requires_grad=True) for _ in range(3))
    loss = (a * b + c).sum()
    g = trace(loss)
    assert [n.kind for n in g].count("op") == 3 and len(g.tensors) == 6
    assert len(g.edges) == 8
    assert all(e.src < e.dst for e in g.edges)  # data-flow (topological) order
    assert g.nodes[g.root].name == "loss" and g.root == len(g) - 1
    assert [g.nodes[i].op for i in g.backward_order] == ["Sum", "Add", "Mul"]
    engine = autograd.topological_order([loss.grad_fn])
    assert [type(f).__name__ for f in engine] == [g.nodes[i].op for i in g.backward_order]
    mul = next(n for n in g.ops if n.op == "Mul")
    assert mul.args == ("a", "b") and mul.shape == (3,) and mul.dtype == "float32"
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.nodes[0].name = "x"


def test_intermediate_grads_without_touching_dot_grad():
    a = tg.randn(3, requires_grad=True)
    h = a * 2.0
    h.retain_grad()
    loss = (h * h).sum()
    g = trace(loss, grads=True)
    assert g.grads_computed and a.grad is None and h.grad is None
    h_node = next(n for n in g.tensors if n.op == "Mul" and n.id != g.root
                  and n.shape == (3,) and n.outputs and g.nodes[n.outputs[0]].op == "Mul")
    np.testing.assert_allclose(h_node.grad.values, (2 * h.array).tolist(), rtol=1e-6)
    a_node = next(n for n in g.tensors if n.is_leaf and n.requires_grad)
    loss.backward(retain_graph=True)
    np.testing.assert_allclose(a_node.grad.values, a.grad.array.tolist(), rtol=1e-6)
    before = a.grad.array.copy()
    again = trace(loss, grads=True)  # still alive: computed, .grad unchanged
    assert again.grads_computed
    np.testing.assert_array_equal(a.grad.array, before)


def test_freed_graph_falls_back_to_leaf_grads():
    loss, params, _ = _mlp()
    loss.backward()
    g = trace(loss, params=params, grads=True)
    assert not g.grads_computed and "freed" in g.grad_note
    w = next(n for n in g.tensors if n.name == "0.weight")
    np.testing.assert_allclose(w.grad.norm, np.linalg.norm(params["0.weight"].grad.array),
                               rtol=1e-5)
    assert all(n.grad is None for n in g.tensors if not n.is_leaf)


def test_forward_only_graph_has_no_grads_but_knows_who_gets_them():
    loss, params, _ = _mlp()
    g = trace(loss, params=params)
    assert all(n.grad is None for n in g.tensors)
    assert {n.name for n in g.tensors if n.is_leaf and n.requires_grad} == set(params)
    assert not next(n for n in g.tensors if n.name == "input").requires_grad


def test_module_grouping_from_params():
    loss, params, _ = _mlp()
    g = trace(loss, params=params)
    by_op = {(n.op, n.module) for n in g.ops}
    assert ("ReLU", None) in by_op  # between the two layers, in neither
    assert {m for op, m in by_op if op == "MatMul"} == {"0", "2"}
    bias_adds = {n.module for n in g.ops if n.op == "Add"
                 and any(g.nodes[i].name.endswith("bias") for i in n.inputs)}
    assert bias_adds == {"0", "2"}
    assert [m for m, _ in g.modules] == ["0", "2"]


def test_record_modules_uses_forward_hooks():
    nn = pytest.importorskip("tensorgraph.nn")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with record_modules(model):
        loss = model(tg.randn(5, 3)).sum()
    g = trace(loss, model=model)
    relu = next(n for n in g.ops if n.op == "ReLU")
    assert relu.module == "1" and g.module_type("1") == "ReLU"
    assert g.module_type("0") == "Linear"
    assert next(n for n in g.tensors if n.name == "2.bias").module == "2"


def test_formulas_from_docstrings():
    fwd, bwd = backward_formula(tg.ops.MatMul)
    assert fwd == "y = a @ b"
    assert "dL/da = dL/dy @ b^T" in bwd and "dL/db = a^T @ dL/dy" in bwd

    class NoDoc(autograd.Function):
        pass

    assert backward_formula(NoDoc) == (None, None)


def test_record_sources_names_the_line():
    a = tg.randn(2, requires_grad=True)
    with record_sources():
        loss = (a * 3.0).sum()  # the line to find
    g = trace(loss)
    assert all("test_graph.py" in n.source and "the line to find" in n.source
               for n in g.ops)
    assert trace((a * 2).sum()).ops[0].source is None


def test_summaries_small_big_and_nonfinite():
    s = Summary.of(np.array([[1.0, -2.0], [3.0, np.nan]], dtype=np.float32))
    assert s.values is not None and s.nan == 1 and s.max == 3.0 and "[[1, -2]" in s.text()
    big = Summary.of(np.arange(100, dtype=np.float64))
    assert big.values is None and big.mean == pytest.approx(49.5)
    assert big.norm == pytest.approx(np.linalg.norm(np.arange(100)))
    assert "mean 49.5" in big.text()


def test_non_scalar_root_and_rejects_non_tensor():
    a = tg.randn(3, requires_grad=True)
    g = trace(a * 2, grads=True)
    assert "not a scalar" in g.grad_note and g.nodes[g.root].grad.values == (1.0,) * 3
    with pytest.raises(TypeError, match="Tensor"):
        trace(np.ones(3))


def test_trace_follows_the_engines_wiring_after_in_place_ops():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y + 3  # uses y before add_
    y.add_(1)
    loss = (z * y).sum()
    g = trace(loss, grads=True, names={"x": x, "z": z, "y": y})
    z_node = next(n for n in g.nodes if n.name == "z")
    fed_by = g.nodes[g.nodes[z_node.inputs[0]].inputs[0]]  # z's Add, its first input
    assert fed_by.op == "Mul" and fed_by.value.values == (2.0, 4.0)  # y before add_
    loss.backward()
    assert g.nodes[0].grad.values == tuple(x.grad.tolist())  # the engine agrees
    # the trace's edges are the engine's: z's Add reads the Mul node, not add_'s
    add = next(fn for fn in (z.grad_fn,))
    assert type(add.edges[0][1]).__name__ == "Mul"


def test_names_from_tensor_name_locals_roles_and_numbering():
    nn = pytest.importorskip("tensorgraph.nn")
    x1 = tg.tensor(2.0, name="x1")
    x2 = tg.tensor(0.0)
    w1 = tg.tensor(-3.0, requires_grad=True)
    y = tg.tensor([1, 0])
    n = x1 * w1 + x2 * w1
    g = trace(n, names=locals())
    names = [m.name for m in g.tensors]
    assert {"x1", "x2", "w1", "n"} <= set(names)
    assert next(m for m in g.tensors if m.name == "x1").named
    logits = tg.randn(2, 3, requires_grad=True)
    loss = nn.functional.cross_entropy(logits, y) + nn.functional.cross_entropy(logits, y)
    g = trace(loss)
    names = [m.name for m in g.tensors]
    assert "target" in names and "leaf" in names and "loss" in names
    assert "CrossEntropy out 1" in names and "CrossEntropy out 2" in names
    assert len(set(names)) == len(names)


def test_dropout_mask_is_labelled():
    nn = pytest.importorskip("tensorgraph.nn")
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5))
    with record_modules(model):
        loss = model(tg.randn(2, 3)).sum()
    assert "dropout mask" in [n.name for n in trace(loss, model=model).tensors]


def test_changed_parameters_are_flagged_and_freed_graph_known():
    w = tg.randn(3, requires_grad=True)
    loss = (w * tg.randn(3)).sum()
    assert trace(loss, params={"w": w}).changed == ()
    loss.backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
    g = trace(loss, params={"w": w})
    assert g.changed == ("w",) and g.freed


def test_edge_terms_sum_to_the_tensor_gradient():
    a = tg.randn(3, dtype=tg.float64, requires_grad=True)
    b = a.exp()
    loss = (a * b + a).sum()  # a feeds three ops
    g = trace(loss, grads=True, names={"a": a})
    a_node = next(n for n in g.tensors if n.name == "a")
    terms = [np.array(e.grad.values) for e in g.edges if e.src == a_node.id]
    assert len(terms) == 3
    np.testing.assert_allclose(sum(terms), np.array(a_node.grad.values))


def test_graph_repr_is_short():
    a = tg.randn(3, requires_grad=True)
    g = trace((a * 2).sum())
    assert repr(g).startswith("<Graph: 2 ops") and len(repr(g)) < 80


def _all_functions():
    import tensorgraph.nn.functional  # noqa: F401  (fused ops register as subclasses)

    found, todo = [], [autograd.Function]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("tensorgraph."):
                found.append(sub)
            todo.append(sub)
    return found


# Ops whose docstring has no "y = ...;  dx = ..." first paragraph yet (none now).
_FORMULA_PENDING: set = set()


def test_every_primitive_and_fused_op_has_a_formula():
    missing = [f.__name__ for f in _all_functions()
               if backward_formula(f) == (None, None) and f.__name__ not in _FORMULA_PENDING
               and not f.__name__.startswith("_")  # private bases (_ZeroGradient)
               and "forward" in vars(f)]  # bases that define no op (ViewFunction)
    assert len(_all_functions()) > 20 and missing == []
    ce = next(f for f in _all_functions() if f.__name__ == "CrossEntropy")
    assert "softmax" in backward_formula(ce)[1]
