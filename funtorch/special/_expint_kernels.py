"""Float64 kernels: exponential integrals (expn, expi), sine/cosine integrals, Fresnel
integrals and Spence's function.

Power series near 0, continued fractions (complex ones for sici/fresnel, evaluated in the
array module's complex128 inside the kernel only) or asymptotic series far out.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch.special import _series as S

EULER = S.EULER
_EPS = 1e-16
MAX_ITER = 3000


def _lentz_complex(xp, b0, step, shape):
    """h = 1 / (b0 + a1 / (b1 + ...)) with ``step(i) -> (a_i, b_i)``, complex."""
    return 1.0 / S.lentz(xp, b0, step, shape)


def expn(xp, n, x):
    """E_n(x) = int_1^inf e^(-x t) / t^n dt for integer n >= 0, x >= 0 (NR's expint)."""
    n, x = xp.broadcast_arrays(n, x)
    far = x > 1.0
    xf = xp.where(far, x, 2.0)
    nf = xp.where(far, n, 1.0)
    b0 = xf + nf
    frac = _lentz_complex(xp, b0.astype(complex),
                          lambda i: (-i * (nf - 1.0 + i), b0 + 2.0 * i), x.shape).real
    cf = frac * xp.exp(-xf)
    xs = xp.where(far | (x <= 0), 0.5, x)
    nm1 = n - 1.0
    psi = S.digamma(xp, xp.maximum(n, 1.0))  # -euler + H_(n-1)
    total = xp.where(nm1 != 0, 1.0 / xp.where(nm1 != 0, nm1, 1.0), -xp.log(xs) - EULER)
    fact = xp.ones(x.shape)
    active = xp.ones(x.shape, dtype=bool)
    for i in range(1, MAX_ITER):
        fact = -fact * xs / i
        hit = nm1 == i
        delta = xp.where(hit, fact * (-xp.log(xs) + psi), -fact / xp.where(hit, 1.0, i - nm1))
        delta = xp.where(active, delta, 0.0)
        total = total + delta
        active = active & ((xp.abs(delta) > _EPS * xp.abs(total)) | (i <= nm1))
        if not active.any():
            break
    out = xp.where(far, cf, total)
    out = xp.where(n == 0, xp.exp(-x) / x, out)
    out = xp.where((x == 0) & (n > 1), 1.0 / xp.where(n > 1, nm1, 1.0), out)
    out = xp.where((x == 0) & (n <= 1), xp.inf, out)
    out = xp.where(x == xp.inf, 0.0, out)
    return xp.where((x < 0) | (n < 0) | xp.isnan(x), xp.nan, out)


def expi(xp, x):
    """Ei(x): -E1(-x) for x < 0, the power series to 40, the asymptotic series beyond."""
    neg = x < 0
    e1 = expn(xp, xp.ones(x.shape), xp.where(neg, -x, 1.0))
    mid = (x > 0) & (x <= 40.0)
    xm = xp.where(mid, x, 1.0)
    term = xp.ones(x.shape)
    total = xp.zeros(x.shape)
    for k in range(1, 200):
        term = term * xm / k
        total = total + term / k
    series = EULER + xp.log(xm) + total
    xl = xp.where(x > 40.0, x, 50.0)
    term = xp.ones(x.shape)
    asym = xp.ones(x.shape)
    for k in range(1, 45):
        term = term * k / xl
        asym = asym + term
    asym = xp.exp(xl) / xl * asym
    out = xp.where(neg, -e1, xp.where(mid, series, asym))
    return xp.where(x == 0, -xp.inf, xp.where(x == xp.inf, xp.inf, out))


def sici(xp, x):
    """(Si(x), Ci(x)); Ci of a negative x is the real part, Ci(|x|), as in SciPy."""
    t = xp.abs(x)
    far = t > 2.0
    tf = xp.where(far, t, 3.0)
    b0 = 1.0 + 1j * tf
    h = _lentz_complex(xp, b0, lambda i: (-float(i * i), b0 + 2.0 * i), x.shape)
    h = (xp.cos(tf) - 1j * xp.sin(tf)) * h
    si_far, ci_far = 0.5 * math.pi + h.imag, -h.real
    ts = xp.where(far, 0.0, t)
    si_sum, ci_sum = xp.zeros(x.shape), xp.zeros(x.shape)
    term = xp.ones(x.shape)  # t^k / k!
    for k in range(1, 40):
        term = term * ts / k
        if k % 2:
            si_sum = si_sum + (-1) ** (k // 2) * term / k
        else:
            ci_sum = ci_sum + (-1) ** (k // 2) * term / k
    ci_near = EULER + xp.log(xp.where(ts > 0, ts, 1.0)) + ci_sum
    si = xp.copysign(xp.where(far, si_far, si_sum), x)
    ci = xp.where(far, ci_far, xp.where(t == 0, -xp.inf, ci_near))
    si = xp.where(t == xp.inf, xp.copysign(0.5 * math.pi, x), si)
    ci = xp.where(t == xp.inf, 0.0, ci)
    return si, ci


def fresnel(xp, x):
    """(S(x), C(x)) = int_0^x (sin, cos)(pi t^2 / 2) dt (NR's frenel)."""
    t = xp.abs(x)
    far = t > 1.5
    tf = xp.where(far, t, 2.0)
    b0 = 1.0 - 1j * (math.pi * tf * tf)
    h = _lentz_complex(xp, b0, lambda i: (-float((2 * i - 1) * (2 * i)), b0 + 4.0 * i),
                       x.shape)
    cs = (0.5 + 0.5j) * (1.0 - (tf - 1j * tf) * h * xp.exp(0.5j * math.pi * tf * tf))
    s_far, c_far = cs.imag, cs.real
    ts = xp.where(far, 0.0, t)
    arg = 0.5 * math.pi * ts * ts
    s_sum, c_sum = xp.zeros(x.shape), xp.zeros(x.shape)
    term = ts.copy()  # ts * arg^k / k!
    for k in range(0, 40):
        if k:
            term = term * arg / k
        if k % 2:
            s_sum = s_sum + (-1) ** (k // 2) * term / (2 * k + 1)
        else:
            c_sum = c_sum + (-1) ** (k // 2) * term / (2 * k + 1)
    s = xp.copysign(xp.where(far, s_far, s_sum), x)
    c = xp.copysign(xp.where(far, c_far, c_sum), x)
    s = xp.where(t == xp.inf, xp.copysign(0.5, x), s)
    c = xp.where(t == xp.inf, xp.copysign(0.5, x), c)
    return s, c


def _li2_series(xp, y):
    """Li2(y) = sum y^k / k^2 for |y| <= 1/2."""
    total = xp.zeros(y.shape)
    power = xp.ones(y.shape)
    for k in range(1, 56):
        power = power * y
        total = total + power / (k * k)
    return total


def spence(xp, x):
    """SciPy's spence(x) = Li2(1 - x) for x >= 0 (nan below)."""
    y = 1.0 - x
    pi2_6 = math.pi ** 2 / 6.0
    out = xp.zeros(x.shape)
    small = xp.abs(y) <= 0.5
    out = xp.where(small, _li2_series(xp, xp.where(small, y, 0.0)), out)
    # 1/2 < y <= 1 (0 <= x < 1/2): Li2(y) = pi^2/6 - ln y ln(1 - y) - Li2(1 - y)
    upper = (y > 0.5) & (y <= 1.0)
    yu = xp.where(upper, y, 0.75)
    refl = pi2_6 - xp.log(yu) * xp.log(xp.where(upper & (x > 0), x, 1.0)) - _li2_series(
        xp, xp.where(upper, x, 0.0))
    out = xp.where(upper, refl, out)
    # -1 <= y < -1/2 (3/2 < x <= 2): Li2(y) = -ln(1 - y)^2 / 2 - Li2(y / (y - 1))
    lower = (y < -0.5) & (y >= -1.0)
    yl = xp.where(lower, y, -0.75)
    out = xp.where(lower, -0.5 * xp.log(1.0 - yl) ** 2 - _li2_series(xp, yl / (yl - 1.0)), out)
    # y < -1 (x > 2): Li2(y) = -pi^2/6 - ln(-y)^2 / 2 - Li2(1 / y), 1/y in (-1, 0)
    far = y < -1.0
    yf = xp.where(far, y, -2.0)
    inv = 1.0 / yf
    inner = xp.where(inv < -0.5, -0.5 * xp.log(1.0 - inv) ** 2
                     - _li2_series(xp, inv / (inv - 1.0)), _li2_series(xp, inv))
    out = xp.where(far, -pi2_6 - 0.5 * xp.log(-yf) ** 2 - inner, out)
    out = xp.where(x == xp.inf, -xp.inf, out)
    return xp.where((x < 0) | xp.isnan(x), xp.nan, out)


_ = np  # the kernels take ``xp``; numpy is only the default in tests
