"""Torch spellings that build arrays from others (``repeat_interleave``, ``row_stack``,
``broadcast_tensors``, ``block_diag``, ``cartesian_prod``, ``combinations``, ``diag_embed``,
``take_along_dim``, ``numel``, ``clone``), re-exported by :mod:`.torch_shape`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, one_dim, refuse_out
from funtorch.typing import ArrayLike, Axis


def repeat_interleave(input: ArrayLike, repeats: ArrayLike | None = None, dim: Axis = None, *,
                      output_size: int | None = None) -> Array:  # noqa: A002
    """Repeat each element ``repeats`` times along ``dim`` (flattened when None).

    Args:
        input: an array-like; with ``repeats`` None, a 1-d array of counts.
        repeats: an int, or a 1-d integer array with one count per element of ``dim``;
            None repeats each index ``i`` of ``input`` ``input[i]`` times.
        dim: the axis to repeat along; None flattens ``input`` first.
        output_size: accepted for torch compatibility (no effect).

    Returns:
        An array of ``input``'s dtype, ``dim`` of size the total of the repeats (an int64
        array of indices when ``repeats`` is None).

    Example:
        >>> ft.repeat_interleave(ft.array([1, 2]), 2)
        array([1, 1, 2, 2])
        >>> ft.repeat_interleave(ft.array([2, 0, 1])).tolist()
        [0, 0, 2]
    """
    if repeats is None:  # torch.repeat_interleave(counts): indices repeated counts times
        counts = as_array(input)
        return ops.repeat(ops.arange(counts.shape[0]), counts)
    return ops.repeat(input, repeats, axis=dim)


def row_stack(tensors: ArrayLike, *, out: Any = None) -> Array:
    """Stack rows (torch's alias of ``vstack``).

    Args:
        tensors: a sequence of arrays (1-d ones become rows).
        out: unsupported (must be None).

    Returns:
        The arrays joined along a first dim of at least two dims.

    Example:
        >>> ft.row_stack([ft.ones(2), ft.zeros(2)]).tolist()
        [[1.0, 1.0], [0.0, 0.0]]
    """
    refuse_out("row_stack", out)
    return ops.vstack(list(tensors))


def broadcast_tensors(*tensors: ArrayLike) -> Any:
    """Broadcast the arrays against each other (torch's ``broadcast_arrays``).

    Args:
        *tensors: arrays with broadcast-compatible shapes.

    Returns:
        A tuple of the arrays, each of the common broadcast shape.

    Example:
        >>> a, b = ft.broadcast_tensors(ft.ones((2, 1)), ft.ones(3)); a.shape, b.shape
        ((2, 3), (2, 3))
    """
    return tuple(ops.broadcast_arrays(*tensors))


def block_diag(*tensors: ArrayLike) -> Array:
    """A block-diagonal matrix of the arrays (0-d and 1-d ones are rows).

    Args:
        *tensors: 0-d, 1-d or 2-d arrays.

    Returns:
        A 2-d array of the summed rows and columns of the blocks, of their promoted dtype;
        (1, 0) float when no array is given.

    Example:
        >>> ft.block_diag(ft.ones((1, 1)), ft.ones((2, 2))).shape
        (3, 3)
    """
    blocks = [as_array(b) for b in tensors]
    blocks = [ops.reshape(b, (1, -1)) if b.ndim < 2 else b for b in blocks]
    if not blocks:
        return ops.zeros((1, 0))
    dtype = np.result_type(*[b.dtype for b in blocks])
    cols = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        rows.append(ops.pad(ops.astype(b, dtype), ((0, 0), (start, cols - start - b.shape[1]))))
        start += b.shape[1]
    return ops.concatenate(rows, axis=0)


def cartesian_prod(*tensors: ArrayLike) -> Array:
    """The Cartesian product of 1-d arrays, one row per combination.

    Args:
        *tensors: 1-d arrays.

    Returns:
        An array of shape (product of the lengths, number of arrays), the last array
        varying fastest; a single array is returned unchanged.

    Example:
        >>> ft.cartesian_prod(ft.array([1, 2]), ft.array([3, 4])).tolist()
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    if len(tensors) == 1:
        return as_array(tensors[0])
    grids = ops.meshgrid(*tensors, indexing="ij")
    return ops.stack([ops.reshape(g, (-1,)) for g in grids], axis=1)


def combinations(input: ArrayLike, r: int = 2,  # noqa: A002
                 with_replacement: bool = False) -> Array:
    """All length-``r`` combinations of a 1-d array's elements, one per row.

    Args:
        input: a 1-d array-like.
        r: the length of each combination.
        with_replacement: allow an element more than once.

    Returns:
        An array of shape (number of combinations, r) in lexicographic order of the
        positions, of ``input``'s dtype; an empty 1-d array when there is none.

    Example:
        >>> ft.combinations(ft.array([1, 2, 3])).tolist()
        [[1, 2], [1, 3], [2, 3]]
    """
    x = as_array(input)
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    index = list(pick(range(x.shape[0]), r))
    if not index:
        return ops.zeros((0,) if r else (0,), dtype=x.dtype)
    return ops.take(x, ops.array(np.array(index, dtype=np.int64)), axis=0)


def diag_embed(input: ArrayLike, offset: int = 0, dim1: int = -2,  # noqa: A002
               dim2: int = -1) -> Array:
    """Arrays whose diagonal (in the plane ``dim1, dim2``) is the last dim of ``input``.

    Args:
        input: an array-like (..., n).
        offset: the diagonal: 0 the main one, positive above it, negative below.
        dim1: the first dim of the plane in the output.
        dim2: the second dim of the plane in the output.

    Returns:
        An array of ``input``'s dtype with one more dim: ``(..., n + abs(offset), n +
        abs(offset))`` for the default dims, zero off the diagonal.

    Example:
        >>> ft.diag_embed(ft.ones((2, 3))).shape
        (2, 3, 3)
    """
    x = as_array(input)
    n = x.shape[-1] + abs(offset)
    eye = ops.eye(n, k=offset, dtype=x.dtype)
    padded = ops.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, abs(offset))])
    # out[i, i + offset] = x[i]: indexed by the row above the diagonal, the column below
    out = eye * (padded[..., :, None] if offset >= 0 else padded[..., None, :])
    ndim = x.ndim + 1
    first, second = one_dim(dim1, ndim, "diag_embed"), one_dim(dim2, ndim, "diag_embed")
    return ops.moveaxis(out, (-2, -1), (first, second))


