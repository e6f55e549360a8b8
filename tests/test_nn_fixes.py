"""nn / optim / data gaps real torch programs hit: inplace=True activations, ceil_mode
pools, instance norm, pixel shuffle, pad_sequence, slicing datasets, tensor ``step``s,
load_state_dict's result and the hook registries (each compared with torch)."""

import numpy as np
import pytest

import tensorgraph as tg
import tensorgraph.nn as nn
import tensorgraph.nn.functional as F

INPLACE = [  # (name, extra args)
    ("relu", ()), ("leaky_relu", (0.2,)), ("elu", (0.7,)), ("celu", (1.3,)), ("selu", ()),
    ("silu", ()), ("mish", ()), ("hardtanh", (-0.5, 0.5)), ("relu6", ()),
    ("threshold", (0.1, -2.0)), ("hardsigmoid", ()), ("hardswish", ()),
]


def _pair(torch, shape=(3, 5), scale=3.0):
    a = np.random.default_rng(0).standard_normal(shape) * scale
    return a, tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_activation_matches_torch(torch, name, args):
    a, x, tx = _pair(torch)
    y, ty = x * 2, tx * 2
    out = getattr(F, name)(y, *args, inplace=True)
    tout = getattr(torch.nn.functional, name)(ty, *args, inplace=True)
    assert out is y and tout is ty
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-9)
    (out * tg.tensor(a)).sum().backward()
    (tout * torch.tensor(a)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name,args", INPLACE[:4] + INPLACE[7:8])
def test_inplace_on_leaf_refused_as_torch(torch, name, args):
    _, x, tx = _pair(torch)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        getattr(F, name)(x, *args, inplace=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        getattr(torch.nn.functional, name)(tx, *args, inplace=True)
    with tg.no_grad():
        assert getattr(F, name)(x, *args, inplace=True) is x


def test_underscore_forms(torch):
    a = np.array([-2.0, -0.5, 0.5, 3.0])
    for name, args in [("relu_", ()), ("leaky_relu_", (0.1,)), ("elu_", ()), ("celu_", ()),
                       ("selu_", ()), ("hardtanh_", ()), ("threshold_", (0.0, 9.0))]:
        x, tx = tg.tensor(a), torch.tensor(a)
        assert getattr(F, name)(x, *args) is x
        getattr(torch.nn.functional, name)(tx, *args)
        np.testing.assert_allclose(x.numpy(), tx.numpy(), rtol=1e-6, atol=1e-9)
    x = tg.tensor(a)
    assert tg.relu_(x) is x and x.relu_() is x
    assert str(tg.tensor([-1.0, 2.0]).relu()) == str(torch.tensor([-1.0, 2.0]).relu())


def test_inplace_modules_and_hook_sees_relu(torch):
    for lib in (tg, torch):
        lib.manual_seed(0)
    lin = nn.Linear(3, 4)
    tlin = torch.nn.Linear(3, 4)
    with torch.no_grad():
        tlin.weight.copy_(torch.tensor(lin.weight.detach().numpy()))
        tlin.bias.copy_(torch.tensor(lin.bias.detach().numpy()))
    seen, tseen = [], []
    lin.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
    tlin.register_forward_hook(lambda m, i, o: tseen.append(o.detach()))
    a = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    out = nn.Sequential(lin, nn.ReLU(inplace=True))(tg.tensor(a))
    tout = torch.nn.Sequential(tlin, torch.nn.ReLU(inplace=True))(torch.tensor(a))
    np.testing.assert_allclose(seen[0].numpy(), tseen[0].numpy(), rtol=1e-6, atol=1e-7)
    assert (seen[0].numpy() >= 0).all()
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), tlin.weight.grad.numpy(), rtol=1e-5)
    for mod in [nn.ReLU(True), nn.LeakyReLU(0.1, True), nn.ELU(inplace=True), nn.ReLU6(True),
                nn.Hardtanh(inplace=True), nn.Threshold(0.0, 1.0, True), nn.SiLU(True),
                nn.Dropout(0.5, True), nn.Dropout2d(0.5, True)]:
        x = tg.randn(2, 3, 4, 4)
        assert mod(x) is x, mod


