"""Products, shapes, dtypes, new_* constructors, creation, histograms and formatting:
torch's results, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


@pytest.mark.parametrize("call", [
    lambda t: t.mm(t.zeros(2, 3), t.zeros(2, 3)),
    lambda t: t.mm(t.zeros(3), t.zeros(3, 2)),
    lambda t: t.bmm(t.zeros(2, 3, 4), t.zeros(3, 4, 5)),
    lambda t: t.bmm(t.zeros(3, 4), t.zeros(4, 5)),
    lambda t: t.mv(t.zeros(2, 3), t.zeros(2)),
    lambda t: t.dot(t.zeros(3), t.zeros(4)),
    lambda t: t.dot(t.zeros(3, 1), t.zeros(3, 1)),
    lambda t: t.dot(t.zeros(3), t.zeros(3, dtype=t.float64)),
    lambda t: t.outer(t.zeros(2, 2), t.zeros(2)),
    lambda t: t.einsum("ij,jk->ik", t.zeros(2, 3), t.zeros(4, 5)),
    lambda t: t.einsum("ij,jk->ik", t.zeros(2, 3)),
    lambda t: t.einsum("ijk->i", t.zeros(2, 3)),
    lambda t: t.zeros(2, 3, 4).t(),
    lambda t: t.zeros(2, 6).unflatten(1, (4, -1)),
    lambda t: t.zeros(2, 3).movedim((0, 1), (0,)),
])
def test_product_and_shape_errors_are_runtime_errors_as_torch(torch, call) -> None:
    with pytest.raises(RuntimeError):
        call(torch)
    with pytest.raises(RuntimeError):
        call(tg)


def test_error_messages_say_the_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"mm: mat1 and mat2 shapes cannot be multiplied "
                                           r"\(2x3 and 2x3\)"):
        tg.mm(tg.zeros(2, 3), tg.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"einsum\(\).*\(2, 3\), \(4, 5\)"):
        tg.einsum("ij,jk->ik", tg.zeros(2, 3), tg.zeros(4, 5))


def test_einsum_forms(torch) -> None:
    a = np.arange(6.0).reshape(2, 3)
    x, tx = tg.tensor(a), torch.tensor(a)
    assert tg.einsum("ij->ji", [x]).tolist() == torch.einsum("ij->ji", [tx]).tolist()
    assert tg.einsum(" i j , j k -> i k ", x, x.T).tolist() == torch.einsum(
        "ij,jk->ik", tx, tx.T).tolist()
    assert tg.einsum("ii->i", tg.eye(3)).tolist() == [1.0, 1.0, 1.0]
    e = tg.eye(3, requires_grad=True)
    tg.einsum("ii->", e).backward()  # a trace: its gradient is the identity
    assert e.grad.tolist() == tg.eye(3).tolist()


def test_format_of_0d_tensors_like_torch(torch) -> None:
    for v in (0.123456, -2.5, 3.0):
        for spec in (".4f", "+.2f", ".3e", "", "8.2f"):
            assert format(tg.tensor(v), spec) == format(torch.tensor(v), spec)
    assert f"{tg.tensor(7):d}" == f"{torch.tensor(7):d}" == "7"
    assert "{:+.2f}".format(tg.tensor(1.0, requires_grad=True) * 2) == "+2.00"
    assert f"{tg.tensor([1.0, 2.0])}" == str(tg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError):
        format(tg.tensor([1.0, 2.0]), ".2f")
    with pytest.raises(TypeError):
        format(torch.tensor([1.0, 2.0]), ".2f")


def test_type_names_and_casts(torch) -> None:
    for dtype in ("float32", "float64", "int64", "int32", "uint8", "bool", "float16"):
        x, tx = tg.zeros(2, dtype=getattr(tg, dtype)), torch.zeros(2, dtype=getattr(torch, dtype))
        assert x.type() == tx.type()
        assert x.element_size() == tx.element_size() and x.nelement() == tx.nelement()
        assert x.type(tx.type()).dtype == x.dtype
    assert tg.ones(2).type(tg.int64).dtype == tg.int64
    assert tg.ones(2).type_as(tg.zeros(1, dtype=tg.float64)).dtype == tg.float64
    with pytest.raises(RuntimeError, match="not available"):
        tg.ones(2).type("torch.cuda.FloatTensor")
    assert tg.is_floating_point(tg.ones(1)) and not tg.ones(1, dtype=tg.int64).is_floating_point()
    assert tg.numel(tg.zeros(2, 3)) == 6 and not tg.is_complex(tg.zeros(1))


def test_new_constructors_follow_self_dtype(torch) -> None:
    x, tx = tg.zeros(2, dtype=tg.float64), torch.zeros(2, dtype=torch.float64)
    for name, args in (("new_zeros", (2, 3)), ("new_ones", ((2, 3),)), ("new_empty", (4,)),
                       ("new_full", ((2,), 7)), ("new_tensor", ([1, 2],))):
        got, want = getattr(x, name)(*args), getattr(tx, name)(*args)
        assert got.shape == tuple(want.shape) and str(got.dtype) == str(want.dtype).replace("torch.", "tensorgraph.")
        if name != "new_empty":
            assert got.tolist() == want.tolist()
    assert x.new_zeros(3, dtype=tg.int64).dtype == tg.int64
    assert x.new_ones(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="not available"):
        x.new_zeros(2, device="cuda")


def test_creation_size_keyword_empty_and_devices(torch) -> None:
    assert tg.zeros(size=(2, 3)).shape == tuple(torch.zeros(size=(2, 3)).shape)
    assert tg.ones(size=[4]).tolist() == [1.0] * 4
    assert tg.empty(2, 3).shape == (2, 3) and tg.empty((2,), dtype=tg.int64).dtype == tg.int64
    assert tg.empty_like(tg.ones(2, 2, dtype=tg.float64)).dtype == tg.float64
    assert tg.zeros(2, device="cpu").shape == (2,) and tg.arange(3, device="cpu").tolist() == [0, 1, 2]
    with pytest.raises(TypeError):
        tg.zeros(2, size=(2,))
    for make in (lambda: tg.zeros(2, device="cuda"), lambda: tg.empty(1, device="mps"),
                 lambda: tg.full((2,), 1.0, device="cuda:0")):
        with pytest.raises(RuntimeError, match="numpy on the CPU"):
            make()


def test_meshgrid_matches_torch_and_refuses_bad_input(torch) -> None:
    a, b = tg.arange(3), tg.arange(4)
    for indexing in ("ij", "xy"):
        got = tg.meshgrid(a, b, indexing=indexing)
        want = torch.meshgrid(torch.arange(3), torch.arange(4), indexing=indexing)
        assert [g.tolist() for g in got] == [w.tolist() for w in want]
    with pytest.raises(ValueError):
        tg.meshgrid(a, b, indexing="ji")
    with pytest.raises(RuntimeError):
        tg.meshgrid(tg.zeros(2, 2))
    with pytest.raises(RuntimeError, match="same dtype"):
        tg.meshgrid(a, tg.arange(4.0))


def test_contiguity(torch) -> None:
    x, tx = tg.zeros(2, 3), torch.zeros(2, 3)
    assert x.is_contiguous() == tx.is_contiguous()
    assert x.t().is_contiguous() == tx.t().is_contiguous()
    assert x.is_contiguous(memory_format=tg.contiguous_format)


def test_histograms_and_counts_match_torch(torch) -> None:
    a = np.array([0.5, 1.0, 1.0, 2.5, 3.0, 3.0, 3.0, 9.0, -1.0])
    x, tx = tg.tensor(a, dtype=tg.float32), torch.tensor(a, dtype=torch.float32)
    for args in ((), (4,), (3, 0, 3), (5, 1, 1)):
        assert x.histc(*args).tolist() == tx.histc(*args).tolist()
        assert x.histc(*args).dtype == tg.float32
    for bins in (3, tg.tensor([0.0, 1.0, 5.0])):
        tb = bins if isinstance(bins, int) else torch.tensor([0.0, 1.0, 5.0])
        h, th = tg.histogram(x, bins), torch.histogram(tx, tb)
        np.testing.assert_allclose(h.hist.numpy(), th.hist.numpy())
        np.testing.assert_allclose(h.bin_edges.numpy(), th.bin_edges.numpy())
    h, th = x.histogram(4, range=(0.0, 4.0), density=True), tx.histogram(4, range=(0.0, 4.0),
                                                                         density=True)
    np.testing.assert_allclose(h.hist.numpy(), th.hist.numpy(), rtol=1e-6)
    i, ti = tg.tensor([3, 0, 1, 1]), torch.tensor([3, 0, 1, 1])
    assert i.bincount().tolist() == ti.bincount().tolist()
    assert i.bincount(minlength=6).tolist() == ti.bincount(minlength=6).tolist()
    w, tw = tg.tensor([0.5, 1.0, 2.0, 0.25]), torch.tensor([0.5, 1.0, 2.0, 0.25])
    assert i.bincount(w).tolist() == ti.bincount(tw).tolist()
    with pytest.raises(RuntimeError):
        tg.tensor([-1, 2]).bincount()
    with pytest.raises(RuntimeError):
        tg.tensor([[1, 2]]).bincount()
    m = np.array([[1, 2], [1, 2], [0, 5]])
    for kwargs in ({}, {"return_inverse": True}, {"return_counts": True},
                   {"return_inverse": True, "return_counts": True}, {"dim": 0}):
        got, want = tg.unique(tg.tensor(m), **kwargs), torch.unique(torch.tensor(m), **kwargs)
        got, want = (got, want) if isinstance(got, tuple) else ((got,), (want,))
        assert [g.tolist() for g in got] == [w.tolist() for w in want], kwargs
    r = [1, 1, 2, 2, 3, 1, 1]
    got = tg.tensor(r).unique_consecutive(return_inverse=True, return_counts=True)
    want = torch.tensor(r).unique_consecutive(return_inverse=True, return_counts=True)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]


def test_tg_pad_is_functional_pad(torch) -> None:
    padding = pytest.importorskip("tensorgraph.nn.functional.padding")  # the nn helper's file
    x = tg.arange(6.0).reshape(1, 2, 3)
    tx = torch.arange(6.0).reshape(1, 2, 3)
    for mode, value in (("constant", 1.5), ("reflect", None), ("replicate", None),
                        ("circular", None)):
        kwargs = {"value": value} if value is not None else {}
        got = tg.pad(x, (1, 2), mode=mode, **kwargs)
        want = torch.nn.functional.pad(tx, (1, 2), mode=mode, **kwargs)
        assert got.tolist() == want.tolist(), mode
    assert padding.pad(x, (1, 1)).tolist() == tg.pad(x, (1, 1)).tolist()


def test_linalg_norm_errors() -> None:
    with pytest.raises(RuntimeError, match="order 3 not supported"):
        tg.linalg.matrix_norm(tg.ones(2, 2), 3)
    with pytest.raises(RuntimeError, match="floating point"):
        tg.linalg.svdvals(tg.ones(2, 2, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tg.linalg.matrix_norm(tg.ones(3))
    with pytest.raises(RuntimeError, match="1-D or 2-D"):
        tg.linalg.norm(tg.ones(2, 2, 2), ord=2)
