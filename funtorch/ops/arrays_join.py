"""Stacking and splitting: ``atleast_*d``, ``hstack``/``vstack``/``dstack``,
``column_stack``, ``block``, ``concat``, ``array_split``, the ``*split`` family and
``unstack`` (``append``, ``insert``, ``delete``, ``resize`` and the broadcasting helpers
are in ``arrays_grow``).

All compose ``concatenate``, ``split``, ``reshape`` and ``take``, so they are linear and
differentiable, and batch and stage like those; index arguments must be concrete.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from funtorch.ops import registry as R
from funtorch.ops.arrays_base import as_array, axis_index, is_int
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike


def _atleast(arrays, ndim, shaper):
    out = []
    for a in arrays:
        a = as_array(a)
        out.append(a if a.ndim >= ndim else ops.reshape(a, shaper(a.shape)))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys: ArrayLike) -> Array:
    """View each input with at least one dimension (0-d becomes shape ``(1,)``).

    Args:
        *arys: arrays or scalars.

    Returns:
        One array for one input, else a tuple of them; inputs of 1 or more dimensions
        come back as they are.

    Example:
        >>> ft.atleast_1d(3.0).shape
        (1,)
    """
    return _atleast(arys, 1, lambda shape: (1,))


def atleast_2d(*arys: ArrayLike) -> Array:
    """View each input with at least two dimensions: ``(N,)`` becomes ``(1, N)``.

    Args:
        *arys: arrays or scalars (0-d become ``(1, 1)``).

    Returns:
        One array for one input, else a tuple of them.

    Example:
        >>> ft.atleast_2d(ft.zeros(3)).shape
        (1, 3)
    """
    return _atleast(arys, 2, lambda shape: (1,) * (2 - len(shape)) + shape)


def atleast_3d(*arys: ArrayLike) -> Array:
    """View each input with at least three dimensions: ``(N,)`` becomes ``(1, N, 1)`` and
    ``(M, N)`` becomes ``(M, N, 1)``, as NumPy.

    Args:
        *arys: arrays or scalars (0-d become ``(1, 1, 1)``).

    Returns:
        One array for one input, else a tuple of them.

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

    Args:
        tup: a non-empty sequence of arrays whose shapes agree except along the joined
            axis.
        dtype: the result's dtype, or None for the inputs' promoted dtype.

    Returns:
        The joined array.

    Raises:
        ValueError: ``tup`` is empty, or the shapes do not agree off the joined axis.

    Example:
        >>> ft.hstack([ft.array([1, 2]), ft.array([3])]).tolist()
        [1, 2, 3]
    """
    arrays = [atleast_1d(a) for a in tup]
    return _joined(arrays, "hstack", 0 if arrays and arrays[0].ndim == 1 else 1, dtype)


def vstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None) -> Array:
    """Join arrays row-wise (1-d inputs become rows).

    Args:
        tup: a non-empty sequence of arrays (1-d ones of one length, or 2-d ones with as
            many columns, ...).
        dtype: the result's dtype, or None for the inputs' promoted dtype.

    Returns:
        An array of at least 2 dimensions: the inputs' rows one after the other.

    Raises:
        ValueError: ``tup`` is empty, or the shapes do not agree after the first axis.

    Example:
        >>> ft.vstack([ft.array([1, 2]), ft.array([3, 4])]).shape
        (2, 2)
    """
    return _joined([atleast_2d(a) for a in tup], "vstack", 0, dtype)


def dstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None) -> Array:
    """Join arrays along the third axis (after :func:`atleast_3d`).

    Args:
        tup: a non-empty sequence of arrays whose first two axes agree (after
            :func:`atleast_3d`).
        dtype: the result's dtype, or None for the inputs' promoted dtype.

    Returns:
        An array of at least 3 dimensions.

    Raises:
        ValueError: ``tup`` is empty, or the shapes do not agree off the third axis.

    Example:
        >>> ft.dstack([ft.zeros((2, 3)), ft.ones((2, 3))]).shape
        (2, 3, 2)
    """
    return _joined([atleast_3d(a) for a in tup], "dstack", 2, dtype)


def column_stack(tup: Sequence[ArrayLike]) -> Array:
    """Stack 1-d arrays as columns of a 2-d array (2-d inputs are joined as they are).

    Args:
        tup: a non-empty sequence of 1-d arrays (scalars count as length 1) and 2-d arrays
            with as many rows.

    Returns:
        A 2-d array with one column per 1-d input.

    Raises:
        ValueError: ``tup`` is empty, or the row counts differ.

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

    Args:
        arrays: an array, or nested lists of arrays, all lists at one depth; blocks of
            fewer dimensions than the depth (or than the largest block) get leading 1s.

    Returns:
        The assembled array (a copy of ``arrays`` when it is no list).

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

    Args:
        ary: the array to split.
        indices_or_sections: a number of pieces ``N``, or a sorted list of the indices
            where new pieces start.
        axis: the axis to split.

    Returns:
        A list of arrays.

    Raises:
        ValueError: a number of sections below 1, or ``axis`` out of range (NumPy's
            ``AxisError``, a ValueError).

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
    ary = as_array(ary)
    return _split_at_least(ary, indices_or_sections, 1, 1 if ary.ndim > 1 else 0, "hsplit")


def vsplit(ary: ArrayLike, indices_or_sections: Any) -> Array:
    return _split_at_least(ary, indices_or_sections, 2, 0, "vsplit")


def dsplit(ary: ArrayLike, indices_or_sections: Any) -> Array:
    return _split_at_least(ary, indices_or_sections, 3, 2, "dsplit")


_SPLIT_DOC = """Split {how}, as :func:`split`.

    Args:
        ary: an array of at least {ndim} dimension{s}.
        indices_or_sections: a number of equal pieces, or the indices where new pieces
            start.

    Returns:
        A list of arrays.

    Raises:
        ValueError: ``ary`` has fewer than {ndim} dimension{s}, or a number of pieces does
            not divide the split axis.

    Example:
        >>> [p.shape for p in ft.{name}(ft.zeros({shape}), {pieces})]
        {out}
    """
hsplit.__doc__ = _SPLIT_DOC.format(how="column-wise (axis 1, or axis 0 for 1-d arrays)",
                                   ndim=1, s="", name="hsplit", shape=(2, 4), pieces=2,
                                   out=[(2, 2), (2, 2)])
vsplit.__doc__ = _SPLIT_DOC.format(how="row-wise (axis 0)", ndim=2, s="s", name="vsplit",
                                   shape=(4, 2), pieces=[1], out=[(1, 2), (3, 2)])
dsplit.__doc__ = _SPLIT_DOC.format(how="along the third axis (axis 2)", ndim=3, s="s",
                                   name="dsplit", shape=(1, 1, 4), pieces=2,
                                   out=[(1, 1, 2), (1, 1, 2)])


def unstack(x: ArrayLike, /, *, axis: Axis = 0) -> Any:
    """The slices of ``x`` along ``axis``, as a tuple (the inverse of :func:`stack`).

    Args:
        x: an array of at least 1 dimension.
        axis: the axis to take the slices along (keyword only).

    Returns:
        A tuple of ``x.shape[axis]`` arrays, each of ``x``'s shape without ``axis``.

    Raises:
        ValueError: a 0-d ``x``, or ``axis`` out of range (``AxisError``).

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
