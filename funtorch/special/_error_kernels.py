"""Float64 kernels of the error-function family (erfc, erfcx, ndtri, erfinv, dawsn).

erfcx on |x| >= 1 uses the polynomials fitted for erf (``funtorch.ops.elementwise``,
relative error ~1e-15); below 1, ``exp(x^2) (1 - erf(x))`` from erf's Taylor series is
exact enough.
erfinv and ndtri evaluate Giles' polynomials in ``w = -log(1 - y^2)`` once per element:
within 4 ulp of the exact values (mpmath), as SciPy's (a Newton step on erf would not
improve that: erf's own rounding is as large). ndtri's tail beyond their range
(p < ~1e-17, down to the subnormals) takes Newton steps on ``log erfc``.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch.ops.erf_kernels import blocked, erfcx_above_one, horner_inplace
from funtorch.ops.prng import _ERF_INV_64
from funtorch.special._series import by_region

SQRT_PI = math.sqrt(math.pi)
SQRT_2 = math.sqrt(2.0)
SQRT_2PI = math.sqrt(2.0 * math.pi)
_ERF_TAYLOR = [(-1) ** n / (math.factorial(n) * (2 * n + 1)) * 2.0 / SQRT_PI
               for n in range(18)]


def erf_small(xp, x):
    """erf(x) for |x| <= 1 (Taylor series, relative error ~1e-16)."""
    x2 = x * x
    poly = xp.full(x.shape, _ERF_TAYLOR[-1])
    for c in reversed(_ERF_TAYLOR[:-1]):
        xp.multiply(poly, x2, out=poly)
        poly += c
    return xp.multiply(poly, x, out=poly)


def exp_minus_square(xp, x, half=False):
    """exp(-x^2) (or exp(-x^2 / 2)) without the rounding error of x * x (x = hi + lo with
    hi^2 exact)."""
    hi = xp.floor(x * 64.0) / 64.0
    lo = x - hi
    scale = 0.5 if half else 1.0
    return xp.exp(-scale * hi * hi) * xp.exp(-scale * lo * (x + hi))


def _erfcx_far(xp, x):
    far = xp.abs(x)
    big = erfcx_above_one(xp, far)
    with np.errstate(over="ignore"):
        return xp.where(x < 0, 2.0 * xp.exp(far * far) - big, big)


@blocked
def erfcx(xp, x):
    """Scaled complementary error function ``exp(x^2) erfc(x)``: ``exp(x^2) (1 - erf(x))``
    below |x| = 1, erf's fitted polynomials above (``erfcx(-x) = 2 exp(x^2) - erfcx(x)``)."""
    return by_region(xp, x, lambda v: xp.abs(v) < 1.0,
                     lambda v: xp.exp(v * v) * (1.0 - erf_small(xp, v)),
                     lambda v: _erfcx_far(xp, v))


def _erfc_from_scaled(xp, z, scaled):
    """erfc(z) = erfcx(z) exp(-z^2) for z >= 1 given ``scaled`` = erfcx(z); past 26.5
    exp(-z^2) alone is subnormal: erfcx is folded into the exponent."""
    tail = xp.where(z < 26.5, exp_minus_square(xp, xp.minimum(z, 26.5)) * scaled,
                    xp.exp(xp.log(scaled) - z * z))
    return xp.where(xp.isinf(z), 0.0, tail)


def _erfc_far(xp, x):
    far = xp.abs(x)
    tail = _erfc_from_scaled(xp, far, erfcx_above_one(xp, far))
    return xp.where(x > 0, tail, 2.0 - tail)


@blocked
def erfc(xp, x):
    """Complementary error function with full relative accuracy in the right tail."""
    return by_region(xp, x, lambda v: xp.abs(v) < 1.0, lambda v: 1.0 - erf_small(xp, v),
                     lambda v: _erfc_far(xp, v))


def _ndtr_left(xp, x):
    """ndtr(x) for x < 0 as ``erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2``."""
    scaled = erfcx(xp, -x / SQRT_2)
    return xp.where(x > -37.5, 0.5 * scaled * exp_minus_square(xp, -xp.maximum(x, -37.5), True),
                    0.5 * xp.exp(xp.log(scaled) - 0.5 * x * x))


@blocked
def ndtr(xp, x):
    """Standard normal CDF ``erfc(-x / sqrt(2)) / 2``; in the left tail as
    ``erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2`` with the exponent formed from x itself (the
    rounding of x / sqrt 2 would cost ~x^2 ulp there)."""
    return by_region(xp, x, lambda v: v < -1.0, lambda v: _ndtr_left(xp, v),
                     lambda v: 0.5 * erfc(xp, -v / SQRT_2))


@blocked
def log_ndtr(xp, x):
    """log of the normal CDF: via erfcx on the left (no underflow), log1p on the right."""
    def left(v):
        out = xp.log(0.5 * erfcx(xp, -v / SQRT_2)) - 0.5 * v * v
        return xp.where(v == -xp.inf, -xp.inf, out)
    return by_region(xp, x, lambda v: v < -1.0, left, lambda v: xp.log1p(-ndtr(xp, -v)))


