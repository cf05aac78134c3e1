"""Log-domain helpers: xlogy, xlog1py, logit, expit, entropies, Box-Cox, logsumexp, softmax.

Compositions of public ops (derivatives, vmap and jit for free), except xlogy/xlog1py:
primitives whose partials stay finite where ``x == 0`` (composing them through ``where``
would give 0 * inf = nan in reverse mode).
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.ops.reductions import normalize_axis
from funtorch.special._common import computed_in_float64, float_args, special_primitive
from funtorch.typing import Array, ArrayLike, Axis

POSITIVE = (0.1, 3.0)


def _xlogy(xp, x, y):
    return xp.where(x == 0, 0.0, x * xp.log(y))


def _xlog1py(xp, x, y):
    return xp.where(x == 0, 0.0, x * xp.log1p(y))


xlogy_p = special_primitive(
    "xlogy", _xlogy,
    (lambda ans, x, y: ops.log(y), lambda ans, x, y: x / ops.where((x == 0) & (y == 0), 1.0, y)),
    domain=[(-2.0, 2.0), POSITIVE])


def _logit(xp, p):
    low = p < 0.25
    pl, ph = xp.where(low, p, 0.1), xp.where(low, 0.5, p)
    # 2p - 1 is exact above 1/4, so log1p((2p - 1) / (1 - p)) keeps p - 1/2's digits
    return xp.where(low, xp.log(pl) - xp.log1p(-pl), xp.log1p((2.0 * ph - 1.0) / (1.0 - ph)))


logit_p = special_primitive("logit", _logit, (lambda ans, p: 1.0 / (p * (1.0 - p)),),
                            domain=(0.05, 0.95))
xlog1py_p = special_primitive(
    "xlog1py", _xlog1py,
    (lambda ans, x, y: ops.log1p(y),
     lambda ans, x, y: x / ops.where((x == 0) & (y == -1), 1.0, 1.0 + y)),
    domain=[(-2.0, 2.0), (-0.8, 2.0)])


def xlogy(x: ArrayLike, y: ArrayLike) -> Array:
    """``x * log(y)``, defined as 0 where ``x == 0`` (even for ``y == 0``).

    Args:
        x, y: broadcastable real array-likes.

    Returns:
        Array of the promoted floating dtype; partials ``log(y)`` and ``x / y``.

    Example:
        >>> ft.special.xlogy(ft.array([0.0, 2.0]), ft.array([0.0, 3.0]))  # 0, 2 log 3
        array([0.       , 2.1972246])
    """
    return bind(xlogy_p, *float_args(x, y))


def xlog1py(x: ArrayLike, y: ArrayLike) -> Array:
    """``x * log1p(y)``, defined as 0 where ``x == 0``.

    Args:
        x: real array-like (integers become the default float dtype).
        y: real array-like broadcasting with ``x``.

    Returns:
        Array of the broadcast shape and promoted floating dtype; partials ``log1p(y)``
        and ``x / (1 + y)``.

    Example:
        >>> ft.special.xlog1py(ft.array([0.0, 2.0]), ft.array([-1.0, 1e-10]))
        array([0.e+00, 2.e-10])
    """
    return bind(xlog1py_p, *float_args(x, y))


def logit(p: ArrayLike) -> Array:
    """``log(p / (1 - p))``, the inverse of :func:`expit`, accurate near 0, 1/2 and 1.

    Args:
        p: probabilities, real array-like (integers become the default float dtype).

    Returns:
        Array of p's floating dtype (``nan`` outside [0, 1]); derivative ``1 / (p (1 - p))``.

    Example:
        >>> ft.special.logit(ft.array([0.25, 0.5]))  # -log 3, 0
        array([-1.0986123,  0.       ])
    """
    (p,) = float_args(p)
    return bind(logit_p, p)


def expit(x: ArrayLike) -> Array:
    """The logistic sigmoid ``1 / (1 + exp(-x))`` (SciPy's ``expit``; ``ft.sigmoid``).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype, in ``[0, 1]``; derivative
        ``expit(x) (1 - expit(x))``.

    Example:
        >>> ft.special.expit(ft.array([0.0]))  # 0.5
        array([0.5])
    """
    (x,) = float_args(x)
    return ops.sigmoid(x)


@computed_in_float64(1)
def entr(x: ArrayLike) -> Array:
    """Elementwise entropy ``-x log x`` (0 at 0, ``-inf`` for x < 0).

    Args:
        x: real array-like (integers become the default float dtype).

    Returns:
        Array of x's shape and floating dtype (computed in float64 and rounded); derivative
        ``-1 - log(x)`` for x > 0.

    Example:
        >>> ft.special.entr(ft.array([0.0, 0.5]))  # 0, 0.3466
        array([0.       , 0.3465736])
    """
    (x,) = float_args(x)
    positive = x > 0
    inner = -xlogy(x, ops.where(positive, x, 1.0))
    return ops.where(positive, inner, ops.where(x == 0, 0.0, -np.inf))


@computed_in_float64(2)
def rel_entr(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise relative entropy ``x log(x / y)`` (SciPy's ``rel_entr``).

    0 where ``x == 0 and y >= 0``; ``inf`` where x or y is negative or only y is 0.

    Args:
        x: real array-like (integers become the default float dtype).
        y: real array-like broadcasting with ``x``.

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded); partials ``log(x / y) + 1`` and ``-x / y``.

    Example:
        >>> ft.special.rel_entr(ft.array([0.5]), ft.array([0.25]))  # 0.5 log 2
        array([0.3465736])
    """
    x, y = float_args(x, y)
    ok = (x > 0) & (y > 0)
    xs, ys = ops.where(ok, x, 1.0), ops.where(ok, y, 1.0)
    inner = xs * ops.log(xs / ys)
    return ops.where(ok, inner, ops.where((x == 0) & (y >= 0), 0.0, np.inf))


@computed_in_float64(2)
def kl_div(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise ``x log(x / y) - x + y`` (SciPy's ``kl_div``; ``y`` where x == 0, y >= 0).

    ``inf`` where x or y is negative or only y is 0.

    Args:
        x: real array-like (integers become the default float dtype).
        y: real array-like broadcasting with ``x``.

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded), ``>= 0``; partials ``log(x / y)`` and ``1 - x / y``.

    Example:
        >>> ft.special.kl_div(ft.array([0.5]), ft.array([0.25]))
        array([0.09657359])
    """
    x, y = float_args(x, y)
    ok = (x > 0) & (y > 0)
    xs, ys = ops.where(ok, x, 1.0), ops.where(ok, y, 1.0)
    inner = xs * ops.log(xs / ys) - xs + ys
    return ops.where(ok, inner, ops.where((x == 0) & (y >= 0), y, np.inf))


def _boxcox(logged, lmbda):
    # expm1(lmbda L) / lmbda; where lmbda L is small, its Taylor polynomial, so that the
    # derivative in lmbda at 0 is L^2 / 2 rather than the 0 of a switch to log(x)
    z = lmbda * logged
    small = ops.abs(z) < 1e-3
    safe = ops.where(small, 1.0, lmbda)
    series = logged * (1.0 + z * (0.5 + z * (1.0 / 6.0 + z / 24.0)))
    return ops.where(small, series, ops.expm1(ops.where(small, 1.0, z)) / safe)


@computed_in_float64(2)
def boxcox(x: ArrayLike, lmbda: ArrayLike) -> Array:
    """Box-Cox transform ``(x^lmbda - 1) / lmbda`` (``log x`` at lmbda = 0), via expm1.

    Args:
        x: real array-like, ``x >= 0`` (``nan`` below 0, as SciPy; ``boxcox(0, 0) = -inf``).
        lmbda: the power, real array-like broadcasting with ``x``.

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded), differentiable in both arguments (in ``lmbda`` at 0 too).

    Example:
        >>> ft.special.boxcox(ft.array([2.0]), 0.5)
        array([0.82842714])
    """
    x, lmbda = float_args(x, lmbda)
    return _boxcox(ops.log(x), lmbda)


@computed_in_float64(2)
def boxcox1p(x: ArrayLike, lmbda: ArrayLike) -> Array:
    """Box-Cox transform of ``1 + x``: ``((1 + x)^lmbda - 1) / lmbda``, accurate near x = 0.

    Args:
        x: real array-like, ``x > -1`` (``nan`` below -1, as SciPy).
        lmbda: the power, real array-like broadcasting with ``x``.

    Returns:
        Array of the broadcast shape and promoted floating dtype (computed in float64 and
        rounded), differentiable in both arguments (in ``lmbda`` at 0 too).

    Example:
        >>> ft.special.boxcox1p(ft.array([1e-10]), 0.5)
        array([1.e-10])
    """
    x, lmbda = float_args(x, lmbda)
    return _boxcox(ops.log1p(x), lmbda)


@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: Literal[False] = ...) -> Array: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ..., *,
              return_sign: Literal[True]) -> tuple[Array, Array]: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: bool = ...) -> Any: ...


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably (SciPy's signature).

    Args:
        a: real array-like.
        axis: None (all axes), an int or a tuple of ints.
        b: optional weights broadcastable to ``a`` (may be negative or zero).
        keepdims: keep the reduced axes with size 1.
        return_sign: also return the sign of the sum; without it a negative sum gives nan.

    Returns:
        The log-sum-exp, or ``(log|sum|, sign)`` when ``return_sign``.

    Example:
        >>> ft.special.logsumexp(ft.array([1000.0, 1000.0]))  # 1000.693
        array(1000.6932)
    """
    if b is None and not return_sign:
        (a,) = float_args(a)
        return ops.logsumexp(a, axis=axis, keepdims=keepdims)
    if b is None:
        (a,) = float_args(a)
        b = ops.ones_like(a)
    else:
        a, b = float_args(a, b)
        shape = np.broadcast_shapes(a.shape, b.shape)
        a, b = ops.broadcast_to(a, shape), ops.broadcast_to(b, shape)
    axes = normalize_axis(axis, a.ndim, "logsumexp")
    peak = ops.stop_gradient(ops.max(ops.where(b != 0, a, -np.inf), axis=axes, keepdims=True))
    peak = ops.where(ops.isfinite(peak), peak, 0.0)
    total = ops.sum(b * ops.exp(a - peak), axis=axes, keepdims=True)
    sign = ops.stop_gradient(ops.sign(total))
    magnitude = ops.abs(total) if return_sign else total
    out = ops.log(magnitude) + peak
    if not keepdims:
        out, sign = ops.squeeze(out, axis=axes), ops.squeeze(sign, axis=axes)
    return (out, sign) if return_sign else out


def log_softmax(x: ArrayLike, axis: Axis = None) -> Array:
    """``x - logsumexp(x, axis, keepdims=True)`` (SciPy: axis None means all elements).

    Args:
        x: real array-like (integers become the default float dtype).
        axis: None (all elements, SciPy's default), an int or a tuple of ints.

    Returns:
        Array of x's shape and floating dtype, the log-probabilities along ``axis``.

    Example:
        >>> ft.special.log_softmax(ft.array([1.0, 2.0]))
        array([-1.3132616 , -0.31326166])
    """
    (x,) = float_args(x)
    axes = normalize_axis(axis, x.ndim, "log_softmax")
    peak = ops.stop_gradient(ops.max(x, axis=axes, keepdims=True))
    # subtracting the max first keeps the log-probabilities near 0 exact
    shifted = x - ops.where(ops.isfinite(peak), peak, 0.0)
    return shifted - ops.log(ops.sum(ops.exp(shifted), axis=axes, keepdims=True))


def softmax(x: ArrayLike, axis: Axis = None) -> Array:
    """``exp(x) / sum(exp(x), axis)``, computed stably (SciPy: axis None means all elements).

    Args:
        x: real array-like (integers become the default float dtype).
        axis: None (all elements, SciPy's default), an int or a tuple of ints.

    Returns:
        Array of x's shape and floating dtype, summing to 1 along ``axis``.

    Example:
        >>> ft.special.softmax(ft.array([1.0, 2.0]))
        array([0.26894143, 0.73105854])
    """
    return ops.exp(log_softmax(x, axis=axis))
