"""Set routines and data-dependent index lists: ``unique`` (and ``unique_all``,
``unique_counts``, ``unique_inverse``, ``unique_values``), ``union1d``, ``intersect1d``,
``setdiff1d``, ``setxor1d``, ``isin``, ``argwhere`` and ``flatnonzero``.

Their output length depends on the values. Each is one traceable computation of fixed
size (sort, mark the first element of each run, compact the marked ones with a stable
``argsort``): given ``size=`` it runs under ``jit`` and ``vmap``, padding with
``fill_value``; without it the size is read from the concrete values (eagerly or under
``grad``), and ``jit``/``vmap`` raise an error asking for ``size``. Values are gathered
from the input, so gradients flow to them; integer outputs carry none.
"""

from __future__ import annotations

from typing import NamedTuple
from typing import Any

import numpy as np

from funtorch import dtypes
from funtorch.core import Array
from funtorch.ops.arrays_base import (
    as_array, axis_index, check_size, compact, count_true, true_positions,
)
from funtorch.ops.arrays_search import lexsort, searchsorted
from funtorch import ops
from funtorch.typing import ArrayLike, ShapeLike


class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


def _sorted_runs(rows, equal_nan):
    """Sort the rows of a 2-d array; returns (the sorting permutation, a mask marking
    the first row of each run of equal rows in sorted order)."""
    count, width = rows.shape
    keys = [rows[:, col] for col in range(width - 1, -1, -1)]
    perm = lexsort(keys) if keys else ops.arange(count, device=rows.device)
    ordered = ops.take(rows, perm, axis=0)
    later, earlier = ordered[1:], ordered[:-1]
    differ = later != earlier
    if equal_nan and rows.dtype.kind in "fc":
        differ = ops.logical_and(differ, ops.logical_not(
            ops.logical_and(ops.isnan(later), ops.isnan(earlier))))
    first = ops.concatenate([ops.ones((1,), dtype=np.bool_, device=rows.device),
                              ops.any(differ, axis=1)])
    return perm, first


def _unique_rows(arr, equal_nan, size, fn):
    """Unique slices of ``arr`` along axis 0: (values, index, inverse, counts, count)."""
    length = arr.shape[0]
    perm, first = _sorted_runs(ops.reshape(arr, (length, -1)), equal_nan)
    if size is None:
        size = count_true(first, fn)
    starts, count = true_positions(first, size)
    index = perm[starts]
    group = ops.cumsum(ops.astype(first, np.int64)) - 1
    inverse = ops.zeros((length,), dtype=np.int64, device=arr.device).at[perm].set(group)
    slot = ops.arange(size, device=arr.device)
    following = ops.concatenate([starts[1:], ops.full((1,), length, dtype=np.int64,
                                                        device=arr.device)])
    following = ops.where(slot + 1 < count, following, length)
    counts = ops.where(slot < count, following - starts, 0)
    return ops.take(arr, index, axis=0), index, inverse, counts, count


def _empty_unique(arr, size, fill_value, fn):
    if size and fill_value is None:
        raise ValueError(f"{fn}: for an empty input with a non-zero size, fill_value must be "
                         f"given")
    size = size or 0
    values = ops.full((size,) + tuple(arr.shape[1:]), 0 if fill_value is None else fill_value,
                      dtype=arr.dtype)
    empty = ops.zeros((size,), dtype=np.int64)
    return values, empty, ops.zeros((0,), dtype=np.int64), empty


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, size=None, fill_value=None, sorted=True):  # noqa: A002
    """The sorted unique elements of ``ar`` (flattened, or unique slices along ``axis``),
    optionally with the index of each first occurrence, the inverse indices that rebuild
    ``ar`` and the counts.

    ``size`` fixes the number of unique values returned (truncated or padded with
    ``fill_value``, default the smallest unique value) so the function works under
    ``jit``/``vmap``. Differentiable in the values.

    Raises:
        TypeError: no ``size`` inside ``jit``/``vmap`` (the output size depends on values).

    Example:
        >>> values, counts = ft.unique(ft.array([3, 1, 3]), return_counts=True)
        >>> values.tolist(), counts.tolist()
        ([1, 3], [1, 2])
    """
    ar = as_array(ar)
    size = check_size(size, "unique")
    axis_ = 0 if axis is None else axis_index(axis, ar.ndim, "unique")
    arr = ops.ravel(ar) if axis is None else ops.moveaxis(ar, axis_, 0)
    if arr.shape[0] == 0:
        values, index, inverse, counts = _empty_unique(arr, size, fill_value, "unique")
    else:
        values, index, inverse, counts, count = _unique_rows(arr, equal_nan, size, "unique")
        if fill_value is not None and values.shape[0]:
            valid = ops.reshape(ops.arange(values.shape[0], device=ar.device) < count,
                                (-1,) + (1,) * (values.ndim - 1))
            values = ops.where(valid, values, ops.astype(as_array(fill_value), values.dtype))
    values = ops.moveaxis(values, 0, axis_) if axis is not None else values
    if axis is None:
        inverse = ops.reshape(inverse, ar.shape)
    extras = [out for out, wanted in ((index, return_index), (inverse, return_inverse),
                                      (counts, return_counts)) if wanted]
    return (values, *extras) if extras else values


