"""The truncated normal distribution, in log space throughout.

The mass ``Phi(b) - Phi(a)`` is computed in whichever tail keeps it accurate (left of 0 from
``log_ndtr(b)`` and ``log_ndtr(a)``, right of 0 mirrored, else ``1 - Phi(a) - Phi(-b)``), so
the density and distribution functions stay finite for truncation points far in a tail.
"""

from __future__ import annotations

import math

from funtorch import ops, special
from funtorch.stats._util import LOG_2PI, Distribution, inside, promote

_INF = math.inf


def _log_diff(log_x, log_y):
    """``log(x - y)`` from ``log x >= log y``."""
    return log_x + ops.log1p(-ops.exp(log_y - log_x))


def _log_mass(a, b):
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, accurate in both tails."""
    left = b <= 0
    right = a > 0
    central = ~(left | right)
    a_left, b_left = inside(left, a, -2.0), inside(left, b, -1.0)
    a_right, b_right = inside(right, a, 1.0), inside(right, b, 2.0)
    a_mid, b_mid = inside(central, a, -1.0), inside(central, b, 1.0)
    mass_left = _log_diff(special.log_ndtr(b_left), special.log_ndtr(a_left))
    mass_right = _log_diff(special.log_ndtr(-a_right), special.log_ndtr(-b_right))
    mass_mid = ops.log1p(-special.ndtr(a_mid) - special.ndtr(-b_mid))
    return ops.where(left, mass_left, ops.where(right, mass_right, mass_mid))


def _standard(x, a, b, loc, scale):
    x, a, b, loc, scale = promote(x, a, b, loc, scale)
    return (x - loc) / scale, a, b, scale


def _logpdf(x, a, b, loc=0, scale=1):
    z, a, b, scale = _standard(x, a, b, loc, scale)
    density = -0.5 * z * z - 0.5 * LOG_2PI - _log_mass(a, b) - ops.log(scale)
    return ops.where((z < a) | (z > b), -_INF, density)


def _log_tails(z, a, b):
    """``(log cdf, log sf)`` at ``z``, clipped into ``[a, b]``; where one is near 0 it is
    taken from the other (``log1p(-exp(other))``), which is then the accurate one."""
    inner = (z > a) & (z < b)
    z_in = inside(inner, z, 0.5 * (a + b))
    total = _log_mass(a, b)
    log_cdf = _log_mass(a, z_in) - total
    log_sf = _log_mass(z_in, b) - total
    log_cdf_from_sf = ops.log1p(-ops.exp(inside(log_cdf >= -0.1, log_sf, -1.0)))
    log_sf_from_cdf = ops.log1p(-ops.exp(inside(log_sf >= -0.1, log_cdf, -1.0)))
    log_cdf = ops.where(log_cdf >= -0.1, log_cdf_from_sf, log_cdf)
    log_sf = ops.where(log_sf >= -0.1, log_sf_from_cdf, log_sf)
    log_cdf = ops.where(z <= a, -_INF, ops.where(z >= b, 0.0, log_cdf))
    log_sf = ops.where(z <= a, 0.0, ops.where(z >= b, -_INF, log_sf))
    return log_cdf, log_sf


def _logcdf(x, a, b, loc=0, scale=1):
    z, a, b, _ = _standard(x, a, b, loc, scale)
    return _log_tails(z, a, b)[0]


def _logsf(x, a, b, loc=0, scale=1):
    z, a, b, _ = _standard(x, a, b, loc, scale)
    return _log_tails(z, a, b)[1]


truncnorm = Distribution(
    "truncnorm", "normal distribution truncated to [a, b]",
    "a, b: truncation points in standard units (``(clip - loc) / scale``); loc, scale: "
    "location and scale of the untruncated normal.",
    {"x": "0.5", "a": "-1.0", "b": "2.0"}, dict(
        logpdf=_logpdf,
        pdf=lambda x, a, b, loc=0, scale=1: ops.exp(_logpdf(x, a, b, loc, scale)),
        cdf=lambda x, a, b, loc=0, scale=1: ops.exp(_logcdf(x, a, b, loc, scale)),
        logcdf=_logcdf,
        sf=lambda x, a, b, loc=0, scale=1: ops.exp(_logsf(x, a, b, loc, scale)),
        logsf=_logsf))
