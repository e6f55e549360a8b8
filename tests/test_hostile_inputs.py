"""Bad input behaves as in torch: min/argmin/minimum of integers that negation would
wrap, NaN in median/unique, empty tensors in reductions and norm layers, integer powers
and overflow, bool arithmetic torch refuses, in-place results that don't fit, and the
right exception type (torch's) for malformed data, sizes and conditions."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn.functional as F

NAN = float("nan")


def outcome(fn):
    """The value (as a list) or the exception type: what both libraries must agree on."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn()
    except Exception as err:  # noqa: BLE001 - the type is the result
        return type(err).__name__
    if isinstance(out, tuple):
        return tuple(outcome(lambda o=o: o) for o in out)
    return (str(out.dtype).split(".")[-1], out.tolist()) if hasattr(out, "tolist") else out


def same_nan(a, b):
    return repr(a).replace("nan", "NaN") == repr(b).replace("nan", "NaN")


INT_CASES = {
    "min": lambda m, t: t.min(),
    "min_dim": lambda m, t: t.min(0),
    "amin": lambda m, t: t.amin(),
    "argmin": lambda m, t: t.argmin(),
    "argmin_dim": lambda m, t: t.argmin(0, keepdim=True),
    "minimum": lambda m, t: m.minimum(t, t.flip(0)),
    "max": lambda m, t: t.max(),
}


@pytest.mark.parametrize("case", sorted(INT_CASES))
@pytest.mark.parametrize("dtype, values", [
    ("uint8", [0, 5, 3, 255]), ("int64", [-2**63, 0, 5, 2**63 - 1]), ("int8", [-128, 127, 0, 1]),
    ("bool", [True, False, True, True])])
def test_min_of_integers_is_exact_where_negation_would_wrap(torch, case, dtype, values):
    if dtype == "bool" and "arg" in case:
        pytest.skip("torch refuses argmin of bool; tensorgraph answers it")
    fn = INT_CASES[case]
    got = outcome(lambda: fn(tg, tg.tensor(values, dtype=getattr(tg, dtype))))
    want = outcome(lambda: fn(torch, torch.tensor(values, dtype=getattr(torch, dtype))))
    assert got == want


MEDIAN_ROWS = [[NAN, 1.0, NAN], [1.0, NAN, 3.0, NAN], [2.0, 1.0, NAN, NAN, 5.0],
               [3.0, 1.0, 2.0], [4.0, 1.0, 1.0, 2.0]]


@pytest.mark.parametrize("row", MEDIAN_ROWS)
def test_median_propagates_nan_at_the_first_nan_as_torch(torch, row):
    for fn in (lambda t: t.median(), lambda t: t.median(0), lambda t: t.nanmedian(),
               lambda t: t.reshape(1, -1).nanmedian(1, keepdim=True)):
        assert same_nan(outcome(lambda: fn(tg.tensor(row))), outcome(lambda: fn(torch.tensor(row))))


def test_median_gradient_and_empty_input_as_torch(torch):
    m = [[1.0, NAN, 3.0], [5.0, 4.0, 6.0]]
    ours, theirs = tg.tensor(m, requires_grad=True), torch.tensor(m, requires_grad=True)
    ours.median(1).values.sum().backward()
    theirs.median(1).values.sum().backward()
    assert ours.grad.tolist() == theirs.grad.tolist()
    for lib in (tg, torch):
        assert math.isnan(lib.zeros(0).median().item())
        assert lib.zeros(0, dtype=lib.int64).median().item() == -2**63
        with pytest.raises(IndexError):
            lib.zeros(0, 3).median(0)


def test_unique_keeps_every_nan_as_torch(torch):
    data = [[NAN, 1.0], [NAN, NAN]]
    fn = lambda lib: lib.tensor(data).unique(return_inverse=True, return_counts=True)  # noqa: E731
    assert same_nan(outcome(lambda: fn(tg)), outcome(lambda: fn(torch)))


@pytest.mark.parametrize("expr", [
    lambda m: m.zeros(0).argmax(), lambda m: m.zeros(0, 3).argmin(), lambda m: m.zeros(0).max(),
    lambda m: m.zeros(0).amin(), lambda m: m.tensor([2]) ** -1, lambda m: m.tensor([True]) ** -2,
    lambda m: m.tensor([2, 1, -1, -1, 0]) ** m.tensor([-1, -3, -3, -2, -2]),
    lambda m: 2 ** m.tensor([-1, 2]), lambda m: m.tensor([2], dtype=m.uint8) ** m.tensor([-1]),
    lambda m: m.arange(0, 10, 0), lambda m: m.zeros(-1), lambda m: m.ones(2, -3),
    lambda m: m.ones(2.5), lambda m: m.zeros(m.tensor(2)),
    lambda m: -m.tensor([True]), lambda m: m.tensor([True]) - m.tensor([True]),
    lambda m: m.tensor([3]) - True, lambda m: 1 - m.tensor([True]),
    lambda m: m.ones(2) + "a", lambda m: m.ones(2) == "a", lambda m: m.ones(2) != None,  # noqa: E711
    lambda m: m.ones(2).add_(m.ones(3, 2)), lambda m: m.ones(2, 3).add_(m.ones(3)),
    lambda m: m.tensor(None), lambda m: m.tensor([None]), lambda m: m.tensor([1, "a"]),
    lambda m: m.tensor([2**63]), lambda m: m.tensor(2**63), lambda m: m.tensor([-2**63 - 1]),
    lambda m: m.tensor([1.5, 2**70]), lambda m: m.tensor([2**63 - 1, -2**63]),
    lambda m: m.tensor({"a": 1}), lambda m: m.arange(5.0).clamp(),
    lambda m: m.where(m.tensor([1, 0]), m.ones(2), m.zeros(2)),
    lambda m: m.where(m.tensor([True, False]), 1.0, 0.0),
    lambda m: m.where(m.tensor([True, False]), 1, 0.0),
])
def test_bad_input_gives_torchs_value_or_exception_type(torch, expr):
    assert outcome(lambda: expr(tg)) == outcome(lambda: expr(torch))


