"""Modified Bessel functions i0, i0e, i1, i1e and Bessel functions J_0..J_v (bessel_jn).

I0/I1: the power series (positive terms, no cancellation) up to |x| = 25 and the Hankel
asymptotic series beyond (its truncation error ~exp(-2|x|) is below float64 rounding).
J_n: Miller's backward recurrence normalised by J_0 + 2 sum J_2k = 1, started far enough
above max(v, |x|) to be exact to rounding (JAX's ``n_iter`` is accepted and unused).
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.ops import registry as R
from funtorch.special._common import float_args, special_primitive
from funtorch.typing import Array, ArrayLike

_SWITCH = 25.0


# (upper |x|, series terms): the last term is below 1e-18 of the sum over each bin
_SERIES_BINS = ((2.0, 14), (6.0, 21), (12.0, 28), (_SWITCH, 43))


def _series_i(xp, ax, order, terms):
    q = 0.25 * ax * ax
    term = xp.ones(ax.shape) if order == 0 else 0.5 * ax
    total = term.copy()
    for k in range(1, terms):
        term *= q
        term *= 1.0 / (k * (k + order))
        total += term
    return total * xp.exp(-ax)


def _asymptotic_i(xp, ax, order):
    mu = 4.0 * order * order
    term = xp.ones(ax.shape)
    asym = term.copy()
    inv = 1.0 / (8.0 * ax)
    for k in range(1, 60):
        term *= inv * (-(mu - (2 * k - 1) ** 2) / k)
        asym += term
    return asym / xp.sqrt(2.0 * math.pi * ax)


def _scaled_bessel_i(xp, x, order):
    """exp(-|x|) I_order(|x|) for order 0 or 1: the series with as many terms as each bin
    of |x| needs, the Hankel series past 25, each on its own elements only."""
    flat = xp.abs(xp.asarray(x, dtype=xp.float64).reshape(-1))
    out = xp.empty_like(flat)
    low = -1.0
    for high, terms in _SERIES_BINS:
        idx = xp.flatnonzero((flat > low) & (flat <= high))
        out[idx] = _series_i(xp, flat[idx], order, terms)
        low = high
    idx = xp.flatnonzero(~(flat <= _SWITCH))  # nan too
    out[idx] = _asymptotic_i(xp, flat[idx], order)
    return out.reshape(xp.shape(x))


def _i0e(xp, x):
    return _scaled_bessel_i(xp, x, 0)


def _i1e(xp, x):
    return xp.copysign(_scaled_bessel_i(xp, x, 1), x)


def _i0(xp, x):
    return _i0e(xp, x) * xp.exp(xp.abs(x))


def _i1(xp, x):
    return _i1e(xp, x) * xp.exp(xp.abs(x))


def _i1_over_x(x, i1x):
    """I1(x) / x (-> 1/2 at 0) for the derivative rules."""
    away = ops.abs(x) > 1e-3
    xs = ops.where(away, x, 1.0)
    x2 = x * x
    return ops.where(away, i1x / xs, 0.5 + x2 / 16.0 + x2 * x2 / 384.0)


i0_p = special_primitive("i0", _i0, (lambda ans, x: i1(x),), domain=(-6.0, 6.0))
i1_p = special_primitive("i1", _i1, (lambda ans, x: i0(x) - _i1_over_x(x, ans),),
                         domain=(-6.0, 6.0))
i0e_p = special_primitive("i0e", _i0e, (lambda ans, x: i1e(x) - ops.sign(x) * ans,),
                          domain=((-6.0, -0.1), (0.1, 6.0)))
i1e_p = special_primitive(
    "i1e", _i1e, (lambda ans, x: i0e(x) - _i1_over_x(x, ans) - ops.sign(x) * ans,),
    domain=((-6.0, -0.1), (0.1, 6.0)))


def _bessel_jn_impl(xp, x, v):
    """J_0..J_v at x, stacked on a new leading axis (Miller's algorithm)."""
    dtype = x.dtype
    x64 = xp.asarray(x, dtype=xp.float64)
    ax = xp.abs(x64)
    zero = ax == 0
    tiny = ax < 1e-5  # two terms of the power series are exact to rounding there
    xs = xp.where(tiny | ~xp.isfinite(ax), 1.0, ax)
    top = max(v, int(xs.max()) if xs.size else 0)
    start = 2 * ((top + 20 + int(math.sqrt(40.0 * (top + 1)))) // 2)
    nxt, cur = xp.zeros(x64.shape), xp.full(x64.shape, 1e-30)
    orders = [None] * (v + 1)
    norm = xp.zeros(x64.shape)
    for k in range(start, 0, -1):
        prev = (2.0 * k / xs) * cur - nxt
        nxt, cur = cur, prev  # cur is now J_(k-1) up to scale
        if k - 1 <= v:
            orders[k - 1] = cur
        if (k - 1) % 2 == 0 and k - 1 > 0:
            norm = norm + 2.0 * cur
        big = xp.abs(cur) > 1e250
        if big.any():  # rescale every stored value of the affected points
            scale = xp.where(big, 1e-250, 1.0)
            nxt, cur, norm = nxt * scale, cur * scale, norm * scale
            orders = [o if o is None else o * scale for o in orders]
    norm = norm + cur
    out = xp.stack([o / norm for o in orders])
    sign = xp.where((x64 < 0) & (xp.arange(v + 1) % 2 == 1).reshape((-1,) + (1,) * x64.ndim),
                    -1.0, 1.0)
    out = out * sign
    first = (xp.arange(v + 1) == 0).reshape((-1,) + (1,) * x64.ndim)
    n = xp.arange(v + 1).reshape((-1,) + (1,) * x64.ndim)
    half = 0.5 * xp.where(tiny, x64, 0.0)
    series = half ** n / xp.asarray([math.factorial(k) for k in range(v + 1)],
                                    dtype=xp.float64).reshape(n.shape)
    series = series * (1.0 - half * half / (n + 1.0))
    out = xp.where(tiny, series, out)
    out = xp.where(zero, xp.where(first, 1.0, 0.0), out)
    out = xp.where(xp.isfinite(x64), out, xp.where(xp.isnan(x64), xp.nan, 0.0))
    return out.astype(dtype if dtype.kind == "f" else xp.float64, copy=False)


def _bessel_jn_deriv(x, v):
    """J_n'(x) = (J_(n-1) - J_(n+1)) / 2 for n = 0..v, with J_(-1) = -J_1."""
    full = bind(bessel_jn_p, x, v=v + 1)
    prev = ops.concatenate([-full[1:2], full[:v]], axis=0)
    return (prev - full[1:v + 2]) * 0.5


def _bessel_jn_batch(args, bdims, v):
    (x,), (bdim,) = args, bdims
    return bind(bessel_jn_p, R.move_bdim(x, bdim), v=v), 1


def _bessel_jn_samples(s):
    return (s.array(s.shape(), domain=(-6.0, 6.0)),), {"v": s.integer(0, 3)}


bessel_jn_p = R.primitive(
    "bessel_jn", R.real_kernel("bessel_jn", _bessel_jn_impl),
    shape=lambda x, v: ((v + 1,) + tuple(x.shape), x.dtype),
    vjp=(lambda g, ans, x, v: ops.sum(g * _bessel_jn_deriv(x, v), axis=0),),
    jvp=(lambda t, ans, x, v: t * _bessel_jn_deriv(x, v),),
    batch=_bessel_jn_batch, domain=(-6.0, 6.0), samples=_bessel_jn_samples,
    torch_name="SpecialBesselJn")


def i0(x: ArrayLike) -> Array:
    """Modified Bessel function of the first kind of order 0, ``I_0(x)``.

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (even in x, ``I_0(0) = 1``); derivative
        ``I_1(x)``.

    Example:
        >>> ft.special.i0(ft.array([1.0]))  # 1.2661
        array([1.2660658])
    """
    (x,) = float_args(x)
    return bind(i0_p, x)


def i0e(x: ArrayLike) -> Array:
    """Exponentially scaled ``exp(-|x|) I_0(x)`` (no overflow for large x).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype, in ``(0, 1]``; derivative
        ``i1e(x) - sign(x) i0e(x)``.

    Example:
        >>> ft.special.i0e(ft.array([1000.0]))
        array([0.01261724])
    """
    (x,) = float_args(x)
    return bind(i0e_p, x)


def i1(x: ArrayLike) -> Array:
    """Modified Bessel function of the first kind of order 1, ``I_1(x)``.

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (odd in x); derivative ``I_0(x) - I_1(x)/x``.

    Example:
        >>> ft.special.i1(ft.array([1.0]))  # 0.5652
        array([0.5651591])
    """
    (x,) = float_args(x)
    return bind(i1_p, x)


def i1e(x: ArrayLike) -> Array:
    """Exponentially scaled ``exp(-|x|) I_1(x)`` (no overflow for large x).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (odd in x); derivative
        ``i0e(x) - i1e(x)/x - sign(x) i1e(x)``.

    Example:
        >>> ft.special.i1e(ft.array([1000.0]))
        array([0.01261093])
    """
    (x,) = float_args(x)
    return bind(i1e_p, x)


def bessel_jn(z: ArrayLike, *, v: ArrayLike, n_iter: int = 50) -> Array:
    """Bessel functions of the first kind ``J_0(z)``, ..., ``J_v(z)`` (JAX's ``bessel_jn``).

    Args:
        z: real array-like.
        v: the highest order, a non-negative Python int.
        n_iter: accepted for JAX compatibility; the recurrence depth is chosen from ``v``
            and ``|z|`` so that every result is accurate to rounding.

    Returns:
        Array of shape ``(v + 1,) + z.shape`` and z's floating dtype, row ``n`` holding
        ``J_n(z)``; derivative ``(J_(n-1) - J_(n+1)) / 2``.

    Raises:
        ValueError: ``v`` is not a non-negative Python or NumPy integer.

    Example:
        >>> ft.special.bessel_jn(ft.array([1.0]), v=1)  # [[0.7652], [0.4401]]
        array([[0.7651977 ],
               [0.44005057]])
    """
    if not isinstance(v, (int, np.integer)) or v < 0:
        raise ValueError(f"bessel_jn: v must be a non-negative integer, got {v!r}")
    del n_iter
    (z,) = float_args(z)
    return bind(bessel_jn_p, z, v=int(v))
