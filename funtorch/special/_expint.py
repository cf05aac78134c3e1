"""Exponential, sine/cosine and Fresnel integrals and Spence's function.

Primitives over ``_expint_kernels.py``; each derivative is the integrand.
"""

from __future__ import annotations

import math

from funtorch import ops
from funtorch.core import bind
from funtorch.special import _expint_kernels as K
from funtorch.special._common import float_args, int_arg, special_primitive
from funtorch.typing import Array, ArrayLike

POSITIVE = (0.2, 4.0)
NONZERO = ((-4.0, -0.2), (0.2, 4.0))


def _expn_samples(s):
    shapes = s.broadcastable_shapes(2)
    return (s.int_array(shapes[0], 0, 5), s.array(shapes[1], domain=POSITIVE)), {}


def _expn_deriv(ans, n, x):
    # E_n' = -E_(n-1); E_0 = e^-x / x has E_0' = -E_0 (1 + 1/x)
    lower = bind(expn_p, ops.maximum(n - 1, 0), x)
    return ops.where(n == 0, -ans * (1.0 + 1.0 / x), -lower)


def _sinc(ans, x):
    # sin(x) / x, by its Taylor polynomial near 0 so that higher derivatives stay finite
    away = ops.abs(x) > 1e-3
    xs = ops.where(away, x, 1.0)
    x2 = x * x
    return ops.where(away, ops.sin(xs) / xs, 1.0 - x2 / 6.0 + x2 * x2 / 120.0)


def _spence_deriv(ans, x):
    # log(x) / (1 - x); near x = 1 its Taylor polynomial in u = x - 1 (higher derivatives)
    u = x - 1.0
    away = ops.abs(u) > 1e-4
    xs = ops.where(away, x, 2.0)
    near = -1.0 + u * (0.5 + u * (-1.0 / 3.0 + u * 0.25))
    return ops.where(away, ops.log(xs) / (1.0 - xs), near)


expn_p = special_primitive("expn", K.expn, (None, _expn_deriv), domain=POSITIVE,
                           samples=_expn_samples)
expi_p = special_primitive("expi", K.expi, (lambda ans, x: ops.exp(x) / x,), domain=NONZERO)
si_p = special_primitive("sici_si", lambda xp, x: K.sici(xp, x)[0], (_sinc,),
                         domain=(-6.0, 6.0))
ci_p = special_primitive("sici_ci", lambda xp, x: K.sici(xp, x)[1],
                         (lambda ans, x: ops.cos(x) / x,), domain=NONZERO)
fresnel_s_p = special_primitive(
    "fresnel_s", lambda xp, x: K.fresnel(xp, x)[0],
    (lambda ans, x: ops.sin(0.5 * math.pi * x * x),), domain=(-3.0, 3.0))
fresnel_c_p = special_primitive(
    "fresnel_c", lambda xp, x: K.fresnel(xp, x)[1],
    (lambda ans, x: ops.cos(0.5 * math.pi * x * x),), domain=(-3.0, 3.0))
spence_p = special_primitive("spence", K.spence, (_spence_deriv,), domain=(0.1, 4.0))


def expn(n: ArrayLike, x: ArrayLike) -> Array:
    """Generalized exponential integral ``E_n(x) = int_1^inf e^(-x t) / t^n dt``.

    Args:
        n: non-negative integer order (array-like, not differentiable).
        x: ``x >= 0`` (``nan`` below).

    Returns:
        Array of x's floating dtype; d/dx ``E_n = -E_(n-1)``.

    Example:
        >>> ft.special.expn(2, ft.array([1.0]))  # 0.1485
        array([0.14849551])
    """
    n = int_arg("expn", "n", n)
    (x,) = float_args(x)
    return bind(expn_p, n, x)


def exp1(x: ArrayLike) -> Array:
    """Exponential integral ``E_1(x) = int_x^inf e^-t / t dt`` for ``x >= 0``.

    Args:
        x: real array-like; ``E_1(0) = inf`` and ``nan`` below 0.

    Returns:
        Array of x's shape and floating dtype (``expn(1, x)``); derivative ``-e^-x / x``.

    Example:
        >>> ft.special.exp1(ft.array([1.0]))  # 0.2194
        array([0.21938394])
    """
    return expn(1, x)


def expi(x: ArrayLike) -> Array:
    """Exponential integral ``Ei(x)`` (principal value; ``-E_1(-x)`` for x < 0).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (``-inf`` at 0); derivative ``e^x / x``.

    Example:
        >>> ft.special.expi(ft.array([1.0]))  # 1.8951
        array([1.8951178])
    """
    (x,) = float_args(x)
    return bind(expi_p, x)


def sici(x: ArrayLike) -> tuple[Array, Array]:
    """Sine and cosine integrals ``(Si(x), Ci(x))``; Ci of x < 0 is ``Ci(|x|)`` (its real part).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        A tuple ``(si, ci)`` of two arrays of x's shape and floating dtype (Si odd in x,
        ``Ci(0) = -inf``); derivatives ``sin(x)/x`` and ``cos(x)/x``.

    Example:
        >>> si, ci = ft.special.sici(ft.array([1.0]))
        >>> round(float(si[0]), 4), round(float(ci[0]), 4)
        (0.9461, 0.3374)
    """
    (x,) = float_args(x)
    return bind(si_p, x), bind(ci_p, x)


def fresnel(x: ArrayLike) -> tuple[Array, Array]:
    """Fresnel integrals ``(S(x), C(x))``, int_0^x (sin, cos)(pi t^2 / 2) dt (SciPy's order).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        A tuple ``(s, c)`` of two arrays of x's shape and floating dtype, both odd in x;
        derivatives ``sin(pi x^2 / 2)`` and ``cos(pi x^2 / 2)``.

    Example:
        >>> s, c = ft.special.fresnel(ft.array([1.0]))
        >>> round(float(s[0]), 4), round(float(c[0]), 4)
        (0.4383, 0.7799)
    """
    (x,) = float_args(x)
    return bind(fresnel_s_p, x), bind(fresnel_c_p, x)


def spence(x: ArrayLike) -> Array:
    """Spence's function ``int_1^x log(t) / (1 - t) dt = Li2(1 - x)`` for ``x >= 0``.

    Args:
        x: real array-like; ``nan`` below 0 (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (``spence(1) = 0``); derivative
        ``log(x) / (1 - x)``.

    Example:
        >>> ft.special.spence(ft.array([0.0]))  # pi^2 / 6
        array([1.644934])
    """
    (x,) = float_args(x)
    return bind(spence_p, x)