def unique_all(x: ArrayLike, /, *, size: ShapeLike | None = None,
               fill_value: ArrayLike | None = None) -> Any:
    """Unique values, first indices, inverse indices (shaped like ``x``) and counts, as
    a named tuple (NaNs are distinct, as in the Array API).

    Example:
        >>> ft.unique_all(ft.array([2, 1, 2])).counts.tolist()
        [1, 2]
    """
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False, size=size,
                                   fill_value=fill_value))


def unique_counts(x: ArrayLike, /, *, size: ShapeLike | None = None,
                  fill_value: ArrayLike | None = None) -> Any:
    """Unique values and their counts, as a named tuple.

    Example:
        >>> ft.unique_counts(ft.array([2, 1, 2])).values.tolist()
        [1, 2]
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size,
                                      fill_value=fill_value))


def unique_inverse(x: ArrayLike, /, *, size: ShapeLike | None = None,
                   fill_value: ArrayLike | None = None) -> Any:
    """Unique values and the inverse indices (shaped like ``x``), as a named tuple.

    Example:
        >>> ft.unique_inverse(ft.array([2, 1, 2])).inverse_indices.tolist()
        [1, 0, 1]
    """
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False, size=size,
                                       fill_value=fill_value))


def unique_values(x: ArrayLike, /, *, size: ShapeLike | None = None,
                  fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values of ``x`` (flattened).

    Example:
        >>> ft.unique_values(ft.array([2, 1, 2])).tolist()
        [1, 2]
    """
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


# Membership and set operations --------------------------------------------------------


def _common(ar1, ar2):
    a, b = ops.ravel(as_array(ar1)), ops.ravel(as_array(ar2))
    dtype = dtypes.result_type(a.dtype, b.dtype)
    return ops.astype(a, dtype), ops.astype(b, dtype)


def _member(values, tests):
    """Whether each element of 1-d ``values`` occurs in 1-d ``tests``."""
    if tests.shape[0] == 0 or values.shape[0] == 0:
        return ops.zeros(values.shape, dtype=np.bool_, device=values.device)
    ordered = ops.sort(tests)
    at = ops.clip(searchsorted(ordered, values), 0, tests.shape[0] - 1)
    return ordered[at] == values


def isin(element: ArrayLike, test_elements: ArrayLike, assume_unique: bool = False,
         invert: bool = False, *, method: str = "auto") -> Array:
    """Whether each element of ``element`` occurs in ``test_elements`` (shaped like
    ``element``; negated with ``invert``). Works under ``jit``/``vmap``; no gradient.

    Example:
        >>> ft.isin(ft.array([1, 2, 3]), [2, 5]).tolist()
        [False, True, False]
    """
    element = as_array(element)
    values, tests = _common(element, test_elements)
    found = ops.reshape(_member(values, tests), element.shape)
    return ops.logical_not(found) if invert else found


def _unique_1d(a, fn):
    """Sorted unique values of 1-d ``a`` padded to ``len(a)`` (by repeating the largest,
    so they stay sorted), their first indices and the mask of real entries."""
    values, index, _, _, count = _unique_rows(a, True, a.shape[0], fn)
    valid = ops.arange(a.shape[0], device=a.device) < count
    return ops.where(valid, values, values[count - 1]), index, valid


