"""Float64 kernels of the regularized incomplete gamma and beta functions.

Series where they converge fast, continued fractions (modified Lentz, vectorised with a
convergence mask) elsewhere. The prefactors ``x^a e^-x / Gamma(a)`` and
``x^a (1-x)^b / B(a, b)`` go through Stirling's form with ``log1p(t) - t`` for large
parameters, where the direct logs would cancel to ~1e-11 (a ~ 1e4).
"""

from __future__ import annotations

import math

from funtorch.special import _series as S

_EPS = 1e-16
MAX_ITER = 3000


def log1pmx(xp, x, x0):
    """log(x / x0) - (x - x0) / x0, accurate near x = x0 (atanh series of
    u = t / (2 + t), t = x / x0 - 1) and far from it (x / x0 formed directly)."""
    t = (x - x0) / x0
    small = xp.abs(t) < 0.5
    ts = xp.where(small, t, 0.0)
    u = ts / (2.0 + ts)
    u2 = u * u
    total = xp.zeros(t.shape)
    power = u * u2
    for k in range(1, 20):
        total = total + power / (2 * k + 1)
        power = power * u2
    series = -2.0 * u2 / (1.0 - u) + 2.0 * total
    ratio = xp.where(small, 1.0, x / x0)
    return xp.where(small, series, xp.log(ratio) - xp.where(small, 0.0, t))


def gamma_prefactor(xp, a, x):
    """x^a e^-x / Gamma(a + 1) for a > 0, x >= 0."""
    big = a >= 10.0
    ab = xp.where(big, a, 10.0)
    stirling = xp.exp(ab * log1pmx(xp, x, ab) - S.stirling_correction(xp, ab))
    stirling = stirling * xp.sqrt(ab / (2.0 * math.pi)) / ab
    direct = xp.exp(a * xp.log(x) - x - S.lgamma(xp, a + 1.0))
    return xp.where(big, stirling, direct)


def _gamma_series(xp, a, x):
    """P(a, x) by its power series (x < a + 1)."""
    term = xp.ones(a.shape)
    total = xp.ones(a.shape)
    ap = a.copy()
    active = xp.ones(a.shape, dtype=bool)
    for _ in range(MAX_ITER):
        ap = ap + 1.0
        term = xp.where(active, term * x / ap, 0.0)
        total = total + term
        active = active & (xp.abs(term) > _EPS * xp.abs(total))
        if not active.any():
            break
    return total * gamma_prefactor(xp, a, x)


def _gamma_fraction(xp, a, x):
    """Q(a, x) by Legendre's continued fraction (x >= a + 1)."""
    b0 = x + 1.0 - a
    frac = S.lentz(xp, b0, lambda n: (-n * (n - a), b0 + 2.0 * n), a.shape)
    return gamma_prefactor(xp, a, x) * a / frac


def gammainc_pair(xp, a, x):
    """(P(a, x), Q(a, x)), each computed directly where it is the smaller one."""
    a, x = xp.broadcast_arrays(a, x)
    valid = (a >= 0) & (x >= 0) & ~((a == 0) & (x == 0))
    use_series = x < a + 1.0
    ok = valid & (a > 0) & (x > 0) & xp.isfinite(x)
    asafe, xsafe = xp.where(ok, a, 1.0), xp.where(ok, x, 1.0)
    series = _gamma_series(xp, asafe, xp.where(use_series, xsafe, 0.5))
    fraction = _gamma_fraction(xp, xp.where(use_series, 1.0, asafe),
                               xp.where(use_series, 3.0, xsafe))
    p = xp.where(use_series, series, 1.0 - fraction)
    q = xp.where(use_series, 1.0 - series, fraction)
    one = (a == 0) | (x == xp.inf)  # P = 1
    zero = (x == 0)
    p = xp.where(one, 1.0, xp.where(zero, 0.0, p))
    q = xp.where(one, 0.0, xp.where(zero, 1.0, q))
    nan = ~valid | xp.isnan(a) | xp.isnan(x)
    return xp.where(nan, xp.nan, p), xp.where(nan, xp.nan, q)