def take_along_dim(input: ArrayLike, indices: ArrayLike, dim: Axis = None, *,  # noqa: A002
                   out: Any = None) -> Array:
    """Values at ``indices`` along ``dim`` (broadcast, as torch); flattened when None.

    Args:
        input: an array-like.
        indices: an integer array with ``input``'s number of dims, broadcasting with it
            outside ``dim`` (any shape when ``dim`` is None).
        dim: the axis to take along; None flattens both arrays.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s dtype: the broadcast shape with ``dim`` of ``indices``'s
        size (1-d when ``dim`` is None).

    Example:
        >>> ft.take_along_dim(ft.array([[10.0, 30.0, 20.0]]), ft.array([[1]]), dim=1).tolist()
        [[30.0]]
    """
    refuse_out("take_along_dim", out)
    x, index = as_array(input), as_array(indices)
    if dim is None:
        return ops.take_along_axis(ops.reshape(x, (-1,)), ops.reshape(index, (-1,)), 0)
    axis = one_dim(dim, x.ndim, "take_along_dim")
    shape = np.broadcast_shapes(tuple(1 if i == axis else n for i, n in enumerate(x.shape)),
                                tuple(1 if i == axis else n for i, n in enumerate(index.shape)))
    x = ops.broadcast_to(x, shape[:axis] + (x.shape[axis],) + shape[axis + 1:])
    index = ops.broadcast_to(index, shape[:axis] + (index.shape[axis],) + shape[axis + 1:])
    return ops.take_along_axis(x, index, axis)


def numel(input: ArrayLike) -> int:  # noqa: A002
    """The number of elements (an int).

    Args:
        input: an array-like.

    Returns:
        The product of the dims, a Python int.

    Example:
        >>> ft.numel(ft.ones((2, 3)))
        6
    """
    return as_array(input).size


def clone(input: ArrayLike, *, memory_format: Any = None) -> Array:  # noqa: A002
    """A copy (arrays are immutable, so the same values; the graph is kept).

    Args:
        input: an array-like.
        memory_format: accepted for torch compatibility (no effect).

    Returns:
        An array equal to ``input``, of its shape and dtype; gradients flow through it.

    Example:
        >>> ft.clone(ft.array([1.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    return ops.copy(input)
