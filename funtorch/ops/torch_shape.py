"""Torch spellings of shape, split and join functions (``chunk``, ``unbind``, ``narrow``,
``movedim``, ``flatten``, ``repeat_interleave``...), adapters over the NumPy-style ones.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, dims, one_dim, refuse_out
from funtorch.ops.torch_shape_build import block_diag, broadcast_tensors, cartesian_prod, \
    clone, combinations, diag_embed, numel, repeat_interleave, row_stack, take_along_dim
from funtorch.typing import ArrayLike, Axis


def _tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def torch_split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of ``split_size_or_sections`` elements along ``dim`` (the last one
    smaller), or into pieces of the listed sizes (torch's meaning of an int, unlike
    NumPy's number of sections).

    Example:
        >>> [p.shape for p in ft.split(ft.arange(5), 2, dim=0)]
        [(2,), (2,), (1,)]
    """
    x = as_array(tensor)
    axis = one_dim(dim, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0 and n:
            raise RuntimeError(f"split(): split_size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if n else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes(): the sizes {sizes} must sum to the size "
                               f"of dim {dim} ({n})")
    edges = list(itertools.accumulate(sizes))[:-1]
    return tuple(ops.split(x, edges, axis=axis))


def split_with_sizes(input: ArrayLike, split_sizes: Sequence[int],  # noqa: A002
                     dim: Axis = 0) -> Array:
    """Split into pieces of the given sizes along ``dim`` (torch).

    Args:
        input: an array-like.
        split_sizes: the sizes of the pieces, summing to the size of ``dim``.
        dim: the axis to split.

    Returns:
        A tuple of arrays, one per size.

    Raises:
        RuntimeError: the sizes do not sum to the size of ``dim``.

    Example:
        >>> [t.shape for t in ft.split_with_sizes(ft.ones(5), [2, 3])]
        [(2,), (3,)]
    """
    return torch_split(input, list(split_sizes), dim)


def chunk(input: ArrayLike, chunks: int, dim: Axis = 0) -> Array:  # noqa: A002
    """Split into at most ``chunks`` pieces of ``ceil(n / chunks)`` elements along ``dim``.

    Args:
        input: an array-like.
        chunks: the largest number of pieces (positive).
        dim: the axis to split.

    Returns:
        A tuple of arrays (the last one may be smaller, and there may be fewer than
        ``chunks``).

    Raises:
        RuntimeError: ``chunks`` is not positive.

    Example:
        >>> [p.shape for p in ft.chunk(ft.arange(5), 3)]
        [(2,), (2,), (1,)]
    """
    x = as_array(input)
    if chunks <= 0:
        raise RuntimeError(f"chunk(): number of chunks must be positive, got {chunks}")
    n = x.shape[one_dim(dim, x.ndim, "chunk")]
    return torch_split(x, max(1, math.ceil(n / chunks)) if n else 1, dim)


def tensor_split(input: ArrayLike, indices_or_sections: Any, dim: Axis = 0) -> Any:  # noqa: A002
    """NumPy's ``array_split`` with torch's names: a number of sections (sizes differ by at
    most one) or split indices.

    Args:
        input: an array-like.
        indices_or_sections: an int (the number of sections, the first ``n % sections``
            one longer), or a sequence or 1-d array of split indices.
        dim: the axis to split.

    Returns:
        A tuple of arrays.

    Example:
        >>> [p.shape for p in ft.tensor_split(ft.arange(5), 2)]
        [(3,), (2,)]
    """
    x = as_array(input)
    sections = indices_or_sections
    if not isinstance(sections, (int, np.integer)):
        sections = [int(i) for i in as_array(sections).tolist()] if isinstance(
            sections, Array) else list(sections)
    return tuple(ops.array_split(x, sections, axis=one_dim(dim, x.ndim, "tensor_split")))


def unbind(input: ArrayLike, dim: Axis = 0) -> Any:  # noqa: A002
    """The slices along ``dim`` as a tuple.

    Args:
        input: an array-like of at least one dim.
        dim: the axis to remove.

    Returns:
        A tuple of ``input.shape[dim]`` arrays of ``input``'s shape without ``dim``.

    Example:
        >>> len(ft.unbind(ft.zeros((3, 2))))
        3
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "unbind")
    return tuple(ops.take(x, i, axis=axis) for i in range(x.shape[axis]))


def narrow(input: ArrayLike, dim: Axis, start: ArrayLike, length: int) -> Array:  # noqa: A002
    """``length`` elements of ``dim`` from ``start`` (negative counts from the end).

    Args:
        input: an array-like.
        dim: the axis to narrow.
        start: the first position (an int or a 0-d array).
        length: how many elements to keep.

    Returns:
        An array of ``input``'s shape with ``dim`` of size ``length``.

    Raises:
        IndexError: ``start + length`` runs past the end of ``dim`` (or either is out of
            range).

    Example:
        >>> ft.narrow(ft.arange(5), 0, 1, 2)
        array([1, 2])
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "narrow")
    n = x.shape[axis]
    start = int(start) + n if int(start) < 0 else int(start)
    if not (0 <= start <= n and 0 <= length and start + length <= n):
        raise IndexError(f"narrow(): start ({start}) + length ({length}) exceeds dimension "
                         f"size ({n})")
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, start + length)
    return x[tuple(index)]