def _log_minus_digamma(xp, a):
    """log(a) - psi(a) for a > 0, from the asymptotic series where they would cancel."""
    big = a >= 10.0
    ab = xp.where(big, a, 10.0)
    inv2 = 1.0 / (ab * ab)
    poly = xp.full(a.shape, S.DIGAMMA_ASYMPTOTIC[-1])
    for c in reversed(S.DIGAMMA_ASYMPTOTIC[:-1]):
        poly = poly * inv2 + c
    small = xp.where(big, 1.0, a)
    return xp.where(big, 0.5 / ab + poly * inv2, xp.log(small) - S.digamma(xp, small))


def _gamma_series_grad_a(xp, a, x):
    """dP/da on the series branch: the series and its a-derivative summed together."""
    term, dterm = xp.ones(a.shape), xp.zeros(a.shape)
    total, dtotal = xp.ones(a.shape), xp.zeros(a.shape)
    log_d = xp.log(x / a) + _log_minus_digamma(xp, a) - 1.0 / a  # log x - psi(a + 1)
    active = xp.ones(a.shape, dtype=bool)
    for k in range(1, MAX_ITER):
        ratio = x / (a + k)
        dterm = xp.where(active, ratio * (dterm - term / (a + k)), 0.0)
        term = xp.where(active, term * ratio, 0.0)
        total, dtotal = total + term, dtotal + dterm
        scale = xp.abs(dtotal) + xp.abs(log_d * total)
        active = active & ((xp.abs(term) > _EPS * total) | (xp.abs(dterm) > _EPS * scale))
        if not active.any():
            break
    return gamma_prefactor(xp, a, x) * (log_d * total + dtotal)


def _gamma_fraction_grad_a(xp, a, x):
    """dP/da = -dQ/da on the fraction branch: Lentz's recurrences with their a-derivatives;
    ``dlog`` accumulates d(log f)/da of the fraction f."""
    b0 = x + 1.0 - a
    f = b0
    c, dc = b0, -xp.ones(a.shape)
    d, dd = xp.zeros(a.shape), xp.zeros(a.shape)
    dlog = -1.0 / b0
    active = xp.ones(a.shape, dtype=bool)
    for n in range(1, MAX_ITER):
        an, bn = -n * (n - a), b0 + 2.0 * n
        den = bn + an * d
        dden = -1.0 + n * d + an * dd
        d, dd = 1.0 / den, -dden / (den * den)
        dc = -1.0 + n / c - an * dc / (c * c)
        c = bn + an / c
        delta, ddelta = c * d, dc * d + c * dd
        step = xp.where(active, ddelta / delta, 0.0)
        f = xp.where(active, f * delta, f)
        dlog = dlog + step
        active = active & ((xp.abs(delta - 1.0) > _EPS) | (xp.abs(step) > _EPS * xp.abs(dlog)))
        if not active.any():
            break
    q = gamma_prefactor(xp, a, x) * a / f
    return -q * (xp.log(x / a) + _log_minus_digamma(xp, a) - dlog)


def gammainc_grad_a(xp, a, x):
    """d/da of the regularized lower incomplete gamma P(a, x) (dQ/da is its negative)."""
    a, x = xp.broadcast_arrays(a, x)
    ok = (a > 0) & (x > 0) & xp.isfinite(x)
    use_series = x < a + 1.0
    asafe, xsafe = xp.where(ok, a, 1.0), xp.where(ok, x, 1.0)
    series = _gamma_series_grad_a(xp, asafe, xp.where(use_series, xsafe, 0.5))
    fraction = _gamma_fraction_grad_a(xp, xp.where(use_series, 1.0, asafe),
                                      xp.where(use_series, 3.0, xsafe))
    out = xp.where(use_series, series, fraction)
    out = xp.where((x == 0) | (x == xp.inf), 0.0, out)
    return xp.where(ok | (x == 0) | (x == xp.inf), out, xp.nan)


