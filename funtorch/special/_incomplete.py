"""Regularized incomplete gamma and beta functions, betaln, beta, poch and comb.

gammainc/gammaincc/betainc are differentiable in ``x`` (the integrand is the derivative).
gammainc/gammaincc are differentiable once in ``a`` too, as in JAX: ``gammainc_grad_a``
sums the a-derivatives of the series / continued fraction alongside them (~1e-13
relative against mpmath); its own a-derivative is not available and raises. betainc's
``a`` and ``b`` have no derivative (as JAX): differentiating in them raises a TypeError
naming the primitive, never a silent zero.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.special import _incomplete_kernels as K
from funtorch.special._common import (
    computed_in_float64, exact_integers, exact_result, float_args, special_primitive,
)
from funtorch.special._gamma import digamma, gammaln, gammasgn
from funtorch.typing import Array, ArrayLike

POSITIVE = (0.2, 4.0)


def _shape_param_samples(count, x_domain):
    """Shape parameters as weak Python floats (not differentiated), x as an array."""
    def samples(s):
        params = [float(np.asarray(s.array((), domain=(0.5, 5.0)))) for _ in range(count)]
        return (*params, s.array(s.shape(), domain=x_domain)), {}
    return samples


def _gammainc_density(ans, a, x):
    return ops.exp((a - 1.0) * ops.log(x) - x - gammaln(a))


def _betainc_density(ans, a, b, x):
    return ops.exp((a - 1.0) * ops.log(x) + (b - 1.0) * ops.log1p(-x) - betaln(a, b))


def _gammainc_da(ans, a, x):
    return bind(gammainc_grad_a_p, a, x)


# d/dx dP/da = d/da of the density = density * (log x - digamma(a))
gammainc_grad_a_p = special_primitive(
    "gammainc_grad_a", K.gammainc_grad_a,
    (None, lambda ans, a, x: _gammainc_density(ans, a, x) * (ops.log(x) - digamma(a))),
    domain=POSITIVE, samples=_shape_param_samples(1, (0.2, 6.0)))
gammainc_p = special_primitive("gammainc", lambda xp, a, x: K.gammainc_pair(xp, a, x)[0],
                               (_gammainc_da, _gammainc_density), domain=POSITIVE,
                               samples=_shape_param_samples(1, (0.2, 6.0)))
gammaincc_p = special_primitive("gammaincc", lambda xp, a, x: K.gammainc_pair(xp, a, x)[1],
                                (lambda ans, a, x: -_gammainc_da(ans, a, x),
                                 lambda ans, a, x: -_gammainc_density(ans, a, x)),
                                domain=POSITIVE, samples=_shape_param_samples(1, (0.2, 6.0)))
betainc_p = special_primitive("betainc", K.betainc, (None, None, _betainc_density),
                              domain=(0.05, 0.95),
                              samples=_shape_param_samples(2, (0.05, 0.95)))
betaln_p = special_primitive("betaln", K.betaln,
                             (lambda ans, a, b: digamma(a) - digamma(a + b),
                              lambda ans, a, b: digamma(b) - digamma(a + b)), domain=POSITIVE)


def gammainc(a: ArrayLike, x: ArrayLike) -> Array:
    """Regularized lower incomplete gamma ``P(a, x) = gamma(a, x) / Gamma(a)``.

    Args:
        a: shape, ``a >= 0`` (``nan`` below); differentiable once (a second derivative in
            ``a`` raises).
        x: ``x >= 0``.

    Returns:
        Array of the promoted floating dtype; d/dx = ``x^(a-1) e^-x / Gamma(a)``.

    Example:
        >>> ft.special.gammainc(1.0, ft.array([1.0]))  # 1 - 1/e
        array([0.63212055])
    """
    return bind(gammainc_p, *float_args(a, x))


def gammaincc(a: ArrayLike, x: ArrayLike) -> Array:
    """Regularized upper incomplete gamma ``Q(a, x) = 1 - P(a, x)``, accurate where Q is tiny.

    Args:
        a: shape, ``a >= 0`` (``nan`` below); differentiable once, as in :func:`gammainc`.
        x: ``x >= 0``, broadcasting with ``a``.

    Returns:
        Array of the promoted floating dtype, in ``[0, 1]``; d/dx =
        ``-x^(a-1) e^-x / Gamma(a)``.

    Example:
        >>> ft.special.gammaincc(1.0, ft.array([50.0]))  # e^-50
        array([1.9287499e-22])
    """
    return bind(gammaincc_p, *float_args(a, x))


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """Regularized incomplete beta function ``I_x(a, b)``.

    Args:
        a, b: shape parameters ``>= 0`` (not differentiable: grad in them raises).
        x: in ``[0, 1]`` (``nan`` outside).

    Returns:
        Array of the promoted floating dtype; d/dx = ``x^(a-1) (1-x)^(b-1) / B(a, b)``.

    Example:
        >>> ft.special.betainc(2.0, 3.0, ft.array([0.4]))
        array([0.5248])
    """
    return bind(betainc_p, *float_args(a, b, x))


def betaln(a: ArrayLike, b: ArrayLike) -> Array:
    """``log|B(a, b)|``, accurate for large arguments (no cancellation of log-gammas).

    Args:
        a: real array-like (integers become the default float dtype).
        b: real array-like broadcasting with ``a``.

    Returns:
        Array of the broadcast shape and promoted floating dtype; d/da =
        ``digamma(a) - digamma(a + b)``.

    Example:
        >>> ft.special.betaln(ft.array([1e6]), 2.0)
        array([-27.631021])
    """
    return bind(betaln_p, *float_args(a, b))


@computed_in_float64(2)
def beta(a: ArrayLike, b: ArrayLike) -> Array:
    """The beta function ``Gamma(a) Gamma(b) / Gamma(a + b)``.

    Args:
        a: real array-like (integers become the default float dtype).
        b: real array-like broadcasting with ``a``.

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded); d/da = ``beta(a, b) (digamma(a) - digamma(a + b))``.

    Example:
        >>> ft.special.beta(ft.array([2.0]), 3.0)  # 1/12
        array([0.08333334])
    """
    a, b = float_args(a, b)
    sign = ops.stop_gradient(gammasgn(a) * gammasgn(b) * gammasgn(a + b))
    return sign * ops.exp(betaln(a, b))


@computed_in_float64(2)
def poch(z: ArrayLike, m: ArrayLike) -> Array:
    """The Pochhammer symbol (rising factorial) ``Gamma(z + m) / Gamma(z)``.

    Args:
        z: real array-like (integers become the default float dtype).
        m: real array-like broadcasting with ``z``; at poles of both Gammas (``z`` and
            ``z + m`` non-positive integers) the finite limit, as SciPy (``poch(-3, 2) = 6``).

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded), differentiable in both arguments.

    Example:
        >>> ft.special.poch(ft.array([3.0]), 2.0)  # 3 * 4
        array([12.])
    """
    z, m = float_args(z, m)
    positive = (z > 0) & (m > 0)
    # Gamma(z + m) / Gamma(z) = Gamma(m) / B(z, m): no cancellation for large z
    zs, ms = ops.where(positive, z, 1.0), ops.where(positive, m, 1.0)
    via_beta = ops.exp(gammaln(ms) - betaln(zs, ms))
    # z and z + m both poles of Gamma (m an integer): the limit (-1)^m Gamma(1-z)/Gamma(1-z-m)
    both = (z <= 0) & (z == ops.floor(z)) & (m == ops.floor(m)) & (z + m <= 0)
    zb, mb = ops.where(both, z, 0.0), ops.where(both, m, 0.0)
    parity = ops.stop_gradient(1.0 - 2.0 * ops.mod(ops.abs(mb), 2.0))
    poles = parity * ops.exp(gammaln(1.0 - zb) - gammaln(1.0 - zb - mb))
    skip = positive | both
    zo, mo = ops.where(skip, 2.5, z), ops.where(skip, 0.5, m)
    sign = ops.stop_gradient(gammasgn(zo + mo) * gammasgn(zo))
    sign = ops.where(ops.isnan(sign), 1.0, sign)  # a pole of Gamma(z + m): +-inf as SciPy
    other = sign * ops.exp(gammaln(zo + mo) - gammaln(zo))
    # m = 0 needs no case of its own (other = 1 there, with derivative digamma(z) in m)
    return ops.where(both, poles, ops.where(positive, via_beta, other))


def _exact_comb(n, k, repetition):
    if repetition:
        n = n + k - 1
    return math.comb(n, k) if 0 <= k <= n else 0


def comb(N: ArrayLike, k: ArrayLike, exact: bool = False,  # noqa: N803
         repetition: bool = False) -> Array:
    """The number of combinations ``N choose k`` as a float (SciPy's ``comb``, exact=False).

    0 where ``k > N``, ``N < 0`` or ``k < 0``. With ``repetition``: ``comb(N + k - 1, k)``.

    Args:
        N: number of things, real array-like.
        k: number of elements taken, broadcasting with ``N``.
        exact: ``True`` gives exact int64 results of concrete integer arguments (no
            derivative; SciPy's ``exact=True``).
        repetition: count combinations with repetition, ``comb(N + k - 1, k)``.

    Returns:
        Array of the broadcast shape, in the promoted floating dtype (differentiable,
        computed in float64 and rounded), or int64 with ``exact=True``.

    Raises:
        ValueError: ``exact=True`` and an argument holds a non-integer value.
        TypeError: ``exact=True`` under jit/vmap (the values are not concrete).
        OverflowError: ``exact=True`` and a result does not fit in int64.

    Example:
        >>> ft.special.comb(ft.array([10.0]), 3.0)  # 120
        array([120.])
    """
    if exact:
        n_values, k_values = exact_integers("comb", 2, N, k)
        return exact_result("comb", lambda n, r: _exact_comb(n, r, repetition), n_values,
                            k_values)
    return _comb_float(N, k, repetition)


@computed_in_float64(2)
def _comb_float(N, k, repetition):  # noqa: N803
    N, k = float_args(N, k)
    if repetition:
        N = N + k - 1.0
    ok = (k <= N) & (N >= 0) & (k >= 0)
    Ns, ks = ops.where(ok, N, 1.0), ops.where(ok, k, 0.0)
    # C(N, k) = 1 / ((N + 1) B(N - k + 1, k + 1))
    value = ops.exp(-betaln(Ns - ks + 1.0, ks + 1.0)) / (Ns + 1.0)
    return ops.where(ok, value, 0.0)
