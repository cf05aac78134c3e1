"""Rearranging arrays: ``copy``, ``ravel``, ``permute_dims``, ``roll``, ``rollaxis``,
``rot90``, ``fliplr``/``flipud``, ``diagonal``, ``diagflat`` and ``trim_zeros`` (the queries
``ndim``, ``shape``, ``size``, ``isscalar`` and ``iterable`` are in ``arrays_query``).

Everything composes ``reshape``, ``transpose``, ``flip`` and indexing, so it is linear and
differentiable.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Array, bind
from funtorch.ops.arrays_base import as_array, axis_index, host, is_int
from funtorch.ops.arrays_query import isscalar, iterable, ndim, shape, size  # noqa: F401
from funtorch.ops.shape import reshape_p
from funtorch import ops
from funtorch.typing import ArrayLike, Axis


def copy(a: ArrayLike, order: str | None = None) -> Array:
    """A new array with ``a``'s values (gradients flow through it as through identity).

    Args:
        a: an array or array-like.
        order: accepted for NumPy's signature and ignored (arrays are row-major).

    Returns:
        An array of ``a``'s shape, dtype and values.

    Example:
        >>> ft.copy(ft.array([1, 2])).tolist()
        [1, 2]
    """
    a = as_array(a)
    return bind(reshape_p, a, shape=tuple(a.shape))


def ravel(a: ArrayLike, order: str = "C") -> Array:
    """The elements as a 1-d array, in row-major (``order="C"``) or column-major (``"F"``)
    order.

    Args:
        a: an array or array-like.
        order: ``"C"`` (row-major), ``"F"`` (column-major), or ``"A"``/``"K"`` (as ``"C"``).

    Returns:
        A 1-d array of ``a.size`` elements in ``a``'s dtype.

    Raises:
        ValueError: ``order`` is none of those.

    Example:
        >>> ft.ravel(ft.array([[1, 2], [3, 4]]), order="F").tolist()
        [1, 3, 2, 4]
    """
    a = as_array(a)
    if order == "F":
        a = ops.transpose(a)
    elif order not in ("C", "A", "K"):
        raise ValueError(f"ravel: order must be one of 'C', 'F', 'A' or 'K', got {order!r}")
    return ops.reshape(a, (-1,))


def permute_dims(a: ArrayLike, /, axes: Axis) -> Array:
    """The Array API spelling of :func:`transpose` with explicit ``axes``.

    Args:
        a: an array (positional only).
        axes: a permutation of ``range(a.ndim)``: output axis ``i`` is input axis
            ``axes[i]``.

    Returns:
        An array of shape ``tuple(a.shape[i] for i in axes)``.

    Example:
        >>> ft.permute_dims(ft.zeros((2, 3, 4)), (2, 0, 1)).shape
        (4, 2, 3)
    """
    return ops.transpose(a, axes)


# Moving elements ------------------------------------------------------------------------


def _roll_one(a, shift, axis):
    length = a.shape[axis]
    if length == 0:
        return a
    if isinstance(shift, Array):  # a traced shift: gather by (i - shift) mod n
        source = ops.mod(ops.arange(length, device=a.device) - ops.astype(shift, np.int64), length)
    else:
        source = (np.arange(length) - int(shift)) % length
    return ops.take(a, source, axis=axis)


def roll(a, shift, axis=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (of the flattened array when
    None); ``shift`` and ``axis`` may be matching tuples, and ``shift`` a traced int.

    Example:
        >>> ft.roll(ft.array([1, 2, 3, 4]), 1).tolist()
        [4, 1, 2, 3]
    """
    a = as_array(a)
    if axis is None:
        return ops.reshape(roll(ops.ravel(a), shift, 0), a.shape)
    axes = (axis,) if is_int(axis) else tuple(axis)
    shifts = tuple(shift) if isinstance(shift, (tuple, list)) else (shift,)
    try:
        pairs = np.broadcast_shapes((len(shifts),), (len(axes),))[0]
    except ValueError:
        raise ValueError(f"roll: shift and axis must broadcast to one length, got {shift!r} "
                         f"and {axis!r}") from None
    shifts = shifts * (pairs if len(shifts) == 1 else 1)
    axes = axes * (pairs if len(axes) == 1 else 1)
    for step, ax in zip(shifts, axes):
        a = _roll_one(a, step, axis_index(ax, a.ndim, "roll"))
    return a


