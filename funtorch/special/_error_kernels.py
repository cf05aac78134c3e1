"""Float64 kernels of the error-function family (erfc, erfcx, ndtri, erfinv, dawsn).

erfcx on |x| >= 1 uses the polynomials fitted for erf (``funtorch.ops.elementwise``,
relative error ~1e-15); below 1, ``exp(x^2) (1 - erf(x))`` from erf's Taylor series is
exact enough.
ndtri starts from Acklam's rational approximation (~1e-9) and takes Halley steps on the
accurate ndtr; erfinv likewise on erf / erfc.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch.ops.erf_kernels import erfcx_above_one
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


def erfcx(xp, x):
    """Scaled complementary error function ``exp(x^2) erfc(x)``: ``exp(x^2) (1 - erf(x))``
    below |x| = 1, erf's fitted polynomials above (``erfcx(-x) = 2 exp(x^2) - erfcx(x)``)."""
    return by_region(xp, x, lambda v: xp.abs(v) < 1.0,
                     lambda v: xp.exp(v * v) * (1.0 - erf_small(xp, v)),
                     lambda v: _erfcx_far(xp, v))


def _erfc_from_scaled(xp, z, scaled):
    """erfc(z) = erfcx(z) exp(-z^2) for z > 0 given ``scaled`` = erfcx(z); past 26.5
    exp(-z^2) alone is subnormal: erfcx is folded into the exponent."""
    tail = xp.where(z < 26.5, exp_minus_square(xp, xp.minimum(z, 26.5)) * scaled,
                    xp.exp(xp.log(scaled) - z * z))
    return xp.where(xp.isinf(z), 0.0, tail)


def _erfc_far(xp, x):
    far = xp.abs(x)
    tail = _erfc_from_scaled(xp, far, erfcx_above_one(xp, far))
    return xp.where(x > 0, tail, 2.0 - tail)


def erfc(xp, x):
    """Complementary error function with full relative accuracy in the right tail."""
    return by_region(xp, x, lambda v: xp.abs(v) < 1.0, lambda v: 1.0 - erf_small(xp, v),
                     lambda v: _erfc_far(xp, v))


def _ndtr_left(xp, x, scaled=None):
    """ndtr(x) for x < 0 from ``scaled`` = erfcx(-x / sqrt 2) (computed when not given)."""
    scaled = erfcx(xp, -x / SQRT_2) if scaled is None else scaled
    return xp.where(x > -37.5, 0.5 * scaled * exp_minus_square(xp, -xp.maximum(x, -37.5), True),
                    0.5 * xp.exp(xp.log(scaled) - 0.5 * x * x))


def ndtr(xp, x):
    """Standard normal CDF ``erfc(-x / sqrt(2)) / 2``; in the left tail as
    ``erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2`` with the exponent formed from x itself (the
    rounding of x / sqrt 2 would cost ~x^2 ulp there)."""
    return by_region(xp, x, lambda v: v < -1.0, lambda v: _ndtr_left(xp, v),
                     lambda v: 0.5 * erfc(xp, -v / SQRT_2))


def log_ndtr(xp, x):
    """log of the normal CDF: via erfcx on the left (no underflow), log1p on the right."""
    def left(v):
        out = xp.log(0.5 * erfcx(xp, -v / SQRT_2)) - 0.5 * v * v
        return xp.where(v == -xp.inf, -xp.inf, out)
    return by_region(xp, x, lambda v: v < -1.0, left, lambda v: xp.log1p(-ndtr(xp, -v)))


_A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
_B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01, 1.0]
_C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
_D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00, 1.0]


def _horner(xp, coefs, x):
    out = xp.full(x.shape, coefs[0])
    for c in coefs[1:]:
        xp.multiply(out, x, out=out)
        out += c
    return out