def test_inplace_dropout(torch):
    x = tg.ones(200)
    y = x * 1
    with pytest.raises(RuntimeError):
        F.dropout(tg.ones(3, requires_grad=True), 0.5, True, True)
    assert F.dropout(y, 0.5, True, True) is y
    assert set(np.unique(y.numpy())) <= {0.0, 2.0}
    z = tg.ones(3)
    assert F.dropout(z, 0.5, False, True) is z


# ---------------------------------------------------------------- load_state_dict, hooks
def test_load_state_dict_result_repr(torch):
    for lib in (tg, torch):
        m = lib.nn.Linear(2, 2)
        r = m.load_state_dict(lib.nn.Linear(2, 2).state_dict())
        assert repr(r) == str(r) == "<All keys matched successfully>"
        assert r.missing_keys == [] and r.unexpected_keys == [] and r == ([], [])
    reprs = []
    for lib in (tg, torch):
        r = lib.nn.Linear(2, 2).load_state_dict(
            {"weight": lib.zeros(2, 2), "extra": lib.zeros(1)}, strict=False)
        reprs.append(repr(r))
        missing, unexpected = r
        assert missing == ["bias"] and unexpected == ["extra"]
    assert reprs[0] == reprs[1] == \
        "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])"


def test_hook_registries_are_ordered_dicts_as_torch(torch):
    from collections import OrderedDict

    def pre(m, a):
        return None

    def post(m, a, *o):
        return None

    for lib in (tg, torch):
        m = lib.nn.Linear(2, 2)
        h1 = m.register_forward_hook(post)
        h2 = m.register_forward_hook(post, prepend=True, with_kwargs=True, always_call=True)
        h3 = m.register_forward_pre_hook(pre)
        h4 = m.register_full_backward_hook(lambda m, gi, go: None)
        assert type(m._forward_hooks) is OrderedDict
        assert list(m._forward_hooks) == [h2.id, h1.id]
        assert m._forward_hooks[h1.id] is post and m._forward_pre_hooks[h3.id] is pre
        assert h2.id in m._forward_hooks_with_kwargs and h2.id in m._forward_hooks_always_called
        assert list(m._backward_hooks) == [h4.id]
        m(lib.ones(1, 2)).sum().backward()
        h2.remove()
        assert list(m._forward_hooks) == [h1.id] and not m._forward_hooks_with_kwargs
        for h in (h1, h3, h4):
            h.remove()
        assert not m._forward_hooks and not m._forward_pre_hooks and not m._backward_hooks


# ---------------------------------------------------------------- ceil_mode pools
CEIL_CASES = [  # (H, W, kernel, stride, padding, dilation)
    (7, 7, 2, 2, 0, 1), (5, 8, 3, 2, 1, 1), (6, 9, (3, 2), (2, 3), (1, 0), 1),
    (9, 5, 3, 2, 1, 2), (4, 4, 3, 3, 0, 1), (3, 6, 4, 3, (0, 1), 1), (8, 8, 3, 3, 1, 1),
]


@pytest.mark.parametrize("case", CEIL_CASES)
def test_max_pool2d_ceil_mode(torch, case):
    h, w, k, s, p, d = case
    a = np.random.default_rng(2).standard_normal((2, 3, h, w))
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=True, return_indices=True)
    tout, tidx = torch.nn.functional.max_pool2d(tx, k, s, p, d, ceil_mode=True,
                                                return_indices=True)
    assert out.shape == tout.shape
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy())
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    assert tg.testing.gradcheck(lambda t: F.max_pool2d(t, k, s, p, d, ceil_mode=True), [x])
    m, tm = nn.MaxPool2d(k, s, p, d, ceil_mode=True), torch.nn.MaxPool2d(k, s, p, d, ceil_mode=True)
    assert m(x[0]).shape == tm(tx[0]).shape


