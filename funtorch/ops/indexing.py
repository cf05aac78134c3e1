"""Indexing: the ``gather`` primitive behind ``x[idx]``, and ``take``, ``take_along_axis``
and ``nonzero`` (the scatters behind ``x.at[idx]`` live in ``scatter.py``).

An index expression splits into a static structure, the ``index`` param (one entry per
indexed position: ``None`` for a new axis, an int, ``(start, stop, step)`` for a slice
with resolved bounds, or ``ARRAY`` for the next integer-array index), and one int64
argument ``indices`` holding every integer-array index, broadcast together and stacked
on a new first axis. Boolean masks become integer arrays with ``nonzero`` (so their
values must be concrete). The impl rebuilds the NumPy index, so NumPy's rules, including
where advanced-index dimensions land, hold on both backends.
"""

from __future__ import annotations

import functools

import numpy as np

from funtorch.core import Array, Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import bind_buffers
from funtorch import ops
from funtorch.ops.indexing_basic import BASIC_TYPES, BasicIndex, basic_index_p, is_basic
from funtorch.ops.indexing_parse import ARRAY, parse_index  # noqa: F401 (scatter, onnx)
from funtorch.typing import ArrayLike

_WHOLE = slice(None)


# Index structure -------------------------------------------------------------------------


def _slice_len(entry):
    start, stop, step = entry
    return len(range(start, -1 if stop is None else stop, step))


def block_position(index):
    """Where NumPy puts the advanced-index block: in place of the advanced entries when
    they are adjacent (after the basic dimensions before them), else first."""
    advanced = [pos for pos, entry in enumerate(index)
                if entry is not None and type(entry) is not tuple]
    adjacent = advanced and advanced[-1] - advanced[0] == len(advanced) - 1
    return advanced[0] if adjacent else 0


def layout(index, shape, indices_shape):
    """Shape of ``x[index]``, where the advanced-index block lands in it, and its rank."""
    basic, dim = [], 0
    for entry in index:
        if entry is None:
            basic.append(1)
            continue
        if type(entry) is tuple:
            basic.append(_slice_len(entry))
        dim += 1
    has_arrays = ARRAY in index
    if dim > len(shape) or (has_arrays and index.count(ARRAY) != indices_shape[0]):
        raise ValueError(f"gather: index {index} does not fit an array of shape {shape} with "
                         f"stacked indices of shape {indices_shape}")
    basic.extend(shape[dim:])
    if not has_arrays:
        return tuple(basic), None, 0
    block, at = tuple(indices_shape[1:]), block_position(index)
    return tuple(basic[:at]) + block + tuple(basic[at:]), at, len(block)


def build_index(index, indices):
    rows = iter(indices)
    return tuple(next(rows) if entry == ARRAY else slice(*entry) if type(entry) is tuple
                 else entry for entry in index)


# The gather primitive --------------------------------------------------------------------


def gather(x, indices, index):
    """``x[index]`` for a parsed index (see the module docstring)."""
    return bind(gather_p, x, indices, index=index)


def _gather_shape(x, indices, index):
    return layout(index, x.shape, indices.shape)[0], x.dtype


def batch_index(x, indices, bx, bi, index):
    """Put a batch axis into the index; x comes back leading with it (if batched).

    Returns ``(x, index, indices, how)``: ``how`` is ``"slice"`` (shared indices: a full
    slice over the batch axis), ``"ids"`` (both batched: the batch axis is indexed by an
    arange, so the output is ``(batch, *block, *basic)``) or ``"indices"`` (only the
    indices are batched: the block gains a leading batch axis).
    """
    size = x.shape[bx] if bx is not None else indices.shape[bi]
    if ARRAY not in index:  # no integer-array index: the (empty) indices carry nothing
        indices, bi = ops.zeros((0,), dtype=np.int64, device=x.device), None
        if bx is None:
            x, bx = ops.broadcast_to(x, (size,) + x.shape), 0
    x = R.move_bdim(x, bx)
    if bi is None:
        return x, ((0, size, 1),) + index, indices, "slice"
    indices = ops.moveaxis(indices, bi, 1)
    if bx is None:
        return x, index, indices, "indices"
    batch_ids = ops.reshape(ops.arange(size, device=x.device),
                            (1, size) + (1,) * (indices.ndim - 2))
    batch_ids = ops.broadcast_to(batch_ids, (1,) + indices.shape[1:])
    return x, (ARRAY,) + index, ops.concatenate([batch_ids, indices]), "ids"