def rollaxis(a: ArrayLike, axis: Axis, start: ArrayLike = 0) -> Array:
    """Roll ``axis`` backwards until it lies before position ``start`` (NumPy's older
    spelling of :func:`moveaxis`).

    Args:
        a: an array.
        axis: the axis to move.
        start: the axis it is moved in front of (``a.ndim`` moves it to the end).

    Returns:
        An array with ``a``'s axes reordered.

    Raises:
        ValueError: ``axis`` or ``start`` out of range.

    Example:
        >>> ft.rollaxis(ft.zeros((3, 4, 5)), 2).shape
        (5, 3, 4)
    """
    a = as_array(a)
    axis = axis_index(axis, a.ndim, "rollaxis")
    if not -a.ndim <= start <= a.ndim:
        raise ValueError(f"rollaxis: start arg requires {-a.ndim} <= start < {a.ndim + 1}, "
                         f"got {start}")
    start = start + a.ndim if start < 0 else start
    if axis < start:
        start -= 1
    return ops.moveaxis(a, axis, start) if axis != start else a


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``, from the first axis
    towards the second.

    Raises:
        ValueError: ``axes`` not two different axes of ``m``.

    Example:
        >>> ft.rot90(ft.array([[1, 2], [3, 4]])).tolist()
        [[2, 4], [1, 3]]
    """
    m = as_array(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: len(axes) must be 2, got axes={axes}")
    first, second = (axis_index(ax, m.ndim, "rot90") for ax in axes)
    if first == second:
        raise ValueError(f"rot90: axes must be different, got axes={axes}")
    k = int(k) % 4
    if k == 0:
        return m
    if k == 2:
        return ops.flip(m, (first, second))
    perm = list(range(m.ndim))
    perm[first], perm[second] = perm[second], perm[first]
    if k == 1:
        return ops.transpose(ops.flip(m, second), perm)
    return ops.flip(ops.transpose(m, perm), second)


def fliplr(m: ArrayLike) -> Array:
    """Reverse the order of columns (axis 1); needs at least 2 dimensions.

    Args:
        m: an array of at least 2 dimensions.

    Returns:
        An array of ``m``'s shape with axis 1 reversed.

    Raises:
        ValueError: ``m`` has fewer than 2 dimensions.

    Example:
        >>> ft.fliplr(ft.array([[1, 2]])).tolist()
        [[2, 1]]
    """
    m = as_array(m)
    if m.ndim < 2:
        raise ValueError(f"fliplr: input must be >= 2-d, got shape {tuple(m.shape)}")
    return ops.flip(m, 1)


def flipud(m: ArrayLike) -> Array:
    """Reverse the order of rows (axis 0); needs at least 1 dimension.

    Args:
        m: an array of at least 1 dimension.

    Returns:
        An array of ``m``'s shape and dtype, its rows (the slices along axis 0) in
        reverse order.

    Raises:
        ValueError: a 0-d ``m``.

    Example:
        >>> ft.flipud(ft.array([1, 2])).tolist()
        [2, 1]
        >>> ft.flipud(ft.array([[1, 2], [3, 4]])).tolist()
        [[3, 4], [1, 2]]
    """
    m = as_array(m)
    if m.ndim < 1:
        raise ValueError("flipud: input must be >= 1-d, got a 0-d array")
    return ops.flip(m, 0)


# Diagonals and trimming -----------------------------------------------------------------


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the ``axis1``/``axis2`` planes, as the last axis.

    Raises:
        ValueError: fewer than 2 dimensions, or ``axis1 == axis2``.

    Example:
        >>> ft.diagonal(ft.array([[1, 2], [3, 4]]), offset=1).tolist()
        [2]
    """
    a = as_array(a)
    if a.ndim < 2:
        raise ValueError(f"diagonal: diag requires an array of at least two dimensions, got "
                         f"shape {tuple(a.shape)}")
    axis1, axis2 = (axis_index(ax, a.ndim, "diagonal") for ax in (axis1, axis2))
    if axis1 == axis2:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same, got {axis1}")
    a = ops.moveaxis(a, (axis1, axis2), (-2, -1))
    offset = int(offset)
    rows, cols = a.shape[-2:]
    length = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    steps = np.arange(length)
    return a[..., steps + max(-offset, 0), steps + max(offset, 0)]


def diagflat(v: ArrayLike, k: int = 0) -> Array:
    """A 2-d array with the flattened ``v`` on the ``k``-th diagonal.

    Args:
        v: an array of any shape (flattened in row-major order).
        k: the diagonal: 0 the main one, positive above it, negative below.

    Returns:
        A square array of side ``v.size + abs(k)``, zero off that diagonal.

    Example:
        >>> ft.diagflat(ft.array([[1, 2]])).tolist()
        [[1, 0], [0, 2]]
    """
    return ops.diag(ravel(v), k)


def trim_zeros(filt: ArrayLike, trim: str = "fb", axis: Axis = None) -> Array:
    """Cut the leading (``"f"``) and/or trailing (``"b"``) zeros; for n-d input, trim the
    all-zero slices at the edges of each axis in ``axis`` (every axis when None).

    The result's shape depends on the values, so they must be concrete (not under
    ``jit``/``vmap``); the gradient flows to the kept elements.

    Args:
        filt: an array of at least 1 dimension.
        trim: ``"f"`` (front), ``"b"`` (back) or ``"fb"`` (both), any case.
        axis: the axes to trim: an int, a tuple of ints, or None for every axis.

    Returns:
        A slice of ``filt`` (empty along an axis that holds only zeros).

    Raises:
        ValueError: ``trim`` holds another character, or ``filt`` is 0-d.
        TypeError: under ``jit`` or ``vmap``, where the values are unknown.

    Example:
        >>> ft.trim_zeros(ft.array([0, 0, 1, 2, 0])).tolist()
        [1, 2]
    """
    filt = as_array(filt)
    trim = trim.lower()
    if not set(trim) <= {"f", "b"}:
        raise ValueError(f"trim_zeros: unexpected character(s) in `trim`: {trim!r}")
    if filt.ndim == 0:
        raise ValueError("trim_zeros: input must be at least 1-d, got a 0-d array")
    nonzero = host(filt, "trim_zeros", "call it outside the transform") != 0
    axes = ops.normalize_axis(axis, filt.ndim, "trim_zeros")
    index = [slice(None)] * filt.ndim
    for ax in axes:
        others = tuple(d for d in range(filt.ndim) if d != ax)
        where = np.nonzero(nonzero.any(axis=others) if others else nonzero)[0]
        if where.size == 0:
            start = stop = 0 if "f" in trim or "b" in trim else None
        else:
            start = int(where[0]) if "f" in trim else None
            stop = int(where[-1]) + 1 if "b" in trim else None
        index[ax] = slice(start, stop)
    return filt[tuple(index)]
