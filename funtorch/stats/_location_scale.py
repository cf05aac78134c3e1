"""Location-scale families with closed-form functions: norm, expon, laplace, logistic,
cauchy, uniform, gumbel_r, gumbel_l.

Each function standardises ``z = (x - loc) / scale`` and evaluates the standard member; the
log-scale functions are written for their tails (``norm.logcdf`` is ``log_ndtr``, not
``log(ndtr)``), and a function that is only valid on part of the line reads its input
through ``inside`` so the unused branch puts no NaN in the gradient.
"""

from __future__ import annotations

import math

from funtorch import ops, special
from funtorch.stats._util import LOG_2PI, Distribution, inside, log1mexp, promote, standardize

_INF = math.inf
_LS = "loc, scale: location and scale (``scale > 0``)."
_EXAMPLE = {"x": "0.5", "loc": "0.0", "scale": "2.0"}


def _valid_q(q):
    return (q >= 0) & (q <= 1)


def _quantile(q, loc, scale, standard):
    """``loc + scale * standard(q)`` for ``q`` in [0, 1], NaN outside."""
    q, loc, scale = promote(q, loc, scale)
    valid = _valid_q(q)
    return ops.where(valid, loc + scale * standard(inside(valid, q, 0.5)), math.nan)


# norm -----------------------------------------------------------------------------------


def _norm_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    return -0.5 * z * z - ops.log(scale) - 0.5 * LOG_2PI


norm = Distribution("norm", "normal distribution", _LS, _EXAMPLE, dict(
    logpdf=_norm_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_norm_logpdf(x, loc, scale)),
    cdf=lambda x, loc=0, scale=1: special.ndtr(standardize(x, loc, scale)[0]),
    logcdf=lambda x, loc=0, scale=1: special.log_ndtr(standardize(x, loc, scale)[0]),
    sf=lambda x, loc=0, scale=1: special.ndtr(-standardize(x, loc, scale)[0]),
    logsf=lambda x, loc=0, scale=1: special.log_ndtr(-standardize(x, loc, scale)[0]),
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, special.ndtri),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: -special.ndtri(p)),
))


# expon ----------------------------------------------------------------------------------


def _expon_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    return ops.where(z >= 0, -z - ops.log(scale), -_INF)


def _expon_cdf(x, loc=0, scale=1):
    z, _ = standardize(x, loc, scale)
    return ops.where(z >= 0, -ops.expm1(-inside(z >= 0, z, 0.0)), 0.0)


def _expon_logcdf(x, loc=0, scale=1):
    z, _ = standardize(x, loc, scale)
    return ops.where(z > 0, log1mexp(inside(z > 0, z, 1.0)), -_INF)


def _expon_logsf(x, loc=0, scale=1):
    z, _ = standardize(x, loc, scale)
    return ops.where(z >= 0, -z, 0.0)


expon = Distribution("expon", "exponential distribution", _LS, _EXAMPLE, dict(
    logpdf=_expon_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_expon_logpdf(x, loc, scale)),
    cdf=_expon_cdf, logcdf=_expon_logcdf,
    sf=lambda x, loc=0, scale=1: ops.exp(_expon_logsf(x, loc, scale)),
    logsf=_expon_logsf,
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: -ops.log1p(-p)),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: -ops.log(p)),
))


# laplace --------------------------------------------------------------------------------


def _laplace_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    return -ops.abs(z) - ops.log(2.0 * scale)


def _laplace_tail(sign):
    def tail(x, loc=0, scale=1):  # the cdf (sign 1) or the sf (sign -1)
        z, _ = standardize(x, loc, scale)
        half_tail = 0.5 * ops.exp(-ops.abs(z))
        return ops.where(sign * z < 0, half_tail, 1.0 - half_tail)
    return tail


def _laplace_standard_ppf(q):
    return ops.where(q < 0.5, ops.log(2.0 * q), -ops.log(2.0 - 2.0 * q))


laplace = Distribution("laplace", "Laplace (double exponential) distribution", _LS, _EXAMPLE,
                       dict(
    logpdf=_laplace_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_laplace_logpdf(x, loc, scale)),
    cdf=_laplace_tail(1.0),
    sf=_laplace_tail(-1.0),
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, _laplace_standard_ppf),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale,
                                            lambda p: -_laplace_standard_ppf(p)),
))


# logistic -------------------------------------------------------------------------------


def _logistic_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    tail = -ops.abs(z)
    return tail - 2.0 * ops.log1p(ops.exp(tail)) - ops.log(scale)


def _logit(q):
    return ops.log(q) - ops.log1p(-q)


logistic = Distribution("logistic", "logistic distribution", _LS, _EXAMPLE, dict(
    logpdf=_logistic_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_logistic_logpdf(x, loc, scale)),
    cdf=lambda x, loc=0, scale=1: ops.sigmoid(standardize(x, loc, scale)[0]),
    sf=lambda x, loc=0, scale=1: ops.sigmoid(-standardize(x, loc, scale)[0]),
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, _logit),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: -_logit(p)),
))


