"""Devices (CPU only), tg.cuda / accelerator / backends, inference_mode, and the torch
names that mean nothing here (compile, amp, distributed, onnx)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.device import DeviceUnavailableError, parse_to_args
from tensorgraph.unsupported import NotAvailableError


def test_device_object_matches_torch(torch):
    for args in [("cpu",), ("cpu:0",), ("cpu", 1), ("cuda",), ("cuda:1",), ("mps",)]:
        ours, theirs = tg.device(*args), torch.device(*args)
        assert (str(ours), repr(ours), ours.type, ours.index) == (
            str(theirs), repr(theirs), theirs.type, theirs.index)
    assert tg.device("cpu") == tg.device(tg.device("cpu"))
    assert tg.device("cpu") != tg.device("cpu:0")
    assert (tg.device("cpu") == "cpu") is (torch.device("cpu") == "cpu") is False
    assert len({tg.device("cpu"), tg.device("cpu")}) == 1
    assert pickle.loads(pickle.dumps(tg.device("cpu", 0))) == tg.device("cpu:0")


@pytest.mark.parametrize("bad", ["foo", "CPU", "cpu:x"])
def test_bad_device_strings_raise_runtime_error(bad, torch):
    with pytest.raises(RuntimeError):
        torch.device(bad)
    with pytest.raises(RuntimeError):
        tg.device(bad)
    with pytest.raises(RuntimeError, match="negative"):
        tg.device("cpu", -1)


def test_tensor_device_and_to_forms():
    x = tg.ones(2, 3)
    assert x.device == tg.device("cpu") and not x.is_cuda and x.get_device() == -1
    assert x.to("cpu") is x and x.to(tg.device("cpu")) is x and x.cpu() is x
    assert x.to("cpu", tg.float64).dtype == np.float64
    assert x.to(dtype=tg.float64, device="cpu").dtype == np.float64
    assert x.to(tg.tensor([1, 2])).dtype == np.int64
    assert x.to(float).dtype == np.float64
    assert x.to(tg.float64, True, True).dtype == np.float64
    copied = x.to("cpu", copy=True)
    assert copied is not x and copied.array is not x.array
    np.testing.assert_array_equal(copied.array, x.array)


def test_to_is_differentiable():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w.to("cpu", tg.float64) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.array, [2.0, 4.0])
    assert w.grad.dtype == np.float32


@pytest.mark.parametrize("dev", ["cuda", "cuda:0", "mps", tg.device("cuda"), 0])
def test_accelerators_raise_one_clear_error(dev):
    with pytest.raises(DeviceUnavailableError, match="numpy on the CPU"):
        tg.ones(2).to(dev)
    with pytest.raises(DeviceUnavailableError, match="numpy on the CPU"):
        tg.nn.Linear(2, 2).to(dev)
    with pytest.raises(DeviceUnavailableError, match="numpy on the CPU"):
        tg.tensor([1.0], device=dev)
    # both exception types torch uses (AssertionError for CUDA, RuntimeError for MPS)
    with pytest.raises(AssertionError):
        tg.ones(2).cuda()
    with pytest.raises(RuntimeError):
        tg.ones(2).cuda()


def test_to_rejects_bad_argument_combinations():
    with pytest.raises(TypeError, match="invalid combination"):
        parse_to_args(("cpu", True), {})
    with pytest.raises(TypeError, match="unexpected keyword"):
        parse_to_args((), {"colour": 1})
    with pytest.raises(TypeError, match="invalid argument"):
        parse_to_args(([1],), {})
    assert parse_to_args((), {"memory_format": object()}).dtype is None


def test_module_to_device_and_dtype():
    m = tg.nn.Linear(3, 2)
    w = m.weight
    assert m.to("cpu") is m and m.to(tg.device("cpu"), tg.float64) is m
    assert m.weight is w and w.dtype == np.float64
    m.to(tg.zeros(1))  # to(tensor): that tensor's dtype
    assert w.dtype == np.float32
    with pytest.raises(TypeError, match="floating point"):
        m.to(tg.int64)
    with pytest.raises(DeviceUnavailableError, match="numpy on the CPU"):
        m.cuda()


def test_tensor_factory_device_keyword():
    assert tg.tensor([1.0, 2.0], device="cpu").device.type == "cpu"
    assert tg.tensor([1.0], device=tg.device("cpu:0")).shape == (1,)


def test_cuda_accelerator_backends_answer_as_cpu_torch(torch):
    assert tg.cuda.is_available() is torch.cuda.is_available() is False
    assert tg.cuda.device_count() == torch.cuda.device_count() == 0
    assert tg.cuda.manual_seed(0) is None and tg.cuda.manual_seed_all(0) is None
    assert tg.accelerator.is_available() is False
    assert tg.accelerator.current_accelerator() is None
    assert tg.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert tg.backends.cudnn.is_available() is False
    tg.backends.cudnn.deterministic = True
    tg.backends.cudnn.benchmark = False
    assert tg.backends.cudnn.deterministic is True
    tg.backends.cudnn.deterministic = False
    assert tg.backends.cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32
    with pytest.raises(DeviceUnavailableError, match="is_available"):
        tg.cuda.synchronize()
    with pytest.raises(DeviceUnavailableError):
        tg.cuda.get_device_name(0)
    assert tg.get_default_device() == tg.device("cpu")
    with tg.device("cpu"):
        assert tg.ones(1).device == tg.device("cpu")
    with pytest.raises(DeviceUnavailableError):
        tg.set_default_device("cuda")


def test_inference_mode_context_and_decorators():
    w = tg.ones(2, requires_grad=True)
    with tg.inference_mode():
        assert tg.is_inference_mode_enabled() and not tg.is_grad_enabled()
        y = w * 2
        with tg.inference_mode(False):
            assert not tg.is_inference_mode_enabled() and not tg.is_grad_enabled()
    assert not y.requires_grad
    assert tg.is_grad_enabled() and not tg.is_inference_mode_enabled()

    @tg.inference_mode()
    def called():
        return tg.is_grad_enabled(), tg.is_inference_mode_enabled()

    @tg.inference_mode
    def bare():
        return tg.is_grad_enabled()

    assert called() == (False, True) and bare() is False and tg.is_grad_enabled()


def test_compile_returns_the_model_with_one_note():
    from tensorgraph import unsupported

    unsupported._noted.discard("compile")
    m = tg.nn.Linear(2, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert tg.compile(m) is m
        assert tg.compile(m, mode="max-autotune") is m

        @tg.compile(fullgraph=True)
        def f(x):
            return x * 2

    assert f(3) == 6
    assert len(caught) == 1 and "no compiler" in str(caught[0].message)


def test_amp_distributed_onnx_import_but_refuse_use():
    import tensorgraph.distributed as dist
    import tensorgraph.onnx
    from tensorgraph.cuda.amp import GradScaler

    assert dist.is_available() is False and dist.is_initialized() is False
    with pytest.raises(NotAvailableError, match="not available in tensorgraph"):
        dist.init_process_group("gloo")
    with pytest.raises(NotAvailableError, match="torch.onnx.export"):
        tensorgraph.onnx.export(tg.nn.Linear(1, 1), tg.ones(1), "m.onnx")
    with pytest.raises(NotAvailableError, match="bfloat16"):
        tg.autocast("cpu")  # CPU autocast defaults to bfloat16: refused, not ignored
    with tg.amp.autocast("cpu", enabled=False):  # a disabled autocast is a no-op
        pass
    w = tg.tensor([1.0], requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.5)
    with pytest.warns(FutureWarning):
        scaler = GradScaler(enabled=False)  # pass-through, as torch's disabled scaler
    scaler.scale((w * 2).sum()).backward()
    scaler.step(opt)
    scaler.update()
    assert w.item() == 0.0


def test_runtime_switches_are_recorded():
    tg.use_deterministic_algorithms(True)
    assert tg.are_deterministic_algorithms_enabled()
    tg.use_deterministic_algorithms(False)
    tg.set_float32_matmul_precision("high")
    assert tg.get_float32_matmul_precision() == "high"
    tg.set_float32_matmul_precision("highest")
    with pytest.warns(UserWarning, match="no effect"):  # torch warns and ignores it
        tg.set_float32_matmul_precision("fast")
    assert tg.get_float32_matmul_precision() == "highest"
    assert tg.get_num_threads() >= 1
