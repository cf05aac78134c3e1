"""Growing, shrinking and broadcasting: ``append``, ``insert``, ``delete``, ``resize``,
``broadcast_shapes`` and ``broadcast_arrays``.

All compose ``concatenate``, ``take``, ``reshape`` and ``broadcast_to``, so they are
differentiable, and batch and stage like those; index arguments must be concrete.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops import registry as R
from funtorch.ops.arrays_base import as_array, axis_index, is_int
from funtorch.typing import Array, ArrayLike, Axis, ShapeLike


def append(arr: ArrayLike, values: ArrayLike, axis: Axis = None) -> Array:
    """``arr`` with ``values`` appended along ``axis`` (both flattened when None).

    Args:
        arr: an array-like.
        values: an array-like; with an ``axis`` it has ``arr``'s shape except along ``axis``.
        axis: the axis to append along, or None to flatten both first.

    Returns:
        An array of the promoted dtype: 1-D of length ``arr.size + values.size`` when
        ``axis`` is None, else ``arr``'s shape with ``axis`` lengthened.

    Raises:
        ValueError: shapes that do not fit along ``axis`` (from :func:`concatenate`).

    Example:
        >>> ft.append(ft.array([1, 2]), [[3, 4]]).tolist()
        [1, 2, 3, 4]
    """
    arr, values = as_array(arr), as_array(values)
    if axis is None:
        return ops.concatenate([ops.ravel(arr), ops.ravel(values)])
    return ops.concatenate([arr, values], axis=axis)


def _index_positions(obj, size, fn):
    """NumPy's reading of an ``obj`` of insert/delete: (positions array, was_scalar)."""
    if isinstance(obj, slice):
        return np.arange(size)[obj], False
    positions = np.asarray(obj.numpy() if hasattr(obj, "numpy") else obj)
    if positions.dtype.kind == "b":
        raise TypeError(f"{fn}: boolean index arrays are not supported; use "
                        f"ft.nonzero(mask)[0] to get integer positions")
    if positions.size == 0:
        positions = positions.astype(np.int64)
    if positions.dtype.kind not in "iu" or positions.ndim > 1:
        raise TypeError(f"{fn}: obj must be an int, a slice or a 1-d sequence of ints, got "
                        f"{obj!r}")
    return positions.astype(np.int64), positions.ndim == 0


def insert(arr: ArrayLike, obj: Any, values: ArrayLike, axis: Axis = None) -> Array:
    """Insert ``values`` before the positions ``obj`` along ``axis`` (flattened when None).

    ``obj`` is an int, a slice or a sequence of ints (concrete); ``values`` broadcast as in
    NumPy and take ``arr``'s dtype. Differentiable in ``arr`` and ``values``.

    Args:
        arr: an array-like.
        obj: the position(s) before which to insert: an int, a slice or a 1-D sequence of
            ints, in ``[-n, n]``.
        values: the values to insert, broadcast to the inserted block's shape.
        axis: the axis to insert along, or None to flatten ``arr`` first.

    Returns:
        An array of ``arr``'s dtype, longer along ``axis`` by the number of inserted slices.

    Raises:
        TypeError: ``obj`` is a boolean array or not an int, slice or 1-D ints.
        IndexError: a position outside ``[-n, n]``.

    Example:
        >>> ft.insert(ft.array([1, 2, 3]), 1, [9, 9]).tolist()
        [1, 9, 9, 2, 3]
    """
    arr = as_array(arr)
    if axis is None:
        arr, axis = ops.ravel(arr), 0
    axis = axis_index(axis, arr.ndim, "insert")
    size = arr.shape[axis]
    positions, scalar = _index_positions(obj, size, "insert")
    bad = positions[(positions < -size) | (positions > size)]
    if bad.size:
        raise IndexError(f"insert: index {int(bad[0])} is out of bounds for axis {axis} with "
                         f"size {size}")
    positions = np.where(positions < 0, positions + size, positions)
    values = ops.astype(as_array(values), arr.dtype)
    values = ops.reshape(values, (1,) * (arr.ndim - values.ndim) + tuple(values.shape))
    if scalar:
        values = ops.moveaxis(values, 0, axis)
    count = values.shape[axis] if positions.size == 1 else positions.size
    shape = arr.shape[:axis] + (count,) + arr.shape[axis + 1:]
    values = ops.broadcast_to(values, shape)
    if positions.size == 1:
        positions = np.full(count, positions.reshape(()))
    source = _insert_sources(positions, size)
    return ops.take(ops.concatenate([arr, values], axis=axis), source, axis=axis)


