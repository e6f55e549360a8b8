"""The layers added for torch's wider nn surface, against PyTorch (same weights,
float64 and float32, values and gradients), gradcheck, and their reprs."""

from __future__ import annotations

import numpy as np
import pytest
from test_nn_layers import gradcheck_layer, paired, run_both

import tensorgraph as tg
from tensorgraph import nn

# (id, factory taking the nn module (tensorgraph's or torch's), input shape)
LAYERS = [
    ("silu", lambda m: m.SiLU(), (4, 5)),
    ("mish", lambda m: m.Mish(), (4, 5)),
    ("selu", lambda m: m.SELU(), (4, 5)),
    ("elu", lambda m: m.ELU(0.5), (4, 5)),
    ("celu", lambda m: m.CELU(), (4, 5)),
    ("softplus", lambda m: m.Softplus(), (4, 5)),
    ("softplus-beta", lambda m: m.Softplus(beta=3, threshold=2), (4, 5)),
    ("hardtanh", lambda m: m.Hardtanh(-0.5, 0.5), (4, 5)),
    ("relu6", lambda m: m.ReLU6(), (4, 5)),
    ("hardswish", lambda m: m.Hardswish(), (4, 5)),
    ("hardsigmoid", lambda m: m.Hardsigmoid(), (4, 5)),
    ("logsigmoid", lambda m: m.LogSigmoid(), (4, 5)),
    ("softmin", lambda m: m.Softmin(dim=1), (4, 5)),
    ("softsign", lambda m: m.Softsign(), (4, 5)),
    ("tanhshrink", lambda m: m.Tanhshrink(), (4, 5)),
    ("threshold", lambda m: m.Threshold(0.2, -1.0), (4, 5)),
    ("hardshrink", lambda m: m.Hardshrink(0.3), (4, 5)),
    ("softshrink", lambda m: m.Softshrink(), (4, 5)),
    ("glu", lambda m: m.GLU(), (4, 6)),
    ("prelu", lambda m: m.PReLU(), (4, 5)),
    ("prelu-channels", lambda m: m.PReLU(3, init=0.1), (2, 3, 4)),
    ("conv1d", lambda m: m.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    ("conv1d-same-groups", lambda m: m.Conv1d(4, 6, 4, padding="same", groups=2,
                                              bias=False), (2, 4, 7)),
    ("conv1d-reflect", lambda m: m.Conv1d(2, 3, 3, padding=2, padding_mode="reflect"),
     (2, 2, 6)),
    ("conv1d-circular-dil", lambda m: m.Conv1d(2, 3, 3, padding=1, dilation=2,
                                               padding_mode="circular"), (2, 2, 6)),
    ("conv1d-unbatched", lambda m: m.Conv1d(2, 3, 2), (2, 5)),
    ("conv2d-replicate", lambda m: m.Conv2d(2, 3, 3, padding=1, padding_mode="replicate"),
     (1, 2, 5, 5)),
    ("convT2d", lambda m: m.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
     (2, 3, 4, 5)),
    ("convT2d-groups", lambda m: m.ConvTranspose2d(4, 6, (2, 3), stride=(2, 1), groups=2,
                                                   dilation=(1, 2), bias=False), (1, 4, 3, 3)),
    ("convT1d", lambda m: m.ConvTranspose1d(3, 2, 4, stride=2), (2, 3, 5)),
    ("maxpool1d", lambda m: m.MaxPool1d(3, stride=2, padding=1), (2, 3, 8)),
    ("avgpool1d", lambda m: m.AvgPool1d(2), (2, 3, 8)),
    ("avgpool1d-pad", lambda m: m.AvgPool1d(3, 2, 1, count_include_pad=False), (2, 3, 8)),
    ("adaptive-avg2d", lambda m: m.AdaptiveAvgPool2d((3, None)), (2, 3, 7, 5)),
    ("adaptive-avg2d-global", lambda m: m.AdaptiveAvgPool2d(1), (2, 3, 7, 5)),
    ("adaptive-avg1d", lambda m: m.AdaptiveAvgPool1d(3), (2, 3, 7)),
    ("unflatten", lambda m: m.Unflatten(1, (2, -1)), (3, 10)),
    ("groupnorm", lambda m: m.GroupNorm(2, 4), (3, 4, 3, 2)),
    ("groupnorm-noaffine", lambda m: m.GroupNorm(3, 6, affine=False), (2, 6, 5)),
    ("zeropad2d", lambda m: m.ZeroPad2d((1, 0, 2, 1)), (2, 3, 4, 4)),
    ("constpad1d", lambda m: m.ConstantPad1d(2, 3.5), (2, 3, 4)),
    ("reflectpad2d", lambda m: m.ReflectionPad2d(2), (2, 3, 4, 4)),
    ("replicationpad1d", lambda m: m.ReplicationPad1d((3, 1)), (2, 3, 4)),
    ("circularpad2d", lambda m: m.CircularPad2d(1), (2, 3, 4, 4)),
    ("upsample", lambda m: m.Upsample(scale_factor=2), (2, 3, 4, 4)),
    ("upsample-bilinear", lambda m: m.Upsample(size=(7, 5), mode="bilinear"), (2, 3, 4, 4)),
    ("upsampling-bilinear2d", lambda m: m.UpsamplingBilinear2d(scale_factor=2), (1, 2, 3, 3)),
    ("unfold", lambda m: m.Unfold(2, padding=1), (2, 3, 4, 4)),
    ("fold", lambda m: m.Fold((4, 5), 2), (2, 12, 12)),
    ("dropout2d-eval", lambda m: m.Dropout2d().eval(), (2, 3, 4, 4)),
    ("conv2d-same-even-kernel", lambda m: m.Conv2d(2, 3, (4, 3), padding="same"),
     (1, 2, 6, 5)),
    ("conv2d-circular-groups", lambda m: m.Conv2d(4, 2, 3, padding=(1, 2), groups=2,
                                                  padding_mode="circular"), (1, 4, 5, 5)),
]
IDS = [c[0] for c in LAYERS]
# torch's float64 hardsigmoid gradient multiplies by a float32 1/6 (relative error 3e-8).
LOOSE = {"hardsigmoid": 1e-7}


@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-9, 1e-11),
                                             (np.float32, 1e-4, 1e-5)])
