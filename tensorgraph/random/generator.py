"""``tg.Generator``: PyTorch's CPU generator (an mt19937 seeded as torch seeds it).

The 32-bit words come from numpy's ``MT19937`` bit generator (the same Mersenne
Twister, drawn in bulk in C), loaded with the state torch's ``mt19937(seed)`` builds.
``get_state`` returns the very 5056 bytes ``torch.get_rng_state()`` returns, so a
state saved by one library loads in the other.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import numpy as np

MERSENNE_STATE_N = 624
DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val (what Generator() starts at)

# torch's CPUGeneratorImplState (x86-64 layout): the legacy TH pod, then the float cache.
STATE_LAYOUT = np.dtype([
    ("the_initial_seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
    ("state", "<u8", (MERSENNE_STATE_N,)), ("normal_x", "<f8"), ("normal_y", "<f8"),
    ("normal_rho", "<f8"), ("normal_is_valid", "<i4"), ("pad0", "<i4"),
    ("next_float_normal_sample", "<f4"), ("is_next_float_normal_sample_valid", "u1"),
    ("pad1", "u1", (3,)),
])
STATE_SIZE = STATE_LAYOUT.itemsize  # 5056, as torch


def seeded_key(seed: int) -> np.ndarray:
    """mt19937's init_genrand: the 624-word state torch's ``mt19937(seed)`` starts from."""
    key = np.empty(MERSENNE_STATE_N, dtype=np.uint32)
    s = seed & 0xFFFFFFFF
    key[0] = s
    for j in range(1, MERSENNE_STATE_N):  # 624 steps per seeding, not per sample
        s = (1812433253 * (s ^ (s >> 30)) + j) & 0xFFFFFFFF
        key[j] = s
    return key


def _as_seed(seed: Any, op: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise TypeError(f"{op}: seed must be an int, got {type(seed).__name__}.") from None
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:
        raise RuntimeError(
            f"{op}: seed must be within range [-0x8000_0000_0000_0000, "
            f"0xffff_ffff_ffff_ffff], got {seed}."
        )
    return seed % 2**64  # negative seeds wrap to uint64, as torch


class Generator:
    """A source of random numbers with PyTorch's CPU streams.

    Every sampler takes ``generator=``; without one it uses ``tg.default_generator``
    (what ``tg.manual_seed`` seeds). The same seed gives the numbers torch gives.

    Args:
        device: only ``'cpu'`` (CUDA generators are not reproduced).

    Example:
        >>> g = tg.Generator().manual_seed(2147483647)
        >>> tg.randn((27, 27), generator=g)   # torch's numbers for that seed
    """

    def __init__(self, device: Any = "cpu") -> None:
        if str(getattr(device, "type", device)) != "cpu":
            raise RuntimeError(
                f"Generator: only CPU generators are supported, got device={device!r}."
            )
        self._bits = np.random.MT19937(0)
        self._draw = np.random.Generator(self._bits)  # for words32: shares the state
        self.manual_seed(DEFAULT_SEED)

    @property
    def device(self) -> Any:
        return "cpu"

    # ------------------------------------------------------------ seeding
    def manual_seed(self, seed: int) -> Generator:
        """Seed it (as ``torch.Generator.manual_seed``) and return it."""
        self._seed = _as_seed(seed, "manual_seed")
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": seeded_key(self._seed), "pos": MERSENNE_STATE_N}}
        self._fresh = True  # torch's next_ = 0 (no draw since seeding)
        self.next_double_normal: float | None = None  # Box-Muller's cached second value
        self.next_float_normal: float | None = None
        return self

    def seed(self) -> int:
        """Seed it from the OS's entropy and return that seed."""
        s = secrets.randbits(53)  # torch keeps 53 bits so the seed fits a double
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed it was last seeded with."""
        return self._seed

    # ------------------------------------------------------------ raw words
    def random32(self, n: int) -> np.ndarray:
        """``n`` consecutive 32-bit words (torch's ``random()``), as uint64."""
        if n <= 0:
            return np.empty(0, dtype=np.uint64)
        self._fresh = False
        return self._bits.random_raw(int(n))

    def words32(self, n: int) -> np.ndarray:
        """The same ``n`` words as :meth:`random32`, as uint32 (half the memory): numpy's
        full-range ``integers`` returns the bit generator's raw 32-bit outputs."""
        if n <= 0:
            return np.empty(0, dtype=np.uint32)
        self._fresh = False
        return self._draw.integers(0, 1 << 32, int(n), dtype=np.uint32)

    def random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit words, each two 32-bit draws ``hi << 32 | lo`` (torch's ``random64()``)."""
        w = self.random32(2 * n).reshape(-1, 2)
        return (w[:, 0] << np.uint64(32)) | w[:, 1]

    # ------------------------------------------------------------ state
    def get_state(self) -> Any:
        """The state as a uint8 tensor of 5056 bytes, byte for byte ``torch``'s."""
        from ..tensor import Tensor

        st = self._bits.state["state"]
        rec = np.zeros((), dtype=STATE_LAYOUT)
        pos = int(st["pos"])
        rec["the_initial_seed"] = self._seed
        rec["seeded"] = 1
        rec["next"] = 0 if self._fresh else pos
        rec["left"] = 1 if self._fresh or pos == MERSENNE_STATE_N else MERSENNE_STATE_N + 1 - pos
        rec["state"] = np.asarray(st["key"], dtype=np.uint64)
        if self.next_double_normal is not None:
            rec["normal_is_valid"], rec["normal_y"] = 1, self.next_double_normal
        if self.next_float_normal is not None:
            rec["is_next_float_normal_sample_valid"] = 1
            rec["next_float_normal_sample"] = self.next_float_normal
        return Tensor.from_array(np.frombuffer(rec.tobytes(), dtype=np.uint8).copy(), False)

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from :meth:`get_state` (or from ``torch.get_rng_state()``)."""
        arr = np.asarray(getattr(new_state, "array", new_state))
        if arr.dtype != np.uint8:
            raise TypeError(
                f"set_state: expected a torch.ByteTensor (uint8), got dtype {arr.dtype}."
            )
        if arr.size != STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input "
                f"RNG state size to be {arr.size}"
            )
        rec = np.frombuffer(np.ascontiguousarray(arr).tobytes(), dtype=STATE_LAYOUT)[0]
        left, nxt = int(rec["left"]), int(rec["next"])
        if not (rec["seeded"] and 0 < left <= MERSENNE_STATE_N and nxt <= MERSENNE_STATE_N):
            raise RuntimeError("Invalid mt19937 state")
        pos = MERSENNE_STATE_N if left == 1 else nxt
        key = np.asarray(rec["state"], dtype=np.uint64).astype(np.uint32)
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._seed, self._fresh = int(rec["the_initial_seed"]), nxt == 0
        self.next_double_normal = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        self.next_float_normal = (float(rec["next_float_normal_sample"])
                                  if rec["is_next_float_normal_sample_valid"] else None)
        return self

    def __repr__(self) -> str:
        return "<tensorgraph.Generator object (cpu)>"


default_generator = Generator()
default_generator.seed()  # as torch: nondeterministic until tg.manual_seed


def resolve(generator: Generator | None, op: str) -> Generator:
    """The generator a sampler draws from: the one passed, else the default."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(
            f"{op}: generator must be a tg.Generator, got {type(generator).__name__}."
        )
    return generator


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (every sampler, init and dropout) and return it.

    Example:
        >>> tg.manual_seed(0); tg.rand(2)   # the numbers torch.manual_seed(0) gives
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator nondeterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state (5056 bytes, the same layout as torch's)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, **_: Any) -> Iterator[None]:
    """Run a block with the default generator's state saved and restored afterwards
    (``torch.random.fork_rng``; there are no CUDA generators to fork).

    Example:
        >>> with tg.random.fork_rng():
        ...     noise = tg.randn(3)      # the stream outside is not advanced
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
