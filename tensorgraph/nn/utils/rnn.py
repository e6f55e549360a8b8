"""Variable-length sequences (``torch.nn.utils.rnn``): PackedSequence, pack / pad / unpack.

A :class:`PackedSequence` holds the valid steps of a batch of sequences, time-major:
``data`` is step 0 of every sequence (longest first), then step 1 of those at least two
long, and so on; ``batch_sizes[t]`` is how many sequences have a step ``t``. Every
function here is a composite of indexing and ``cat`` (one integer-array gather each), so
gradients flow back to the padded input or the sequences.

Sorting uses a stable descending sort of the lengths. torch's sort is not stable on long
batches, so with tied lengths the rows of ``data`` (and ``sorted_indices``) may be in
another order than torch's; padded outputs, lengths and an RNN's ``h_n`` are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import dtypes
from ...tensor import Tensor
from ...tensor_functions import cat, stack

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pack_sequence", "pad_packed_sequence", "pad_sequence", "unpack_sequence",
           "unpad_sequence"]


def _long(values: Any) -> Tensor:
    return Tensor.from_array(np.asarray(values, dtype=np.int64), False)


def _ints(x: Any) -> np.ndarray:
    return np.asarray(x.array if isinstance(x, Tensor) else x, dtype=np.int64).reshape(-1)


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation (``out[permutation[i]] = i``); None stays None."""
    if permutation is None:
        return None
    p = _ints(permutation)
    out = np.empty_like(p)
    out[p] = np.arange(len(p))
    return _long(out)


