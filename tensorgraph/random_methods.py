"""The random samplers of a Tensor (``uniform_``, ``normal_``, ``bernoulli_``,
``exponential_``, ``random_``, ``bernoulli``, ``multinomial``), mixed into ``Tensor``.

Each in-place sampler draws torch's stream for the tensor's dtype, size and layout
(see ``tensorgraph.random``) and writes it in torch's order.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class RandomMethods:
    """``Tensor``'s samplers; they draw from ``tg.default_generator`` unless given one."""

    __slots__ = ()

    def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator: Any = None,
                 **kw: Any) -> Any:
        """Fill with U(from, to) samples (``from`` may be passed by keyword)."""
        from .random import resolve, sampling, streams

        low = kw.pop("from", from_)
        if low > to:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={low} > to={to}"
            )
        d = sampling.float_dtype(self.dtype, "check_uniform_bounds")
        g = resolve(generator, "uniform_")
        return sampling.fill_(self, "uniform_", lambda n, _: streams.uniform(g, n, low, to, d))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with N(mean, std**2) samples."""
        from .random import resolve, sampling, streams

        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        d = sampling.float_dtype(self.dtype, "normal_kernel_cpu")
        g = resolve(generator, "normal_")
        return sampling.fill_(self, "normal_",
                              lambda n, contig: streams.normal(g, n, mean, std, d, contig))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Any:
        """Fill with 1 (probability ``p``, a float or a tensor broadcast to self) or 0."""
        from .random import resolve, sampling, streams
        from .tensor import Tensor

        g = resolve(generator, "bernoulli_")
        if isinstance(p, Tensor):
            probs = np.broadcast_to(p.array, self.array.shape)
            if probs.size and not bool(((probs >= 0) & (probs <= 1)).all()):
                raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false. "
                                   "(bernoulli: every probability must lie in [0, 1])")

            def draw(n: int, _: bool) -> np.ndarray:
                order = sampling.in_memory_order(np.arange(n), self.array).reshape(-1)
                flat = np.empty(n, dtype=bool)
                flat[order] = streams.bernoulli_tensor(g, probs.reshape(-1)[order])
                return flat
            return sampling.fill_(self, "bernoulli_", draw)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return sampling.fill_(self, "bernoulli_", lambda n, _: streams.bernoulli_scalar(g, n, p))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with Exp(lambd) samples (mean 1/lambd)."""
        from .random import resolve, sampling, streams

        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        d = sampling.float_dtype(self.dtype, "exponential_cpu")
        g = resolve(generator, "exponential_")
        return sampling.fill_(self, "exponential_",
                              lambda n, _: streams.exponential(g, n, lambd, d))

    def random_(self, *bounds: int, generator: Any = None, **kw: Any) -> Any:
        """Fill with integers: ``random_(to)`` on [0, to), ``random_(from, to)``, or with
        no bounds on [0, 2**mantissa] (floats) / [0, max] (integers), as torch."""
        from .random import resolve, sampling, streams

        g = resolve(generator, "random_")
        d = self.dtype
        low, to = (0, None) if not bounds else (0, bounds[0]) if len(bounds) == 1 else bounds
        low, to = kw.pop("from", low), kw.pop("to", to)
        if to is None and low == 0:
            return sampling.fill_(self, "random_",
                                  lambda n, _: streams.full_range_integers(g, n, d))
        if to is None:  # random_(from=x): up to the dtype's largest value
            to = int(np.iinfo(d).max) + 1 if d.kind in "iu" else 2 ** {2: 11, 4: 24, 8: 53}[d.itemsize] + 1
        if low >= to:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={to}"
            )
        return sampling.fill_(self, "random_",
                              lambda n, _: streams.integers(g, n, int(low), int(to), d))

    def bernoulli(self, p: float | None = None, *, generator: Any = None) -> Any:
        """``tg.bernoulli(self)``: 1 with probability given by each element."""
        from .random import sampling

        return sampling.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Any:
        """``tg.multinomial(self, num_samples, replacement)``."""
        from .random import sampling

        return sampling.multinomial(self, num_samples, replacement, generator=generator)