# erfinv(a) = a P(w) with w = -log((1 - a)(1 + a)): Giles' three polynomials (the table
# the random normals use), valid for w < 36.2, i.e. down to 1 - a ~ 4e-17. Absolute errors
# of w cost little (|P'| / P < 0.3), so w is formed from q = 1 - a in one log for every a.
_GILES_W_MAX = 36.0
_SQRT_PI_HALF = SQRT_PI / 2.0


def _giles(xp, w):
    """P(w) = erfinv(a) / a for 0 <= w <= _GILES_W_MAX. Each branch runs on the elements at
    or past its lower limit and the next one overwrites those past its own: the central
    polynomial, which most elements need, is never gathered or scattered."""
    out, idx, part = None, None, w
    for level, (limit, shift, coefs) in enumerate(_ERF_INV_64):
        t = part - shift if level == 0 else xp.sqrt(part) - shift
        values = horner_inplace(xp, coefs, t)
        if out is None:
            out = values
        else:
            out[idx] = values
        further = xp.flatnonzero(part >= limit) if limit is not None else ()
        if not len(further):
            return out
        idx = further if idx is None else idx[further]
        part = part[further]
    return out


def _erfcinv_deep(xp, q):
    """erfcinv(q) for tiny q (w past Giles' range, ndtri below ~1e-17): an asymptotic start
    ``z^2 = L - log(sqrt(pi) z)`` (L = -log q), then Newton on ``log erfc(z) = log q`` with
    ``log erfc = log erfcx - z^2`` (quadratic: three steps from ~1e-3 reach rounding)."""
    minus_log_q = -xp.log(q)
    z = xp.sqrt(minus_log_q)
    for _ in range(2):
        z = xp.sqrt(minus_log_q - xp.log(SQRT_PI * z))
    for _ in range(3):
        scaled = erfcx_above_one(xp, z)
        z = z + (xp.log(scaled) - z * z + minus_log_q) * _SQRT_PI_HALF * scaled
    return z


def _erfcinv(xp, q, a):
    """erfinv(a) = erfcinv(q) for 0 < q = 1 - a <= 1 (q exact where it is small, a exact
    where it is small); 1-D float64 arrays."""
    w = q * (2.0 - q)
    xp.log(w, out=w)
    xp.negative(w, out=w)
    deep = w > _GILES_W_MAX
    if not deep.any():
        return _giles(xp, w) * a
    out = xp.empty_like(w)
    idx = xp.flatnonzero(~deep)
    out[idx] = _giles(xp, w[idx]) * a[idx]
    idx = xp.flatnonzero(deep)
    out[idx] = _erfcinv_deep(xp, q[idx])
    return out


def _fill_edges(xp, out, x, low, high, sign):
    """+-inf where x is an end of [low, high], nan outside it (and at nan)."""
    out[x == low] = -sign * xp.inf
    out[x == high] = xp.inf
    out[~((x >= low) & (x <= high))] = xp.nan
    return out


@blocked
def ndtri(xp, p):
    """Inverse of the standard normal CDF: ``-sqrt(2) erfcinv(2 p)``, mirrored above 1/2
    (``1 - p`` is exact there); full relative accuracy in both tails."""
    p = xp.asarray(p, dtype=xp.float64)
    shape, flat = p.shape, p.reshape(-1)
    q = xp.minimum(flat, 1.0 - flat)
    q *= 2.0
    q = xp.where((q > 0) & (q <= 1), q, 1.0)
    out = _erfcinv(xp, q, 1.0 - q)
    out *= SQRT_2
    xp.copysign(out, flat - 0.5, out=out)
    return _fill_edges(xp, out, flat, 0.0, 1.0, 1.0).reshape(shape)


@blocked
def erfinv(xp, y):
    """Inverse error function: Giles' polynomials in ``w = -log(1 - y^2)`` (within a few
    ulp of SciPy in float64)."""
    y = xp.asarray(y, dtype=xp.float64)
    shape, flat = y.shape, y.reshape(-1)
    a = xp.abs(flat)
    a = xp.where(a < 1, a, 0.0)
    out = _erfcinv(xp, 1.0 - a, a)
    xp.copysign(out, flat, out=out)
    return _fill_edges(xp, out, flat, -1.0, 1.0, 1.0).reshape(shape)


@blocked
def dawsn(xp, x):
    """Dawson's integral: Taylor series below 0.2, Rybicki's sum (h = 0.2) above, and the
    asymptotic series past 1e4 (where the sum would need huge n)."""
    ax = xp.abs(x)
    small = ax < 0.2
    xs = xp.where(small, x, 0.0)
    x2 = xs * xs
    term, series = xs, xs
    for n in range(1, 12):
        term = term * (-2.0 * x2) / (2 * n + 1)
        series = series + term
    mid_range = ~small & (ax < 1e4)
    xm = xp.where(mid_range, ax, 1.0)
    n0 = 2.0 * xp.round(xm / 0.4)
    frac = xm - n0 * 0.2
    total = xp.zeros(x.shape)
    for k in range(-17, 17):
        n = 2 * k + 1
        total = total + xp.exp(-(frac - n * 0.2) ** 2) / (n0 + n)
    xl = xp.where(ax >= 1e4, ax, 1e4)
    inv2 = 1.0 / (xl * xl)
    asym = 0.5 / xl * (1.0 + inv2 * (0.5 + inv2 * (0.75 + inv2 * 1.875)))
    far = xp.where(mid_range, total / SQRT_PI, asym)
    return xp.where(small, series, xp.copysign(far, x))