# cauchy ---------------------------------------------------------------------------------


def _cauchy_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    return -math.log(math.pi) - ops.log(scale) - ops.log1p(z * z)


def _cauchy_cdf(x, loc=0, scale=1):
    # arctan2(1, -z) / pi is 1/2 + arctan(z) / pi without the cancellation as z -> -inf
    z, _ = standardize(x, loc, scale)
    return ops.arctan2(ops.ones_like(z), -z) / math.pi


def _cauchy_sf(x, loc=0, scale=1):
    z, _ = standardize(x, loc, scale)
    return ops.arctan2(ops.ones_like(z), z) / math.pi


def _cauchy_log_tail(sign):
    def log_tail(x, loc=0, scale=1):  # log cdf (sign 1) or log sf (sign -1)
        z, _ = standardize(x, loc, scale)
        ones = ops.ones_like(z)
        # log1p(-other tail) where this tail is near 1, so both ends keep full precision
        near = ops.arctan2(ones, -sign * z) / math.pi
        far = ops.arctan2(ones, sign * z) / math.pi
        return ops.where(sign * z < 0, ops.log(near), ops.log1p(-far))
    return log_tail


cauchy = Distribution("cauchy", "Cauchy distribution", _LS, _EXAMPLE, dict(
    logpdf=_cauchy_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_cauchy_logpdf(x, loc, scale)),
    cdf=_cauchy_cdf,
    logcdf=_cauchy_log_tail(1.0),
    sf=_cauchy_sf,
    logsf=_cauchy_log_tail(-1.0),
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale,
                                            lambda p: ops.tan(math.pi * (p - 0.5))),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale,
                                            lambda p: ops.tan(math.pi * (0.5 - p))),
))


# uniform --------------------------------------------------------------------------------


def _uniform_logpdf(x, loc=0, scale=1):
    z, scale = standardize(x, loc, scale)
    return ops.where((z >= 0) & (z <= 1), -ops.log(scale), -_INF)


uniform = Distribution("uniform", "uniform distribution on [loc, loc + scale]", _LS,
                       _EXAMPLE, dict(
    logpdf=_uniform_logpdf,
    pdf=lambda x, loc=0, scale=1: ops.exp(_uniform_logpdf(x, loc, scale)),
    cdf=lambda x, loc=0, scale=1: ops.clip(standardize(x, loc, scale)[0], 0.0, 1.0),
    sf=lambda x, loc=0, scale=1: ops.clip(1.0 - standardize(x, loc, scale)[0], 0.0, 1.0),
    ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: p),
    isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, lambda p: 1.0 - p),
))


# gumbel_r, gumbel_l ---------------------------------------------------------------------


def _gumbel(sign):
    """The right-skewed (``sign=1``) or left-skewed (``sign=-1``) Gumbel distribution: the
    left one is the right one at ``-z``, with the lower and upper tails swapped."""
    def logpdf(x, loc=0, scale=1):
        z, scale = standardize(x, loc, scale)
        return -sign * z - ops.exp(-sign * z) - ops.log(scale)

    def low(x, loc=0, scale=1):  # -log of the cdf (gumbel_r) or of the sf (gumbel_l)
        return ops.exp(-sign * standardize(x, loc, scale)[0])

    def log_far(x, loc=0, scale=1):  # log of the other tail, 1 - exp(-low)
        return log1mexp(low(x, loc, scale))

    def near_ppf(p):  # quantile where the tail exp(-low) equals p
        return -sign * ops.log(-ops.log(p))

    def far_ppf(p):  # quantile where 1 - exp(-low) equals p
        return -sign * ops.log(-ops.log1p(-p))
    tails = dict(
        cdf=lambda x, loc=0, scale=1: ops.exp(-low(x, loc, scale)),
        logcdf=lambda x, loc=0, scale=1: -low(x, loc, scale),
        sf=lambda x, loc=0, scale=1: -ops.expm1(-low(x, loc, scale)),
        logsf=log_far,
        ppf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, near_ppf),
        isf=lambda q, loc=0, scale=1: _quantile(q, loc, scale, far_ppf),
    )
    if sign < 0:
        swap = {"cdf": "sf", "sf": "cdf", "logcdf": "logsf", "logsf": "logcdf",
                "ppf": "isf", "isf": "ppf"}
        tails = {swap[name]: fun for name, fun in tails.items()}
    return dict(logpdf=logpdf, pdf=lambda x, loc=0, scale=1: ops.exp(logpdf(x, loc, scale)),
                **tails)


gumbel_r = Distribution("gumbel_r", "right-skewed Gumbel (maximum extreme value) distribution",
                        _LS, _EXAMPLE, _gumbel(1.0))
gumbel_l = Distribution("gumbel_l", "left-skewed Gumbel (minimum extreme value) distribution",
                        _LS, _EXAMPLE, _gumbel(-1.0))
