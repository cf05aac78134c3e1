"""Stacking, splitting and resizing: ``atleast_*d``, ``hstack``/``vstack``/``dstack``,
``column_stack``, ``block``, ``concat``, ``array_split`` and the ``*split`` family,
``unstack``, ``append``, ``insert``, ``delete``, ``resize`` and ``broadcast_arrays``.

All compose ``concatenate``, ``split``, ``reshape`` and ``take``, so they are linear and
differentiable, and batch and stage like those; index arguments must be concrete.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from funtorch.ops import registry as R
from funtorch.ops.arrays_base import as_array, axis_index, is_int
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike


def _atleast(arrays, ndim, shaper):
    out = []
    for a in arrays:
        a = as_array(a)
        out.append(a if a.ndim >= ndim else ops.reshape(a, shaper(a.shape)))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys: ArrayLike) -> Array:
    """View each input with at least one dimension (0-d becomes shape ``(1,)``).

    Returns one array for one input, else a tuple.

    Example:
        >>> ft.atleast_1d(3.0).shape
        (1,)
    """
    return _atleast(arys, 1, lambda shape: (1,))


def atleast_2d(*arys: ArrayLike) -> Array:
    """View each input with at least two dimensions: ``(N,)`` becomes ``(1, N)``.

    Example:
        >>> ft.atleast_2d(ft.zeros(3)).shape
        (1, 3)
    """
    return _atleast(arys, 2, lambda shape: (1,) * (2 - len(shape)) + shape)


def atleast_3d(*arys: ArrayLike) -> Array:
    """View each input with at least three dimensions: ``(N,)`` becomes ``(1, N, 1)`` and
    ``(M, N)`` becomes ``(M, N, 1)``, as NumPy.

    Example:
        >>> ft.atleast_3d(ft.zeros((2, 3))).shape
        (2, 3, 1)
    """
    return _atleast(arys, 3, lambda shape: (1, 1, 1) if not shape else
                    (1,) + shape + (1,) if len(shape) == 1 else shape + (1,))


def _joined(tup, fn, axis, dtype=None):
    tup = list(tup)
    if not tup:
        raise ValueError(f"{fn}: need at least one array to concatenate")
    out = ops.concatenate(list(tup), axis=axis)
    return out if dtype is None else ops.astype(out, dtype)


def hstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None) -> Array:
    """Join arrays column-wise: along axis 1, or axis 0 for 1-d inputs.

    Example:
        >>> ft.hstack([ft.array([1, 2]), ft.array([3])]).tolist()
        [1, 2, 3]
    """
    arrays = [atleast_1d(a) for a in tup]
    return _joined(arrays, "hstack", 0 if arrays and arrays[0].ndim == 1 else 1, dtype)


def vstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None) -> Array:
    """Join arrays row-wise (1-d inputs become rows).

    Example:
        >>> ft.vstack([ft.array([1, 2]), ft.array([3, 4])]).shape
        (2, 2)
    """
    return _joined([atleast_2d(a) for a in tup], "vstack", 0, dtype)


def dstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None) -> Array:
    """Join arrays along the third axis (after :func:`atleast_3d`).

    Example:
        >>> ft.dstack([ft.zeros((2, 3)), ft.ones((2, 3))]).shape
        (2, 3, 2)
    """
    return _joined([atleast_3d(a) for a in tup], "dstack", 2, dtype)


def column_stack(tup: Sequence[ArrayLike]) -> Array:
    """Stack 1-d arrays as columns of a 2-d array (2-d inputs are joined as they are).

    Example:
        >>> ft.column_stack([ft.array([1, 2]), ft.array([3, 4])]).tolist()
        [[1, 3], [2, 4]]
    """
    arrays = []
    for a in tup:
        a = as_array(a)
        arrays.append(ops.reshape(a, (-1, 1)) if a.ndim < 2 else a)
    return _joined(arrays, "column_stack", 1)


def concat(arrays, /, *, axis=0):
    """The Array API spelling of :func:`concatenate`.

    Example:
        >>> ft.concat([ft.zeros(2), ft.ones(1)]).tolist()
        [0.0, 0.0, 1.0]
    """
    return ops.concatenate(arrays, axis=axis)


def _block_depth(arrays, fn):
    if isinstance(arrays, tuple):
        raise TypeError(f"{fn}: arrays is a tuple; only lists can be used to arrange blocks")
    if not isinstance(arrays, list):
        return 0, as_array(arrays).ndim
    if not arrays:
        raise ValueError(f"{fn}: lists cannot be empty")
    depths = [_block_depth(a, fn) for a in arrays]
    if len({d for d, _ in depths}) > 1:
        raise ValueError(f"{fn}: list depths are mismatched: the nesting depths of the "
                         f"entries are {[d + 1 for d, _ in depths]}")
    return depths[0][0] + 1, max(n for _, n in depths)


def _block(arrays, depth, ndim):
    if not isinstance(arrays, list):
        a = as_array(arrays)
        return ops.reshape(a, (1,) * (ndim - a.ndim) + tuple(a.shape))
    parts = [_block(a, depth - 1, ndim) for a in arrays]
    return ops.concatenate(parts, axis=-depth)


def block(arrays: ArrayLike) -> Array:
    """Assemble an array from nested lists of blocks (the innermost lists are joined
    along the last axis, the next ones along the second-to-last, ...).

    Raises:
        ValueError: empty lists or mismatched nesting depths.
        TypeError: a tuple used instead of a list.

    Example:
        >>> ft.block([[ft.eye(2), ft.zeros((2, 1))]]).shape
        (2, 3)
    """
    depth, ndim = _block_depth(arrays, "block")
    if depth == 0:
        return ops.copy(arrays)
    return _block(arrays, depth, max(depth, ndim))


# Splitting ---------------------------------------------------------------------------


def array_split(ary: ArrayLike, indices_or_sections: Any, axis: Axis = 0) -> Array:
    """Split into sub-arrays along ``axis``; unlike :func:`split` an int ``N`` need not
    divide the axis: the first ``size % N`` pieces get one extra element.

    Example:
        >>> [p.tolist() for p in ft.array_split(ft.arange(5), 3)]
        [[0, 1], [2, 3], [4]]
    """
    ary = as_array(ary)
    if not is_int(indices_or_sections):
        return ops.split(ary, indices_or_sections, axis)
    sections = int(indices_or_sections)
    if sections <= 0:
        raise ValueError(f"array_split: number of sections must be larger than 0, got "
                         f"{sections}")
    size = ary.shape[axis_index(axis, ary.ndim, "array_split")]
    each, extra = divmod(size, sections)
    bounds = np.cumsum([each + 1] * extra + [each] * (sections - extra))[:-1]
    return ops.split(ary, [int(b) for b in bounds], axis)


def _split_at_least(ary, indices_or_sections, ndim, axis, fn):
    ary = as_array(ary)
    if ary.ndim < ndim:
        raise ValueError(f"{fn}: only works on arrays of {ndim} or more dimensions, got shape "
                         f"{tuple(ary.shape)}")
    return ops.split(ary, indices_or_sections, axis)


def hsplit(ary: ArrayLike, indices_or_sections: Any) -> Array:
    """Split column-wise (axis 1, or axis 0 for 1-d arrays), as :func:`split`.

    Example:
        >>> [p.shape for p in ft.hsplit(ft.zeros((2, 4)), 2)]
        [(2, 2), (2, 2)]
    """
    ary = as_array(ary)
    return _split_at_least(ary, indices_or_sections, 1, 1 if ary.ndim > 1 else 0, "hsplit")


def vsplit(ary: ArrayLike, indices_or_sections: Any) -> Array:
    """Split row-wise (axis 0) an array of at least 2 dimensions.

    Example:
        >>> [p.shape for p in ft.vsplit(ft.zeros((4, 2)), [1])]
        [(1, 2), (3, 2)]
    """
    return _split_at_least(ary, indices_or_sections, 2, 0, "vsplit")


def dsplit(ary: ArrayLike, indices_or_sections: Any) -> Array:
    """Split along the third axis an array of at least 3 dimensions.

    Example:
        >>> [p.shape for p in ft.dsplit(ft.zeros((1, 1, 4)), 2)]
        [(1, 1, 2), (1, 1, 2)]
    """
    return _split_at_least(ary, indices_or_sections, 3, 2, "dsplit")


def unstack(x: ArrayLike, /, *, axis: Axis = 0) -> Any:
    """The slices of ``x`` along ``axis``, as a tuple (the inverse of :func:`stack`).

    Example:
        >>> [r.tolist() for r in ft.unstack(ft.array([[1, 2], [3, 4]]), axis=1)]
        [[1, 3], [2, 4]]
    """
    x = as_array(x)
    if x.ndim == 0:
        raise ValueError("unstack: input must be at least 1-d, got a 0-d array")
    axis = axis_index(axis, x.ndim, "unstack")
    shape = x.shape[:axis] + x.shape[axis + 1:]
    if x.shape[axis] <= 1:
        return tuple(ops.reshape(x, shape) for _ in range(x.shape[axis]))
    return tuple(ops.reshape(p, shape) for p in ops.split(x, x.shape[axis], axis))


# Growing and shrinking ---------------------------------------------------------------


def append(arr: ArrayLike, values: ArrayLike, axis: Axis = None) -> Array:
    """``arr`` with ``values`` appended along ``axis`` (both flattened when None).

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

    Raises:
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

    Raises:
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

    Example:
        >>> [a.shape for a in ft.broadcast_arrays(ft.zeros((2, 1)), ft.zeros(3))]
        [(2, 3), (2, 3)]
    """
    arrays = [as_array(a) for a in args]
    shape = R.broadcast_shapes("broadcast_arrays", *(a.shape for a in arrays))
    return tuple(ops.broadcast_to(a, shape) for a in arrays)

