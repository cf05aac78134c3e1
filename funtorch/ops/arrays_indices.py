"""Index generators: ``diag_indices``, ``tril_indices``/``triu_indices`` (and their
``*_from`` forms), ``mask_indices``, and the flat/multi-index converters
``ravel_multi_index`` and ``unravel_index`` (traceable: they work under ``jit``/``vmap``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch.ops.arrays_base import as_array, host_or_none
from funtorch import ops
from funtorch.typing import Array, ArrayLike, ShapeLike

_INDEX_MODES = ("raise", "wrap", "clip")


def _wrap_int(values):
    return ops.asarray(np.asarray(values, dtype=np.int64))


def diag_indices(n: int, ndim: int = 2) -> Any:
    """Indices of the main diagonal of an ``ndim``-dimensional array of side ``n``.

    Args:
        n: the length of every side.
        ndim: the number of dimensions.

    Returns:
        A tuple of ``ndim`` equal int64 arrays ``arange(n)``: ``x[ft.diag_indices(n)]``
        picks the diagonal.

    Example:
        >>> [i.tolist() for i in ft.diag_indices(2)]
        [[0, 1], [0, 1]]
    """
    return tuple(ops.arange(int(n)) for _ in range(int(ndim)))


def diag_indices_from(arr: ArrayLike) -> Array:
    """:func:`diag_indices` for a square array ``arr`` (all sides equal).

    Args:
        arr: an array of at least 2 dimensions, all of one length.

    Returns:
        A tuple of ``arr.ndim`` int64 arrays ``arange(arr.shape[0])``.

    Raises:
        ValueError: ``arr`` has fewer than 2 dimensions or sides of different lengths.

    Example:
        >>> [i.tolist() for i in ft.diag_indices_from(ft.zeros((2, 2)))]
        [[0, 1], [0, 1]]
    """
    if arr.ndim < 2:
        raise ValueError(f"diag_indices_from: input array must be at least 2-d, got shape "
                         f"{tuple(arr.shape)}")
    if len(set(arr.shape)) != 1:
        raise ValueError(f"diag_indices_from: all dimensions of input must be of equal length, "
                         f"got shape {tuple(arr.shape)}")
    return diag_indices(arr.shape[0], arr.ndim)


def tril_indices(n: int, k: int = 0, m: int | None = None) -> Any:
    """Row and column indices of the lower triangle (at and below diagonal ``k``) of an
    ``n x m`` array.

    Args:
        n: the number of rows.
        k: the diagonal: 0 the main one, positive above it, negative below.
        m: the number of columns, or None for ``n``.

    Returns:
        A tuple ``(rows, cols)`` of 1-d int64 arrays, the positions ``j <= i + k`` in
        row-major order.

    Example:
        >>> [i.tolist() for i in ft.tril_indices(2)]
        [[0, 1, 1], [0, 0, 1]]
    """
    return tuple(_wrap_int(i) for i in np.tril_indices(n, k, m))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> Any:
    """Row and column indices of the upper triangle (at and above diagonal ``k``) of an
    ``n x m`` array.

    Args:
        n: the row count.
        k: the diagonal offset (0 for the main diagonal, positive for those above it).
        m: the column count (None: ``n``).

    Returns:
        The rows and the columns of the positions ``j >= i + k`` (row-major order), a
        tuple of two 1-d int64 arrays.

    Example:
        >>> [i.tolist() for i in ft.triu_indices(2)]
        [[0, 0, 1], [0, 1, 1]]
    """
    return tuple(_wrap_int(i) for i in np.triu_indices(n, k, m))


def _square_sides(arr, fn):
    if arr.ndim != 2:
        raise ValueError(f"{fn}: input array must be 2-d, got shape {tuple(arr.shape)}")
    return arr.shape


def tril_indices_from(arr: ArrayLike, k: int = 0) -> Array:
    """:func:`tril_indices` for the shape of the 2-d ``arr``.

    Args:
        arr: a 2-d array (only its shape is read).
        k: the diagonal, as in :func:`tril_indices`.

    Returns:
        A tuple ``(rows, cols)`` of 1-d int64 arrays.

    Raises:
        ValueError: ``arr`` is not 2-d.

    Example:
        >>> [i.tolist() for i in ft.tril_indices_from(ft.zeros((2, 3)), k=-1)]
        [[1], [0]]
    """
    rows, cols = _square_sides(arr, "tril_indices_from")
    return tril_indices(rows, k, cols)


def triu_indices_from(arr: ArrayLike, k: int = 0) -> Array:
    """:func:`triu_indices` for the shape of the 2-d ``arr``.

    Args:
        arr: a 2-d array; its shape gives ``n`` and ``m``.
        k: the diagonal offset, as in :func:`triu_indices`.

    Returns:
        The row and the column indices, a tuple of two 1-d int64 arrays.

    Raises:
        ValueError: when ``arr`` is not 2-d.

    Example:
        >>> [i.tolist() for i in ft.triu_indices_from(ft.zeros((2, 2)), k=1)]
        [[0], [1]]
    """
    rows, cols = _square_sides(arr, "triu_indices_from")
    return triu_indices(rows, k, cols)


def mask_indices(n: int, mask_func: Callable[..., Any], k: int = 0, *,
                 size: ShapeLike | None = None) -> Any:
    """Indices where ``mask_func(ones((n, n)), k)`` is non-zero (e.g. ``ft.triu``);
    ``size`` truncates them or pads them with zeros, as JAX.

    Args:
        n: the side of the square mask.
        mask_func: called as ``mask_func(ones((n, n)), k)``, like ``ft.triu`` or ``ft.tril``.
        k: the second argument of ``mask_func``.
        size: the number of indices to return (an int), or None for all of them.

    Returns:
        A tuple ``(rows, cols)`` of 1-d int64 arrays, in row-major order.

    Example:
        >>> [i.tolist() for i in ft.mask_indices(2, ft.triu)]
        [[0, 0, 1], [0, 1, 1]]
    """
    mask = np.asarray(mask_func(ops.ones((n, n), dtype=np.int64), k)) != 0
    rows = np.nonzero(mask)
    if size is not None:
        rows = tuple(np.concatenate([r, np.zeros(max(size - r.size, 0), np.int64)])[:size]
                     for r in rows)
    return tuple(_wrap_int(i) for i in rows)


def _index_modes(mode, count, fn):
    modes = (mode,) * count if isinstance(mode, str) else tuple(mode)
    if len(modes) != count or any(m not in _INDEX_MODES for m in modes):
        raise ValueError(f"{fn}: mode must be one of {_INDEX_MODES} (or one per dimension), "
                         f"got {mode!r}")
    return modes


def ravel_multi_index(multi_index: Any, dims: Any, mode: str = "raise", order: str = "C") -> Array:
    """Flat indices of the coordinates ``multi_index`` in an array of shape ``dims``.

    ``mode`` (per dimension or for all): ``"raise"`` (checked when values are known),
    ``"wrap"`` or ``"clip"``. Works under ``jit`` and ``vmap``.

    Args:
        multi_index: a sequence of ``len(dims)`` integer arrays (broadcasting together),
            the coordinates along each axis.
        dims: the array's shape.
        mode: how out-of-range coordinates are handled, one string or one per axis.
        order: ``"C"`` (row-major) or ``"F"`` (column-major) flattening.

    Returns:
        An int64 array of the coordinates' broadcast shape.

    Raises:
        ValueError: an out-of-range coordinate with ``mode="raise"``, a ``multi_index`` of
            the wrong length, or an unknown ``mode`` or ``order``.
        TypeError: coordinates that are not integers.

    Example:
        >>> ft.ravel_multi_index((ft.array([1, 0]), ft.array([2, 1])), (2, 3)).tolist()
        [5, 1]
    """
    dims = tuple(int(d) for d in dims)
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: parameter multi_index must be a sequence of "
                         f"length {len(dims)}, got {len(multi_index)}")
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    strides = [math.prod(dims[n + 1:]) if order == "C" else math.prod(dims[:n])
               for n in range(len(dims))]
    total = 0
    for coords, size, stride, how in zip(multi_index, dims, strides,
                                         _index_modes(mode, len(dims), "ravel_multi_index")):
        coords = as_array(coords)
        if coords.dtype.kind not in "iu":
            raise TypeError(f"ravel_multi_index: only int indices permitted, got dtype "
                            f"{coords.dtype}")
        coords = ops.astype(coords, np.int64)
        if how == "wrap":
            coords = ops.mod(coords, size)
        elif how == "clip":
            coords = ops.clip(coords, 0, size - 1)
        else:
            values = host_or_none(coords)
            if values is not None and ((values < 0) | (values >= size)).any():
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
        total = total + coords * stride
    return as_array(total)


def unravel_index(indices: ArrayLike, shape: ShapeLike) -> Any:
    """The coordinates (a tuple of arrays) of flat ``indices`` in an array of ``shape``.

    Args:
        indices: an integer array (or int) of flat, row-major positions.
        shape: the array's shape (an int or a sequence of ints).

    Returns:
        A tuple of ``len(shape)`` int64 arrays of ``indices``' shape, one per axis.

    Raises:
        ValueError: an index outside ``[0, prod(shape))`` (checked when values are known).
        TypeError: ``indices`` that are not integers.

    Example:
        >>> [i.tolist() for i in ft.unravel_index(ft.array([5, 1]), (2, 3))]
        [[1, 0], [2, 1]]
    """
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    indices = as_array(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: only int indices permitted, got dtype {indices.dtype}")
    indices = ops.astype(indices, np.int64)
    total = math.prod(shape)
    values = host_or_none(indices)
    if values is not None and values.size and (values.min() < 0 or values.max() >= total):
        bad = values.min() if values.min() < 0 else values.max()
        raise ValueError(f"unravel_index: index {int(bad)} is out of bounds for array with size "
                         f"{total}")
    out = []
    for n, size in enumerate(shape):
        out.append(ops.mod(ops.floor_divide(indices, math.prod(shape[n + 1:])), size))
    return tuple(out)
