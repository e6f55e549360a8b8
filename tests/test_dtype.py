"""tg.dtype objects against torch's: printing, attributes, equality, hashing, pickling,
numpy interop, and the places a dtype comes out (Tensor.dtype, defaults, casts, modules)."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest

import tensorgraph as tg

NAMES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
         "uint16", "uint32", "uint64", "bool"]
ALIASES = ["half", "float", "double", "long", "int", "short"]


def ours(name):
    return getattr(tg, name)


def as_torch_text(text: str) -> str:
    return text.replace("tensorgraph.", "torch.")


@pytest.mark.parametrize("name", NAMES + ALIASES)
def test_repr_str_and_format_are_torchs(torch, name):
    d, t = ours(name), getattr(torch, name)
    assert as_torch_text(repr(d)) == repr(t)
    assert as_torch_text(str(d)) == str(t)
    assert as_torch_text(f"{d} {[d]} {d!r}") == f"{t} {[t]} {t!r}"
    assert as_torch_text("%s" % d) == "%s" % t


def test_the_class_and_the_aliases_are_torchs(torch):
    assert type(tg.float32) is tg.dtype and isinstance(tg.int64, tg.dtype)
    assert as_torch_text(repr(tg.dtype)) == repr(torch.dtype)
    for name in ALIASES:
        same = [n for n in NAMES if getattr(torch, n) is getattr(torch, name)]
        assert [n for n in NAMES if ours(n) is ours(name)] == same
    assert tg.bool is tg.bool_


@pytest.mark.parametrize("name", NAMES)
def test_attributes_are_torchs(torch, name):
    d, t = ours(name), getattr(torch, name)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize", "abbr"):
        assert getattr(d, attr) == getattr(t, attr), attr
    assert d.to_real() is d and str(t.to_real()) == as_torch_text(str(d))


def test_equality_matches_torch_between_dtypes_and_numpy_between_the_rest(torch):
    for a in NAMES:
        for b in NAMES:
            assert (ours(a) == ours(b)) == (getattr(torch, a) == getattr(torch, b))
            assert (ours(a) != ours(b)) == (getattr(torch, a) != getattr(torch, b))
    for name in NAMES:
        d, n = ours(name), np.dtype(name)
        assert d == n and n == d and d == n.type and n.type == d and not d != n
        assert d != np.dtype("complex64") and d != object() and d is not None
        assert d in (n,) and n in (d,) and d in [np.dtype("int64"), n]
    assert tg.float32 != np.float64 and tg.int64 != tg.int32


def test_hash_is_the_numpy_dtypes_so_dicts_and_sets_mix():
    for name in NAMES:
        d, n = ours(name), np.dtype(name)
        assert hash(d) == hash(n)
        assert {n: 1}[d] == 1 and {d: 2}[n] == 2 and len({d, n}) == 1
    table = {tg.float32: "single", tg.int64: "long"}
    assert table[tg.tensor([1.0]).dtype] == "single" and table[tg.tensor([1]).dtype] == "long"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_and_copy_give_the_same_object(protocol):
    for name in NAMES + ALIASES:
        d = ours(name)
        assert pickle.loads(pickle.dumps(d, protocol=protocol)) is d
        assert copy.copy(d) is d and copy.deepcopy({"d": d})["d"] is d
    assert b"tensorgraph" in pickle.dumps(tg.float32)


def test_a_torch_pickle_of_a_dtype_names_the_same_global(torch):
    # torch pickles torch.float32 as the global torch.float32; ours is tensorgraph.float32,
    # so a pickle made under `import tensorgraph as torch` loads back to tensorgraph's.
    assert pickle.dumps(torch.float32, 0).replace(b"torch", b"tensorgraph") == \
        pickle.dumps(tg.float32, 0)


@pytest.mark.parametrize("name", NAMES)
def test_numpy_takes_them_as_dtypes_without_warnings(name):
    d, n = ours(name), np.dtype(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.dtype(d) == n and type(np.dtype(d)) is type(n)
        assert np.zeros(3, dtype=d).dtype == n and np.empty((2,), d).dtype == n
        assert np.ones(2).astype(d).dtype == n and np.asarray([1, 0], dtype=d).dtype == n
        assert np.array([1], d).dtype == n and np.full(2, 1, d).dtype == n
        assert np.arange(2, dtype=d).dtype == n and np.frombuffer(bytes(16), d).dtype == n
        assert np.issubdtype(d, np.floating) == (n.kind == "f")
        assert np.issubdtype(d, np.integer) == (n.kind in "iu")
        assert np.promote_types(d, np.int8) == np.promote_types(n, np.int8)
        assert np.result_type(d, np.float32) == np.result_type(n, np.float32)
        assert np.can_cast(d, np.float64) == np.can_cast(n, np.float64)
    assert d.kind == n.kind and d.char == n.char and d.type is n.type and d.str == n.str
    assert d.name == n.name and d.dtype is n


def test_tensor_dtype_is_the_singleton_for_every_dtype(torch):
    for name in NAMES:
        x = tg.zeros(2, dtype=ours(name))
        assert x.dtype is ours(name) and x.array.dtype == np.dtype(name)
        assert x.to(tg.float64).dtype is tg.float64 and x.to(ours(name)).dtype is ours(name)
    assert tg.tensor([1.0]).dtype is tg.float32 and tg.tensor([1]).dtype is tg.int64
    assert tg.tensor([True]).dtype is tg.bool and (tg.ones(2) > 0).dtype is tg.bool
    assert tg.from_numpy(np.zeros(2, ">f4")).dtype == np.dtype(">f4")  # none: numpy's own


def test_dtype_arguments_take_tg_and_numpy_dtypes_alike():
    for d in (tg.float64, np.float64, np.dtype("float64")):
        assert tg.zeros(2, dtype=d).dtype is tg.float64
        assert tg.tensor([1, 2], dtype=d).dtype is tg.float64
        assert tg.ones(2).to(d).dtype is tg.float64 and tg.randn(2, dtype=d).dtype is tg.float64
        assert tg.arange(3, dtype=d).dtype is tg.float64
        assert tg.ones(2).new_zeros(3, dtype=d).dtype is tg.float64


def test_default_dtype_is_a_tg_dtype_and_takes_either():
    assert tg.get_default_dtype() is tg.float32
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.get_default_dtype() is tg.float64 and tg.tensor([1.5]).dtype is tg.float64
        assert repr(tg.tensor([1.5], dtype=tg.float32)) == \
            "tensor([1.5000], dtype=tensorgraph.float32)"
        tg.set_default_dtype(np.float32)
        assert tg.get_default_dtype() is tg.float32
        with pytest.raises(TypeError, match="float32 or float64"):
            tg.set_default_dtype(tg.int64)
    finally:
        tg.set_default_dtype(tg.float32)


@pytest.mark.parametrize("name", NAMES)
def test_type_strings_and_cast_methods_are_torchs(torch, name):
    x = tg.tensor([1, 0, 2], dtype=ours(name))
    tx = torch.tensor([1, 0, 2], dtype=getattr(torch, name))
    assert x.type() == tx.type()
    for cast in ("float", "double", "half", "long", "int", "short", "char", "byte", "bool"):
        got, want = getattr(x, cast)(), getattr(tx, cast)()
        assert as_torch_text(str(got.dtype)) == str(want.dtype) and got.tolist() == want.tolist()
    assert x.type("torch.DoubleTensor").dtype is tg.float64


@pytest.mark.parametrize("make", [
    lambda L: L.tensor([1.0, 2.0], dtype=L.float64), lambda L: L.tensor([1, 2], dtype=L.int32),
    lambda L: L.tensor([1, 2]), lambda L: L.tensor([True, False]),
    lambda L: L.tensor([3, 4], dtype=L.uint8), lambda L: L.tensor(7, dtype=L.int16),
    lambda L: L.tensor([[1, 2]], dtype=L.int8), lambda L: L.zeros(0, dtype=L.int64),
    lambda L: L.zeros(0), lambda L: L.zeros(2, 0, dtype=L.int32), lambda L: L.zeros(0, 3),
    lambda L: L.zeros(0, dtype=L.bool), lambda L: L.ones(2, dtype=L.float64, requires_grad=True),
])
def test_tensor_repr_names_the_dtype_as_torch(torch, make):
    assert as_torch_text(repr(make(tg))) == repr(make(torch))


def test_finfo_and_iinfo_are_torchs(torch):
    for name in ("float16", "float32", "float64"):
        f, tf = tg.finfo(ours(name)), torch.finfo(getattr(torch, name))
        assert repr(f) == repr(tf) and str(f) == str(tf)
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution",
                     "dtype"):
            assert getattr(f, attr) == getattr(tf, attr) and \
                type(getattr(f, attr)) is type(getattr(tf, attr)), attr
    assert tg.finfo().eps == torch.finfo().eps and tg.finfo(np.float64).bits == 64
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        i, ti = tg.iinfo(ours(name)), torch.iinfo(getattr(torch, name))
        assert repr(i) == repr(ti)
        assert (i.bits, i.max, i.min, i.dtype) == (ti.bits, ti.max, ti.min, ti.dtype)
    for call in (lambda L: L.finfo(L.int32), lambda L: L.iinfo(L.float32),
                 lambda L: L.iinfo(L.bool), lambda L: L.finfo("float32")):
        with pytest.raises(TypeError) as want:
            call(torch)
        with pytest.raises(TypeError) as got:
            call(tg)
        assert str(got.value) == str(want.value)


def test_module_casts_and_state_dict_dtypes(torch, tmp_path):
    model = tg.nn.Sequential(tg.nn.Linear(3, 2), tg.nn.BatchNorm1d(2))
    assert model.double()[0].weight.dtype is tg.float64
    assert {k: v.dtype for k, v in model.state_dict().items()}["1.num_batches_tracked"] is \
        tg.int64
    assert model.half()[0].bias.dtype is tg.float16 and model.float()[1].weight.dtype is tg.float32
    assert model.to(tg.float64)[0].weight.dtype is tg.float64
    tmodel = torch.nn.Linear(3, 2)
    with pytest.raises(TypeError) as want:
        tmodel.to(torch.int64)
    with pytest.raises(TypeError) as got:
        model.to(tg.int64)
    assert as_torch_text(str(got.value)) == str(want.value)
    tg.save(model.state_dict(), tmp_path / "m.tg")
    back = tg.load(tmp_path / "m.tg")
    assert [v.dtype for v in back.values()] == [v.dtype for v in model.state_dict().values()]
    assert all(type(v.dtype) is tg.dtype for v in back.values())
    tg.save(dict(model.state_dict()), tmp_path / "m.safetensors")
    assert all(v.dtype is model.state_dict()[k].dtype
               for k, v in tg.load(tmp_path / "m.safetensors").items())


def test_engine_paths_that_compare_dtypes_still_work():
    x = tg.randn(3, dtype=tg.float64, requires_grad=True)
    (x * 2 + tg.tensor(1.0)).sum().backward()
    assert x.grad.dtype is tg.float64
    i = tg.tensor([1, 2, 3])
    assert (i / 2).dtype is tg.float32 and (i * 1.5).dtype is tg.float32
    assert (i + tg.tensor([1.0], dtype=tg.float64)).dtype is tg.float64
    assert i.sum().dtype is tg.int64 and i.float().mean().dtype is tg.float32
    assert tg.cat([i, i.int()]).dtype is tg.int64 and i.is_floating_point() is False


def test_a_checkpoint_keeps_dtype_values(tmp_path):
    config = {"dtype": tg.float64, "casts": [tg.bool, tg.int64, tg.half], "x": tg.ones(2)}
    tg.save(config, tmp_path / "c.tg")
    back = tg.load(tmp_path / "c.tg")
    assert back["dtype"] is tg.float64 and back["casts"] == [tg.bool, tg.int64, tg.float16]
    assert all(type(d) is tg.dtype for d in back["casts"])


def test_promote_types_result_type_and_can_cast_are_torchs(torch):
    basic = [n for n in NAMES if not n.startswith("uint") or n == "uint8"]
    for a in basic:
        ta, ga = getattr(torch, a), ours(a)
        for b in basic:
            tb, gb = getattr(torch, b), ours(b)
            assert as_torch_text(str(tg.promote_types(ga, gb))) == str(torch.promote_types(ta, tb))
            assert tg.can_cast(ga, gb) == torch.can_cast(ta, tb), (a, b)
            for sa in ((2,), ()):
                for sb in ((2,), ()):
                    want = torch.result_type(torch.zeros(sa, dtype=ta), torch.zeros(sb, dtype=tb))
                    got = tg.result_type(tg.zeros(sa, dtype=ga), tg.zeros(sb, dtype=gb))
                    assert as_torch_text(str(got)) == str(want), (a, sa, b, sb)
        for number in (True, 2, 2.5):
            for args in ((number, "t"), ("t", number)):
                want = torch.result_type(*[torch.zeros(2, dtype=ta) if v == "t" else v
                                           for v in args])
                got = tg.result_type(*[tg.zeros(2, dtype=ga) if v == "t" else v for v in args])
                assert as_torch_text(str(got)) == str(want), (a, args)
    for x in (True, 2, 2.5):
        for y in (True, 2, 2.5):
            assert as_torch_text(str(tg.result_type(x, y))) == str(torch.result_type(x, y))
    assert tg.promote_types(tg.int32, tg.float32) is tg.float32
