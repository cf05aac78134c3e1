"""Continuous distributions with shape parameters: pareto, t, gennorm, gamma, chi2, beta,
vonmises, wrapcauchy (all with SciPy's ``loc``/``scale`` where SciPy has them).

Densities are written in log space from ``ft.special`` (``gammaln``, ``xlogy``, ``betaln``);
distribution functions use the regularised incomplete gamma and beta functions.
"""

from __future__ import annotations

import functools
import math

from funtorch import ops, special
from funtorch.stats._util import LOG_2PI, Distribution, inside, log1mexp, promote

_INF = math.inf


def _with_exp(logpdf):
    @functools.wraps(logpdf)
    def pdf(*args, **kwargs):
        return ops.exp(logpdf(*args, **kwargs))
    return pdf


def _with_log(fun):
    @functools.wraps(fun)
    def log_fun(*args, **kwargs):
        return ops.log(fun(*args, **kwargs))
    return log_fun


def _standard(x, loc, scale, *shape):
    """``z = (x - loc) / scale``, the promoted shape parameters and ``log(scale)``."""
    x, loc, scale, *shape = promote(x, loc, scale, *shape)
    return ((x - loc) / scale, *shape, ops.log(scale))


# pareto ---------------------------------------------------------------------------------


def _pareto_logpdf(x, b, loc=0, scale=1):
    z, b, log_scale = _standard(x, loc, scale, b)
    valid = z >= 1
    return ops.where(valid, ops.log(b) - log_scale - (b + 1) * ops.log(inside(valid, z, 1.0)),
                     -_INF)


def _pareto_logsf(x, b, loc=0, scale=1):
    z, b, _ = _standard(x, loc, scale, b)
    return ops.where(z >= 1, -b * ops.log(inside(z >= 1, z, 1.0)), 0.0)


def _pareto_logcdf(x, b, loc=0, scale=1):
    z, b, _ = _standard(x, loc, scale, b)
    return ops.where(z > 1, log1mexp(b * ops.log(inside(z > 1, z, 2.0))), -_INF)


def _pareto_ppf(q, b, loc=0, scale=1):
    q, b, loc, scale = promote(q, b, loc, scale)
    valid = (q >= 0) & (q <= 1)
    return ops.where(valid, loc + scale * ops.exp(-ops.log1p(-inside(valid, q, 0.5)) / b),
                     math.nan)


pareto = Distribution(
    "pareto", "Pareto distribution", "b: shape (``b > 0``); loc, scale: location and scale.",
    {"x": "2.0", "b": "3.0"}, dict(
        logpdf=_pareto_logpdf, pdf=_with_exp(_pareto_logpdf),
        cdf=lambda x, b, loc=0, scale=1: -ops.expm1(_pareto_logsf(x, b, loc, scale)),
        logcdf=_pareto_logcdf,
        sf=lambda x, b, loc=0, scale=1: ops.exp(_pareto_logsf(x, b, loc, scale)),
        logsf=_pareto_logsf, ppf=_pareto_ppf))


# t --------------------------------------------------------------------------------------


def _t_logpdf(x, df, loc=0, scale=1):
    z, df, log_scale = _standard(x, loc, scale, df)
    half = 0.5 * (df + 1)
    return (special.gammaln(half) - special.gammaln(0.5 * df) - 0.5 * ops.log(df * math.pi)
            - log_scale - half * ops.log1p(z * z / df))


t = Distribution("t", "Student's t distribution",
                 "df: degrees of freedom (``df > 0``); loc, scale: location and scale.",
                 {"x": "0.5", "df": "3.0"}, dict(logpdf=_t_logpdf, pdf=_with_exp(_t_logpdf)))


# gennorm --------------------------------------------------------------------------------


def _gennorm_logpdf(x, beta, loc=0, scale=1):
    z, beta, log_scale = _standard(x, loc, scale, beta)
    return (ops.log(0.5 * beta) - special.gammaln(1.0 / beta) - log_scale
            - ops.power(ops.abs(z), beta))


def _gennorm_tail(sign):
    def tail(x, beta, loc=0, scale=1):  # the cdf (sign 1) or the sf (sign -1)
        z, beta, _ = _standard(x, loc, scale, beta)
        half_tail = 0.5 * special.gammaincc(1.0 / beta, ops.power(ops.abs(z), beta))
        return ops.where(sign * z < 0, half_tail, 1.0 - half_tail)
    return tail


gennorm = Distribution(
    "gennorm", "generalized normal distribution",
    "beta: shape (``beta > 0``; 2 is normal, 1 Laplace); loc, scale: location and scale.",
    {"x": "0.5", "beta": "1.5"},
    dict(logpdf=_gennorm_logpdf, pdf=_with_exp(_gennorm_logpdf), cdf=_gennorm_tail(1.0),
         sf=_gennorm_tail(-1.0)))


