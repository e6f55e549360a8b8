"""Tensor basics: dtype rules, repr, numpy interop, conversions and error messages."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgraph as tg


# ------------------------------------------------------------------ dtypes
def test_float32_is_the_default() -> None:
    assert tg.tensor([1.0, 2.0]).dtype == tg.float32
    assert tg.zeros(2).dtype == tg.ones(2).dtype == tg.randn(2).dtype == tg.float32
    assert tg.tensor([1, 2]).dtype == tg.int64 and tg.tensor([True]).dtype == tg.bool
    assert tg.tensor(np.zeros(2)).dtype == tg.float64  # numpy arrays keep their dtype


def test_python_and_numpy_scalars_never_upcast_float32() -> None:
    x = tg.ones(3)
    for s in (2.5, 2, np.float64(2.5), np.int64(3), True):
        subs = (x - s, s - x) if s is not True else ()  # torch refuses `-` with a bool
        for out in (x + s, s + x, x * s, *subs, x / s, s / x, x ** s, x.maximum(s)):
            assert out.dtype == tg.float32, (s, out)
    assert x.clamp(np.float64(0.1), 2.0).dtype == tg.float32
    assert tg.where(x > 0, x, 0.0).dtype == tg.float32
    assert x.mean().dtype == x.var().dtype == x.std().dtype == tg.float32


def test_mixed_tensor_dtypes_promote_like_torch(torch) -> None:
    samples = {
        "f32": (np.float32, (3,)), "f64": (np.float64, (3,)), "i64": (np.int64, (3,)),
        "i32": (np.int32, (3,)), "bool": (np.bool_, (3,)), "f64_0d": (np.float64, ()),
        "f32_0d": (np.float32, ()), "i64_0d": (np.int64, ()),
    }
    ours = {k: tg.tensor(np.ones(s, dtype=d)) for k, (d, s) in samples.items()}
    theirs = {k: torch.tensor(np.ones(s, dtype=d)) for k, (d, s) in samples.items()}
    for a in samples:
        for b in samples:
            want = str(torch.result_type(theirs[a], theirs[b])).replace("torch.", "tensorgraph.")
            got = ours[a] * ours[b] if "bool" not in (a, b) else ours[a] + ours[b]
            assert str(got.dtype) == want, f"{a} op {b}: {got.dtype} != {want}"


def test_int_and_float_scalars_mix_like_torch(torch) -> None:
    i, ti = tg.tensor([1, 2, 3]), torch.tensor([1, 2, 3])
    cases = [lambda t: t * 2.5, lambda t: t + 1, lambda t: t / 2, lambda t: t ** 2,
             lambda t: t ** 0.5, lambda t: 2 ** t, lambda t: t.sum(), lambda t: t * True]
    for f in cases:
        got, want = f(i), f(ti)
        assert str(got.dtype) == str(want.dtype).replace("torch.", "tensorgraph.")
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_set_default_dtype() -> None:
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.get_default_dtype() == tg.float64
        assert tg.tensor([1.0]).dtype == tg.zeros(1).dtype == tg.randn(1).dtype == tg.float64
        assert (tg.tensor([1, 2]) * 0.5).dtype == tg.float64
        with pytest.raises(TypeError, match="float32 or float64"):
            tg.set_default_dtype(tg.int64)
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.0]).dtype == tg.float32


def test_float64_works_end_to_end() -> None:
    x = tg.randn(3, 4, dtype=tg.float64, requires_grad=True)
    w = tg.randn(4, 2, dtype=tg.float64, requires_grad=True)
    loss = ((x @ w).tanh().sigmoid() ** 2).mean() + x.var() + x.max()
    loss.backward()
    assert loss.dtype == x.grad.dtype == w.grad.dtype == tg.float64


def test_float32_gradient_into_float64_leaf_via_promotion() -> None:
    a = tg.ones(3, requires_grad=True)
    b = tg.ones(3, dtype=tg.float64, requires_grad=True)
    out = a * b
    assert out.dtype == tg.float64
    out.sum().backward()
    assert a.grad.dtype == tg.float32 and b.grad.dtype == tg.float64


# ------------------------------------------------------------------ repr and interop
def test_repr_shows_values_dtype_and_grad_fn() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(x + 1).endswith("grad_fn=<AddBackward0>)")
    assert repr(tg.tensor([1.5], dtype=tg.float64)) == \
        "tensor([1.5000], dtype=tensorgraph.float64)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert "..." in repr(tg.zeros(5000))


def test_numpy_interop_shares_memory() -> None:
    a = np.arange(4.0)
    t = tg.from_numpy(a)
    a[0] = 10
    assert t.tolist()[0] == 10.0 and t.dtype == tg.float64
    t.add_(1)
    assert a[0] == 11.0
    assert np.shares_memory(np.asarray(t), a) and np.shares_memory(t.numpy(), a)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        tg.from_numpy([1, 2])
    with pytest.raises(RuntimeError, match=r"detach\(\).numpy\(\)"):
        tg.ones(2, requires_grad=True).numpy()
    c = tg.tensor(a)  # tg.tensor copies
    a[1] = -5
    assert c.tolist()[1] != -5


def test_item_tolist_and_python_conversions() -> None:
    assert tg.tensor(2.5).item() == 2.5 and isinstance(tg.tensor(2.5).item(), float)
    assert tg.tensor([[3]]).item() == 3 and isinstance(tg.tensor([3]).item(), int)
    assert tg.tensor([[1.0, 2.0]]).tolist() == [[1.0, 2.0]]
    assert float(tg.tensor(1.5)) == 1.5 and int(tg.tensor(2)) == 2 and bool(tg.tensor(1))
    assert [t.item() for t in tg.tensor([4, 5])] == [4, 5] and len(tg.zeros(3, 2)) == 3
    with pytest.raises(RuntimeError, match=r"a Tensor with 2 elements cannot be converted to Scalar"):
        tg.tensor([1.0, 2.0]).item()  # torch's error


def test_results_are_always_arrays_even_0d() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    for t in (x * 3, x.exp(), -x, x + x, tg.tensor([1.0, 2.0])[0], x.tanh()):
        assert isinstance(t.array, np.ndarray) and t.shape == ()


# ------------------------------------------------------------------ errors that teach
@pytest.mark.parametrize("make, pattern", [
    (lambda: tg.ones(3, 4) + tg.ones(5), r"add: shapes \(3, 4\) and \(5,\) cannot be broadcast"),
    (lambda: tg.ones(3, 4) * tg.ones(2, 4), r"mul: shapes \(3, 4\) and \(2, 4\) cannot be"),
    (lambda: tg.ones(3, 4) - tg.ones(5), r"shapes \(3, 4\) and \(5,\) cannot be broadcast"),
    (lambda: tg.ones(3) ** tg.ones(2), r"pow: shapes \(3,\) and \(2,\)"),
    (lambda: tg.maximum(tg.ones(3), tg.ones(2)), r"maximum: shapes \(3,\) and \(2,\)"),
    (lambda: tg.where(tg.ones(3) > 0, tg.ones(3), tg.ones(2)), r"where: shapes"),
    (lambda: tg.ones(3, 4) @ tg.ones(5, 6),
     r"matmul: shapes \(3, 4\) and \(5, 6\) are not aligned \(4 != 5\)"),
    (lambda: tg.ones(2, 3, 4) @ tg.ones(3, 4, 2), r"matmul: batch dims of \(2, 3, 4\)"),
    (lambda: tg.ones(3) @ tg.tensor(2.0), r"matmul: both arguments need at least 1 dim"),
    (lambda: tg.cat([tg.ones(2, 3), tg.ones(2, 4)]),
     r"cat: tensor 1 has shape \(2, 4\) but tensor 0 has shape \(2, 3\)"),
    (lambda: tg.stack([tg.ones(2), tg.ones(3)]), r"stack: tensor 1 has shape \(3,\)"),
    (lambda: tg.cat([]), r"cat: expected a non-empty"),
    (lambda: tg.ones(3, 4).reshape(5, 3), r"reshape: cannot reshape.*\(3, 4\).*\(5, 3\)"),
    (lambda: tg.ones(3, 4).view(-1, 5), r"view: shape \(-1, 5\) is invalid"),
    (lambda: tg.ones(3, 4).sum(2), r"sum: dim 2 is out of range.*2 dimensions"),
    (lambda: tg.ones(3, 4).mean(-3), r"mean: dim -3 is out of range"),
    (lambda: tg.ones(3, 4).max(5), r"max: dim 5 is out of range"),
    (lambda: tg.ones(3, 4).transpose(0, 2), r"transpose: dim 2 is out of range"),
    (lambda: tg.ones(3, 4).permute(0, 0), r"permute: dims \(0, 0\)"),
    (lambda: tg.ones(3, 4).expand(2, 4), r"expand: the shape \(3, 4\) cannot be expanded"),
    (lambda: tg.ones(3).squeeze(1), r"squeeze: dim 1 is out of range"),
    (lambda: tg.tensor([1, 2]).mean(), r"mean\(\): could not infer output dtype.*Got: Long"),
])
def test_errors_name_the_op_and_shapes(make, pattern: str) -> None:
    with pytest.raises((RuntimeError, ValueError, IndexError, TypeError), match=pattern):
        make()