class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedFields):
    """A packed batch of variable-length sequences (a namedtuple, as torch's).

    Fields: ``data`` ``(sum(lengths), *)``, ``batch_sizes`` (int64, one per time step),
    ``sorted_indices`` (the batch order used for packing, None if the input was sorted)
    and ``unsorted_indices`` (its inverse). Build one with :func:`pack_padded_sequence`
    or :func:`pack_sequence`, not by hand.
    """

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None,
                sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            raise TypeError("PackedSequence: batch_sizes is required; build one with "
                            "pack_padded_sequence or pack_sequence.")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data: Tensor) -> PackedSequence:
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """``data.to(...)``; the index tensors stay int64."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with_data(data)

    def cpu(self) -> PackedSequence:
        return self

    def double(self) -> PackedSequence:
        return self.to(dtypes.float64)

    def float(self) -> PackedSequence:
        return self.to(dtypes.float32)

    def half(self) -> PackedSequence:
        return self.to(dtypes.float16)

    def detach(self) -> PackedSequence:
        return self._with_data(self.data.detach())

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


# ---------------------------------------------------------------- index bookkeeping
def _layout(lengths: np.ndarray, sorted_indices: np.ndarray) -> tuple:
    """For sorted lengths: the (time, batch-slot) of every packed row, time-major."""
    sorted_len = lengths[sorted_indices]
    steps = np.arange(sorted_len[0] if len(sorted_len) else 0)
    t_idx, slot = np.nonzero(steps[:, None] < sorted_len[None, :])
    batch_sizes = (steps[:, None] < sorted_len[None, :]).sum(1)
    return t_idx, slot, batch_sizes


def _packed_lengths(sequence: PackedSequence) -> tuple[np.ndarray, np.ndarray]:
    """(lengths in the original batch order, sorted_indices) of a PackedSequence."""
    bs = _ints(sequence.batch_sizes)
    n = int(bs[0]) if len(bs) else 0
    sorted_len = (bs[None, :] > np.arange(n)[:, None]).sum(1)
    order = (np.arange(n) if sequence.sorted_indices is None
             else _ints(sequence.sorted_indices))
    lengths = np.empty(n, dtype=np.int64)
    lengths[order] = sorted_len
    return lengths, order


def pack_padded_sequence(input: Tensor, lengths: Tensor | Sequence[int],
                         batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``).

    Args:
        input: the padded batch.
        lengths: each sequence's length (a list or a 1-D CPU int64 tensor).
        batch_first: the batch is dim 0.
        enforce_sorted: lengths must be decreasing; with False they are sorted here and
            ``sorted_indices`` records the order.

    Example:
        >>> packed = pack_padded_sequence(x, [3, 2, 1])
    """
    lens = _ints(lengths)
    x = input.transpose(0, 1) if batch_first else input
    if x.ndim < 2 or len(lens) != x.shape[1]:
        raise RuntimeError(f"pack_padded_sequence: expected {len(lens)} sequences (one per "
                           f"length) in the batch dim of input of shape {tuple(input.shape)}"
                           f" (batch_first={batch_first}).")
    if (lens <= 0).any():
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lens.max(initial=0) > x.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length of {int(lens.max())} exceeds "
                           f"the {x.shape[0]} time steps of input {tuple(input.shape)}.")
    if enforce_sorted:
        if (np.diff(lens) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` "
                "is True. You can pass `enforce_sorted=False` to pack_padded_sequence "
                "and/or pack_sequence to sidestep this requirement if you do not need "
                "ONNX exportability.")
        order, sorted_indices = np.arange(len(lens)), None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = _long(order)
    t_idx, slot, batch_sizes = _layout(lens, order)
    data = x[_long(t_idx), _long(order[slot])]
    return PackedSequence(data, _long(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo :func:`pack_padded_sequence`: ``(padded, lengths)``, in the original batch
    order; ``padded`` is ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``), ``T`` the
    longest length or ``total_length``."""
    lengths, order = _packed_lengths(sequence)
    steps = int(lengths.max(initial=0))
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence "
                f"in input, but got total_length={total_length} and max sequence length "
                f"being {steps}")
        steps = total_length
    data = sequence.data
    t_idx, slot, _ = _layout(lengths, order)
    # Each padded (t, b) reads its packed row, or a padding row appended after the data.
    where_row = np.full((steps, len(lengths)), data.shape[0], dtype=np.int64)
    where_row[t_idx, order[slot]] = np.arange(len(t_idx))
    pad_row = Tensor.from_array(np.full((1,) + tuple(data.shape[1:]), padding_value,
                                        dtype=data.array.dtype), False)
    padded = cat([data, pad_row])[_long(where_row)]
    # torch's layout: time-major, batch_first a transposed view of it; reordering to the
    # unsorted batch (its index_select) makes a fresh contiguous tensor.
    if batch_first:
        padded = padded.transpose(0, 1)
        if sequence.unsorted_indices is not None:
            padded = padded.contiguous()
    return padded, _long(lengths)


def pack_like(padded: Tensor, like: PackedSequence) -> PackedSequence:
    """A time-major padded ``(T, B, *)`` batch packed with the layout (lengths and batch
    order) of ``like``: how an RNN returns a PackedSequence for a PackedSequence input."""
    lengths, order = _packed_lengths(like)
    t_idx, slot, _ = _layout(lengths, order)
    return like._with_data(padded[_long(t_idx), _long(order[slot])])


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths ``(L_i, *)`` into ``(T, B, *)`` (``(B, T, *)``
    with ``batch_first``), filling with ``padding_value`` on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"pad_sequence: Expected padding_side to be one of left or right, "
                           f"but got {padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("pad_sequence: received an empty list of sequences.")
    longest = max(s.shape[0] for s in seqs)
    rows = []
    for s in seqs:
        fill = longest - s.shape[0]
        if fill:
            pad = s.new_full((fill,) + tuple(s.shape[1:]), padding_value)
            s = cat([s, pad] if padding_side == "right" else [pad, s])
        rows.append(s)
    return stack(rows, 0 if batch_first else 1)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)``: ``pack_padded_sequence(pad_sequence(...))``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor | Sequence[int],
                   batch_first: bool = False) -> list[Tensor]:
    """The sequences of a padded batch, each cut to its length (inverse of pad_sequence)."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)].contiguous() for i, n in enumerate(_ints(lengths))]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The sequences of a PackedSequence, as a list (inverse of pack_sequence)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