def select(input, dim, index):  # noqa: A002
    """The slice at ``index`` of ``dim``, without that dim (torch's ``x.select(0, 2)`` is
    ``x[2]``); ``ft.select`` is NumPy's function, this is the torch spelling's.

    Args:
        input: an array-like of at least one dim.
        dim: the axis.
        index: the position along ``dim`` (negative counts from the end).

    Returns:
        An array of ``input``'s shape without ``dim``.

    Example:
        >>> from funtorch.ops.torch_shape import select
        >>> select(ft.array([[1, 2, 3], [4, 5, 6]]), 1, -1).tolist()
        [3, 6]
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "select")
    where = [slice(None)] * x.ndim
    where[axis] = int(index)
    return x[tuple(where)]


def movedim(input: ArrayLike, source: int | Sequence[int],  # noqa: A002
            destination: int | Sequence[int]) -> Array:
    """Move dims ``source`` to ``destination`` (torch's name of ``moveaxis``).

    Args:
        input: an array-like.
        source: the dim (or dims) to move.
        destination: where they go, one per ``source`` dim.

    Returns:
        A view-like array with the dims reordered.

    Example:
        >>> ft.movedim(ft.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    return ops.moveaxis(input, source, destination)


def swapdims(input: ArrayLike, dim0: int, dim1: int) -> Array:  # noqa: A002
    """Swap two dims (torch's ``swapdims``/``swapaxes``/``transpose``).

    Args:
        input: an array-like.
        dim0: the first dim.
        dim1: the second dim.

    Returns:
        An array with ``dim0`` and ``dim1`` exchanged.

    Example:
        >>> ft.swapdims(ft.ones((2, 3)), 0, 1).shape
        (3, 2)
    """
    return ops.swapaxes(input, dim0, dim1)


def torch_transpose(input, dim0, dim1):  # noqa: A002
    """torch.transpose: swap ``dim0`` and ``dim1``."""
    return ops.swapaxes(input, dim0, dim1)


def t(input: ArrayLike) -> Array:  # noqa: A002
    """Transpose a 0-d, 1-d or 2-d array (torch.t refuses more dims).

    Args:
        input: an array-like of at most two dims.

    Returns:
        The transpose of a 2-d array; a 0-d or 1-d array unchanged.

    Raises:
        RuntimeError: ``input`` has more than two dims.

    Example:
        >>> ft.t(ft.zeros((2, 3))).shape
        (3, 2)
    """
    x = as_array(input)
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return ops.transpose(x) if x.ndim == 2 else x


def adjoint(input: ArrayLike) -> Array:  # noqa: A002
    """The conjugate transpose of the last two dims (real arrays: their transpose).

    Args:
        input: an array-like of at least two dims.

    Returns:
        An array of shape (..., n, m) for ``input`` of shape (..., m, n).

    Example:
        >>> ft.adjoint(ft.array([[1.0, 2.0]])).tolist()
        [[1.0], [2.0]]
    """
    return ops.conj(ops.swapaxes(input, -1, -2))


def flatten(input: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Array:  # noqa: A002
    """Merge dims ``start_dim..end_dim`` into one (a 0-d array becomes 1-d).

    Args:
        input: an array-like.
        start_dim: the first dim merged.
        end_dim: the last dim merged (included).

    Returns:
        An array with the dims ``start_dim..end_dim`` replaced by one of their product.

    Example:
        >>> ft.flatten(ft.zeros((2, 3, 4)), 1).shape
        (2, 12)
    """
    return as_array(input).flatten(start_dim, end_dim)


def unflatten(input: ArrayLike, dim: Axis, sizes: Sequence[int]) -> Array:  # noqa: A002
    """Split ``dim`` into ``sizes`` (one may be -1).

    Args:
        input: an array-like.
        dim: the dim to split.
        sizes: the new dims, their product the size of ``dim`` (a -1 is inferred).

    Returns:
        An array of ``input``'s shape with ``dim`` replaced by ``sizes``.

    Example:
        >>> ft.unflatten(ft.zeros((2, 6)), 1, (2, 3)).shape
        (2, 2, 3)
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "unflatten")
    return ops.reshape(x, x.shape[:axis] + tuple(sizes) + x.shape[axis + 1:])


def torch_squeeze(input, dim=None):  # noqa: A002
    """Remove size-1 dims (``dim``: only those; a listed dim of another size is kept, as
    torch does, where NumPy raises).

    Example:
        >>> ft.squeeze(ft.ones((1, 2, 1)), dim=(0, 1)).shape
        (2, 1)
    """
    x = as_array(input)
    if dim is None:
        return ops.squeeze(x)
    axes = tuple(a for a in dims(dim, x.ndim, "squeeze") if x.shape[a] == 1)
    return ops.squeeze(x, axes) if axes else x


def torch_flip(input, dims):  # noqa: A002
    """Reverse the order along ``dims``.

    Example:
        >>> ft.flip(ft.array([[1, 2], [3, 4]]), dims=(1,)).tolist()
        [[2, 1], [4, 3]]
    """
    return ops.flip(input, _tuple(dims))


def torch_roll(input, shifts, dims=None):  # noqa: A002
    """Roll elements by ``shifts`` along ``dims`` (flattened when None)."""
    return ops.roll(input, shifts, dims)


def torch_rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane ``dims``."""
    return ops.rot90(input, k, tuple(dims))


def torch_stack(tensors, dim=0, *, out=None):
    """Join along a new dim ``dim``."""
    refuse_out("stack", out)
    return ops.stack(list(tensors), dim)


def torch_tril(input, diagonal=0, *, out=None):  # noqa: A002
    """Lower triangle (torch's ``diagonal`` for NumPy's ``k``)."""
    refuse_out("tril", out)
    return ops.tril(input, diagonal)


def torch_triu(input, diagonal=0, *, out=None):  # noqa: A002
    """Upper triangle (torch's ``diagonal`` for NumPy's ``k``)."""
    refuse_out("triu", out)
    return ops.triu(input, diagonal)


def torch_diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The diagonal of the plane ``dim1, dim2`` (NumPy's ``axis1``/``axis2``)."""
    return ops.diagonal(input, offset, dim1, dim2)


def tile(input, dims):  # noqa: A002
    """Repeat the whole array ``dims`` times per dim (torch's ``tile``/``Tensor.repeat``)."""
    return ops.tile(input, tuple(_tuple(dims)))


__all__ = ["split_with_sizes", "chunk", "tensor_split", "unbind", "narrow", "select", "movedim",
           "swapdims", "t", "adjoint", "flatten", "unflatten", "repeat_interleave", "row_stack",
           "broadcast_tensors", "block_diag", "cartesian_prod", "combinations", "diag_embed",
           "take_along_dim", "numel", "clone"]
