"""Probability distributions, as ``scipy.stats`` and ``jax.scipy.stats`` spell them.

Each distribution is a namespace of functions (``ft.stats.norm.logpdf(x, loc=0, scale=1)``)
with SciPy's signatures and NumPy broadcasting, differentiable in ``x`` and in the float
parameters. The log-scale functions are computed in log space (``norm.logcdf`` is
``ft.special.log_ndtr``), so they stay finite far into the tails.
"""

from funtorch.stats._discrete import bernoulli, betabinom, binom, geom, nbinom, poisson
from funtorch.stats._location_scale import (
    cauchy, expon, gumbel_l, gumbel_r, laplace, logistic, norm, uniform,
)
from funtorch.stats._multivariate import dirichlet, multinomial, multivariate_normal
from funtorch.stats._shaped import beta, chi2, gamma, gennorm, pareto, t, vonmises, wrapcauchy
from funtorch.stats._truncnorm import truncnorm

__all__ = [
    "bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma",
    "gennorm", "geom", "gumbel_l", "gumbel_r", "laplace", "logistic", "multinomial",
    "multivariate_normal", "nbinom", "norm", "pareto", "poisson", "t", "truncnorm", "uniform",
    "vonmises", "wrapcauchy",
]
