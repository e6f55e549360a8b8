"""``torch.nn.utils.rnn``'s padding helpers: ``pad_sequence`` and ``unpad_sequence``
(composites of cat/stack/indexing, so gradients flow back to each sequence).

``PackedSequence`` and ``pack_padded_sequence`` are not provided: tensorgraph's RNNs
take padded batches only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...creation import full
from ...tensor import Tensor
from ...tensor_functions import cat, stack

__all__ = ["pad_sequence", "unpad_sequence"]


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes ``(L_i, *)`` into one padded tensor, as torch.

    Args:
        sequences: the sequences (a tensor counts as the list of its rows).
        batch_first: output ``(B, T, *)`` instead of ``(T, B, *)``; T = max L_i.
        padding_value: the value of the padded positions.
        padding_side: ``'right'`` (pad after each sequence) or ``'left'``.

    Example:
        >>> pad_sequence([tg.ones(2), tg.ones(3)], batch_first=True)
        tensor([[1., 1., 0.],
                [1., 1., 1.]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    seqs = list(sequences.unbind(0)) if isinstance(sequences, Tensor) else list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    trail = tuple(seqs[0].shape[1:])
    for s in seqs:
        if tuple(s.shape[1:]) != trail:
            raise RuntimeError(
                f"pad_sequence: every sequence must have the trailing shape {trail} of the "
                f"first, got {tuple(s.shape)} (only dim 0, the length, may differ).")
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        gap = longest - s.shape[0]
        if gap:
            fill = full((gap,) + trail, padding_value, dtype=s.dtype)
            s = cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor,
                   batch_first: bool = False) -> list[Tensor]:
    """The inverse of :func:`pad_sequence` (right padding): the list of sequences,
    each cut to its length.

    Example:
        >>> [t.shape for t in unpad_sequence(pad_sequence([tg.ones(2), tg.ones(3)]),
        ...                                  tg.tensor([2, 3]))]
        [torch.Size([2]), torch.Size([3])]
    """
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)] for i, n in enumerate(lengths.tolist())]
