"""Hypergeometric functions hyp1f1, hyp2f1 and Owen's T function.

hyp1f1: the Kummer series, through Kummer's transformation for x < 0 (all terms of one
sign when 0 < a < b). hyp2f1: the Gauss series on [0, 1/2], Pfaff's transformation for
x < 0 and the 1 - x connection formula on (1/2, 1) (for an integer c - a - b, Richardson
extrapolation of it in c, which is analytic there). Owen's T: 64-point Gauss-Legendre on |a| <= 1
(the integrand is analytic), and T(h, a) + T(ah, 1/a) = (Q(h) + Q(ah)) / 2 - Q(h) Q(ah)
beyond. Derivatives in the shape parameters have no closed form: they raise.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.special import _error_kernels as E
from funtorch.special import _series as S
from funtorch.special._common import float_args, special_primitive
from funtorch.typing import Array, ArrayLike

_EPS = 1e-17
MAX_ITER = 5000


def _series(xp, numer, denom, z):
    """sum_k prod(numer)_k / (prod(denom)_k k!) z^k, to convergence (vectorised)."""
    term = xp.ones(z.shape)
    total = xp.ones(z.shape)
    active = xp.ones(z.shape, dtype=bool)
    for k in range(MAX_ITER):
        factor = z / (k + 1.0)
        for p in numer:
            factor = factor * (p + k)
        for q in denom:
            factor = factor / (q + k)
        term = xp.where(active, term * factor, 0.0)
        total = total + term
        active = active & (xp.abs(term) > _EPS * xp.abs(total)) & (term != 0)
        if not active.any():
            break
    return total


def _hyp1f1(xp, a, b, x):
    a, b, x = xp.broadcast_arrays(a, b, x)
    neg = x < 0
    a2 = xp.where(neg, b - a, a)
    out = _series(xp, (a2,), (b,), xp.abs(x))
    out = xp.where(neg, xp.exp(x) * out, out)
    pole = (b <= 0) & (b == xp.floor(b))
    return xp.where(pole, xp.inf, xp.where(a == 0, 1.0, out))


def _rgamma(xp, x):
    """1 / Gamma(x), 0 at the poles."""
    pole = (x <= 0) & (x == xp.floor(x))
    xs = xp.where(pole, 0.5, x)
    sign = xp.where((xs < 0) & (xp.floor(xs) % 2 == 1), -1.0, 1.0)
    return xp.where(pole, 0.0, sign * xp.exp(-S.lgamma(xp, xs)))


def _gamma(xp, x):
    return 1.0 / _rgamma(xp, x)


def _connection(xp, a, b, c, w):
    """2F1(a, b; c; 1 - w) by the 1 - z connection formula (c - a - b not an integer)."""
    s = c - a - b
    first = (_gamma(xp, c) * _gamma(xp, s) * _rgamma(xp, c - a) * _rgamma(xp, c - b)
             * _series(xp, (a, b), (1.0 - s,), w))
    second = (_gamma(xp, c) * _gamma(xp, -s) * _rgamma(xp, a) * _rgamma(xp, b)
              * w ** s * _series(xp, (c - a, c - b), (1.0 + s,), w))
    return first + second


_STEP = 1e-3  # Richardson step in c for an integer c - a - b (error ~ step^6 log(1-z)^6)


def _hyp2f1_unit(xp, a, b, c, z):
    """2F1 on 0 <= z < 1."""
    direct = _series(xp, (a, b), (c,), xp.where(z <= 0.5, z, 0.0))
    s = c - a - b
    integer = xp.abs(s - xp.round(s)) < 1e-9
    far = z > 0.5
    # each branch runs only when some element uses it (impls see concrete buffers)
    generic = degenerate = xp.zeros(z.shape)
    if (far & ~integer).any():
        w = xp.where(far & ~integer, 1.0 - z, 0.0)
        generic = _connection(xp, a, b, xp.where(far & ~integer, c, a + b + 0.5), w)
    if (far & integer).any():
        # integer c - a - b: the formula has cancelling poles; F is analytic in c, so
        # average it at c +- h, c +- 2h, c +- 4h and extrapolate (Richardson, two levels)
        w = xp.where(far & integer, 1.0 - z, 0.0)
        ci = xp.where(far & integer, c, a + b + 0.5)
        avg = [0.5 * (_connection(xp, a, b, ci + k * _STEP, w)
                      + _connection(xp, a, b, ci - k * _STEP, w)) for k in (1, 2, 4)]
        level = [(4.0 * avg[0] - avg[1]) / 3.0, (4.0 * avg[1] - avg[2]) / 3.0]
        degenerate = (16.0 * level[0] - level[1]) / 15.0
    return xp.where(far, xp.where(integer, degenerate, generic), direct)


def _hyp2f1(xp, a, b, c, x):
    a, b, c, x = xp.broadcast_arrays(a, b, c, x)
    neg = x < 0
    z = xp.where(neg, x / (x - 1.0), xp.where(x < 1, x, 0.0))
    b2 = xp.where(neg, c - b, b)
    out = _hyp2f1_unit(xp, a, b2, c, z)
    out = xp.where(neg, (1.0 - x) ** -a * out, out)
    s = c - a - b
    at_one = xp.where(s > 0, _gamma(xp, c) * _gamma(xp, xp.where(s > 0, s, 1.0))
                      * _rgamma(xp, c - a) * _rgamma(xp, c - b), xp.inf)
    out = xp.where(x == 1, at_one, out)
    out = xp.where(x > 1, xp.nan, out)
    pole = (c <= 0) & (c == xp.floor(c))
    return xp.where(pole, xp.inf, xp.where((a == 0) | (b == 0), 1.0, out))


@functools.cache
def _gauss_legendre():
    """64-point Gauss-Legendre nodes and weights on [0, 1], made on the first evaluation, not
    at import (importing ``numpy.polynomial`` and solving for them: ~5 ms of
    ``import funtorch``)."""
    nodes, weights = np.polynomial.legendre.leggauss(64)
    return 0.5 * (nodes + 1.0), 0.5 * weights


def _owens_small(xp, h, a):
    """T(h, a) for |a| <= 1 by Gauss-Legendre on t in [0, 1] (x = a t)."""
    shape = h.shape
    nodes, weights = _gauss_legendre()
    h2 = (h * h).reshape(shape + (1,))
    a2 = (a * a).reshape(shape + (1,)) * xp.asarray(nodes) ** 2
    values = xp.exp(-0.5 * h2 * (1.0 + a2)) / (1.0 + a2)
    return a / (2.0 * math.pi) * (values * xp.asarray(weights)).sum(axis=-1)


def _owens_t(xp, h, a):
    h, a = xp.broadcast_arrays(h, a)
    ha, aa = xp.abs(h), xp.abs(a)
    small = aa <= 1.0
    direct = _owens_small(xp, ha, xp.where(small, aa, 0.0))
    inv = xp.where(small, 1.0, 1.0 / aa)
    ah = ha * xp.where(small, 1.0, aa)
    qh, qa = E.ndtr(xp, -ha), E.ndtr(xp, -ah)
    large = 0.5 * qh + 0.5 * qa - qh * qa - _owens_small(xp, ah, inv)
    large = xp.where(ha == 0, xp.arctan(aa) / (2.0 * math.pi), large)
    out = xp.where(small, direct, large)
    out = xp.where(aa == xp.inf, 0.5 * qh, out)
    return xp.copysign(out, a)


def _shape_samples(count, domain):
    def samples(s):
        params = [float(np.asarray(s.array((), domain=(0.3, 3.0)))) for _ in range(count)]
        return (*params, s.array(s.shape(), domain=domain)), {}
    return samples


hyp1f1_p = special_primitive(
    "hyp1f1", _hyp1f1,
    (None, None, lambda ans, a, b, x: a / b * bind(hyp1f1_p, a + 1.0, b + 1.0, x)),
    domain=(-3.0, 3.0), samples=_shape_samples(2, (-3.0, 3.0)))
hyp2f1_p = special_primitive(
    "hyp2f1", _hyp2f1,
    (None, None, None,
     lambda ans, a, b, c, x: a * b / c * bind(hyp2f1_p, a + 1.0, b + 1.0, c + 1.0, x)),
    domain=(-2.0, 0.9), samples=_shape_samples(3, (-2.0, 0.9)))


def _owens_dh(ans, h, a):
    return -ops.exp(-0.5 * h * h) / E.SQRT_2PI * 0.5 * ops.erf(a * h / E.SQRT_2)


def _owens_da(ans, h, a):
    return ops.exp(-0.5 * h * h * (1.0 + a * a)) / (2.0 * math.pi * (1.0 + a * a))


owens_t_p = special_primitive("owens_t", _owens_t, (_owens_dh, _owens_da),
                              domain=[(-3.0, 3.0), ((-3.0, -1.05), (-0.95, 0.95), (1.05, 3.0))])


def hyp1f1(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """Confluent hypergeometric function ``1F1(a; b; x)`` (Kummer's M).

    Args:
        a, b: parameters (not differentiable: grad in them raises).
        x: real array-like.

    Returns:
        Array of the promoted floating dtype; d/dx = ``a/b 1F1(a+1; b+1; x)``.

    Example:
        >>> ft.special.hyp1f1(1.0, 2.0, ft.array([1.0]))  # e - 1
        array([1.7182819])
    """
    return bind(hyp1f1_p, *float_args(a, b, x))


def hyp2f1(a: ArrayLike, b: ArrayLike, c: ArrayLike, x: ArrayLike) -> Array:
    """Gauss hypergeometric function ``2F1(a, b; c; x)`` for real ``x <= 1`` (nan above).

    Args:
        a, b, c: parameters (not differentiable: grad in them raises).
        x: real array-like.

    Returns:
        Array of the promoted floating dtype; d/dx = ``ab/c 2F1(a+1, b+1; c+1; x)``.

    Example:
        >>> ft.special.hyp2f1(1.0, 1.0, 2.0, ft.array([-1.0]))  # log 2
        array([0.6931472])
    """
    return bind(hyp2f1_p, *float_args(a, b, c, x))


def owens_t(h: ArrayLike, a: ArrayLike) -> Array:
    """Owen's T function ``1/(2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx``.

    Args:
        h: real array-like (T is even in h).
        a: real array-like broadcasting with ``h`` (T is odd in a).

    Returns:
        Array of the promoted floating dtype, differentiable in both arguments.

    Example:
        >>> ft.special.owens_t(ft.array([0.5]), 2.0)
        array([0.1415806])
    """
    return bind(owens_t_p, *float_args(h, a))
