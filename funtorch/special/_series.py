"""Float64 kernels shared by the special functions: Hurwitz zeta, log-gamma, digamma.

Each takes and returns float64 buffers of the array module ``xp``; the primitives in
``_gamma.py`` wrap them. Accuracy targets ~1e-15 relative away from zeros and poles.
"""

from __future__ import annotations

import functools
import math

import numpy as np

EULER = 0.57721566490153286061
LOG_2PI = math.log(2.0 * math.pi)


def bernoulli_numbers(count):
    """B_0 .. B_count as exact fractions (B_1 = -1/2, SciPy's convention)."""
    from fractions import Fraction  # (here: ~3 ms of import funtorch otherwise)

    numbers = [Fraction(1)]
    for m in range(1, count + 1):
        numbers.append(-sum(math.comb(m + 1, k) * numbers[k] for k in range(m)) / (m + 1))
    return numbers


@functools.cache
def _bernoulli():
    """``(B2, EM)``: B_2, B_4, ..., B_38 as floats and the Euler-Maclaurin coefficients
    B_{2j} / (2j)!, from the exact numbers on the first evaluation, not at import (like
    :func:`_tables`; a second thread's identical first result is dropped)."""
    exact = bernoulli_numbers(40)
    return ([float(exact[2 * j]) for j in range(1, 20)],
            [float(exact[2 * j] / math.factorial(2 * j)) for j in range(1, 15)])