@pytest.mark.parametrize("lid,make,shape", LAYERS, ids=IDS)
def test_layer_matches_torch(torch, lid, make, shape, dtype, rtol, atol):
    layer, tl = paired(make, torch, dtype)
    out, tout, x, tx = run_both(layer, tl, torch, shape, dtype)
    rtol = max(rtol, LOOSE.get(lid, 0))
    assert out.dtype == dtype and out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.array, tout.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=rtol, atol=atol)
    tparams = dict(tl.named_parameters())
    assert [n for n, _ in layer.named_parameters()] == list(tparams)
    assert [n for n, _ in layer.named_buffers()] == [n for n, _ in tl.named_buffers()]
    for name, p in layer.named_parameters():
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad.array, tparams[name].grad.numpy(), rtol=rtol,
                                   atol=atol * 10, err_msg=name)


@pytest.mark.parametrize("lid,make,shape", LAYERS, ids=IDS)
def test_layer_gradcheck(lid, make, shape):
    layer = make(nn).double()
    x = tg.randn(*shape, dtype=tg.float64, requires_grad=True)
    assert gradcheck_layer(layer, x)


@pytest.mark.parametrize("lid,make,shape", LAYERS, ids=IDS)
def test_repr_and_state_dict_names_match_torch(torch, lid, make, shape):
    layer, tl = make(nn), make(torch.nn)
    assert repr(layer) == repr(tl)
    assert list(layer.state_dict()) == list(tl.state_dict())


# The breakpoints of the piecewise-linear activations (their gradients pick a side there).
PIECEWISE = np.array([-6.0, -3.0, -1.0, -0.5, -0.3, 0.0, 0.2, 0.3, 0.5, 1.0, 3.0, 6.0])
KINKED = ["hardtanh", "relu6", "hardswish", "hardsigmoid", "threshold", "hardshrink",
          "softshrink", "elu", "celu", "selu"]


@pytest.mark.parametrize("name", KINKED)
def test_values_and_gradients_at_the_kinks_match_torch(torch, name):
    """At exactly the breakpoints (0, +-0.5, +-3, ...) torch picks a side; so do we."""
    make = {c[0]: c[1] for c in LAYERS}[name]
    layer, tl = make(nn), make(torch.nn)
    x = tg.tensor(PIECEWISE, requires_grad=True)
    tx = torch.tensor(PIECEWISE, requires_grad=True)
    layer.double()(x).sum().backward()
    tl(tx).sum().backward()
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=LOOSE.get(name, 1e-12), atol=0)


def test_softplus_is_finite_for_huge_inputs(torch):
    x = tg.tensor([-1e4, -100.0, 0.0, 100.0, 1e4], requires_grad=True)
    y = tg.nn.functional.softplus(x, beta=0.5, threshold=1e9)
    y.sum().backward()
    tx = torch.tensor(x.array, requires_grad=True)
    ty = torch.nn.functional.softplus(tx, beta=0.5, threshold=1e9)
    ty.sum().backward()
    # torch itself overflows to inf at 1e4 (with this threshold); tensorgraph stays exact.
    assert np.isfinite(y.array).all() and y.array[-1] == 1e4
    ok = np.isfinite(ty.detach().numpy())
    np.testing.assert_allclose(y.array[ok], ty.detach().numpy()[ok], rtol=1e-6)
    np.testing.assert_allclose(x.grad.array[ok], tx.grad.numpy()[ok], rtol=1e-6)
    assert x.grad.array[-1] == 1  # torch: NaN


def test_activation_errors_match_torch(torch):
    F, TF = tg.nn.functional, torch.nn.functional
    with pytest.raises(RuntimeError, match="halving dimension must be even"):
        F.glu(tg.randn(3, 5))
    with pytest.raises(RuntimeError):
        TF.glu(torch.randn(3, 5))
    with pytest.raises(RuntimeError, match="parameter numbers"):
        F.prelu(tg.randn(2, 4), tg.ones(3))
    with pytest.raises(RuntimeError):
        TF.prelu(torch.randn(2, 4), torch.ones(3))
    with pytest.raises(TypeError, match="floating point"):
        F.silu(tg.tensor([1, 2]))
