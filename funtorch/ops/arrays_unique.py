"""``unique`` and the Array API's ``unique_all``, ``unique_counts``, ``unique_inverse`` and
``unique_values`` (re-exported by ``arrays_sets``, whose set operations build on them).

The number of unique values depends on the values. Each call is one traceable computation
of fixed size (sort, mark the first element of each run, compact the marked ones with a
stable ``argsort``): given ``size=`` it runs under ``jit`` and ``vmap``, padding with
``fill_value``; without it the size is read from the concrete values (eagerly or under
``grad``), and ``jit``/``vmap`` raise an error asking for ``size``. Values are gathered
from the input, so gradients flow to them; integer outputs carry none.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from funtorch.core import Array
from funtorch.ops.arrays_base import as_array, axis_index, check_size, count_true, true_positions
from funtorch.ops.arrays_search import lexsort
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
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False, size=size,
                                   fill_value=fill_value))


def unique_counts(x: ArrayLike, /, *, size: ShapeLike | None = None,
                  fill_value: ArrayLike | None = None) -> Any:
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size,
                                      fill_value=fill_value))


def unique_inverse(x: ArrayLike, /, *, size: ShapeLike | None = None,
                   fill_value: ArrayLike | None = None) -> Any:
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False, size=size,
                                       fill_value=fill_value))


def unique_values(x: ArrayLike, /, *, size: ShapeLike | None = None,
                  fill_value: ArrayLike | None = None) -> Array:
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


_UNIQUE_DOC = """{summary}

    NaNs are all distinct, as in the Array API (``unique`` merges them by default).

    Args:
        x: an array of any shape (flattened; positional only).
        size: the number of unique values to return (an int: truncated or padded to it),
            or None for as many as there are; needed under ``jit``/``vmap``.
        fill_value: the value of the padding slots when ``size`` exceeds the number of
            unique values (default the smallest unique value).

    Returns:
        {returns}

    Raises:
        TypeError: no ``size`` inside ``jit``/``vmap`` (the output size depends on values).

    Example:
        >>> {example}
        {out}
    """
# name: (summary, returns, example, output); the outputs follow from the definitions
_UNIQUE_DOCS = {
    "unique_all": (
        "Unique values, first indices, inverse indices and counts, as a named tuple.",
        "A ``UniqueAllResult(values, indices, inverse_indices, counts)``: the sorted\n"
        "        values, the index in the flattened ``x`` of each one's first occurrence, for\n"
        "        each element of ``x`` the position of its value in ``values`` (shaped like\n"
        "        ``x``), and the counts (0 for padding); the indices are int64.",
        "ft.unique_all(ft.array([2, 1, 2])).counts.tolist()", "[1, 2]"),
    "unique_counts": (
        "Unique values and their counts, as a named tuple.",
        "A ``UniqueCountsResult(values, counts)``: the sorted values and how often each\n"
        "        occurs (int64; 0 for padding).",
        "ft.unique_counts(ft.array([2, 1, 2])).values.tolist()", "[1, 2]"),
    "unique_inverse": (
        "Unique values and the inverse indices (shaped like ``x``), as a named tuple.",
        "A ``UniqueInverseResult(values, inverse_indices)``: the sorted values and, for\n"
        "        each element of ``x``, the int64 position of its value in ``values``\n"
        "        (``values[inverse_indices]`` rebuilds ``x``).",
        "ft.unique_inverse(ft.array([2, 1, 2])).inverse_indices.tolist()", "[1, 0, 1]"),
    "unique_values": (
        "The sorted unique values of ``x`` (flattened).",
        "A 1-d array of ``x``'s dtype (length ``size`` when given).",
        "ft.unique_values(ft.array([2, 1, 2]), size=3, fill_value=0).tolist()",
        "[1, 2, 0]"),
}
for _fn in (unique_all, unique_counts, unique_inverse, unique_values):
    _summary, _returns, _example, _out = _UNIQUE_DOCS[_fn.__name__]
    _fn.__doc__ = _UNIQUE_DOC.format(summary=_summary, returns=_returns, example=_example,
                                     out=_out)
