"""The error-function family: erfc, erfcx, erfinv, ndtr, ndtri, log_ndtr, dawsn.

Each is a primitive over the float64 kernels of ``_error_kernels.py``; the derivatives
are exact formulas (the kernels' approximations never reach the gradients).
"""

from __future__ import annotations

import math

from funtorch import ops
from funtorch.core import bind
from funtorch.ops.elementwise import erf  # noqa: F401 - re-exported as ft.special.erf
from funtorch.special import _error_kernels as K
from funtorch.special._common import float_args, special_primitive
from funtorch.typing import Array, ArrayLike

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _log_ndtr_deriv(ans, x):
    # pdf / cdf: as 1 / (sqrt(pi/2) erfcx(-x/sqrt 2)) on the left (no 0/0 in the tail),
    # exp(-x^2/2 - log_ndtr) on the right; each branch sees only its own safe inputs
    left = x < 0
    xl = ops.where(left, x, -1.0)
    xr = ops.where(left, 1.0, x)
    ratio = 1.0 / (math.sqrt(math.pi / 2.0) * erfcx(-xl / K.SQRT_2))
    right = ops.exp(-0.5 * xr * xr - ops.where(left, 0.0, ans)) / K.SQRT_2PI
    return ops.where(left, ratio, right)


erfc_p = special_primitive("erfc", K.erfc,
                           (lambda ans, x: -_TWO_OVER_SQRT_PI * ops.exp(-x * x),),
                           domain=(-4.0, 6.0))
erfcx_p = special_primitive("erfcx", K.erfcx,
                            (lambda ans, x: 2.0 * x * ans - _TWO_OVER_SQRT_PI,),
                            domain=(-3.0, 10.0))
ndtr_p = special_primitive("ndtr", K.ndtr,
                           (lambda ans, x: ops.exp(-0.5 * x * x) / K.SQRT_2PI,),
                           domain=(-6.0, 6.0))
log_ndtr_p = special_primitive("log_ndtr", K.log_ndtr, (_log_ndtr_deriv,), domain=(-20.0, 6.0))
ndtri_p = special_primitive("ndtri", K.ndtri,
                            (lambda ans, p: K.SQRT_2PI * ops.exp(0.5 * ans * ans),),
                            domain=(0.02, 0.98))
erfinv_p = special_primitive("erfinv", K.erfinv,
                             (lambda ans, y: math.sqrt(math.pi) / 2.0 * ops.exp(ans * ans),),
                             domain=(-0.95, 0.95))
dawsn_p = special_primitive("dawsn", K.dawsn, (lambda ans, x: 1.0 - 2.0 * x * ans,),
                            domain=(-5.0, 5.0))


def erfc(x: ArrayLike) -> Array:
    """Complementary error function ``1 - erf(x)``, accurate in the right tail.

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's floating dtype; derivative ``-2/sqrt(pi) exp(-x^2)``.

    Example:
        >>> ft.special.erfc(ft.array([0.0, 5.0]))  # 1, 1.5375e-12
        array([1.0000000e+00, 1.5374598e-12])
    """
    (x,) = float_args(x)
    return bind(erfc_p, x)


def erfcx(x: ArrayLike) -> Array:
    """Scaled complementary error function ``exp(x^2) erfc(x)`` (no overflow for large x).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (``inf`` as x -> -inf); derivative
        ``2 x erfcx(x) - 2/sqrt(pi)``.

    Example:
        >>> ft.special.erfcx(ft.array([0.0, 100.0]))  # 1, ~1/(100 sqrt(pi))
        array([1.        , 0.00564161])
    """
    (x,) = float_args(x)
    return bind(erfcx_p, x)


def ndtr(x: ArrayLike) -> Array:
    """Standard normal CDF ``(1 + erf(x / sqrt 2)) / 2``, accurate in the left tail.

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype, in ``[0, 1]``; derivative the normal density
        ``exp(-x^2/2) / sqrt(2 pi)``.

    Example:
        >>> ft.special.ndtr(ft.array([0.0, -10.0]))  # 0.5, 7.6e-24
        array([5.000000e-01, 7.619853e-24])
    """
    (x,) = float_args(x)
    return bind(ndtr_p, x)


def log_ndtr(x: ArrayLike, series_order: int = 3) -> Array:
    """Log of the standard normal CDF, finite far into the left tail (no underflow).

    Args:
        x: real array-like.
        series_order: accepted for JAX compatibility; the left tail is computed exactly
            as ``log(erfcx(-x / sqrt 2) / 2) - x^2 / 2``, with no truncated series.

    Returns:
        Array of x's shape and floating dtype, ``<= 0``; derivative ``ndtr'(x) / ndtr(x)``.

    Example:
        >>> ft.special.log_ndtr(ft.array([-40.0]))  # ~ -804.6
        array([-804.60846])
    """
    del series_order
    (x,) = float_args(x)
    return bind(log_ndtr_p, x)


def ndtri(p: ArrayLike) -> Array:
    """Inverse of :func:`ndtr` (the standard normal quantile); ``nan`` outside [0, 1].

    Args:
        p: probabilities; 0 gives -inf and 1 gives inf.

    Returns:
        Array of p's floating dtype; derivative ``sqrt(2 pi) exp(ndtri(p)^2 / 2)``.

    Example:
        >>> ft.special.ndtri(ft.array([0.5, 0.975]))  # 0, 1.95996
        array([0.       , 1.9599644])
    """
    (p,) = float_args(p)
    return bind(ndtri_p, p)


def erfinv(y: ArrayLike) -> Array:
    """Inverse error function on [-1, 1] (``nan`` outside, +-inf at +-1).

    Args:
        y: real array-like of values in ``[-1, 1]`` (integers become the default float
            dtype).

    Returns:
        Array of y's floating dtype; derivative ``sqrt(pi)/2 exp(erfinv(y)^2)``.

    Example:
        >>> ft.special.erfinv(ft.array([0.5]))  # 0.4769
        array([0.47693628])
    """
    (y,) = float_args(y)
    return bind(erfinv_p, y)


def dawsn(x: ArrayLike) -> Array:
    """Dawson's integral ``exp(-x^2) int_0^x exp(t^2) dt``.

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (odd in x); derivative ``1 - 2 x dawsn(x)``.

    Example:
        >>> ft.special.dawsn(ft.array([1.0]))  # 0.5381
        array([0.5380795])
    """
    (x,) = float_args(x)
    return bind(dawsn_p, x)
