"""In-place ops on the outputs of split/chunk/unbind (functions returning several views)
and on views made inside no_grad: refused or allowed exactly where torch refuses or
allows them, with torch's message. Every case runs on torch too."""

from __future__ import annotations

import pytest

import tensorgraph as tg


def _nonleaf(lib):
    return lib.ones(4, requires_grad=True) * 1


def _split_add(lib):
    a, _ = _nonleaf(lib).split(2)
    a.add_(1)


def _split_second_mul(lib):
    _, b = _nonleaf(lib).split(2)
    b.mul_(2)


def _split_sizes(lib):
    a, _ = _nonleaf(lib).split([1, 3])
    a.add_(1)


def _split_single_piece(lib):
    (a,) = _nonleaf(lib).split(4)
    a.zero_()


def _chunk_setitem(lib):
    _, b = _nonleaf(lib).chunk(2)
    b[0] = 3.0


def _unbind(lib):
    a, _ = _nonleaf(lib).reshape(2, 2).unbind(1)
    a.add_(1)


def _leaf_split(lib):
    a, _ = lib.ones(4, requires_grad=True).split(2)
    a.add_(1)


def _slice_of_split(lib):
    a, _ = _nonleaf(lib).split(2)
    a[0:1].add_(1)


def _no_grad_base_add_requiring(lib):
    a, _ = lib.ones(4).split(2)
    a.add_(lib.ones(2, requires_grad=True))


def _split_in_no_grad_add_outside(lib):
    y = _nonleaf(lib)
    with lib.no_grad():
        a, _ = y.split(2)
    a.add_(1)


def _slice_in_no_grad_add_outside(lib):
    y = _nonleaf(lib)
    with lib.no_grad():
        a = y[0:2]
    a.add_(1)


def _add_under_no_grad_then_use(lib):
    a, _ = _nonleaf(lib).split(2)
    with lib.no_grad():
        a.add_(1)
    return a * 2


def _detach_add_then_use_other(lib):
    a, b = _nonleaf(lib).split(2)
    a.detach().add_(1)
    return b * 1


def _base_add_then_use(lib):
    y = _nonleaf(lib)
    a, _ = y.split(2)
    y.add_(1)
    return a * 1


def _leaf_split_no_grad_then_use(lib):
    a, _ = lib.ones(4, requires_grad=True).split(2)
    with lib.no_grad():
        a.mul_(2)
    return a.sum()


REFUSED = {
    "split_add": _split_add,
    "split_second_mul": _split_second_mul,
    "split_sizes": _split_sizes,
    "split_single_piece": _split_single_piece,
    "chunk_setitem": _chunk_setitem,
    "unbind": _unbind,
    "leaf_split": _leaf_split,
    "slice_of_split": _slice_of_split,
    "no_grad_base_add_requiring": _no_grad_base_add_requiring,
    "split_in_no_grad_add_outside": _split_in_no_grad_add_outside,
    "slice_in_no_grad_add_outside": _slice_in_no_grad_add_outside,
    "add_under_no_grad_then_use": _add_under_no_grad_then_use,
    "detach_add_then_use_other": _detach_add_then_use_other,
    "base_add_then_use": _base_add_then_use,
    "leaf_split_no_grad_then_use": _leaf_split_no_grad_then_use,
}


def _first_sentence_after_op(msg: str) -> str:
    # torch names its own view op ("Select", "Slice"); ours is GetItem: compare the rest.
    return msg.split(" is a view and ", 1)[-1].split(" (tensor of shape")[0]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_as_torch(torch, name) -> None:
    program = REFUSED[name]
    with pytest.raises(RuntimeError) as theirs:
        program(torch)
    with pytest.raises(RuntimeError) as ours:
        program(tg)
    assert _first_sentence_after_op(str(ours.value)) == _first_sentence_after_op(
        str(theirs.value))
    if " of Split" in str(theirs.value) or " of Unbind" in str(theirs.value):
        assert str(ours.value).startswith(str(theirs.value).split(" is a view")[0])


def test_split_message_is_torchs(torch) -> None:
    with pytest.raises(RuntimeError) as ours:
        _split_add(tg)
    assert str(ours.value).startswith(
        "Output 0 of Split is a view and is being modified inplace. This view is the "
        "output of a function that returns multiple views. Such functions do not allow "
        "the output views to be modified inplace. You should replace the inplace "
        "operation by an out-of-place one.")


def _values_under_no_grad(lib):
    y = _nonleaf(lib)
    a, _ = y.split(2)
    with lib.no_grad():
        a.add_(1)
    (y * y).sum().backward()  # the base itself is still usable
    return y


def _nothing_requires_grad(lib):
    y = lib.ones(4)
    a, b = y.chunk(2)
    a.add_(1)
    b.mul_(3)
    return y


def _detach_of_output(lib):
    y = _nonleaf(lib)
    a, _ = y.split(2)
    a.detach().add_(1)
    return y * 1


def _data_of_output(lib):
    y = _nonleaf(lib)
    a, _ = y.split(2)
    a.data.add_(1)
    return (a * 1).sum()


def _slice_of_detached_output(lib):
    y = _nonleaf(lib)
    a, _ = y.split(2)
    a.detach()[0:1].add_(1)
    return y


def _tensor_split(lib):
    y = _nonleaf(lib)
    a, _ = y.tensor_split(2)
    a.add_(1)
    return y


def _leaf_split_under_no_grad(lib):
    x = lib.ones(4, requires_grad=True)
    a, _ = x.split(2)
    with lib.no_grad():
        a.mul_(2)
    return x


def _split_in_no_grad_of_plain_tensor(lib):
    y = lib.ones(4)
    with lib.no_grad():
        a, _ = y.split(2)
    a.add_(1)
    return y


ALLOWED = {
    "values_under_no_grad": _values_under_no_grad,
    "nothing_requires_grad": _nothing_requires_grad,
    "detach_of_output": _detach_of_output,
    "data_of_output": _data_of_output,
    "slice_of_detached_output": _slice_of_detached_output,
    "tensor_split": _tensor_split,
    "leaf_split_under_no_grad": _leaf_split_under_no_grad,
    "split_in_no_grad_of_plain_tensor": _split_in_no_grad_of_plain_tensor,
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_allowed_as_torch(torch, name) -> None:
    ours, theirs = ALLOWED[name](tg), ALLOWED[name](torch)
    assert ours.detach().numpy().tolist() == theirs.detach().numpy().tolist()
    assert ours.requires_grad == theirs.requires_grad
