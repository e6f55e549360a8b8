"""ops/conv, ops/pool: batch-last activations (the conv GEMM's layout), other input layouts,
and allocator."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from test_functional import randn, vs_torch

import tensorgraph as tg
import tensorgraph.nn.functional as F


def channel_major(a: np.ndarray) -> np.ndarray:
    """The same (N, C, H, W) values stored channel-major, as Conv2d's output is."""
    return np.ascontiguousarray(a.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)


def batch_last(a: np.ndarray) -> np.ndarray:
    """The same (N, C, H, W) values stored (C, H, W, N), as Conv2d's output is."""
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


def test_conv_output_is_batch_last_and_pool_keeps_it():
    x, w = tg.randn(4, 3, 8, 8), tg.randn(5, 3, 3, 3)
    y = F.conv2d(x, w, padding=1)
    # the GEMM result (O, Ho*Wo*N) seen as NCHW, not a copy: the batch is innermost
    assert y.array.strides == (4, 8 * 8 * 4 * 4, 8 * 4 * 4, 4 * 4)
    p = F.max_pool2d(F.relu(y), 2)
    assert p.array.strides[0] == 4 and p.array.strides[1] > p.array.strides[2]


@pytest.mark.parametrize("layout", [batch_last, channel_major, np.ascontiguousarray])
@pytest.mark.parametrize("stride,padding,dilation", [(1, 1, 1), (2, 0, 1), (2, 1, 2),
                                                     ((1, 2), (2, 1), (2, 1))])
def test_conv2d_any_input_layout_vs_torch(torch, layout, stride, padding, dilation):
    arrays = [layout(randn(3, 4, 9, 8, seed=11)), randn(5, 4, 3, 2, seed=12), randn(5, seed=13)]
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride, padding, dilation),
             arrays, double=True)


def test_conv2d_without_bias_and_frozen_weight_vs_torch(torch):
    """The bias rides in the GEMM (a ones row of cols): check db alone and no bias."""
    x, w, b = randn(2, 3, 6, 6, seed=14), randn(4, 3, 3, 3, seed=15), randn(4, seed=16)
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, padding=1),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), [x, w, b],
             grad=[True, False, True])
    vs_torch(torch, lambda x, w: F.conv2d(x, w, padding=1),
             lambda x, w: torch.nn.functional.conv2d(x, w, padding=1), [x, w])


def test_conv_pool_flatten_linear_vs_torch(torch):
    """Flatten hands the pool an NCHW gradient against batch-last masks (reordered once)."""
    arrays = [randn(3, 2, 8, 8, seed=17), randn(4, 2, 3, 3, seed=18), randn(4, seed=19),
              randn(5, 4 * 4 * 4, seed=20), randn(5, seed=21)]

    def net(mod, relu):
        def f(x, w, b, lw, lb):
            h = mod.max_pool2d(relu(mod.conv2d(x, w, b, padding=1)), 2)
            return mod.linear(h.reshape(h.shape[0], -1), lw, lb)
        return f

    vs_torch(torch, net(F, F.relu), net(torch.nn.functional, torch.relu), arrays)


@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_on_channel_major_input_vs_torch(torch, padding):
    arrays = [channel_major(randn(3, 4, 7, 6, seed=1)), randn(5, 4, 3, 3, seed=2),
              randn(5, seed=3)]
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, padding=padding),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=padding), arrays,
             double=True)


@pytest.mark.parametrize("shape", [(3, 4, 8, 8), (2, 3, 7, 5)])  # 7x5: a dropped row/col
def test_max_pool2d_on_channel_major_input_vs_torch(torch, shape):
    vs_torch(torch, lambda x: F.max_pool2d(F.relu(x), 2),
             lambda x: torch.nn.functional.max_pool2d(torch.relu(x), 2),
             [channel_major(randn(*shape, seed=4))], double=True)


def test_cnn_layers_channel_major_end_to_end_vs_torch(torch):
    """conv -> relu -> pool -> conv -> relu -> pool: every array in the GEMM's layout."""
    arrays = [randn(2, 1, 8, 8, seed=5), randn(4, 1, 3, 3, seed=6), randn(4, seed=7),
              randn(6, 4, 3, 3, seed=8), randn(6, seed=9)]

    def net(mod, relu):
        def f(x, w1, b1, w2, b2):
            h = mod.max_pool2d(relu(mod.conv2d(x, w1, b1, padding=1)), 2)
            return mod.max_pool2d(relu(mod.conv2d(h, w2, b2, padding=1)), 2)
        return f

    vs_torch(torch, net(F, F.relu), net(torch.nn.functional, torch.relu), arrays,
             double=True)


def _allocator_applied(env: dict) -> str:
    code = "import tensorgraph.allocator as a; print(a.APPLIED)"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **env),
                         capture_output=True, text=True, cwd=root, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc mallopt only")
def test_allocator_applies_on_linux_and_can_be_switched_off():
    assert _allocator_applied({}) == "True"
    assert _allocator_applied({"TENSORGRAPH_KEEP_FREED_MEMORY": "0"}) == "False"


@pytest.mark.parametrize("layout", [batch_last, np.ascontiguousarray])
@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0)])
def test_conv2d_1x1_vs_torch(torch, layout, stride, padding):
    """1x1 at stride 1: cols is the batch-last input itself and the bias is added apart."""
    arrays = [layout(randn(3, 4, 5, 6, seed=22)), randn(7, 4, 1, 1, seed=23), randn(7, seed=24)]
    vs_torch(torch, lambda x, w, b: F.conv2d(x, w, b, stride, padding),
             lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride, padding), arrays,
             double=True)