@pytest.mark.parametrize("case", CEIL_CASES)
@pytest.mark.parametrize("include_pad,override", [(True, None), (False, None), (True, 3)])
def test_avg_pool2d_ceil_mode(torch, case, include_pad, override):
    h, w, k, s, p, _ = case
    a = np.random.default_rng(3).standard_normal((2, 3, h, w))
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out = F.avg_pool2d(x, k, s, p, True, include_pad, override)
    tout = torch.nn.functional.avg_pool2d(tx, k, s, p, True, include_pad, override)
    assert out.shape == tout.shape
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert tg.testing.gradcheck(lambda t: F.avg_pool2d(t, k, s, p, True, include_pad, override),
                                [x])


def test_pool1d_ceil_mode(torch):
    a = np.random.default_rng(4).standard_normal((2, 3, 9)).astype(np.float32)
    x, tx = tg.tensor(a), torch.tensor(a)
    o, i = F.max_pool1d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
    to, ti = torch.nn.functional.max_pool1d(tx, 3, 2, 1, ceil_mode=True, return_indices=True)
    np.testing.assert_allclose(o.numpy(), to.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    np.testing.assert_allclose(F.avg_pool1d(x, 2, 2, ceil_mode=True).numpy(),
                               torch.nn.functional.avg_pool1d(tx, 2, 2, ceil_mode=True).numpy())
    np.testing.assert_allclose(nn.MaxPool1d(2, ceil_mode=True)(x).numpy(),
                               torch.nn.MaxPool1d(2, ceil_mode=True)(tx).numpy())


# ---------------------------------------------------------------- new layers
@pytest.mark.parametrize("kw", [{}, {"affine": True}, {"track_running_stats": True},
                                {"affine": True, "track_running_stats": True, "momentum": 0.3}])
@pytest.mark.parametrize("dims", [1, 2])
def test_instance_norm_matches_torch(torch, kw, dims):
    shape = (2, 3, 7) if dims == 1 else (2, 3, 4, 5)
    a = np.random.default_rng(5).standard_normal(shape)
    m = getattr(nn, f"InstanceNorm{dims}d")(3, **kw).double()
    tm = getattr(torch.nn, f"InstanceNorm{dims}d")(3, **kw).double()
    assert repr(m) == repr(tm)
    assert sorted(m.state_dict()) == sorted(tm.state_dict())
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for _ in range(2):
        out, tout = m(x), tm(tx)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), atol=1e-10)
    (out ** 3).sum().backward()
    (tout ** 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-9)
    if m.running_mean is not None:
        np.testing.assert_allclose(m.running_mean.numpy(), tm.running_mean.numpy())
        np.testing.assert_allclose(m.running_var.numpy(), tm.running_var.numpy())
    m.eval()
    tm.eval()
    np.testing.assert_allclose(m(x).detach().numpy(), tm(tx).detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(m(x[0]).detach().numpy(), tm(tx[0]).detach().numpy(),
                               atol=1e-10)  # unbatched
    w, b = tg.randn(3, dtype=tg.float64, requires_grad=True), tg.randn(3, dtype=tg.float64,
                                                                      requires_grad=True)
    assert tg.testing.gradcheck(lambda t, w, b: F.instance_norm(t, weight=w, bias=b),
                                [tg.tensor(a, requires_grad=True), w, b])


def test_instance_norm_errors(torch):
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        nn.InstanceNorm2d(3)(tg.randn(2, 3, 1, 1))
    with pytest.raises(ValueError, match="expected 3D or 4D input"):
        nn.InstanceNorm2d(3)(tg.randn(3, 4))
    with pytest.raises(ValueError, match="to match num_features"):
        nn.InstanceNorm1d(4, affine=True)(tg.randn(2, 3, 5))


@pytest.mark.parametrize("shape,r", [((2, 8, 3, 5), 2), ((9, 2, 2), 3), ((2, 1, 4, 3, 3), 1)])
def test_pixel_shuffle_matches_torch(torch, shape, r):
    a = np.random.default_rng(6).standard_normal(shape)
    out = F.pixel_shuffle(tg.tensor(a), r)
    np.testing.assert_array_equal(out.numpy(),
                                  torch.nn.functional.pixel_shuffle(torch.tensor(a), r).numpy())
    back = nn.PixelUnshuffle(r)(out)
    np.testing.assert_array_equal(back.numpy(), a)
    np.testing.assert_array_equal(
        back.numpy(), torch.nn.PixelUnshuffle(r)(torch.tensor(out.numpy())).numpy())
    assert repr(nn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert tg.testing.gradcheck(lambda t: F.pixel_shuffle(t, r) ** 2,
                                [tg.tensor(a, requires_grad=True)])
    with pytest.raises(RuntimeError, match="at least 3 dimensions"):
        F.pixel_shuffle(tg.randn(4, 4), 2)
    with pytest.raises(RuntimeError, match="divisible by the square"):
        F.pixel_shuffle(tg.randn(5, 2, 2), 2)
    with pytest.raises(RuntimeError, match="height to be divisible"):
        F.pixel_unshuffle(tg.randn(1, 3, 4), 2)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(torch, batch_first, side):
    from tensorgraph.nn.utils.rnn import pad_sequence, unpad_sequence

    arrs = [np.random.default_rng(i).standard_normal((n, 3)) for i, n in enumerate((2, 5, 1))]
    xs = [tg.tensor(a, requires_grad=True) for a in arrs]
    txs = [torch.tensor(a, requires_grad=True) for a in arrs]
    out = pad_sequence(xs, batch_first, -1.5, side)
    tout = torch.nn.utils.rnn.pad_sequence(txs, batch_first, -1.5, side)
    np.testing.assert_array_equal(out.detach().numpy(), tout.detach().numpy())
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    for x, tx in zip(xs, txs):
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    if side == "right":
        back = unpad_sequence(out, tg.tensor([2, 5, 1]), batch_first)
        assert [b.shape for b in back] == [x.shape for x in xs]
    with pytest.raises(RuntimeError, match="padding_side"):
        pad_sequence(xs, padding_side="mid")
    with pytest.raises(RuntimeError, match="empty list"):
        pad_sequence([])
    assert tg.nn.utils.rnn.pad_sequence(tg.ones(3, 4, 2)).shape == (4, 3, 2)


def test_modules_utils_importable(torch):
    from tensorgraph.nn.modules.utils import _pair, _quadruple, _single, _triple
    from torch.nn.modules import utils as tu

    for ours, theirs in [(_single, tu._single), (_pair, tu._pair), (_triple, tu._triple),
                         (_quadruple, tu._quadruple)]:
        assert ours(3) == theirs(3) and ours([1, 2]) == theirs([1, 2])
    import tensorgraph.nn.modules.instancenorm as inorm
    import tensorgraph.nn.modules.pixelshuffle as ps

    assert inorm.InstanceNorm2d is nn.InstanceNorm2d and ps.PixelShuffle is nn.PixelShuffle


# ---------------------------------------------------------------- data
def test_subset_and_tensor_dataset_slicing(torch):
    from tensorgraph.utils.data import DataLoader, Subset, TensorDataset
    from torch.utils import data as td

    def same(a, b):
        if isinstance(a, (tuple, list)):
            assert type(a) is type(b) and len(a) == len(b)
            for x, y in zip(a, b):
                same(x, y)
        else:
            np.testing.assert_array_equal(a.numpy(), b.numpy())

    ds = TensorDataset(tg.arange(10.0), tg.arange(10) * 2)
    tds = td.TensorDataset(torch.arange(10.0), torch.arange(10) * 2)
    same(ds[2:5], tds[2:5])
    same(ds[[1, 3]], tds[[1, 3]])
    s, ts = Subset(ds, [1, 3, 5, 7]), td.Subset(tds, [1, 3, 5, 7])
    for idx in (slice(None), slice(1, None), slice(None, None, 2), [0, 2], 3, -1):
        same(s[idx], ts[idx])
    same(s.__getitems__([0, 2]), ts.__getitems__([0, 2]))
    for kw in ({}, {"collate_fn": lambda b: b}):
        same(list(DataLoader(s, batch_size=3, **kw)), list(td.DataLoader(ts, batch_size=3, **kw)))

    class Many(td.Dataset):  # a dataset with its own __getitems__ (torch's fetcher uses it)
        calls = 0

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return i

        def __getitems__(self, idx):
            Many.calls += 1
            return [i * 10 for i in idx]

    assert [b.tolist() for b in DataLoader(Many(), batch_size=4)] == [[0, 10, 20, 30], [40, 50]]
    assert Subset(Many(), [5, 4]).__getitems__([0, 1]) == [50, 40]


# ---------------------------------------------------------------- optim steps
TENSOR_STEP_OPTS = ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adagrad", "Adadelta",
                    "RMSprop"]


def _to_tg(value):
    if hasattr(value, "detach"):
        return tg.tensor(value.detach().numpy())
    if isinstance(value, dict):
        return {k: _to_tg(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_tg(v) for v in value]
    return value


@pytest.mark.parametrize("name", TENSOR_STEP_OPTS)
def test_optimizer_steps_are_scalar_tensors_as_torch(torch, name, tmp_path):
    a = np.random.default_rng(7).standard_normal((3, 2)).astype(np.float32)
    p, tp = nn.Parameter(tg.tensor(a)), torch.nn.Parameter(torch.tensor(a))
    opt, topt = getattr(tg.optim, name)([p], lr=0.01), getattr(torch.optim, name)([tp], lr=0.01)
    for i in range(3):
        g = np.random.default_rng(10 + i).standard_normal((3, 2)).astype(np.float32)
        p.grad, tp.grad = tg.tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
    np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-7)
    st, tst = opt.state[p], topt.state[tp]
    assert list(st) == list(tst)
    for k in tst:
        if tst[k].ndim == 0:
            assert repr(st[k]) == repr(tst[k]) and st[k].dtype == tg.float32, k
    # load: our own dict, one with int steps (older checkpoints), torch's, a saved file
    sd = opt.state_dict()
    assert repr(sd["state"][0]["step"]) == "tensor(3.)"
    old = opt.state_dict()
    old["state"][0]["step"] = 3
    path = tmp_path / "opt.pt"
    tg.save(sd, path)
    for source in (sd, old, _to_tg(topt.state_dict()), tg.load(path)):
        q = nn.Parameter(p.detach().clone())
        o2 = getattr(tg.optim, name)([q], lr=0.01)
        o2.load_state_dict(source)
        assert repr(o2.state[q]["step"]) == "tensor(3.)"
        q.grad = tg.ones(3, 2)
        o2.step()
        assert repr(o2.state[q]["step"]) == "tensor(4.)"
    tp.grad = torch.ones(3, 2)
    topt.step()
    np.testing.assert_allclose(q.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_step_dtype_follows_default_dtype(torch):
    prev = tg.get_default_dtype()
    tg.set_default_dtype(tg.float64)
    try:
        p = nn.Parameter(tg.randn(2))
        opt = tg.optim.Adam([p])
        p.grad = tg.ones(2)
        opt.step()
        assert opt.state[p]["step"].dtype == tg.float64
    finally:
        tg.set_default_dtype(prev)


def test_inplace_on_a_view_rebases_its_base(torch):
    a = np.random.default_rng(8).standard_normal((3, 4))
    grads = []
    for lib, fn in ((tg, F), (torch, torch.nn.functional)):
        x = lib.tensor(a, requires_grad=True)
        y, z = x * 3, x * 2
        fn.relu(y[0], inplace=True)
        fn.leaky_relu(z[1:, 2], 0.3, inplace=True)
        (y * y + z * z * z).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
