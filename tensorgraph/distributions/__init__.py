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
