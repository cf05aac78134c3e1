"""``jax.nn``'s reductions: ``logsumexp`` (with weights, sign and mask), ``logmeanexp`` and
``standardize``; re-exported by ``activations_extra.py``."""

from __future__ import annotations

import math
from typing import Any, Literal, overload

import numpy as np

import funtorch as ft
from funtorch.special import logsumexp as _special_logsumexp
from funtorch.typing import Array, ArrayLike, Axis

__all__ = ["logmeanexp", "logsumexp", "standardize"]


def _mask_weights(a, where):
    """``where`` as weights of ``a``'s dtype (1 kept, 0 dropped) or None."""
    if where is None:
        return None
    return ft.astype(ft.broadcast_to(ft.asarray(where), a.shape), a.dtype)


@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: Literal[False] = ..., where: ArrayLike | None = ...) -> Array: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ..., *,
              return_sign: Literal[True], where: ArrayLike | None = ...) -> tuple[Array, Array]: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: bool = ..., where: ArrayLike | None = ...) -> Any: ...


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None, keepdims: bool = False,
              return_sign: bool = False, where: ArrayLike | None = None) -> Any:
    """``log(sum(b * exp(a)))`` along ``axis``, stably (``jax.nn.logsumexp``).

    Args:
        a: the array.
        axis: an int, a tuple of ints, or None (all axes).
        b: optional weights broadcasting with ``a`` (may be negative).
        keepdims: keep the reduced axes with length 1.
        return_sign: also return the sign of the sum (which negative ``b`` can make
            negative).
        where: optional boolean mask broadcasting with ``a``: the elements to include.

    Returns:
        The log of the (absolute) sum, ``a``'s shape without the reduced axes; with
        ``return_sign``, ``(value, sign)``.

    Example:
        >>> round(F.logsumexp(ft.array([0.0, 0.0])).item(), 6)
        0.693147
    """
    a = ft.asarray(a)
    weights = _mask_weights(a, where)
    if weights is not None:
        b = weights if b is None else ft.asarray(b) * weights
    return _special_logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)


def logmeanexp(x: ArrayLike, axis: Axis = None, where: ArrayLike | None = None,
               keepdims: bool = False) -> Array:
    """``log(mean(exp(x)))`` along ``axis``, stably (``jax.nn.logmeanexp``).

    Args:
        x: an array.
        axis: an int, a tuple of ints, or None (all axes).
        where: optional boolean mask broadcasting to ``x``: the mean runs over the True
            elements only.
        keepdims: keep the reduced axes with length 1.

    Returns:
        An array of ``x``'s shape without the reduced axes (kept with length 1 under
        ``keepdims``).

    Example:
        >>> round(F.logmeanexp(ft.array([0.0, 0.0])).item(), 6)
        0.0
    """
    x = ft.asarray(x)
    weights = _mask_weights(x, where)
    total = logsumexp(x, axis=axis, b=weights, keepdims=keepdims)
    if weights is None:
        axes = range(x.ndim) if axis is None else np.atleast_1d(axis)
        return total - math.log(math.prod(x.shape[int(n)] for n in axes))
    return total - ft.log(ft.sum(weights, axis=axis, keepdims=keepdims))


def standardize(x: ArrayLike, axis: Axis = -1, mean: ArrayLike | None = None,
                variance: ArrayLike | None = None, epsilon: float = 1e-5,
                where: ArrayLike | None = None) -> Array:
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis`` (``jax.nn.standardize``);
    ``mean`` and ``variance`` are computed when not given.

    Args:
        x: an array.
        axis: an int, a tuple of ints, or None: the axes the statistics run over.
        mean: optional mean broadcasting to ``x`` (computed over ``axis`` when None).
        variance: optional (biased) variance broadcasting to ``x`` (computed when None).
        epsilon: added to the variance before the square root.
        where: optional boolean mask broadcasting to ``x``: statistics over the True
            elements only.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.standardize(ft.array([1.0, 3.0]), epsilon=0.0).tolist()
        [-1.0, 1.0]
    """
    x = ft.asarray(x)
    weights = _mask_weights(x, where)

    def average(values):
        if weights is None:
            return ft.mean(values, axis=axis, keepdims=True)
        return (ft.sum(values * weights, axis=axis, keepdims=True)
                / ft.sum(weights, axis=axis, keepdims=True))
    if mean is None:
        mean = average(x)
    if variance is None:
        centred = x - mean
        variance = average(centred * centred)
    # given statistics take x's dtype: sqrt(2.0) of a Python float would be float32
    mean, variance = ft.asarray(mean, dtype=x.dtype), ft.asarray(variance, dtype=x.dtype)
    return (x - mean) / ft.sqrt(variance + epsilon)
