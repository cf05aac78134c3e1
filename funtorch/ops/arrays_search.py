"""Sorting-based searches: ``searchsorted``, ``digitize``, ``lexsort``, ``argpartition``,
``partition`` and ``interp``.

``searchsorted`` sorts the sorted array together with the queries (one stable
``argsort``), so it is built from public ops and works under ``jit`` and ``vmap``; the
integer results carry no gradient. ``partition`` is a full sort (a valid partition for
every ``kth``), differentiable as ``sort``; ``interp`` is differentiable in ``x``, ``xp``
and ``fp``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from funtorch import dtypes
from funtorch.ops.arrays_base import as_array, axis_index, default_float, host_or_none
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis

_SEARCH_METHODS = ("scan", "scan_unrolled", "sort", "compare_all")


def _count_before(a, v, side):
    """For each query in 1-d ``v``: how many of the sorted 1-d ``a`` sort before it
    (strictly for ``side="left"``). NaNs sort last, as in NumPy."""
    first, second = (v, a) if side == "left" else (a, v)
    joined = ops.concatenate([first, second])
    order = ops.argsort(joined)  # stable: ties keep the queries before (left) / after (right)
    is_query = (order < v.shape[0]) if side == "left" else (order >= a.shape[0])
    # the position of each joined element in the sorted order (a scatter: cheaper than a
    # second argsort)
    slots = ops.arange(order.shape[0], device=order.device)
    rank = ops.zeros(order.shape, dtype=np.int64, device=order.device).at[order].set(slots)
    queries_before = ops.cumsum(ops.astype(is_query, np.int64)) - 1
    at = rank[:v.shape[0]] if side == "left" else rank[a.shape[0]:]
    return at - queries_before[at]


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Where to insert ``v`` into the sorted 1-d ``a`` to keep it sorted: ``i`` with
    ``a[i-1] < v <= a[i]`` (``side="left"``) or ``a[i-1] <= v < a[i]`` (``"right"``).

    ``sorter`` gives the order that sorts ``a``. Every ``method`` of JAX is accepted and
    gives the same result. No gradient (integer output).

    Raises:
        ValueError: ``a`` not 1-d, or a bad ``side``/``method``.

    Example:
        >>> ft.searchsorted(ft.array([1, 2, 2, 3]), ft.array([2, 5]), side="right").tolist()
        [3, 4]
    """
    a, v = as_array(a), as_array(v)
    if a.dtype.kind == "c" or v.dtype.kind == "c":
        raise TypeError("searchsorted: complex numbers have no order (got a complex array); "
                        "search their real parts")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if method not in _SEARCH_METHODS:
        raise ValueError(f"searchsorted: method must be one of {_SEARCH_METHODS}, got "
                         f"{method!r}")
    if a.ndim != 1:
        raise ValueError(f"searchsorted: a must be 1-d, got shape {tuple(a.shape)}")
    if sorter is not None:
        a = ops.take(a, sorter)
    dtype = dtypes.result_type(a.dtype, v.dtype)
    a, flat = ops.astype(a, dtype), ops.astype(ops.ravel(v), dtype)
    if flat.shape[0] == 0 or a.shape[0] == 0:
        return ops.zeros(v.shape, dtype=np.int64)
    return ops.reshape(_count_before(a, flat, side), v.shape)


