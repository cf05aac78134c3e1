"""Torch's masked and slice updates (``masked_fill``, ``masked_scatter``,
``masked_select``, ``select_scatter``, ``slice_scatter``, ``diagonal_scatter``) as
``ops.where`` and ``x.at[...]`` updates (re-exported by :mod:`.torch_index`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, one_dim, refuse_out
from funtorch.typing import Array, ArrayLike


def masked_fill(input: ArrayLike, mask: ArrayLike, value: ArrayLike) -> Array:  # noqa: A002
    """``input`` with ``value`` where ``mask`` (broadcast) is true; keeps input's dtype.

    Args:
        input: an array-like.
        mask: a bool array broadcasting with ``input``.
        value: a scalar or a 0-d array, cast to ``input``'s dtype.

    Returns:
        An array of ``input``'s dtype and the broadcast shape of ``input`` and ``mask``.

    Example:
        >>> ft.masked_fill(ft.array([1.0, 2.0]), ft.array([True, False]), 0.0)
        array([0., 2.])
    """
    x = as_array(input)
    value = value if hasattr(value, "ndim") else ops.asarray(value, dtype=x.dtype)
    return ops.astype(ops.where(mask, value, x), x.dtype)


def masked_scatter(input: ArrayLike, mask: ArrayLike, source: ArrayLike) -> Array:  # noqa: A002
    """``input`` with consecutive elements of ``source`` at the true positions of ``mask``.

    Args:
        input: an array-like.
        mask: a bool array broadcasting to ``input``'s shape.
        source: an array with at least as many elements as ``mask`` has true entries, read
            in row-major order.

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> mask = ft.array([True, False, True])
        >>> ft.masked_scatter(ft.zeros(3), mask, ft.array([1.0, 2.0])).tolist()
        [1.0, 0.0, 2.0]
    """
    x = as_array(input)
    mask = ops.broadcast_to(as_array(mask), x.shape)
    flat = ops.reshape(as_array(source), (-1,))
    position = ops.cumsum(ops.astype(ops.reshape(mask, (-1,)), np.int64)) - 1
    picked = ops.take(flat, ops.clip(position, 0, max(flat.shape[0] - 1, 0)))
    return ops.where(mask, ops.reshape(picked, x.shape), x)


def masked_select(input: ArrayLike, mask: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """The elements where ``mask`` (broadcast) is true, as a 1-d array.

    Args:
        input: an array-like.
        mask: a bool array broadcasting with ``input``.
        out: unsupported (must be None).

    Returns:
        A 1-d array of ``input``'s dtype, one element per true entry of the broadcast mask,
        in row-major order.

    Example:
        >>> ft.masked_select(ft.array([1.0, 2.0, 3.0]), ft.array([True, False, True])).tolist()
        [1.0, 3.0]
    """
    refuse_out("masked_select", out)
    x, mask = ops.broadcast_arrays(as_array(input), as_array(mask))
    return x[mask]


def select_scatter(input: ArrayLike, src: ArrayLike, dim: int, index: int) -> Array:  # noqa: A002
    """``input`` with the slice at ``index`` of ``dim`` replaced by ``src``.

    Args:
        input: an array-like.
        src: an array of ``input``'s shape without ``dim`` (or broadcasting to it).
        dim: the axis.
        index: the position along ``dim``.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.select_scatter(ft.zeros((2, 2)), ft.ones(2), 0, 1).tolist()
        [[0.0, 0.0], [1.0, 1.0]]
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "select_scatter")
    return x.at[(slice(None),) * axis + (int(index),)].set(src)


def slice_scatter(input: ArrayLike, src: ArrayLike, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Array:  # noqa: A002
    """``input`` with ``x[start:end:step]`` along ``dim`` replaced by ``src``.

    Args:
        input: an array-like.
        src: an array of the slice's shape (or broadcasting to it).
        dim: the axis to slice.
        start: the first position (None: 0).
        end: the end position, excluded (None: the size of ``dim``).
        step: the stride.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.slice_scatter(ft.zeros(4), ft.ones(2), start=2).tolist()
        [0.0, 0.0, 1.0, 1.0]
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "slice_scatter")
    return x.at[(slice(None),) * axis + (slice(start, end, step),)].set(src)


def diagonal_scatter(input: ArrayLike, src: ArrayLike, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Array:
    """``input`` with the diagonal of the plane ``dim1, dim2`` replaced by ``src``.

    Args:
        input: an array-like of at least two dims.
        src: the new diagonal, its last dim the diagonal's length, the others those of
            ``input`` without ``dim1`` and ``dim2``.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        dim1: the first axis of the plane.
        dim2: the second axis of the plane.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.diagonal_scatter(ft.zeros((2, 2)), ft.ones(2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    x = as_array(input)
    first, second = one_dim(dim1, x.ndim, "diagonal_scatter"), one_dim(dim2, x.ndim,
                                                                       "diagonal_scatter")
    moved = ops.moveaxis(x, (first, second), (-2, -1))
    n = as_array(src).shape[-1]
    rows = ops.arange(n) + max(0, -offset)
    out = moved.at[..., rows, rows + offset].set(src)
    return ops.moveaxis(out, (-2, -1), (first, second))