def beta_prefactor(xp, a, b, x):
    """x^a (1 - x)^b / B(a, b) for a, b > 0 and 0 < x < 1."""
    big = (a >= 10.0) & (b >= 10.0)
    ab, bb = xp.where(big, a, 10.0), xp.where(big, b, 10.0)
    total = ab + bb
    x0 = ab / total
    # a log(x / x0) + b log((1 - x) / (1 - x0)); the first-order terms cancel exactly
    expo = ab * log1pmx(xp, x, x0) + bb * log1pmx(xp, 1.0 - x, 1.0 - x0)
    corr = (S.stirling_correction(xp, total) - S.stirling_correction(xp, ab)
            - S.stirling_correction(xp, bb))
    stirling = xp.exp(expo + corr) * xp.sqrt(ab * bb / (2.0 * math.pi * total))
    direct = xp.exp(a * xp.log(x) + b * xp.log1p(-x) - betaln(xp, a, b))
    return xp.where(big, stirling, direct)


def _beta_fraction(xp, a, b, x):
    """I_x(a, b) by the continued fraction of Numerical Recipes' betacf (x below the mean)."""
    def coefficients(n):
        m = n // 2
        if n % 2 == 0:
            an = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        else:
            an = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        return an, xp.ones(a.shape)
    frac = S.lentz(xp, xp.ones(a.shape), coefficients, a.shape)
    return beta_prefactor(xp, a, b, x) / (a * frac)


def betainc(xp, a, b, x):
    """Regularized incomplete beta function I_x(a, b)."""
    a, b, x = xp.broadcast_arrays(a, b, x)
    ok = (a > 0) & (b > 0) & (x > 0) & (x < 1)
    flip = x * (a + b + 2.0) > a + 1.0
    aa = xp.where(ok, xp.where(flip, b, a), 1.0)
    bb = xp.where(ok, xp.where(flip, a, b), 1.0)
    xx = xp.where(ok, xp.where(flip, 1.0 - x, x), 0.5)
    value = _beta_fraction(xp, aa, bb, xx)
    out = xp.where(flip, 1.0 - value, value)
    out = xp.where(x == 0, 0.0, xp.where(x == 1, 1.0, out))
    out = xp.where((a == 0) & (b > 0), 1.0, xp.where((b == 0) & (a > 0), 0.0, out))
    bad = (a < 0) | (b < 0) | ((a == 0) & (b == 0)) | (x < 0) | (x > 1)
    return xp.where(bad | xp.isnan(a) | xp.isnan(b) | xp.isnan(x), xp.nan, out)


def betaln(xp, a, b):
    """log|B(a, b)|, via Stirling differences when a parameter is large (no cancellation)."""
    a, b = xp.broadcast_arrays(a, b)
    big, small = xp.maximum(a, b), xp.minimum(a, b)
    direct = S.lgamma(xp, a) + S.lgamma(xp, b) - S.lgamma(xp, a + b)
    use_big = (big >= 10.0) & (small > 0)
    bg, sm = xp.where(use_big, big, 10.0), xp.where(use_big, small, 1.0)
    total = bg + sm
    corr_big = S.stirling_correction(xp, bg) - S.stirling_correction(xp, total)
    # lgamma(big) - lgamma(big + small) by Stirling, with log1p(small / big)
    ratio = -sm * xp.log(bg) - (total - 0.5) * xp.log1p(sm / bg) + sm + corr_big
    both = small >= 10.0
    ss = xp.where(both & use_big, sm, 10.0)
    both_big = (0.5 * S.LOG_2PI - 0.5 * xp.log(total) + (ss - 0.5) * xp.log(ss / total)
                + (bg - 0.5) * xp.log1p(-ss / total) + S.stirling_correction(xp, ss)
                + corr_big)
    mixed = S.lgamma(xp, sm) + ratio
    return xp.where(use_big, xp.where(both, both_big, mixed), direct)