def digitize(x: ArrayLike, bins: ArrayLike, right: bool = False, *,
             method: str | None = None) -> Array:
    """The index of the bin each ``x`` falls in, for monotonic ``bins`` (increasing or
    decreasing), as ``numpy.digitize``. No gradient.

    Args:
        x: the values to bin (any shape).
        bins: a 1-D monotonic array of bin edges.
        right: whether a bin includes its right edge instead of its left one.
        method: passed to :func:`searchsorted` (JAX's search methods; all give the same
            result).

    Returns:
        An int64 array of ``x``'s shape: ``i`` with ``bins[i-1] <= x < bins[i]`` for
        increasing bins (0 below the first edge, ``len(bins)`` above the last).

    Raises:
        ValueError: ``bins`` not 1-d, or (when known) not monotonic.

    Example:
        >>> ft.digitize(ft.array([0.5, 1.0, 2.5]), ft.array([1.0, 2.0])).tolist()
        [0, 1, 2]
    """
    x, bins = as_array(x), as_array(bins)
    if bins.ndim != 1:
        raise ValueError(f"digitize: bins must be a 1-d array, got shape {tuple(bins.shape)}")
    if bins.shape[0] == 0:
        return ops.zeros(x.shape, dtype=np.int64)
    values = host_or_none(bins)
    if values is not None and values.size > 1:
        steps = np.diff(values)
        if not ((steps >= 0).all() or (steps <= 0).all()):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
    side = "left" if right else "right"
    kwargs = {} if method is None else {"method": method}
    rising = searchsorted(bins, x, side=side, **kwargs)
    falling = bins.shape[0] - searchsorted(ops.flip(bins, 0), x, side=side, **kwargs)
    return ops.where(bins[-1] >= bins[0], rising, falling)


def lexsort(keys: ArrayLike, axis: Axis = -1) -> Array:
    """Indices that sort by several keys: the last key is the primary one, earlier keys
    break ties (stable), as ``numpy.lexsort``. No gradient.

    Args:
        keys: a sequence of arrays broadcasting together (or a 2-D array, one key per row);
            the last is the primary key.
        axis: the axis to sort along.

    Returns:
        An int64 array of the keys' broadcast shape: the sorting indices along ``axis``.

    Raises:
        TypeError: no keys.

    Example:
        >>> ft.lexsort([ft.array([2, 1, 3]), ft.array([0, 0, 1])]).tolist()
        [1, 0, 2]
    """
    keys = [as_array(k) for k in (keys if not hasattr(keys, "ndim") else
                                  [keys[n] for n in range(keys.shape[0])])]
    if not keys:
        raise TypeError("lexsort: need a sequence of keys with length at least 1")
    shape = ops.broadcast_shapes(*(k.shape for k in keys))
    keys = [ops.broadcast_to(k, shape) for k in keys]
    if not shape:
        return ops.zeros((), dtype=np.int64)
    axis = axis_index(axis, len(shape), "lexsort")
    order = ops.argsort(keys[0], axis=axis)
    for key in keys[1:]:
        order = ops.take_along_axis(
            order, ops.argsort(ops.take_along_axis(key, order, axis), axis=axis), axis)
    return order


def _partition_axis(a, kth, axis, fn):
    """(``a``, flattened when ``axis`` is None, and the axis), with ``kth`` checked."""
    a = as_array(a)
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = axis_index(axis, a.ndim, fn)
    length = a.shape[axis]
    kths = np.atleast_1d(np.asarray(kth))
    if kths.dtype.kind not in "iu":
        raise TypeError(f"{fn}: kth must be an int or a sequence of ints, got {kth!r}")
    bad = kths[(kths < -length) | (kths >= length)]
    if bad.size:
        raise ValueError(f"{fn}: kth(={int(bad[0])}) out of bounds ({length})")
    return a, axis


def argpartition(a: ArrayLike, kth: int | Sequence[int], axis: Axis = -1) -> Array:
    """Indices that partition ``a`` around ``kth`` along ``axis``: the element at ``kth``
    is in its sorted place, smaller ones before it, larger ones after (funtorch returns
    a full stable argsort, which satisfies this for every ``kth``). No gradient.

    Args:
        a: an array-like.
        kth: an int or a sequence of ints in ``[-n, n)``.
        axis: the axis to partition along, or None for the flattened array.

    Returns:
        An int64 array of ``a``'s shape (1-D when ``axis`` is None).

    Raises:
        TypeError: ``kth`` is not an int or ints.
        ValueError: ``kth`` out of bounds.

    Example:
        >>> x = ft.array([3, 1, 2])
        >>> x[ft.argpartition(x, 1)][1].item()
        2
    """
    a, axis = _partition_axis(a, kth, axis, "argpartition")
    return ops.argsort(a, axis=axis)


