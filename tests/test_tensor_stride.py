"""Tensor.stride() / stride(dim) / storage_offset() / is_contiguous() against torch, on
fresh tensors and views (transpose, permute, stepped slices, select, expand, unsqueeze)."""

from __future__ import annotations

import pytest

import tensorgraph as tg

VIEWS = {
    "fresh": lambda x, L: x,
    "transpose": lambda x, L: x.transpose(0, 2),
    "permute": lambda x, L: x.permute(2, 0, 1),
    "mT": lambda x, L: x.mT,
    "stepped_slice": lambda x, L: x[:, ::2, 1::2],
    "size1_slice": lambda x, L: x[:, 1:2],
    "select": lambda x, L: x[1],
    "select_middle": lambda x, L: x[:, 1],
    "narrow": lambda x, L: x.narrow(2, 1, 2),
    "chunk": lambda x, L: x.chunk(2, dim=2)[1],
    "split": lambda x, L: x.split(1, dim=1)[2],
    "unbind": lambda x, L: x.unbind(1)[1],
    "squeeze": lambda x, L: x[:, 1:2].squeeze(1),
    "unsqueeze_front": lambda x, L: x.unsqueeze(0),
    "unsqueeze_middle": lambda x, L: x.unsqueeze(2),
    "unsqueeze_end": lambda x, L: x.unsqueeze(-1),
    "transpose_unsqueeze": lambda x, L: x.transpose(0, 2).unsqueeze(1),
    "none_index": lambda x, L: x[None],
    "none_index_middle": lambda x, L: x[:, None],
    "view": lambda x, L: x.view(6, 4),
    "flatten": lambda x, L: x.flatten(),
    "transpose_contiguous": lambda x, L: x.transpose(0, 1).contiguous(),
    "movedim": lambda x, L: x.movedim(0, -1),
    "slice_then_transpose": lambda x, L: x[..., 1:].transpose(1, 2),
    "elementwise_of_transpose": lambda x, L: x.transpose(0, 2) + 1,
    "matmul": lambda x, L: x @ x.transpose(1, 2),
    "expand_size1": lambda x, L: L.arange(3.0).reshape(3, 1).expand(3, 4),
    "expand_new_dims": lambda x, L: L.arange(4.0).expand(2, 3, 4),
    "expand_as": lambda x, L: L.arange(4.0).expand_as(x),
    "t": lambda x, L: L.arange(6.0).reshape(2, 3).t(),
    "size1_t": lambda x, L: L.arange(4.0).reshape(1, 4).t(),
    "empty": lambda x, L: L.zeros(0, 3),
    "empty_3d": lambda x, L: L.zeros(2, 0, 3),
    "scalar": lambda x, L: L.tensor(3.0),
    "int_tensor_slice": lambda x, L: L.arange(10)[2::3],
}


@pytest.mark.parametrize("name", VIEWS)
def test_strides_offset_and_contiguity_match_torch(torch, name):
    make = VIEWS[name]
    got = make(tg.arange(24.0).reshape(2, 3, 4), tg)
    want = make(torch.arange(24.0).reshape(2, 3, 4), torch)
    assert got.stride() == want.stride()
    assert isinstance(got.stride(), tuple) and all(type(s) is int for s in got.stride())
    assert got.storage_offset() == want.storage_offset()
    assert got.is_contiguous() == want.is_contiguous()
    for d in range(-want.dim(), want.dim()):
        assert got.stride(d) == want.stride(d)


@pytest.mark.parametrize("make, dim", [(lambda L: L.zeros(2, 3), 2),
                                       (lambda L: L.zeros(2, 3), -3),
                                       (lambda L: L.tensor(1.0), 0),
                                       (lambda L: L.tensor(1.0), -1)])
def test_a_dim_out_of_range_raises_torchs_error(torch, make, dim):
    with pytest.raises(IndexError) as want:
        make(torch).stride(dim)
    with pytest.raises(IndexError) as got:
        make(tg).stride(dim)
    assert str(got.value) == str(want.value)


def test_contiguous_strides_are_the_c_order_products_for_every_dtype():
    for d in (tg.float16, tg.float64, tg.int8, tg.int64, tg.bool):
        x = tg.zeros(2, 3, 5, dtype=d)
        assert x.stride() == (15, 5, 1) and x[:, :, ::2].stride() == (15, 5, 2)
        assert x.transpose(0, 2).stride() == (1, 5, 15) and x.storage_offset() == 0
