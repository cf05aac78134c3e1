"""Comparisons of whole arrays (``isclose``, ``allclose``, ``array_equal``, ``array_equiv``)
and small reductions (``count_nonzero``, ``average``, ``ptp``, ``amax``/``amin``).

Boolean and integer results have no gradient; ``average`` and ``ptp`` are compositions of
differentiable reductions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops import registry as R
from funtorch.ops.reductions import normalize_axis
from funtorch.typing import Array, ArrayLike, Axis

amax = ops.max
amin = ops.min


def _float_operands(a, b):
    a, b = R.coerce_pair(a, b)
    a, b = R.as_array(a), R.as_array(b)
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        dtype = a.dtype if a.dtype.kind == "f" else b.dtype if b.dtype.kind == "f" else None
        a = ops.astype(a, dtype) if dtype is not None else R.to_float(a)
        b = ops.astype(b, dtype) if dtype is not None else R.to_float(b)
    return ops.stop_gradient(a), ops.stop_gradient(b)


def isclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Array:
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (NumPy's asymmetric test); infinities
    are close only to themselves, NaN only to NaN when ``equal_nan``. Bool, no gradient.

    Args:
        a, b: array-likes that broadcast together.
        rtol, atol: relative and absolute tolerances.
        equal_nan: count NaN == NaN as close.

    Returns:
        A bool array of the broadcast shape.

    Example:
        >>> ft.isclose(ft.array([1.0, 1.1]), 1.0).tolist()
        [True, False]
    """
    a, b = _float_operands(a, b)
    finite = ops.logical_and(ops.isfinite(a), ops.isfinite(b))
    fa, fb = ops.where(finite, a, 0.0), ops.where(finite, b, 0.0)
    close = ops.where(finite, ops.abs(fa - fb) <= atol + rtol * ops.abs(fb), a == b)
    if equal_nan:
        close = ops.logical_or(close, ops.logical_and(ops.isnan(a), ops.isnan(b)))
    return close


def allclose(a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element pair is :func:`isclose`; a 0-d bool array.

    Args:
        a, b: array-likes that broadcast together.
        rtol, atol: relative and absolute tolerances.
        equal_nan: count NaN == NaN as close.

    Returns:
        A 0-d bool array.

    Example:
        >>> bool(ft.allclose(ft.array([1.0, 2.0]), ft.array([1.0, 2.0 + 1e-9])))
        True
    """
    return ops.all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: ArrayLike, a2: ArrayLike, equal_nan: bool = False) -> bool:
    """Whether ``a1`` and ``a2`` have the same shape and elements; a 0-d bool array.

    Args:
        a1, a2: array-likes (different shapes give False).
        equal_nan: count NaN == NaN as equal.

    Returns:
        A 0-d bool array.

    Example:
        >>> bool(ft.array_equal(ft.array([1, 2]), ft.array([1, 2])))
        True
    """
    a1, a2 = R.as_array(a1), R.as_array(a2)
    if a1.shape != a2.shape:
        return ops.asarray(False)
    return _all_equal(a1, a2, equal_nan)


def _all_equal(a1, a2, equal_nan):
    a1, a2 = R.promote(ops.stop_gradient(a1), ops.stop_gradient(a2))
    same = a1 == a2
    if equal_nan and a1.dtype.kind == "f" and a2.dtype.kind == "f":
        same = ops.logical_or(same, ops.logical_and(ops.isnan(a1), ops.isnan(a2)))
    return ops.all(same)


def array_equiv(a1: ArrayLike, a2: ArrayLike) -> bool:
    """Whether ``a1`` and ``a2`` broadcast together and are equal everywhere; 0-d bool.

    Args:
        a1, a2: array-likes (shapes that cannot broadcast give False).

    Returns:
        A 0-d bool array.

    Example:
        >>> bool(ft.array_equiv(ft.array([1, 2]), ft.array([[1, 2], [1, 2]])))
        True
    """
    a1, a2 = R.as_array(a1), R.as_array(a2)
    try:
        np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return ops.asarray(False)
    return _all_equal(a1, a2, False)


def count_nonzero(a, axis=None, keepdims=False):
    """Number of non-zero elements over ``axis``; int64, no gradient.

    Example:
        >>> ft.count_nonzero(ft.array([[0, 1], [2, 3]]), axis=0).tolist()
        [1, 2]
    """
    a = R.as_array(a)
    return ops.sum(ops.not_equal(ops.stop_gradient(a), 0), axis=axis, keepdims=keepdims)


def ptp(a: ArrayLike, axis: Axis = None, out: Any = None, keepdims: bool = False) -> Array:
    """Range ``max - min`` over ``axis`` (peak to peak); keeps integer dtypes.

    Args:
        a: an array-like.
        axis: None (all), an int or a tuple of ints.
        out: unsupported (must be None).
        keepdims: keep the reduced axes with length 1.

    Returns:
        An array of ``a``'s dtype with ``axis`` reduced.

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> ft.ptp(ft.array([[1.0, 5.0], [2.0, 3.0]]), axis=1).tolist()
        [4.0, 1.0]
    """
    if out is not None:
        raise TypeError("ptp: the out= argument is not supported (funtorch arrays "
                        "are immutable); use the return value")
    a = R.as_array(a)
    return ops.max(a, axis=axis, keepdims=keepdims) - ops.min(a, axis=axis, keepdims=keepdims)


def _weights_along(a, weights, axis, name):
    w = R.as_array(weights)
    if w.shape == a.shape:
        return w
    if w.ndim != 1 or len(axis) != 1:
        raise ValueError(f"{name}: weights of shape {w.shape} differ from a's shape {a.shape}; "
                         "1-d weights need a single axis")
    if w.shape[0] != a.shape[axis[0]]:
        raise ValueError(f"{name}: length of weights ({w.shape[0]}) differs from the length "
                         f"of axis {axis[0]} ({a.shape[axis[0]]})")
    return ops.reshape(w, tuple(-1 if i == axis[0] else 1 for i in range(a.ndim)))


def average(a: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None,
            returned: bool = False, keepdims: bool = False) -> Array:
    """Weighted mean over ``axis``: ``sum(a * w) / sum(w)`` (plain mean without weights).

    Args:
        a: input array; integers become the default float.
        axis: None, an int or a tuple.
        weights: ``a``'s shape, or 1-d along a single ``axis``.
        returned: also return the sum of the weights (broadcast to the result's shape).
        keepdims: keep the reduced axes with length 1.

    Returns:
        The float average with ``axis`` reduced, or ``(average, sum_of_weights)`` when
        ``returned``.

    Raises:
        ValueError: for weights of the wrong shape.

    Example:
        >>> ft.average(ft.array([1.0, 3.0]), weights=ft.array([3.0, 1.0])).item()
        1.5
    """
    a = R.to_float(a)
    axes = normalize_axis(axis, a.ndim, "average")
    if weights is None:
        avg = ops.mean(a, axis=axes, keepdims=keepdims)
        total = ops.full(avg.shape, float(math.prod(a.shape[i] for i in axes)), dtype=avg.dtype)
    else:
        w = _weights_along(a, weights, axes, "average")
        a, w = R.promote(a, w)
        total = ops.sum(ops.broadcast_to(w, a.shape), axis=axes, keepdims=keepdims)
        avg = ops.sum(a * w, axis=axes, keepdims=keepdims) / total
        total = ops.broadcast_to(ops.astype(total, avg.dtype), avg.shape)
    return (avg, total) if returned else avg


__all__ = ["allclose", "amax", "amin", "array_equal", "array_equiv", "average",
           "count_nonzero", "isclose", "ptp"]