def batch_position(index, shape, indices_shape):
    """Where a sliced batch axis (the first basic dimension) lands in the output."""
    _, at, rank = layout(index, shape, indices_shape)
    return 0 if at is None or at > 0 else rank


def _gather_batch(args, bdims, index):
    x, new_index, indices, how = batch_index(args[0], args[1], bdims[0], bdims[1], index)
    out = gather(x, indices, new_index)
    if how == "slice":
        return out, batch_position(new_index, x.shape, indices.shape)
    if how == "indices":
        return out, block_position(index)
    at, rank = block_position(index), indices.ndim - 2
    if at:  # (batch, *block, *basic) -> (*basic[:at], batch, *block, *basic[at:])
        out = ops.transpose(out, tuple(range(1 + rank, 1 + rank + at)) + tuple(range(1 + rank))
                            + tuple(range(1 + rank + at, out.ndim)))
    return out, at


def index_samples(s):
    """x of shape (4, 3, 5) under one of a few index structures (repeats allowed)."""
    case = s.choice((0, 1, 2, 3))
    if case == 0:
        index, indices = ((3, None, -1), None, 1), ops.zeros((0,), dtype=np.int64)
    elif case == 1:
        index, indices = ((0, 4, 1), ARRAY, ARRAY), s.int_array((2, 2, 3), 0, 3)
    elif case == 2:
        index, indices = (ARRAY, (0, 3, 2), ARRAY), s.int_array((2, 4), 0, 4)
    else:
        index, indices = (1, (0, 3, 1), ARRAY), s.int_array((1, 2), 0, 5)
    return s.array((4, 3, 5)), indices, index


def _gather_samples(s):
    x, indices, index = index_samples(s)
    return (x, indices), {"index": index}


def _gather_vjp(g, ans, x, indices, index, xp=ops, bind=bind):  # NumPy's: the buffer rule
    from funtorch.ops.scatter import scatter_add_p  # scatter's rules gather: import at use

    return bind(scatter_add_p, xp.zeros_like(x), g, indices, index=index)


gather_p = Primitive(
    "gather", lambda xp, x, indices, index: x[build_index(index, indices)], shape=_gather_shape,
    vjp=(_gather_vjp, None), vjp_buf=(functools.partial(_gather_vjp, xp=np, bind=bind_buffers),
                                      None),
    jvp=(lambda t, ans, x, indices, index: gather(t, indices, index), None),
    batch=_gather_batch, samples=_gather_samples, torch_name="Index", complex=True)


def _is_identity(index, shape):
    return len(index) == len(shape) and all(
        type(e) is tuple and e[0] == 0 and e[1] == n and e[2] == 1 for e, n in zip(index, shape))


def getitem(a, idx):
    """``a[idx]`` with NumPy's basic, integer-array and boolean-mask indexing.

    Differentiable in ``a`` (the VJP scatters-adds into zeros, so repeated indices add up).
    An index of only ints, slices, ``None`` and ``...`` takes the ``basic_index``
    primitive (``indexing_basic.py``: no index arrays, NumPy's slicing); any array in
    the index takes ``gather``.

    Raises:
        IndexError: an out-of-bounds index, too many indices, a mask of the wrong shape.

    Example:
        >>> ft.arange(6).reshape(2, 3)[:, [2, 0]].tolist()
        [[2, 0], [5, 3]]
    """
    if not isinstance(a, Array):
        a = ops.asarray(a)
    if type(idx) is not tuple:
        if type(idx) in BASIC_TYPES:
            if idx is Ellipsis or (type(idx) is slice and idx == _WHOLE and a.ndim):
                return a
            return bind(basic_index_p, a, index=BasicIndex((idx,), a.shape))
    elif is_basic(idx):
        return bind(basic_index_p, a, index=BasicIndex(idx, a.shape)) if idx else a
    index, indices = parse_index(a, idx)
    if _is_identity(index, a.shape):
        return a
    return gather(a, indices, index)


def _integer_indices(indices, fn):
    if not isinstance(indices, Array):
        indices = np.asarray(indices)
        if indices.size == 0 and indices.dtype.kind == "f":
            indices = indices.astype(np.int64)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be integers, got dtype {indices.dtype}; cast them "
                        "with .astype(ft.int64)")
    return indices


