"""``tg.distributions``: torch.distributions' core families, on tensorgraph's ops.

``import tensorgraph as torch`` then ``from torch.distributions import Normal`` works;
seeded samples are torch's (each sampler draws the stream torch's implementation draws).
Not here yet (tensorgraph has no lgamma/digamma, gamma sampler or Cholesky op): Beta,
Gamma, Dirichlet. MultivariateNormal uses composite Cholesky /
triangular-solve loops (distributions/triangular.py) until tg.linalg has them.
"""

from . import constraints
from .continuous import Exponential, Laplace, Normal, Uniform
from .discrete import Bernoulli, Categorical, Multinomial, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal

__all__ = [
    "Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "Laplace",
    "Multinomial", "MultivariateNormal", "Normal", "OneHotCategorical", "Uniform", "constraints", "kl_divergence",
    "register_kl",
]

# torch's one-module-per-family import paths (``from torch.distributions.normal import
# Normal``, d2l's ``torch.distributions.multinomial``): each a module holding its class.
_FAMILY_MODULES = {
    "normal": "Normal", "uniform": "Uniform", "exponential": "Exponential",
    "laplace": "Laplace", "bernoulli": "Bernoulli", "categorical": "Categorical",
    "multinomial": "Multinomial", "one_hot_categorical": "OneHotCategorical",
    "independent": "Independent", "multivariate_normal": "MultivariateNormal",
}


def _register_family_modules() -> None:
    import sys
    import types

    for module_name, class_name in _FAMILY_MODULES.items():
        full = f"{__name__}.{module_name}"
        if full in sys.modules:
            continue
        module = types.ModuleType(full, f"torch.distributions.{module_name}")
        setattr(module, class_name, globals()[class_name])
        module.__all__ = [class_name]
        sys.modules[full] = module
        globals()[module_name] = module


_register_family_modules()