def test_in_place_results_that_do_not_fit_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the "
                                           r"broadcast shape \[3, 2\].*add_"):
        tg.ones(2).add_(tg.ones(3, 2))
    y = tg.ones(2, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="broadcast shape"):
        y.mul_(tg.ones(3, 2))


@pytest.mark.parametrize("make", [
    lambda m: m.nn.BatchNorm1d(3), lambda m: m.nn.BatchNorm2d(3), lambda m: m.nn.GroupNorm(1, 3),
    lambda m: m.nn.GroupNorm(3, 3), lambda m: m.nn.LayerNorm(3)])
def test_norm_layers_pass_an_empty_batch_as_torch(torch, make):
    shape = (0, 3, 4, 3) if "2d" in repr(make(torch)) else (0, 3)
    for lib in (tg, torch):
        layer = make(lib)
        x = lib.zeros(*shape, requires_grad=True)
        out = layer(x)
        out.sum().backward()
        assert tuple(out.shape) == shape and tuple(x.grad.shape) == shape
        if hasattr(layer, "running_mean"):
            assert layer.running_mean.tolist() == [0.0] * 3
            assert layer.running_var.tolist() == [1.0] * 3
            assert layer.num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        tg.nn.BatchNorm1d(3)(tg.zeros(1, 3))


def test_load_state_dict_refuses_what_torch_refuses_and_forgives_old_batch_norms(torch):
    for lib in (tg, torch):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        sd = {k: v for k, v in model.state_dict().items() if "num_batches" not in k}
        model[1].num_batches_tracked.fill_(7)
        assert model.load_state_dict(sd) == ([], [])  # an older checkpoint: count kept
        assert model[1].num_batches_tracked.item() == 7
        with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
            model.load_state_dict([1, 2])
        bad = dict(model.state_dict(), **{"0.weight": [[1.0, 2.0], [3.0, 4.0]]})
        with pytest.raises(RuntimeError, match='parameter named "0.weight", expected'):
            model.load_state_dict(bad)
    model = tg.nn.Linear(2, 2)
    model.load_state_dict({"weight": np.ones((2, 2)), "bias": torch.zeros(2)})  # array-likes
    assert model.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_collate_keeps_strings_as_given_and_names_mixed_samples(torch):
    from torch.utils.data import default_collate as theirs

    from tensorgraph.data import default_collate as ours

    batch = [(1, 2.5, "s"), (3, 4.5, "t")]
    assert ours(batch)[2] == theirs(batch)[2] == ("s", "t")
    assert ours(["a", "b"]) == theirs(["a", "b"]) == ["a", "b"]
    with pytest.raises(TypeError, match="mix numbers with str"):
        ours([1, "a"])
    with pytest.raises(TypeError):
        theirs([1, "a"])


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64"])
@pytest.mark.parametrize("value", [-256, -255, -129, -128, -1, 127, 128, 255, 256, 2**31, 2**63 - 1])
def test_integer_scalars_wrap_in_arithmetic_and_overflow_in_writes_as_torch(torch, dtype, value):
    def program(m):
        d = getattr(m, dtype)
        out = [outcome(lambda: m.zeros(2, dtype=d) + value),
               outcome(lambda: m.ones(2, dtype=d) * value),
               outcome(lambda: m.zeros(2, dtype=d).fill_(value)),
               outcome(lambda: m.full((2,), value, dtype=d)),
               outcome(lambda: m.zeros(2, dtype=d).masked_fill(m.tensor([True, False]), value)),
               outcome(lambda: m.zeros(2, dtype=d).index_fill_(0, m.tensor([1]), value))]
        t = m.zeros(2, dtype=d)
        out.append(outcome(lambda: t.__setitem__(0, value)))
        return out + [t.tolist()]

    assert program(tg) == program(torch)


def test_max_of_all_elements_shares_a_nan_maximum_among_the_nans_as_torch(torch):
    for name in ("max", "min", "amax", "amin"):
        grads = []
        for lib in (tg, torch):
            x = lib.tensor([1.0, NAN, NAN, 2.0], requires_grad=True)
            getattr(x, name)().backward()
            grads.append(x.grad.tolist())
        assert same_nan(grads[0], grads[1]), name


@pytest.mark.parametrize("expr", [
    lambda m: m.arange(0, 5, -1), lambda m: m.arange(0.0, 1.0, -0.1), lambda m: m.arange(3, 3, -1),
    lambda m: m.arange(5, 0, -2), lambda m: m.linspace(0, 1, -1), lambda m: m.linspace(0, 1, 0),
    lambda m: m.eye(-1), lambda m: m.eye(2, -1), lambda m: m.eye(0)])
def test_creation_with_bad_sizes_as_torch(torch, expr):
    assert outcome(lambda: expr(tg)) == outcome(lambda: expr(torch))
