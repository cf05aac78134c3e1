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

    Example:
        >>> [t.shape for t in ft.split_with_sizes(ft.ones(5), [2, 3])]
        [(2,), (3,)]
    """
    return torch_split(input, list(split_sizes), dim)


def chunk(input: ArrayLike, chunks: int, dim: Axis = 0) -> Array:  # noqa: A002
    """Split into at most ``chunks`` pieces of ``ceil(n / chunks)`` elements along ``dim``.

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

    Example:
        >>> len(ft.unbind(ft.zeros((3, 2))))
        3
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "unbind")
    return tuple(ops.take(x, i, axis=axis) for i in range(x.shape[axis]))


def narrow(input: ArrayLike, dim: Axis, start: ArrayLike, length: int) -> Array:  # noqa: A002
    """``length`` elements of ``dim`` from ``start`` (negative counts from the end).

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
    """The slice at ``index`` of ``dim``, without that dim (``x.select(0, 2) == x[2]``)."""
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "select")
    where = [slice(None)] * x.ndim
    where[axis] = int(index)
    return x[tuple(where)]


def movedim(input: ArrayLike, source: int | Sequence[int],  # noqa: A002
            destination: int | Sequence[int]) -> Array:
    """Move dims ``source`` to ``destination`` (torch's name of ``moveaxis``).

    Example:
        >>> ft.movedim(ft.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    return ops.moveaxis(input, source, destination)


def swapdims(input: ArrayLike, dim0: int, dim1: int) -> Array:  # noqa: A002
    """Swap two dims (torch's ``swapdims``/``swapaxes``/``transpose``).

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

    Example:
        >>> ft.adjoint(ft.array([[1.0, 2.0]])).tolist()
        [[1.0], [2.0]]
    """
    return ops.conj(ops.swapaxes(input, -1, -2))


def flatten(input: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Array:  # noqa: A002
    """Merge dims ``start_dim..end_dim`` into one (a 0-d array becomes 1-d).

    Example:
        >>> ft.flatten(ft.zeros((2, 3, 4)), 1).shape
        (2, 12)
    """
    return as_array(input).flatten(start_dim, end_dim)


def unflatten(input: ArrayLike, dim: Axis, sizes: Sequence[int]) -> Array:  # noqa: A002
    """Split ``dim`` into ``sizes`` (one may be -1).

    Example:
        >>> ft.unflatten(ft.zeros((2, 6)), 1, (2, 3)).shape
        (2, 2, 3)
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "unflatten")
    return ops.reshape(x, x.shape[:axis] + tuple(sizes) + x.shape[axis + 1:])


def torch_squeeze(input, dim=None):  # noqa: A002
    """Remove size-1 dims (``dim``: only those; a listed dim of another size is kept, as
    torch does, where NumPy raises)."""
    x = as_array(input)
    if dim is None:
        return ops.squeeze(x)
    axes = tuple(a for a in dims(dim, x.ndim, "squeeze") if x.shape[a] == 1)
    return ops.squeeze(x, axes) if axes else x


def torch_flip(input, dims):  # noqa: A002
    """Reverse the order along ``dims``."""
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


def repeat_interleave(input: ArrayLike, repeats: ArrayLike | None = None, dim: Axis = None, *,
                      output_size: int | None = None) -> Array:  # noqa: A002
    """Repeat each element ``repeats`` times along ``dim`` (flattened when None).

    Example:
        >>> ft.repeat_interleave(ft.array([1, 2]), 2)
        array([1, 1, 2, 2])
    """
    if repeats is None:  # torch.repeat_interleave(counts): indices repeated counts times
        counts = as_array(input)
        return ops.repeat(ops.arange(counts.shape[0]), counts)
    return ops.repeat(input, repeats, axis=dim)


def tile(input, dims):  # noqa: A002
    """Repeat the whole array ``dims`` times per dim (torch's ``tile``/``Tensor.repeat``)."""
    return ops.tile(input, tuple(_tuple(dims)))


def row_stack(tensors: ArrayLike, *, out: Any = None) -> Array:
    """Stack rows (torch's alias of ``vstack``).

    Example:
        >>> ft.row_stack([ft.ones(2), ft.zeros(2)]).tolist()
        [[1.0, 1.0], [0.0, 0.0]]
    """
    refuse_out("row_stack", out)
    return ops.vstack(list(tensors))


def broadcast_tensors(*tensors: ArrayLike) -> Any:
    """Broadcast the arrays against each other (torch's ``broadcast_arrays``).

    Example:
        >>> a, b = ft.broadcast_tensors(ft.ones((2, 1)), ft.ones(3)); a.shape, b.shape
        ((2, 3), (2, 3))
    """
    return tuple(ops.broadcast_arrays(*tensors))


def block_diag(*tensors: ArrayLike) -> Array:
    """A block-diagonal matrix of the arrays (0-d and 1-d ones are rows).

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

    Example:
        >>> ft.cartesian_prod(ft.array([1, 2]), ft.array([3, 4])).shape
        (4, 2)
    """
    if len(tensors) == 1:
        return as_array(tensors[0])
    grids = ops.meshgrid(*tensors, indexing="ij")
    return ops.stack([ops.reshape(g, (-1,)) for g in grids], axis=1)


def combinations(input: ArrayLike, r: int = 2,  # noqa: A002
                 with_replacement: bool = False) -> Array:
    """All length-``r`` combinations of a 1-d array's elements, one per row.

    Example:
        >>> ft.combinations(ft.array([1, 2, 3])).shape
        (3, 2)
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

    Example:
        >>> ft.numel(ft.ones((2, 3)))
        6
    """
    return as_array(input).size


def clone(input: ArrayLike, *, memory_format: Any = None) -> Array:  # noqa: A002
    """A copy (arrays are immutable, so the same values; the graph is kept)."""
    return ops.copy(input)


__all__ = ["split_with_sizes", "chunk", "tensor_split", "unbind", "narrow", "select", "movedim",
           "swapdims", "t", "adjoint", "flatten", "unflatten", "repeat_interleave", "row_stack",
           "broadcast_tensors", "block_diag", "cartesian_prod", "combinations", "diag_embed",
           "take_along_dim", "numel", "clone"]
