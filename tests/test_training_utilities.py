"""The utilities around a training loop, as a CPU-only torch answers them: version
comparisons, TF32/matmul-precision switches, autocast and GradScaler."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.unsupported import NotAvailableError


# --- torch.__version__ -------------------------------------------------------------

def test_version_compares_as_a_version_not_as_text():
    v = tg.__version__
    assert isinstance(v, str) and v.startswith("2.")
    assert v >= "2.0" and v > "2.9" and v < "10.0"  # text order would say "2.13" < "2.9"
    assert v >= (2, 0) and not v < (1, 8)
    assert tg.version.TorchVersion("2.0.0") == "2.0" and tg.version.TorchVersion("2.1") > "2.1rc1"
    assert tg.version.TorchVersion("2.1.0a0") < "2.1.0"
    assert tg.version.tensorgraph_version in v


def test_version_parses_as_torchs_does(torch):
    packaging = pytest.importorskip("packaging.version")
    assert packaging.parse(tg.__version__) >= packaging.parse("1.13")
    for other in ("1.13", "2.0", "2.13", "3.0"):
        assert (tg.__version__ >= other) == (torch.__version__ >= other)


# --- backends flags and matmul precision ---------------------------------------------

def test_allow_tf32_is_the_matmul_precision_switch(torch):
    try:
        for lib in (tg, torch):
            lib.backends.cuda.matmul.allow_tf32 = True
        assert tg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
        for lib in (tg, torch):
            lib.set_float32_matmul_precision("highest")
        assert tg.backends.cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32
        for lib in (tg, torch):
            lib.set_float32_matmul_precision("medium")
        assert tg.backends.cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32
    finally:
        tg.set_float32_matmul_precision("highest")
        torch.set_float32_matmul_precision("highest")


def test_unknown_matmul_precision_warns_and_changes_nothing():
    tg.set_float32_matmul_precision("highest")
    with pytest.warns(UserWarning, match="bogus"):
        tg.set_float32_matmul_precision("bogus")
    assert tg.get_float32_matmul_precision() == "highest"


def test_deterministic_warn_only_and_interop_threads():
    tg.use_deterministic_algorithms(True, warn_only=True)
    assert tg.is_deterministic_algorithms_warn_only_enabled()
    tg.use_deterministic_algorithms(False)
    assert not tg.is_deterministic_algorithms_warn_only_enabled()
    tg.set_num_interop_threads(2)
    assert tg.get_num_interop_threads() == 2


# --- autocast ------------------------------------------------------------------------

def test_autocast_for_a_missing_device_warns_and_does_nothing():
    lin = tg.nn.Linear(3, 2)
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ctx = tg.autocast(device_type="cuda", dtype=tg.float16)
    with ctx:
        assert lin(tg.ones(1, 3)).dtype == tg.float32
    with pytest.warns(UserWarning, match="CUDA is not available"):
        tg.amp.autocast("cuda")
    with pytest.warns(FutureWarning):
        tg.cuda.amp.autocast(enabled=False)
    assert not tg.is_autocast_enabled() and tg.amp.is_autocast_available("cpu")


def test_cpu_autocast_refuses_lower_precision_and_ignores_float32():
    with pytest.raises(NotAvailableError, match="float16"):
        tg.autocast("cpu", dtype=tg.float16)
    with pytest.raises(NotAvailableError, match="bfloat16"):
        tg.amp.autocast(device_type="cpu")
    with pytest.warns(UserWarning, match="only supports"):
        tg.autocast("cpu", dtype=tg.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tg.autocast("cpu", enabled=False):
            pass
    with pytest.raises(RuntimeError, match="device_type"):
        tg.autocast("foo")


# --- GradScaler ----------------------------------------------------------------------

def _scaled_steps(lib, scaler, steps, poison_step=None):
    lib.manual_seed(0)
    model = lib.nn.Linear(4, 3)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    x = lib.randn(8, 4)
    out = []
    for i in range(steps):
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        if i == poison_step:
            model.weight.grad[0, 0] = float("inf")
        scaler.unscale_(opt)
        norm = lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        out.append((scaled.item(), norm.item(), scaler.get_scale()))
    return out, model.weight.detach().numpy().copy(), scaler.state_dict()


def test_cpu_grad_scaler_matches_torch(torch):
    for poison in (None, 1):
        mine = _scaled_steps(tg, tg.amp.GradScaler("cpu", growth_interval=2), 4, poison)
        ref = _scaled_steps(torch, torch.amp.GradScaler("cpu", growth_interval=2), 4, poison)
        for (s, n, k), (rs, rn, rk) in zip(mine[0], ref[0], strict=True):
            assert s == pytest.approx(rs, rel=1e-5) and k == rk
            assert np.isfinite(n) == np.isfinite(rn)
        np.testing.assert_allclose(mine[1], ref[1], rtol=1e-5, atol=1e-6)
        assert mine[2] == ref[2]


def test_grad_scaler_for_cuda_warns_and_passes_through(torch):
    with pytest.warns(UserWarning, match="not available"):
        scaler = tg.amp.GradScaler()
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0
    mine = _scaled_steps(tg, scaler, 2)
    with pytest.warns(UserWarning):
        ref = _scaled_steps(torch, torch.amp.GradScaler(), 2)
    assert mine[2] == ref[2] == {}
    np.testing.assert_allclose(mine[1], ref[1], rtol=1e-5, atol=1e-6)


def test_grad_scaler_refuses_a_second_unscale():
    scaler = tg.amp.GradScaler("cpu")
    w = tg.tensor([1.0], requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.1)
    scaler.scale((w * 3).sum()).backward()
    assert w.grad.item() == 3 * 65536.0
    scaler.unscale_(opt)
    assert w.grad.item() == 3.0
    with pytest.raises(RuntimeError, match="already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    restored = tg.amp.GradScaler("cpu")
    restored.load_state_dict(scaler.state_dict())
    assert restored.state_dict() == scaler.state_dict()


# --- clip_grad_norm_'s parts and ReduceLROnPlateau's state ----------------------------

def test_get_total_norm_and_clip_grads_with_norm_match_torch(torch):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in ((3, 4), (4,), (2, 2))]
    for norm_type in (2.0, 1.0, float("inf")):
        mine = tg.nn.utils.get_total_norm([tg.tensor(g) for g in grads], norm_type)
        ref = torch.nn.utils.get_total_norm([torch.tensor(g) for g in grads], norm_type)
        assert mine.item() == pytest.approx(ref.item(), rel=1e-6)
    params = [tg.nn.Parameter(tg.zeros(g.shape)) for g in grads]
    ref_params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, q, g in zip(params, ref_params, grads, strict=True):
        p.grad, q.grad = tg.tensor(g), torch.tensor(g)
    assert tg.nn.utils.clip_grads_with_norm_(params, 0.5, tg.tensor(3.0)) is None
    torch.nn.utils.clip_grads_with_norm_(ref_params, 0.5, torch.tensor(3.0))
    for p, q in zip(params, ref_params, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)
    assert tg.nn.utils.get_total_norm([]).item() == 0.0


def test_clip_grad_norm_of_an_inf_gradient_is_quiet_nan(torch):
    w = tg.nn.Parameter(tg.ones(2))
    w.grad = tg.tensor([float("inf"), 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        norm = tg.nn.utils.clip_grad_norm_([w], 1.0, foreach=True)
    v = torch.nn.Parameter(torch.ones(2))
    v.grad = torch.tensor([float("inf"), 1.0])
    ref = torch.nn.utils.clip_grad_norm_([v], 1.0)
    assert norm.item() == ref.item() == float("inf")
    np.testing.assert_array_equal(np.isnan(w.grad.numpy()), np.isnan(v.grad.numpy()))


def test_plateau_state_dict_has_torchs_keys(torch):
    for mode in ("min", "max"):
        mine = tg.optim.lr_scheduler.ReduceLROnPlateau(
            tg.optim.SGD([tg.nn.Parameter(tg.ones(1))], lr=0.1), mode=mode)
        ref = torch.optim.lr_scheduler.ReduceLROnPlateau(
            torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1), mode=mode)
        assert sorted(mine.state_dict()) == sorted(ref.state_dict())
        assert mine.state_dict()["mode_worse"] == ref.state_dict()["mode_worse"]


# --- torch.bfloat16: named, never stored ----------------------------------------------

def test_bfloat16_can_be_named_but_not_stored():
    # nanoGPT's train.py builds this table before it picks float32 on a CPU.
    table = {"float32": tg.float32, "bfloat16": tg.bfloat16, "float16": tg.float16}
    assert table["float32"] is tg.float32 and tg.bfloat16 == tg.bfloat16
    assert tg.bfloat16 != tg.float32 and tg.bfloat16.is_floating_point
    assert tg.bfloat16.itemsize == 2 and repr(tg.bfloat16) == "tensorgraph.bfloat16"
    for make in (lambda: tg.zeros(2, dtype=tg.bfloat16), lambda: tg.ones(2).to(tg.bfloat16),
                 lambda: tg.ones(2).bfloat16(), lambda: tg.tensor([1.0], dtype=tg.bfloat16),
                 lambda: tg.nn.Linear(2, 2).to(tg.bfloat16), lambda: np.zeros(2, tg.bfloat16)):
        with pytest.raises(TypeError, match="no bfloat16 type.*float32"):
            make()
    with pytest.raises(NotAvailableError, match="bfloat16"):
        tg.autocast("cpu", dtype=tg.bfloat16)
