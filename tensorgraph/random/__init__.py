"""Random numbers as PyTorch's CPU generator draws them.

``tg.manual_seed(s)`` followed by any sampler, init or dropout gives the numbers
``torch.manual_seed(s)`` gives (see the README's "Random numbers" section for what is
bit-identical). Modules: ``generator`` (the mt19937 Generator and its state),
``streams`` (torch's distributions on raw words), ``floatmath`` (the fused and
vectorised float math they need), ``sampling`` (the user-facing functions).
"""

from .generator import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    resolve,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator", "default_generator", "get_rng_state", "initial_seed", "manual_seed",
    "resolve", "seed", "set_rng_state",
]
