"""Set routines and data-dependent index lists: ``union1d``, ``intersect1d``,
``setdiff1d``, ``setxor1d``, ``isin``, ``argwhere`` and ``flatnonzero`` (``unique`` and
the ``unique_*`` functions are in ``arrays_unique``).

Their output length depends on the values. Each is one traceable computation of fixed
size (sort, mark the first element of each run, compact the marked ones with a stable
``argsort``): given ``size=`` it runs under ``jit`` and ``vmap``, padding with
``fill_value``; without it the size is read from the concrete values (eagerly or under
``grad``), and ``jit``/``vmap`` raise an error asking for ``size``. Values are gathered
from the input, so gradients flow to them; integer outputs carry none.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import dtypes
from funtorch.core import Array
from funtorch.ops.arrays_base import as_array, check_size, compact, count_true, true_positions
from funtorch.ops.arrays_search import lexsort, searchsorted
from funtorch.ops.arrays_unique import (  # noqa: F401  (unique*: re-exported)
    _unique_rows, unique, unique_all, unique_counts, unique_inverse, unique_values,
)
from funtorch import ops
from funtorch.typing import ArrayLike, ShapeLike


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

    Args:
        element: an array or array-like of any shape.
        test_elements: the values to look for (any shape; flattened).
        assume_unique: accepted for NumPy's signature; the result is the same.
        invert: return whether each element does NOT occur instead.
        method: accepted for JAX's signature (one sort-and-search method is used).

    Returns:
        A bool array of ``element``'s shape.

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

    Args:
        ar1: an array of any shape.
        ar2: an array of any shape.
        size: the length of the result (an int: truncated or padded), or None for the
            number of values; needed under ``jit``/``vmap``.
        fill_value: the padding value (default the smallest value).

    Returns:
        A 1-d array in the two arrays' promoted dtype.

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

    Args:
        ar1: an array of any shape (flattened).
        ar2: an array of any shape (flattened).
        assume_unique: accepted for NumPy's signature; the result is the same.
        return_indices: also return the int64 indices into the flattened inputs.
        size: the number of values to return (truncated or padded), or None for all of
            them; needed under ``jit``/``vmap``.
        fill_value: the padding value (default the smallest common value, or 0 when an
            input is empty).

    Returns:
        A 1-d array in the promoted dtype; with ``return_indices`` a tuple ``(values,
        indices_in_ar1, indices_in_ar2)``.

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

    Args:
        ar1: the array whose values are kept (any shape; flattened).
        ar2: the values to leave out (any shape).
        assume_unique: accepted for NumPy's signature; the result is the same.
        size: the number of values to return (truncated or padded), or None for all of
            them; needed under ``jit``/``vmap``.
        fill_value: the padding value (default the smallest kept value).

    Returns:
        A 1-d array in the two arrays' promoted dtype.

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

    Args:
        ar1: an array of any shape (flattened).
        ar2: an array of any shape (flattened).
        assume_unique: accepted for NumPy's signature; the result is the same.
        size: how many values to return (truncated or padded), or None for all of them;
            needed under ``jit``/``vmap``.
        fill_value: what pads the result (default its smallest value).

    Returns:
        A 1-d array in the two arrays' promoted dtype.

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

    Args:
        a: an array of any shape.
        size: the number of indices to return (truncated or padded), or None for as many
            as there are non-zero elements; needed under ``jit``/``vmap``.
        fill_value: the padding index (default 0).

    Returns:
        A 1-d int64 array of positions in the flattened ``a``, ascending.

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

    Args:
        a: an array of any shape.
        size: the number of rows to return (an int), or None.
        fill_value: the value of the padding rows' entries (default 0).

    Returns:
        An int64 array of shape ``(count, a.ndim)`` (``(size, a.ndim)`` with ``size``), the
        rows in row-major order of the elements.

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
