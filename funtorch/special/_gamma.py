"""The gamma family: gammaln, digamma, polygamma, zeta, gamma, gammasgn and compositions.

Primitives hold the float64 kernels of ``_series.py``; their derivatives are the next
member of the family (d gammaln = digamma, d digamma = polygamma(1, .), ...).
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.special import _series as S
from funtorch.special._common import (
    exact_integers, exact_result, float_args, int_arg, special_primitive,
)
from funtorch.typing import Array, ArrayLike

POSITIVE = (0.2, 4.0)
# away from the poles at 0, -1, -2, ... (finite differences need smooth neighbourhoods)
REAL_LINE = ((-2.8, -2.2), (-1.8, -1.2), (-0.8, -0.2), (0.2, 4.0))


def _order_samples(low, high, domain):
    def samples(s):
        shapes = s.broadcastable_shapes(2)
        return (s.int_array(shapes[0], low, high), s.array(shapes[1], domain=domain)), {}
    return samples


def _zeta_samples(s):
    shape = s.shape()
    exponent = float(np.asarray(s.array((), domain=(1.5, 6.0))))  # a weak scalar: no grad
    # q >= 1: near 0 zeta(s, q) ~ q**-s is too steep for float64 finite differences at
    # second order (an FD truncation error of 1e-4 at q = 0.5, s = 5, not a rule error)
    return (exponent, s.array(shape, domain=(1.0, 4.0))), {}


gammaln_p = special_primitive("gammaln", lambda xp, x: S.lgamma(xp, x),
                              (lambda ans, x: digamma(x),), domain=REAL_LINE)
digamma_p = special_primitive("digamma", lambda xp, x: S.digamma(xp, x),
                              (lambda ans, x: polygamma(1, x),), domain=REAL_LINE)
polygamma_p = special_primitive("polygamma", lambda xp, n, x: S.polygamma(xp, n, x),
                                (None, lambda ans, n, x: bind(polygamma_p, n + 1, x)),
                                domain=REAL_LINE, samples=_order_samples(0, 4, REAL_LINE))
# d/ds has no closed form: differentiating in s raises (None), as documented on zeta
def _zeta(xp, s, q, riemann=False):
    return S.riemann_zeta(xp, s) if riemann else S.hurwitz_zeta(xp, s, q)


zeta_p = special_primitive("zeta", _zeta,
                           (None, lambda ans, s, q, riemann=False: -s * bind(zeta_p, s + 1.0, q)),
                           domain=POSITIVE, samples=_zeta_samples)


def _gammasgn(xp, x):
    odd = xp.floor(x) % 2 == 1
    out = xp.where((x < 0) & odd, -1.0, 1.0)
    out = xp.where(x == 0, xp.copysign(1.0, x), out)
    pole = (x < 0) & (x == xp.floor(x))
    return xp.where(pole | xp.isnan(x), xp.nan, out)


gammasgn_p = special_primitive("gammasgn", _gammasgn, (lambda ans, x: ops.zeros_like(x),),
                               domain=REAL_LINE)


def _gamma(xp, x):
    out = _gammasgn(xp, x) * xp.exp(S.lgamma(xp, x))
    return xp.where((x <= 0) & (x == xp.floor(x)) & (x != 0), xp.nan, out)


gamma_p = special_primitive("gamma", _gamma, (lambda ans, x: ans * digamma(x),),
                            domain=REAL_LINE)


def gammaln(x: ArrayLike) -> Array:
    """``log|Gamma(x)|``, elementwise (SciPy's ``gammaln``); ``inf`` at 0, -1, -2, ...

    Args:
        x: real array-like.

    Returns:
        Array of x's floating dtype. Its derivative is :func:`digamma`.

    Example:
        >>> ft.special.gammaln(ft.array([0.5, 10.0]))
        array([ 0.5723649, 12.801827 ])
    """
    (x,) = float_args(x)
    return bind(gammaln_p, x)


def digamma(x: ArrayLike) -> Array:
    """The digamma function ``psi(x) = d/dx log Gamma(x)`` (SciPy's ``digamma``/``psi``).

    Args:
        x: real array-like; ``nan`` at the negative integers, ``-inf`` at +0.

    Returns:
        Array of x's floating dtype; its derivative is ``polygamma(1, x)``.

    Example:
        >>> ft.special.digamma(ft.array([1.0, 2.5]))
        array([-0.5772157 ,  0.70315665])
    """
    (x,) = float_args(x)
    return bind(digamma_p, x)


psi = digamma


def polygamma(n: ArrayLike, x: ArrayLike) -> Array:
    """The n-th derivative of digamma, ``psi^(n)(x)`` (SciPy's ``polygamma``).

    Args:
        n: non-negative integer order (array-like, not differentiable).
        x: real array-like.

    Returns:
        Array of x's floating dtype; its derivative in x is ``polygamma(n + 1, x)``.

    Example:
        >>> ft.special.polygamma(1, ft.array([1.0]))  # pi^2 / 6
        array([1.644934])
    """
    n = int_arg("polygamma", "n", n)
    (x,) = float_args(x)
    return bind(polygamma_p, n, x)


def zeta(x: ArrayLike, q: ArrayLike | None = None) -> Array:
    """The Hurwitz zeta function ``sum_k (q + k)^-x`` (SciPy's ``zeta``; Riemann's if q is None).

    Args:
        x: exponent, ``x > 1`` with ``q`` (``nan`` below, ``inf`` at 1); any real without
            ``q`` (Riemann's zeta, continued analytically as SciPy's). Not differentiable:
            grad in ``x`` raises (no closed form).
        q: shift, ``q > 0`` (negative non-integers allowed for integer ``x``); None for
            Riemann's zeta.

    Returns:
        Array of the promoted floating dtype; d/dq = ``-x * zeta(x + 1, q)``.

    Example:
        >>> ft.special.zeta(2.0, 1.0)  # pi^2 / 6
        array(1.644934)
    """
    if q is None:
        (x,) = float_args(x)
        return bind(zeta_p, x, ops.ones_like(x), riemann=True)
    return bind(zeta_p, *float_args(x, q))


def gamma(x: ArrayLike) -> Array:
    """The gamma function, elementwise (SciPy's ``gamma``: ``nan`` at negative integers).

    Args:
        x: real array-like.

    Returns:
        Array of x's floating dtype; its derivative is ``gamma(x) * digamma(x)``.

    Example:
        >>> ft.special.gamma(ft.array([5.0, 0.5]))  # 24, sqrt(pi)
        array([24.       ,  1.7724539])
    """
    (x,) = float_args(x)
    return bind(gamma_p, x)


def gammasgn(x: ArrayLike) -> Array:
    """The sign of the gamma function (``nan`` at the poles; gradient zero).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype holding ``1.0`` or ``-1.0`` (``-1`` on the
        intervals ``(-2k - 1, -2k)`` and at ``-0.0``), ``nan`` at the negative integers.

    Example:
        >>> ft.special.gammasgn(ft.array([-0.5, 1.5]))  # -1, 1
        array([-1.,  1.])
    """
    (x,) = float_args(x)
    return bind(gammasgn_p, x)


def loggamma(x: ArrayLike) -> Array:
    """``log Gamma(x)`` for real ``x >= 0`` (SciPy's real ``loggamma``: ``nan`` for x < 0).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype, ``gammaln(x)`` where ``x >= 0`` and ``nan``
        elsewhere; derivative ``digamma(x)``.

    Example:
        >>> ft.special.loggamma(ft.array([3.0]))  # log 2
        array([0.6931472])
    """
    (x,) = float_args(x)
    return ops.where(x >= 0, gammaln(ops.where(x >= 0, x, 1.0)), np.nan)


def multigammaln(a: ArrayLike, d: ArrayLike) -> Array:
    """Log of the multivariate gamma function of dimension ``d`` (SciPy's ``multigammaln``).

    ``log Gamma_d(a) = d (d - 1) / 4 log(pi) + sum_{j=1..d} gammaln(a + (1 - j) / 2)``.

    Args:
        a: real array-like, ``a > (d - 1) / 2``.
        d: positive Python int.

    Returns:
        Array of a's shape and floating dtype; derivative in a
        ``sum_{j=1..d} digamma(a + (1 - j) / 2)``.

    Raises:
        ValueError: ``d`` is not a positive Python or NumPy integer.

    Example:
        >>> ft.special.multigammaln(ft.array([3.0]), 2)
        array([1.550195])
    """
    if not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"multigammaln: d must be a positive integer, got {d!r}")
    (a,) = float_args(a)
    out = d * (d - 1) / 4.0 * math.log(math.pi)
    for j in range(d):
        out = out + gammaln(a - j / 2.0)
    return out


def factorial(n: ArrayLike, exact: bool = False) -> Array:
    """``n!`` as ``gamma(n + 1)``, 0 for negative ``n`` (SciPy's ``factorial``, exact=False).

    Args:
        n: array-like.
        exact: ``True`` gives exact int64 results of concrete integer ``n`` (SciPy's
            ``exact=True``; no derivative, OverflowError past int64).

    Returns:
        Array of n's shape, in n's floating dtype with ``exact=False`` (integers become the
        default float dtype; derivative ``gamma(n + 1) digamma(n + 1)`` for ``n >= 0``),
        int64 with ``exact=True``.

    Raises:
        ValueError: ``exact=True`` and ``n`` holds a non-integer value.
        TypeError: ``exact=True`` under jit/vmap (the values are not concrete).
        OverflowError: ``exact=True`` and a result does not fit in int64 (``n > 20``).

    Example:
        >>> ft.special.factorial(ft.array([4.0, 0.0]))  # 24, 1
        array([24.,  1.])
    """
    if exact:
        (values,) = exact_integers("factorial", 1, n)
        return exact_result("factorial", lambda m: math.factorial(m) if m >= 0 else 0, values)
    (n,) = float_args(n)
    return ops.where(n >= 0, gamma(ops.where(n >= 0, n, 0.0) + 1.0), 0.0)


def bernoulli(n: ArrayLike) -> Array:
    """The Bernoulli numbers ``B_0``, ..., ``B_n`` (SciPy's ``bernoulli``; ``B_1 = -1/2``).

    Args:
        n: non-negative Python int.

    Returns:
        1-d Array of ``n + 1`` values in the default float dtype.

    Raises:
        ValueError: ``n`` is not a non-negative Python or NumPy integer.

    Example:
        >>> ft.special.bernoulli(4)  # 1, -1/2, 1/6, 0, -1/30
        array([ 1.        , -0.5       ,  0.16666667,  0.        , -0.03333334])
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"bernoulli: n must be a non-negative integer, got {n!r}")
    values = [float(b) for b in S.bernoulli_numbers(int(n))]
    (out,) = float_args(values)
    return out