# gamma, chi2 ----------------------------------------------------------------------------


def _gamma_logpdf(x, a, loc=0, scale=1):
    z, a, log_scale = _standard(x, loc, scale, a)
    valid = z >= 0
    density = special.xlogy(a - 1.0, inside(valid, z, 1.0)) - z - special.gammaln(a)
    return ops.where(valid, density - log_scale, -_INF)


def _gamma_cdf(x, a, loc=0, scale=1):
    z, a, _ = _standard(x, loc, scale, a)
    return special.gammainc(a, ops.maximum(z, 0.0))


def _gamma_sf(x, a, loc=0, scale=1):
    z, a, _ = _standard(x, loc, scale, a)
    return special.gammaincc(a, ops.maximum(z, 0.0))


gamma = Distribution(
    "gamma", "gamma distribution", "a: shape (``a > 0``); loc, scale: location and scale.",
    {"x": "1.5", "a": "2.0"}, dict(
        logpdf=_gamma_logpdf, pdf=_with_exp(_gamma_logpdf), cdf=_gamma_cdf,
        logcdf=_with_log(_gamma_cdf), sf=_gamma_sf, logsf=_with_log(_gamma_sf)))


def _chi2_as_gamma(fun):
    """chi2(df) is gamma(a=df/2, scale=2)."""
    def chi2_fun(x, df, loc=0, scale=1):
        x, df, loc, scale = promote(x, df, loc, scale)
        return fun(x, 0.5 * df, loc, 2.0 * scale)
    return chi2_fun


chi2 = Distribution(
    "chi2", "chi-squared distribution",
    "df: degrees of freedom (``df > 0``); loc, scale: location and scale.",
    {"x": "1.5", "df": "3.0"}, {name: _chi2_as_gamma(getattr(gamma, name)) for name in (
        "logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")})


# beta -----------------------------------------------------------------------------------


def _beta_logpdf(x, a, b, loc=0, scale=1):
    z, a, b, log_scale = _standard(x, loc, scale, a, b)
    valid = (z >= 0) & (z <= 1)
    z = inside(valid, z, 0.5)
    density = special.xlogy(a - 1.0, z) + special.xlog1py(b - 1.0, -z) - special.betaln(a, b)
    return ops.where(valid, density - log_scale, -_INF)


def _beta_cdf(x, a, b, loc=0, scale=1):
    z, a, b, _ = _standard(x, loc, scale, a, b)
    return special.betainc(a, b, ops.clip(z, 0.0, 1.0))


def _beta_sf(x, a, b, loc=0, scale=1):
    z, a, b, _ = _standard(x, loc, scale, a, b)
    return special.betainc(b, a, ops.clip(1.0 - z, 0.0, 1.0))


beta = Distribution(
    "beta", "beta distribution",
    "a, b: shapes (``a, b > 0``); loc, scale: location and scale.",
    {"x": "0.3", "a": "2.0", "b": "3.0"}, dict(
        logpdf=_beta_logpdf, pdf=_with_exp(_beta_logpdf), cdf=_beta_cdf,
        logcdf=_with_log(_beta_cdf), sf=_beta_sf, logsf=_with_log(_beta_sf)))


# vonmises, wrapcauchy -------------------------------------------------------------------


def _vonmises_logpdf(x, kappa):
    """NaN for ``kappa <= 0``; periodic in ``x``, as ``jax.scipy.stats.vonmises``."""
    x, kappa = promote(x, kappa)
    valid = kappa > 0
    kappa_in = inside(valid, kappa, 1.0)
    density = kappa_in * (ops.cos(x) - 1.0) - LOG_2PI - ops.log(special.i0e(kappa_in))
    return ops.where(valid, density, math.nan)


vonmises = Distribution("vonmises", "von Mises (circular normal) distribution",
                        "kappa: concentration (``kappa > 0``).", {"x": "0.5", "kappa": "2.0"},
                        dict(logpdf=_vonmises_logpdf, pdf=_with_exp(_vonmises_logpdf)))


def _wrapcauchy_logpdf(x, c):
    """Supported on ``[0, 2 pi]``; NaN unless ``0 < c < 1``."""
    x, c = promote(x, c)
    valid_c = (c > 0) & (c < 1)
    c = inside(valid_c, c, 0.5)
    density = ops.log1p(-c * c) - LOG_2PI - ops.log1p(c * c - 2.0 * c * ops.cos(x))
    in_support = (x >= 0) & (x <= 2.0 * math.pi)
    return ops.where(valid_c, ops.where(in_support, density, -_INF), math.nan)


wrapcauchy = Distribution("wrapcauchy", "wrapped Cauchy distribution",
                          "c: shape (``0 < c < 1``).", {"x": "0.5", "c": "0.3"},
                          dict(logpdf=_wrapcauchy_logpdf, pdf=_with_exp(_wrapcauchy_logpdf)))