def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None, mode: str = "raise") -> Array:
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened ``a`` when None).

    The output shape is ``a.shape[:axis] + indices.shape + a.shape[axis + 1:]``. ``mode``
    is NumPy's: ``"raise"`` (out-of-bounds indices are an error), ``"wrap"`` or ``"clip"``.

    Args:
        a: an array-like.
        indices: integer indices (an int, a sequence or an array of any shape).
        axis: the axis to index, or None for the flattened ``a``.
        mode: ``"raise"``, ``"wrap"`` (indices modulo the length) or ``"clip"``.

    Returns:
        An array of ``a``'s dtype and the shape above.

    Raises:
        TypeError: non-integer ``indices``.
        ValueError: an unknown ``mode``.
        IndexError: an index out of bounds with ``mode="raise"`` (when the indices are known).

    Example:
        >>> ft.take(ft.array([[1, 2], [3, 4]]), [1, 1, 0], axis=1).tolist()
        [[2, 2, 1], [4, 4, 3]]
    """
    a = R.as_array(a)
    if axis is None:
        a, axis = ops.reshape(a, (-1,)), 0
    axis = ops.normalize_axis(axis, a.ndim, "take")[0]
    indices = _integer_indices(indices if not isinstance(indices, (int, np.integer))
                               else np.asarray(indices), "take")
    size = a.shape[axis]
    if mode == "wrap":
        indices = ops.mod(R.as_array(indices), size)
    elif mode == "clip":
        indices = ops.clip(R.as_array(indices), 0, size - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    return getitem(a, (slice(None),) * axis + (indices,))


def take_along_axis(arr: ArrayLike, indices: ArrayLike, axis: int | None = -1) -> Array:
    """Pick values from ``arr`` by matching 1-d slices of ``indices`` along ``axis``.

    As ``numpy.take_along_axis``: ``indices`` has ``arr``'s number of dimensions and
    broadcasts against it on the other axes; ``axis=None`` works on the flattened array.

    Args:
        arr: an array-like.
        indices: an integer array of ``arr``'s number of dimensions (1-D when ``axis`` is
            None), broadcasting against ``arr`` except along ``axis``.
        axis: the axis to pick along, or None for the flattened ``arr``.

    Returns:
        An array of ``arr``'s dtype and the broadcast shape, with ``indices``' length along
        ``axis``.

    Raises:
        TypeError: non-integer ``indices``.
        ValueError: ``indices`` and ``arr`` have different numbers of dimensions.

    Example:
        >>> x = ft.array([[3.0, 1.0], [2.0, 5.0]])
        >>> ft.take_along_axis(x, ft.argsort(x, axis=1), axis=1).tolist()
        [[1.0, 3.0], [2.0, 5.0]]
    """
    arr = R.as_array(arr)
    indices = _integer_indices(indices, "take_along_axis")
    if axis is None:
        arr, axis = ops.reshape(arr, (-1,)), 0
    axis = ops.normalize_axis(axis, arr.ndim, "take_along_axis")[0]
    if indices.ndim != arr.ndim:
        raise ValueError(f"take_along_axis: `indices` and `arr` must have the same number of "
                         f"dimensions, got {indices.ndim} and {arr.ndim}")
    idx = []
    for dim, size in enumerate(arr.shape):
        if dim == axis:
            idx.append(indices)
        else:
            shape = [1] * arr.ndim
            shape[dim] = size
            idx.append(np.arange(size).reshape(shape))
    return getitem(arr, tuple(idx))


def nonzero(a):
    """Indices of the non-zero elements: a tuple of int64 arrays, one per dimension.

    Needs concrete values (the output size depends on them), so it cannot run under
    ``jit``; it has no gradient.

    Raises:
        ValueError: for a 0-d array, as NumPy 2.

    Example:
        >>> [i.tolist() for i in ft.nonzero(ft.array([[0, 1], [2, 0]]))]
        [[0, 1], [1, 0]]
    """
    a = R.as_array(a)
    if a.ndim == 0:
        raise ValueError("nonzero: calling nonzero on 0-d arrays is not allowed; use "
                         "ft.nonzero(a.reshape(1)) instead")
    return tuple(ops.asarray(rows.astype(np.int64), device=a.device)
                 for rows in np.nonzero(np.asarray(a)))


Array.__getitem__ = getitem