def __getattr__(name):
    """The tables other modules read (``S.DIGAMMA_ASYMPTOTIC``), made on first use."""
    if name == "B2":
        return _bernoulli()[0]
    if name == "DIGAMMA_ASYMPTOTIC":  # log x - psi(x) = 1/(2x) + sum_j c_j x^(-2j)
        return _tables()["digamma"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_EM_SHIFT = 10.0


def by_region(xp, x, inside, fn_in, fn_out):
    """``fn_in`` of the elements where ``inside(x)`` holds and ``fn_out`` of the others,
    each computed only on its own elements (x a float64 array; 1-D arrays to the fns)."""
    x = xp.asarray(x, dtype=xp.float64)
    flat = x.reshape(-1)
    mask = inside(flat)
    out = xp.empty_like(flat)
    for fn, idx in ((fn_in, xp.flatnonzero(mask)), (fn_out, xp.flatnonzero(~mask))):
        if idx.size:
            out[idx] = fn(flat[idx])
    return out.reshape(x.shape)


def sinpi(xp, x):
    """sin(pi x) with full relative accuracy near the integers."""
    r = x - 2.0 * xp.round(0.5 * x)  # in [-1, 1]
    r = xp.where(r > 0.5, 1.0 - r, xp.where(r < -0.5, -1.0 - r, r))
    return xp.sin(np.pi * r)


def cospi(xp, x):
    """cos(pi x), exactly 0 at half-integers."""
    return sinpi(xp, x + 0.5)


def hurwitz_zeta(xp, s, q):
    """zeta(s, q) = sum_k (q + k)^-s for s > 1 (Euler-Maclaurin after shifting q past 10).

    q <= 0 is defined for integer s away from the poles q = 0, -1, ... (Cephes, SciPy).
    """
    s, q = xp.broadcast_arrays(s, q)
    shift = xp.clip(xp.ceil(xp.maximum(_EM_SHIFT, s) - q), 0.0, 10000.0)
    steps = int(shift.max()) if shift.size else 0
    total = xp.zeros(s.shape)
    for k in range(steps):
        active = k < shift
        total += xp.where(active, xp.power(xp.where(active, q + k, 1.0), -s), 0.0)
    w = q + shift
    total += w ** (1.0 - s) / (s - 1.0) + 0.5 * w ** -s
    rising = s.copy()  # s (s+1) ... (s + 2j - 2)
    power = w ** (-s - 1.0)
    for j, coef in enumerate(_bernoulli()[1]):
        total += coef * rising * power
        rising = rising * (s + 2 * j + 1) * (s + 2 * j + 2)
        power = power / (w * w)
    pole = (q <= 0) & (q == xp.floor(q))
    bad = (s < 1) | ((q <= 0) & (s != xp.floor(s))) | (q < -9990) | xp.isnan(s) | xp.isnan(q)
    total = xp.where(pole | (s == 1), xp.inf, total)
    return xp.where(bad, xp.nan, total)


def _borwein_weights(n=30):
    """Borwein's weights for the alternating zeta eta(s) = sum (-1)^k / (k + 1)^s."""
    d, total = [], 0.0
    for i in range(n + 1):
        total += n * math.factorial(n + i - 1) * 4.0 ** i / (
            math.factorial(n - i) * math.factorial(2 * i))
        d.append(total)
    return [(-1) ** k * (d[k] - d[n]) / -d[n] for k in range(n)]


_BORWEIN = _borwein_weights()


def riemann_zeta(xp, s):
    """Riemann's zeta for every real s: Euler-Maclaurin above 1, Borwein's alternating
    series on [0, 1) (eta(s) / (1 - 2^(1-s))), the functional equation below 0."""
    above = s > 1
    direct = hurwitz_zeta(xp, xp.where(above, s, 2.0), xp.ones(s.shape))
    mid = (s >= 0) & (s < 1)
    sm = xp.where(mid, s, 0.5)
    eta = xp.zeros(s.shape)
    for k, w in enumerate(_BORWEIN):
        eta = eta + w * xp.exp(-sm * math.log(k + 1.0))
    middle = eta / -xp.expm1((1.0 - sm) * math.log(2.0))
    neg = s < 0
    sn = xp.where(neg, s, -1.0)
    # zeta(s) = 2^s pi^(s-1) sin(pi s / 2) Gamma(1 - s) zeta(1 - s), in logs (no overflow)
    mirror = hurwitz_zeta(xp, 1.0 - sn, xp.ones(s.shape))
    log_mag = sn * math.log(2.0) + (sn - 1.0) * math.log(math.pi) + lgamma(xp, 1.0 - sn)
    reflected = sinpi(xp, 0.5 * sn) * xp.exp(log_mag) * mirror
    out = xp.where(above, direct, xp.where(mid, middle, reflected))
    out = xp.where(s == 1, xp.inf, xp.where(s == xp.inf, 1.0, out))
    return xp.where(xp.isnan(s) | (s == -xp.inf), xp.nan, out)


# Taylor series of digamma at its positive root x0: psi^(k)(x0) / k! = (-1)^(k+1) zeta(k + 1, x0)
_ROOT_HI, _ROOT_LO = 1.4616321449683622, 9.549995429965697e-17


@functools.cache
def _tables():
    """The series' coefficients, computed on the first evaluation, not at import (59 Hurwitz
    zeta sums and the exact Bernoulli numbers were ~18 ms of ``import funtorch``): "lg2",
    lgamma(2 + z) = (1 - gamma) z + sum_k (-1)^k (zeta(k) - 1) z^k / k for |z| <= 1/2;
    "stirling", Stirling's series; "digamma", psi's asymptotic series; "root", psi's Taylor
    series at its positive root."""
    b2 = _bernoulli()[0]
    zeta_m1 = [float(hurwitz_zeta(np, np.float64(k), np.float64(2.0))) for k in range(2, 40)]
    return {"lg2": [(-1) ** k * c / k for k, c in zip(range(2, 40), zeta_m1)],
            "stirling": [b / (2 * j * (2 * j - 1)) for j, b in enumerate(b2[:9], start=1)],
            "digamma": [b / (2 * j) for j, b in enumerate(b2[:9], start=1)],
            "root": [(-1) ** (k + 1) * float(hurwitz_zeta(np, np.float64(k + 1),
                                                          np.float64(_ROOT_HI)))
                     for k in range(1, 22)]}


def _lgamma2(xp, z):
    """lgamma(2 + z) for |z| <= 1/2 (no cancellation near the zeros at 1 and 2)."""
    lg2 = _tables()["lg2"]
    poly = xp.full(z.shape, lg2[-1])
    for c in reversed(lg2[:-1]):
        poly = poly * z + c
    return z * (1.0 - EULER + z * poly)


def stirling_correction(xp, x):
    """lgamma(x) - [(x - 1/2) log x - x + log(2 pi)/2], for x >= 10."""
    inv2 = 1.0 / (x * x)
    stirling = _tables()["stirling"]
    poly = xp.full(x.shape, stirling[-1])
    for c in reversed(stirling[:-1]):
        poly = poly * inv2 + c
    return poly / x


def _lgamma_stirling(xp, x):
    return (x - 0.5) * xp.log(x) - x + 0.5 * LOG_2PI + stirling_correction(xp, x)


def _lgamma_low(xp, x):
    """lgamma(x) for 0 < x < 1.5: below 1.5 the series variable is exact (z = x - 1 or
    z = x, never x + 1 - 2)."""
    tiny = x < 0.5
    z = xp.where(tiny, x, x - 1.0)
    low = _lgamma2(xp, z) - xp.log1p(z)
    return low - xp.where(tiny, xp.log(xp.where(tiny, x, 1.0)), 0.0)


def _lgamma_shifted(xp, y):
    """lgamma(y) for 1.5 <= y < 12: lgamma(b + k) = lgamma(b) + log(b (b+1) ... (b+k-1))."""
    count = xp.floor(y - 1.5)
    base = y - count
    prod = xp.ones(y.shape)
    for k in range(int(count.max()) if count.size else 0):
        prod *= xp.where(k < count, base + k, 1.0)
    return _lgamma2(xp, base - 2.0) + xp.log(prod)


def lgamma_positive(xp, x):
    """log Gamma(x) for x > 0."""
    return by_region(
        xp, x, lambda v: ~(v < 12.0), lambda v: _lgamma_stirling(xp, v),
        lambda v: by_region(xp, v, lambda w: w < 1.5, lambda w: _lgamma_low(xp, w),
                            lambda w: _lgamma_shifted(xp, w)))


def lgamma(xp, x):
    """log |Gamma(x)| for real x (inf at 0, -1, -2, ...)."""
    neg = x < 0
    xp_ = xp.where(neg, 1.0 - x, x)
    pos = lgamma_positive(xp, xp.where((xp_ > 0) & xp.isfinite(xp_), xp_, 1.0))
    reflected = math.log(math.pi) - xp.log(xp.abs(sinpi(xp, x))) - pos
    out = xp.where(neg, reflected, pos)
    pole = (x <= 0) & (x == xp.floor(x))
    out = xp.where(pole | (x == xp.inf), xp.inf, out)
    out = xp.where(x == -xp.inf, -xp.inf, out)  # SciPy's (Cephes') value
    return xp.where(xp.isnan(x), xp.nan, out)


def _digamma_root(xp, x):
    dx = (x - _ROOT_HI) - _ROOT_LO
    root = _tables()["root"]
    poly = xp.full(x.shape, root[-1])
    for c in reversed(root[:-1]):
        poly = poly * dx + c
    return poly * dx


def _digamma_asymptotic(xp, w):
    inv2 = 1.0 / (w * w)
    digamma = _tables()["digamma"]
    poly = xp.full(w.shape, digamma[-1])
    for c in reversed(digamma[:-1]):
        xp.multiply(poly, inv2, out=poly)
        poly += c
    return xp.log(w) - 0.5 / w - poly * inv2


def _digamma_shifted(xp, y):
    """psi(y) for y < 10: psi(y) = psi(y + n) - sum 1 / (y + k), y + n >= 10."""
    shift = xp.clip(xp.ceil(10.0 - y), 0.0, 10.0)
    acc = xp.zeros(y.shape)
    for k in range(10):
        acc += xp.where(k < shift, 1.0 / (y + k), 0.0)
    return _digamma_asymptotic(xp, y + shift) - acc


def digamma(xp, x):
    """psi(x) = d/dx log Gamma(x)."""
    neg = x < 0.5
    y = xp.where(neg, 1.0 - x, x)
    y = xp.where(xp.isfinite(y), y, 1.0)
    pos = by_region(xp, y, lambda v: v >= 10.0, lambda v: _digamma_asymptotic(xp, v),
                    lambda v: _digamma_shifted(xp, v))
    out = by_region(xp, xp.where(neg, x, 1.0), lambda v: v < 0.5,
                    lambda v: -np.pi * cospi(xp, v) / sinpi(xp, v), lambda v: 0.0 * v)
    out = pos + out
    out = out.reshape(-1)
    flat = xp.asarray(x, dtype=xp.float64).reshape(-1)
    idx = xp.flatnonzero(xp.abs(flat - _ROOT_HI) < 0.1)
    out[idx] = _digamma_root(xp, flat[idx])
    out = out.reshape(x.shape)
    pole = (x <= 0) & (x == xp.floor(x))
    out = xp.where(pole, xp.where(x == 0, -xp.copysign(xp.inf, x), xp.nan), out)
    out = xp.where(x == xp.inf, xp.inf, out)
    return xp.where(xp.isnan(x) | (x == -xp.inf), xp.nan, out)


def polygamma(xp, n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1; digamma for n = 0."""
    fact = xp.exp(lgamma(xp, n + 1.0))
    sign = xp.where(n % 2 == 0, -1.0, 1.0)
    higher = sign * fact * hurwitz_zeta(xp, n + 1.0, x)
    pole = (x <= 0) & (x == xp.floor(x))
    higher = xp.where(pole, xp.inf, higher)
    return xp.where(n == 0, digamma(xp, x), xp.where(n < 0, xp.nan, higher))


_LENTZ_TINY, _LENTZ_EPS, _LENTZ_ITER = 1e-300, 1e-16, 3000


def lentz(xp, first_b, coefficients, shape):
    """Evaluate b0 + a1/(b1 + a2/(b2 + ...)) given ``coefficients(n) -> (a_n, b_n)``, by the
    modified Lentz method (real or complex ``first_b``), per element until converged."""
    f = xp.where(first_b == 0, _LENTZ_TINY, first_b)
    c = f.copy()
    d = xp.zeros(shape, dtype=f.dtype)
    active = xp.ones(shape, dtype=bool)
    for n in range(1, _LENTZ_ITER):
        an, bn = coefficients(n)
        d = bn + an * d
        d = xp.where(d == 0, _LENTZ_TINY, d)
        c = bn + an / c
        c = xp.where(c == 0, _LENTZ_TINY, c)
        d = 1.0 / d
        delta = c * d
        f = xp.where(active, f * delta, f)
        active = active & (xp.abs(delta - 1.0) > _LENTZ_EPS)
        if not active.any():
            break
    return f