def partition(a: ArrayLike, kth: int | Sequence[int], axis: Axis = -1) -> Array:
    """A copy of ``a`` partitioned around ``kth`` along ``axis`` (funtorch sorts fully,
    a valid partition for every ``kth``). Differentiable as ``sort``.

    Args:
        a: an array-like.
        kth: an int or a sequence of ints in ``[-n, n)``.
        axis: the axis to partition along, or None for the flattened array.

    Returns:
        An array of ``a``'s shape (1-D when ``axis`` is None) and dtype.

    Raises:
        ValueError: ``kth`` out of bounds.
        TypeError: ``kth`` is not an int or ints.

    Example:
        >>> ft.partition(ft.array([3.0, 1.0, 2.0]), 1)[1].item()
        2.0
    """
    a, axis = _partition_axis(a, kth, axis, "partition")
    return ops.sort(a, axis=axis)


def _periodic(x, xp, fp, period):
    period = abs(period)
    x, xp = ops.mod(x, period), ops.mod(xp, period)
    order = ops.argsort(xp)
    xp, fp = xp[order], fp[order]
    xp = ops.concatenate([xp[-1:] - period, xp, xp[:1] + period])
    fp = ops.concatenate([fp[-1:], fp, fp[:1]])
    return x, xp, fp


def interp(x: ArrayLike, xp: ArrayLike, fp: ArrayLike, left: ArrayLike | None = None,
           right: ArrayLike | None = None, period: float | None = None) -> Array:
    """One-dimensional linear interpolation of the points ``(xp, fp)`` (``xp``
    increasing) at ``x``; ``left``/``right`` are used outside ``[xp[0], xp[-1]]``
    (default: the end values), ``period`` makes ``xp`` periodic.

    Differentiable in ``x``, ``xp`` and ``fp``, and traceable (jit, vmap).

    Args:
        x: where to evaluate (any shape).
        xp: the 1-D increasing sample positions.
        fp: the 1-D sample values, as many as ``xp``.
        left: the value below ``xp[0]`` (default ``fp[0]``).
        right: the value above ``xp[-1]`` (default ``fp[-1]``).
        period: None, or the period of ``xp`` (``left``/``right`` are then ignored).

    Returns:
        A float array of ``x``'s shape.

    Raises:
        ValueError: ``xp`` and ``fp`` not 1-d of the same length, empty, or ``period=0``.

    Example:
        >>> ft.interp(ft.array([0.5, 3.0]), ft.array([0.0, 1.0]), ft.array([0.0, 10.0])).tolist()
        [5.0, 10.0]
    """
    x, xp, fp = as_array(x), as_array(xp), as_array(fp)
    if xp.ndim != 1 or fp.ndim != 1 or xp.shape[0] != fp.shape[0]:
        raise ValueError(f"interp: xp and fp must be 1-d sequences of the same length, got "
                         f"shapes {tuple(xp.shape)} and {tuple(fp.shape)}")
    if xp.shape[0] == 0:
        raise ValueError("interp: array of sample points is empty")
    dtype = default_float(x, xp, fp)
    x, xp, fp = (ops.astype(t, dtype) for t in (x, xp, fp))
    if period is not None:
        if period == 0:
            raise ValueError("interp: period must be a non-zero value")
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    count = xp.shape[0]
    if count == 1:
        out = ops.broadcast_to(fp[0], x.shape)
    else:
        upper = ops.clip(searchsorted(xp, x, side="right"), 1, count - 1)
        x0, x1, f0, f1 = xp[upper - 1], xp[upper], fp[upper - 1], fp[upper]
        width = x1 - x0
        safe = ops.where(width == 0, ops.ones_like(width), width)
        slope = ops.where(width == 0, ops.zeros_like(width), (f1 - f0) / safe)
        out = f0 + (x - x0) * slope
        out = ops.where(x == x1, f1, out)
    below = fp[0] if left is None else ops.astype(as_array(left), dtype)
    above = fp[-1] if right is None else ops.astype(as_array(right), dtype)
    out = ops.where(x < xp[0], below, out)
    return ops.where(x > xp[-1], above, out)