def _acklam_lower(xp, p):
    """Acklam's approximation of ndtri(p) for 0 < p <= 1/2 (relative error ~1e-9)."""
    def mid(v):
        q = v - 0.5
        r = q * q
        return q * _horner(xp, _A, r) / _horner(xp, _B, r)

    def low(v):
        t = xp.sqrt(-2.0 * xp.log(v))
        return _horner(xp, _C, t) / _horner(xp, _D, t)
    return by_region(xp, p, lambda v: v > 0.02425, mid, low)


def ndtri(xp, p):
    """Inverse of the standard normal CDF, relative accuracy ~1e-15 in both tails."""
    p = xp.asarray(p, dtype=xp.float64)
    shape, p = p.shape, p.reshape(-1)
    q = xp.minimum(p, 1.0 - p)  # exact for p >= 1/2
    qs = xp.where((q > 0) & (q <= 0.5), q, 0.25)
    x = _acklam_lower(xp, qs)
    # one Halley step (cubic: Acklam's 1e-9 becomes rounding) on ndtr(x) = q; the residual
    # over the pdf is formed from erf near the middle (q - 1/2 exact there: no
    # cancellation) and, outside, as
    # (1 - q / ndtr) * ndtr / pdf = (1 - q / ndtr) sqrt(pi / 2) erfcx(-x / sqrt 2)
    central = qs > 0.25
    idx = xp.flatnonzero(central)
    xc = x[idx]
    u = (0.5 * erf_small(xp, xc / SQRT_2) - (qs[idx] - 0.5)) * SQRT_2PI * xp.exp(0.5 * xc * xc)
    x[idx] = xc - u / (1.0 + 0.5 * xc * u)
    idx = xp.flatnonzero(~central)
    xt = x[idx]
    scaled = erfcx(xp, -xt / SQRT_2)  # xt < -0.67: ndtr(xt) from the same erfcx
    u = math.sqrt(math.pi / 2.0) * scaled * (1.0 - qs[idx] / _ndtr_left(xp, xt, scaled))
    x[idx] = xt - u / (1.0 + 0.5 * xt * u)
    out = xp.copysign(x, p - 0.5, out=x)  # the upper half mirrors the lower one
    out[p == 0] = -xp.inf
    out[p == 1] = xp.inf
    out[~((p >= 0) & (p <= 1))] = xp.nan
    return out.reshape(shape)


_ERFINV_GUESS = [math.sqrt(math.pi) / 2.0 * c for c in
                 (1.0, math.pi / 12.0, 7.0 * math.pi ** 2 / 480.0,
                  127.0 * math.pi ** 3 / 40320.0, 4369.0 * math.pi ** 4 / 5806080.0)]


def _erfinv_near(xp, y):
    x = y * _horner(xp, _ERFINV_GUESS[::-1], y * y)
    for _ in range(2):
        u = (erf_small(xp, x) - y) * (SQRT_PI / 2.0) * xp.exp(x * x)
        x = x - u / (1.0 + x * u)
    return x


def _erfinv_far(xp, y):
    ay = xp.abs(y)
    q = xp.where(ay > 1, 0.5, 1.0 - ay)  # exact for |y| >= 1/2
    z = -ndtri(xp, 0.5 * q) / SQRT_2
    zs = xp.where(xp.isfinite(z), z, 1.0)
    scaled = erfcx(xp, zs)  # zs >= 0.47: erfc(zs) from the same erfcx
    u = -(SQRT_PI / 2.0) * scaled * (1.0 - q / _erfc_from_scaled(xp, zs, scaled))
    z = xp.where(xp.isfinite(z), zs - u / (1.0 + zs * u), z)
    return xp.where((ay > 1) | xp.isnan(y), xp.nan, xp.copysign(z, y))


def erfinv(xp, y):
    """Inverse error function: series + Halley on erf near 0, ndtri + Halley on erfc else."""
    return by_region(xp, y, lambda v: xp.abs(v) < 0.5, lambda v: _erfinv_near(xp, v),
                     lambda v: _erfinv_far(xp, v))


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