def _insert_sources(positions, size):
    """For each output slot of an insert, its index into ``concatenate([arr, values])``."""
    count = positions.size
    order = np.argsort(positions, kind="stable")
    new_at = positions[order] + np.arange(count)  # where each inserted value lands
    source = np.empty(size + count, dtype=np.int64)
    keep = np.ones(size + count, dtype=bool)
    keep[new_at] = False
    source[keep] = np.arange(size)
    source[new_at] = size + order
    return source


def delete(arr: ArrayLike, obj: Any, axis: Axis = None, *,
           assume_unique_indices: bool = False) -> Array:
    """``arr`` without the entries at ``obj`` (int, slice, ints or a boolean mask) along
    ``axis`` (of the flattened array when None).

    Args:
        arr: an array-like.
        obj: what to remove: an int, a slice, a 1-D sequence of ints, or a boolean mask of
            the axis's length.
        axis: the axis to delete along, or None to flatten ``arr`` first.
        assume_unique_indices: accepted for JAX's signature; ignored.

    Returns:
        An array of ``arr``'s dtype, shorter along ``axis`` by the number of removed slices.

    Raises:
        ValueError: a boolean mask whose shape is not ``(n,)``.
        TypeError: ``obj`` is not an int, a slice, 1-D ints or a boolean mask.
        IndexError: an index outside ``[-n, n)``.

    Example:
        >>> ft.delete(ft.array([[1, 2], [3, 4]]), 0, axis=1).tolist()
        [[2], [4]]
    """
    arr = as_array(arr)
    if axis is None:
        arr, axis = ops.ravel(arr), 0
    axis = axis_index(axis, arr.ndim, "delete")
    size = arr.shape[axis]
    mask = np.asarray(obj.numpy() if hasattr(obj, "numpy") else obj) if not isinstance(
        obj, slice) else None
    keep = np.ones(size, dtype=bool)
    if mask is not None and mask.dtype.kind == "b":
        if mask.shape != (size,):
            raise ValueError(f"delete: boolean array argument obj to delete must be one "
                             f"dimensional and match the axis length of {size}")
        keep = ~mask
    else:
        positions, _ = _index_positions(obj, size, "delete")
        bad = positions[(positions < -size) | (positions >= size)]
        if bad.size:
            raise IndexError(f"delete: index {int(bad[0])} is out of bounds for axis {axis} "
                             f"with size {size}")
        keep[positions] = False
    return ops.take(arr, np.nonzero(keep)[0], axis=axis)


def resize(a: ArrayLike, new_shape: ShapeLike) -> Array:
    """An array of ``new_shape`` filled by repeating ``a``'s flattened elements cyclically
    (zeros when ``a`` is empty), as ``numpy.resize``.

    Args:
        a: an array-like.
        new_shape: an int or a tuple of non-negative ints.

    Returns:
        An array of shape ``new_shape`` and ``a``'s dtype.

    Raises:
        ValueError: a negative length in ``new_shape``.

    Example:
        >>> ft.resize(ft.array([1, 2, 3]), (2, 2)).tolist()
        [[1, 2], [3, 1]]
    """
    a = as_array(a)
    shape = (int(new_shape),) if is_int(new_shape) else tuple(int(n) for n in new_shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"resize: all elements of `new_shape` must be non-negative, got "
                         f"{shape}")
    total = math.prod(shape)
    if a.size == 0 or total == 0:
        return ops.zeros(shape, dtype=a.dtype, device=a.device)
    return ops.reshape(ops.take(ops.ravel(a), np.arange(total) % a.size), shape)


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that arrays of ``shapes`` broadcast to.

    Args:
        *shapes: shapes (tuples of ints, or ints for 1-D shapes).

    Returns:
        A tuple of ints.

    Raises:
        ValueError: shapes that do not broadcast (both are named).

    Example:
        >>> ft.broadcast_shapes((2, 1), (3,))
        (2, 3)
    """
    shapes = [(int(s),) if is_int(s) else tuple(int(n) for n in s) for s in shapes]
    return tuple(R.broadcast_shapes("broadcast_shapes", *shapes))


def broadcast_arrays(*args: Any) -> Any:
    """Broadcast the arrays against each other; returns a tuple.

    Args:
        *args: array-likes whose shapes broadcast together.

    Returns:
        A tuple of arrays, all of the broadcast shape, each keeping its dtype.

    Raises:
        ValueError: shapes that do not broadcast.

    Example:
        >>> [a.shape for a in ft.broadcast_arrays(ft.zeros((2, 1)), ft.zeros(3))]
        [(2, 3), (2, 3)]
    """
    arrays = [as_array(a) for a in args]
    shape = R.broadcast_shapes("broadcast_arrays", *(a.shape for a in arrays))
    return tuple(ops.broadcast_to(a, shape) for a in arrays)