def union1d(ar1: ArrayLike, ar2: ArrayLike, *, size: ShapeLike | None = None,
            fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values found in either array (both flattened).

    Example:
        >>> ft.union1d(ft.array([3, 1]), ft.array([2, 1])).tolist()
        [1, 2, 3]
    """
    a, b = _common(ar1, ar2)
    return unique(ops.concatenate([a, b]), size=size, fill_value=fill_value)


def intersect1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False,
                return_indices: bool = False, *, size: ShapeLike | None = None,
                fill_value: ArrayLike | None = None) -> Any:
    """The sorted unique values found in both arrays; with ``return_indices`` also the
    index of the first occurrence of each in ``ar1`` and in ``ar2``.

    Example:
        >>> ft.intersect1d(ft.array([1, 3, 4]), ft.array([3, 1, 2])).tolist()
        [1, 3]
    """
    a, b = _common(ar1, ar2)
    size = check_size(size, "intersect1d")
    if a.shape[0] == 0 or b.shape[0] == 0:
        empty = ops.zeros((size or 0,), dtype=np.int64)
        values = ops.full((size or 0,), 0 if fill_value is None else fill_value, dtype=a.dtype)
        return (values, empty, empty) if return_indices else values
    ua, ia, valid = _unique_1d(a, "intersect1d")
    keep = ops.logical_and(valid, _member(ua, b))
    values = compact(ua, keep, size, fill_value, "intersect1d")
    if not return_indices:
        return values
    ub, ib, _ = _unique_1d(b, "intersect1d")
    where_b = ops.clip(searchsorted(ub, values), 0, b.shape[0] - 1)
    first_a = compact(ia, keep, values.shape[0], 0, "intersect1d")
    return values, first_a, ib[where_b]


def setdiff1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, *,
              size: ShapeLike | None = None, fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values of ``ar1`` that are not in ``ar2``.

    Example:
        >>> ft.setdiff1d(ft.array([1, 2, 3, 4]), ft.array([3, 4, 5])).tolist()
        [1, 2]
    """
    a, b = _common(ar1, ar2)
    size = check_size(size, "setdiff1d")
    if a.shape[0] == 0:
        return ops.full((size or 0,), 0 if fill_value is None else fill_value, dtype=a.dtype)
    ua, _, valid = _unique_1d(a, "setdiff1d")
    keep = ops.logical_and(valid, ops.logical_not(_member(ua, b)))
    return compact(ua, keep, size, fill_value, "setdiff1d")


def setxor1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, *,
             size: ShapeLike | None = None, fill_value: ArrayLike | None = None) -> Array:
    """The sorted unique values found in exactly one of the two arrays.

    Example:
        >>> ft.setxor1d(ft.array([1, 2, 3]), ft.array([2, 3, 4])).tolist()
        [1, 4]
    """
    a, b = _common(ar1, ar2)
    size = check_size(size, "setxor1d")
    parts, keeps = [], []
    for mine, other in ((a, b), (b, a)):
        if mine.shape[0]:
            values, _, valid = _unique_1d(mine, "setxor1d")
            parts.append(values)
            keeps.append(ops.logical_and(valid, ops.logical_not(_member(values, other))))
    if not parts:
        return ops.full((size or 0,), 0 if fill_value is None else fill_value, dtype=a.dtype)
    values, keep = ops.concatenate(parts), ops.concatenate(keeps)
    order = lexsort([values, ops.logical_not(keep)])  # the kept ones first, sorted
    return compact(values[order], keep[order], size, fill_value, "setxor1d")


# Index lists ---------------------------------------------------------------------------


def flatnonzero(a: ArrayLike, *, size: ShapeLike | None = None,
                fill_value: ArrayLike | None = None) -> Array:
    """Indices of the non-zero elements of the flattened ``a`` (``size``/``fill_value``
    as in :func:`argwhere`).

    Example:
        >>> ft.flatnonzero(ft.array([[0, 1], [2, 0]])).tolist()
        [1, 2]
    """
    mask = ops.astype(ops.ravel(as_array(a)), np.bool_)
    size = check_size(size, "flatnonzero")
    if size is None:
        size = count_true(mask, "flatnonzero")
    positions, _ = true_positions(mask, size, 0 if fill_value is None else fill_value)
    return positions


def argwhere(a: ArrayLike, *, size: ShapeLike | None = None,
             fill_value: ArrayLike | None = None) -> Array:
    """Indices of the non-zero elements, one row per element: shape ``(count, a.ndim)``.

    With ``size`` exactly ``size`` rows come back (padded with ``fill_value``, default 0)
    and the function works under ``jit``/``vmap``; without it values must be concrete.

    Example:
        >>> ft.argwhere(ft.array([[0, 1], [2, 0]])).tolist()
        [[0, 1], [1, 0]]
    """
    a = as_array(a)
    if a.ndim == 0:
        return argwhere(ops.reshape(a, (1,)), size=size, fill_value=fill_value)[:, :0]
    mask = ops.astype(ops.ravel(a), np.bool_)
    size = check_size(size, "argwhere")
    if size is None:
        size = count_true(mask, "argwhere")
    positions, count = true_positions(mask, size)
    coords = ops.stack(ops.unravel_index(positions, a.shape), axis=1)
    if fill_value is not None:
        valid = ops.reshape(ops.arange(size, device=a.device) < count, (size, 1))
        coords = ops.where(valid, coords, ops.astype(as_array(fill_value), np.int64))
    return coords
