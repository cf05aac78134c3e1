"""Discrete distributions: poisson, binom, nbinom, bernoulli, betabinom, geom.

``k`` is a float array (as in ``jax.scipy.stats``): a non-integer ``k`` or one outside the
support has probability 0 (``logpmf`` -inf). Every function takes SciPy's ``loc`` shift.
Gradients flow to the continuous parameters (``mu``, ``p``, ``n`` of nbinom, ``a``, ``b``).
"""

from __future__ import annotations

import functools
import math

from funtorch import ops, special
from funtorch.stats._util import Distribution, inside, is_integer, promote

_INF = math.inf


def _with_exp(logpmf):
    @functools.wraps(logpmf)
    def pmf(*args, **kwargs):
        return ops.exp(logpmf(*args, **kwargs))
    return pmf


def _masked(support, k, log_prob):
    """``log_prob(k)`` on the support (integer ``k`` where ``support`` holds), -inf off it;
    ``log_prob`` reads a harmless ``k`` off the support."""
    valid = support & is_integer(k)
    return ops.where(valid, log_prob(inside(valid, k, 0.0)), -_INF)


# poisson --------------------------------------------------------------------------------


def _poisson_logpmf(k, mu, loc=0):
    k, mu, loc = promote(k, mu, loc)
    k = k - loc
    return _masked(k >= 0, k,
                   lambda j: special.xlogy(j, mu) - special.gammaln(j + 1.0) - mu)


def _poisson_cdf(k, mu, loc=0):
    k, mu, loc = promote(k, mu, loc)
    k = ops.floor(k - loc)
    valid = k >= 0
    return ops.where(valid, special.gammaincc(inside(valid, k, 0.0) + 1.0, mu), 0.0)


_ENTROPY_TERMS = 500   # sum over k < 500: the mass beyond is < 1e-30 for mu <= 200
_ENTROPY_ASYMPTOTIC = 200.0


def _poisson_entropy(mu, loc=0):
    """Summed exactly for ``mu <= 200``; above, the asymptotic series
    ``log(2 pi e mu) / 2 - 1/(12 mu) - 1/(24 mu^2) - 19/(360 mu^3)`` (error below 1e-9)."""
    mu, _ = promote(mu, loc)
    positive = mu > 0
    small = mu <= _ENTROPY_ASYMPTOTIC
    mu_sum = ops.expand_dims(inside(positive & small, mu, 1.0), -1)
    k = ops.arange(_ENTROPY_TERMS, dtype=mu_sum.dtype)
    log_prob = special.xlogy(k, mu_sum) - special.gammaln(k + 1.0) - mu_sum
    summed = -ops.sum(ops.exp(log_prob) * log_prob, axis=-1)
    big = inside(small, _ENTROPY_ASYMPTOTIC, mu)
    asymptotic = (0.5 * ops.log(2.0 * math.pi * math.e * big) - 1.0 / (12.0 * big)
                  - 1.0 / (24.0 * big ** 2) - 19.0 / (360.0 * big ** 3))
    entropy = ops.where(small, summed, asymptotic)
    return ops.where(positive, entropy, ops.where(mu == 0, 0.0, math.nan))


poisson = Distribution("poisson", "Poisson distribution",
                       "mu: mean (``mu >= 0``); loc: shift of the support.",
                       {"k": "3.0", "x": "3.0", "mu": "2.5"}, dict(
                           logpmf=_poisson_logpmf, pmf=_with_exp(_poisson_logpmf),
                           cdf=_poisson_cdf, entropy=_poisson_entropy))


# binom, nbinom, betabinom -----------------------------------------------------------------


def _log_binomial_coefficient(n, k):
    return special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)


def _binom_logpmf(k, n, p, loc=0):
    k, n, p, loc = promote(k, n, p, loc)
    k = k - loc
    return _masked((k >= 0) & (k <= n), k, lambda j: _log_binomial_coefficient(n, j)
                   + special.xlogy(j, p) + special.xlog1py(n - j, -p))


binom = Distribution("binom", "binomial distribution",
                     "n: number of trials; p: success probability; loc: shift.",
                     {"k": "3.0", "x": "3.0", "n": "10.0", "p": "0.4"},
                     dict(logpmf=_binom_logpmf, pmf=_with_exp(_binom_logpmf)))


def _nbinom_logpmf(k, n, p, loc=0):
    k, n, p, loc = promote(k, n, p, loc)
    k = k - loc
    return _masked(k >= 0, k, lambda j: special.gammaln(n + j) - special.gammaln(j + 1.0)
                   - special.gammaln(n) + special.xlogy(n, p) + special.xlog1py(j, -p))


nbinom = Distribution("nbinom", "negative binomial distribution (failures before the n-th "
                      "success)", "n: number of successes (``n > 0``, real); p: success "
                      "probability; loc: shift.", {"k": "3.0", "x": "3.0", "n": "5.0", "p": "0.4"},
                      dict(logpmf=_nbinom_logpmf, pmf=_with_exp(_nbinom_logpmf)))


def _betabinom_logpmf(k, n, a, b, loc=0):
    k, n, a, b, loc = promote(k, n, a, b, loc)
    k = k - loc
    return _masked((k >= 0) & (k <= n), k, lambda j: _log_binomial_coefficient(n, j)
                   + special.betaln(j + a, n - j + b) - special.betaln(a, b))


betabinom = Distribution("betabinom", "beta-binomial distribution",
                         "n: number of trials; a, b: beta shapes (``a, b > 0``); loc: shift.",
                         {"k": "3.0", "x": "3.0", "n": "10.0", "a": "2.0", "b": "3.0"},
                         dict(logpmf=_betabinom_logpmf, pmf=_with_exp(_betabinom_logpmf)))


# bernoulli, geom --------------------------------------------------------------------------


def _bernoulli_logpmf(k, p, loc=0):
    k, p, loc = promote(k, p, loc)
    k = k - loc
    return _masked((k == 0) | (k == 1), k,
                   lambda j: special.xlogy(j, p) + special.xlog1py(1.0 - j, -p))


def _bernoulli_cdf(k, p, loc=0):
    k, p, loc = promote(k, p, loc)
    k = k - loc
    return ops.where(k < 0, 0.0, ops.where(k < 1, 1.0 - p, 1.0))


def _bernoulli_ppf(q, p):
    """The smallest ``k`` with ``cdf(k) >= q``; 0 at ``q = 0`` (JAX; SciPy gives -1 there)."""
    q, p = promote(q, p)
    bad = ops.isnan(q) | ops.isnan(p) | (p < 0) | (p > 1) | (q < 0) | (q > 1)
    return ops.where(bad, math.nan, ops.astype(q > 1.0 - p, q.dtype))


bernoulli = Distribution("bernoulli", "Bernoulli distribution",
                         "p: probability of 1; loc: shift.", {"k": "1.0", "x": "1.0", "p": "0.3"},
                         dict(logpmf=_bernoulli_logpmf, pmf=_with_exp(_bernoulli_logpmf),
                              cdf=_bernoulli_cdf, ppf=_bernoulli_ppf))


def _geom_logpmf(k, p, loc=0):
    k, p, loc = promote(k, p, loc)
    k = k - loc
    return _masked(k >= 1, k, lambda j: special.xlog1py(j - 1.0, -p) + ops.log(p))


geom = Distribution("geom", "geometric distribution (trials up to the first success)",
                    "p: success probability; loc: shift.", {"k": "3.0", "x": "3.0", "p": "0.3"},
                    dict(logpmf=_geom_logpmf, pmf=_with_exp(_geom_logpmf)))
