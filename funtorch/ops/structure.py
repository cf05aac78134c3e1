"""Joining and rearranging arrays: ``concatenate`` (``cat``), ``stack``, ``tile``,
``repeat``, ``triu``, ``tril``, ``diag`` and ``trace`` (``pad`` lives in
``funtorch/ops/padding.py`` and is re-exported here).

Only ``concatenate`` is a primitive here; the rest compose
``reshape``, ``broadcast_to``, ``where`` and the indexing primitives, so they are
differentiable and batchable through those.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from funtorch import dtypes
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.indexing import getitem
from funtorch.ops.padding import _pad_constant, pad, pad_p  # noqa: F401  (pad moved out)
from funtorch import ops
from funtorch.typing import Array, ArrayLike, DTypeLike, ShapeLike

# concatenate_p takes up to this many arrays (one VJP rule each); more are joined in groups.
_MAX_ARGS = 32


def _slice_along(x, axis, start, stop):
    """``x[start:stop]`` along ``axis``: indexing alone, so it serves funtorch arrays and
    backend arrays (concatenate's VJP and buffer rules are one function)."""
    return x[(slice(None),) * axis + (slice(start, stop),)]


# concatenate ------------------------------------------------------------------------------


def _concat_shape(*arrays, axis):
    first = arrays[0].shape
    for n, a in enumerate(arrays[1:], 1):
        if len(a.shape) != len(first):
            raise ValueError(f"concatenate: all the input arrays must have the same number of "
                             f"dimensions, but the array at index 0 has {len(first)} and the "
                             f"array at index {n} has {len(a.shape)}")
        for dim, (m, k) in enumerate(zip(first, a.shape)):
            if dim != axis and m != k:
                raise ValueError(f"concatenate: all the input array dimensions except for the "
                                 f"concatenation axis must match exactly, but along dimension "
                                 f"{dim} the array at index 0 has size {m} and the array at "
                                 f"index {n} has size {k}")
    total = sum(a.shape[axis] for a in arrays)
    shape = first[:axis] + (total,) + first[axis + 1:]
    return shape, np.result_type(*(a.dtype for a in arrays))


def _offset(arrays, argnum, axis):
    return sum(a.shape[axis] for a in arrays[:argnum])


def _concat_vjp(argnum):
    def rule(g, ans, *arrays, axis):
        start = _offset(arrays, argnum, axis)
        return _slice_along(g, axis, start, start + arrays[argnum].shape[axis])
    return rule


def _concat_jvp(argnum):
    def rule(t, ans, *arrays, axis):
        before = _offset(arrays, argnum, axis)
        after = ans.shape[axis] - before - arrays[argnum].shape[axis]
        widths = tuple((before, after) if d == axis else (0, 0) for d in range(ans.ndim))
        return _pad_constant(t, widths, 0)
    return rule


def _concat_batch(args, bdims, axis):
    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    moved = [R.move_bdim(a, b) if b is not None else ops.broadcast_to(a, (size,) + a.shape)
             for a, b in zip(args, bdims)]
    return bind(concatenate_p, *moved, axis=axis + 1), 0


_CONCAT_VJP = tuple(_concat_vjp(n) for n in range(_MAX_ARGS))  # slices: buffer rules too
concatenate_p = Primitive(
    "concatenate", lambda xp, *arrays, axis: xp.concatenate(arrays, axis=axis),
    shape=_concat_shape, vjp=_CONCAT_VJP, vjp_buf=_CONCAT_VJP,
    jvp=tuple(_concat_jvp(n) for n in range(_MAX_ARGS)), batch=_concat_batch,
    samples=lambda s: ((s.array((2, 3)), s.array((1, 3)), s.array((3, 3))), {"axis": 0})
    if s.boolean() else ((s.array((2, 1)), s.array((2, 4))), {"axis": 1}),
    torch_name="Cat", complex=True)


def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0) -> Array:
    """Join a sequence of arrays along an existing axis (``axis=None``: flatten first).

    Inputs are promoted to a common dtype; shapes must match except along ``axis``.

    Raises:
        ValueError: no arrays, 0-d arrays, or shapes that differ off ``axis``.

    Example:
        >>> ft.concatenate([ft.zeros((1, 2)), ft.ones((2, 2))]).shape
        (3, 2)
    """
    arrays = [R.as_array(a) for a in arrays]
    if not arrays:
        raise ValueError("concatenate: need at least one array to concatenate")
    if axis is None:
        arrays, axis = [ops.reshape(a, (-1,)) for a in arrays], 0
    if any(a.ndim == 0 for a in arrays):
        raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated; use "
                         "ft.stack, or reshape them to shape (1,) first")
    axis = ops.normalize_axis(axis, arrays[0].ndim, "concatenate")[0]
    dtype = dtypes.result_type(*(a.dtype for a in arrays))
    arrays = [ops.astype(a, dtype) for a in arrays]
    while len(arrays) > _MAX_ARGS:
        arrays = [concatenate(arrays[n:n + _MAX_ARGS], axis)
                  for n in range(0, len(arrays), _MAX_ARGS)]
    if len(arrays) == 1:
        return arrays[0]
    return bind(concatenate_p, *arrays, axis=axis)


def cat(tensors: Sequence[ArrayLike], dim: int = 0) -> Array:
    """PyTorch spelling of :func:`concatenate`: ``cat(tensors, dim)``.

    Args:
        tensors: a non-empty sequence of arrays of one rank whose shapes match except along
            ``dim``.
        dim: the axis to join along (None flattens every array first).

    Returns:
        An array of the promoted dtype, ``tensors[0]``'s shape with the lengths along
        ``dim`` summed.

    Raises:
        ValueError: no arrays, 0-d arrays, or shapes that differ off ``dim``.

    Example:
        >>> ft.cat([ft.ones((1, 2)), ft.zeros((1, 2))], dim=0).tolist()
        [[1.0, 1.0], [0.0, 0.0]]
    """
    return concatenate(tensors, dim)


def stack(arrays: Sequence[ArrayLike], axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis.

    Example:
        >>> ft.stack([ft.zeros(3), ft.ones(3)], axis=1).shape
        (3, 2)
    """
    arrays = [R.as_array(a) for a in arrays]
    if not arrays:
        raise ValueError("stack: need at least one array to stack")
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"stack: all input arrays must have the same shape, got shapes "
                         f"{sorted(shapes)}")
    axis = ops.normalize_axis(axis, arrays[0].ndim + 1, "stack")[0]
    return concatenate([ops.expand_dims(a, axis) for a in arrays], axis)


# Repetition ------------------------------------------------------------------------------


def tile(A: ArrayLike, reps: ShapeLike) -> Array:  # noqa: N803 - NumPy's name
    """Repeat the whole array ``reps`` times along each axis (NumPy semantics).

    Args:
        A: an array-like.
        reps: the repetitions per axis (an int or a sequence of non-negative ints); the
            shorter of ``reps`` and ``A.shape`` is padded with leading 1s.

    Returns:
        An array of ``A``'s dtype and shape ``reps * A.shape`` (elementwise, after the
        padding).

    Raises:
        ValueError: a negative repetition count.

    Example:
        >>> ft.tile(ft.array([1, 2]), (2, 2)).tolist()
        [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    A = R.as_array(A)  # noqa: N806
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative dimensions are not allowed, got reps={reps}")
    shape = (1,) * (len(reps) - A.ndim) + tuple(A.shape)
    reps = (1,) * (len(shape) - len(reps)) + reps
    interleaved = tuple(n for pair in zip((1,) * len(shape), shape) for n in pair)
    grown = tuple(n for pair in zip(reps, shape) for n in pair)
    out = ops.broadcast_to(ops.reshape(A, interleaved), grown)
    return ops.reshape(out, tuple(r * n for r, n in zip(reps, shape)))


def repeat(a: ArrayLike, repeats: ArrayLike, axis: int | None = None) -> Array:
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened ``a`` if None).

    ``repeats`` is an int or one count per element along ``axis`` (concrete values).

    Args:
        a: an array-like.
        repeats: an int, or one non-negative count per element along ``axis``.
        axis: the axis to repeat along, or None for the flattened ``a``.

    Returns:
        An array of ``a``'s dtype whose length along ``axis`` is ``sum(repeats)`` (``n *
        repeats`` for an int; 1-D when ``axis`` is None).

    Raises:
        TypeError: ``repeats`` is not an int or a 1-d sequence of ints.
        ValueError: a negative repeat, or as many repeats as the axis has elements.

    Example:
        >>> ft.repeat(ft.array([1, 2]), [1, 3]).tolist()
        [1, 2, 2, 2]
    """
    a = R.as_array(a)
    if axis is None:
        a, axis = ops.reshape(a, (-1,)), 0
    axis = ops.normalize_axis(axis, a.ndim, "repeat")[0]
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu" or counts.ndim > 1:
        raise TypeError(f"repeat: repeats must be an int or a 1-d sequence of ints, got "
                        f"{repeats!r}")
    if (counts < 0).any():
        raise ValueError("repeat: negative dimensions are not allowed (repeats must be >= 0)")
    size = a.shape[axis]
    if counts.size == 1:
        count = int(counts.reshape(()))
        expanded = a.shape[:axis + 1] + (1,) + a.shape[axis + 1:]
        grown = a.shape[:axis + 1] + (count,) + a.shape[axis + 1:]
        out = ops.broadcast_to(ops.reshape(a, expanded), grown)
        return ops.reshape(out, a.shape[:axis] + (size * count,) + a.shape[axis + 1:])
    if counts.size != size:
        raise ValueError(f"repeat: {counts.size} repeats given for an axis of size {size}; "
                         "pass one count per element or a single int")
    return ops.take(a, np.repeat(np.arange(size), counts), axis=axis)


# Triangles and diagonals -----------------------------------------------------------------


def _triangle(m, k, fn, lower):
    m = R.as_array(m)
    if m.ndim == 0:
        raise ValueError(f"{fn}: input must be at least 1-d, got a 0-d array")
    rows, cols = m.shape[-2:] if m.ndim >= 2 else (m.shape[0], m.shape[0])
    below = np.tri(rows, cols, int(k) if lower else int(k) - 1, dtype=bool)
    mask = ops.asarray(below if lower else ~below, device=m.device)
    return ops.where(mask, m, ops.zeros_like(m))


def triu(m: ArrayLike, k: int = 0) -> Array:
    """Zero the elements below the ``k``-th diagonal of the last two axes.

    Example:
        >>> ft.triu(ft.ones((2, 2))).tolist()
        [[1.0, 1.0], [0.0, 1.0]]
    """
    return _triangle(m, k, "triu", lower=False)


def tril(m: ArrayLike, k: int = 0) -> Array:
    """Zero the elements above the ``k``-th diagonal of the last two axes.

    Example:
        >>> ft.tril(ft.ones((2, 2))).tolist()
        [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(m, k, "tril", lower=True)


def _diagonal(a, offset):
    """The ``offset`` diagonal of the last two axes, as the last axis."""
    rows, cols = a.shape[-2:]
    length = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    steps = np.arange(length)
    return getitem(a, (Ellipsis, steps + max(-offset, 0), steps + max(offset, 0)))


def diag(v: ArrayLike, k: int = 0) -> Array:
    """A 2-d array with ``v`` on the ``k``-th diagonal (1-d ``v``), or the ``k``-th
    diagonal of a 2-d ``v``.

    Raises:
        ValueError: if ``v`` is not 1-d or 2-d.

    Example:
        >>> ft.diag(ft.array([1, 2]), k=1).tolist()
        [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    """
    v, k = R.as_array(v), int(k)
    if v.ndim == 2:
        return _diagonal(v, k)
    if v.ndim != 1:
        raise ValueError(f"diag: input must be 1-d or 2-d, got shape {tuple(v.shape)}")
    steps = np.arange(v.shape[0])
    size = v.shape[0] + abs(k)
    zeros = ops.zeros((size, size), dtype=v.dtype, device=v.device)
    return zeros.at[steps + max(-k, 0), steps + max(k, 0)].set(v)


def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1,
          dtype: DTypeLike = None) -> Array:
    """Sum along a diagonal of the ``axis1``/``axis2`` planes (NumPy's signature).

    Args:
        a: an array of at least 2 dimensions.
        offset: which diagonal: 0 the main one, positive above it, negative below it.
        axis1: the first axis of the planes.
        axis2: the second axis of the planes.
        dtype: the result's dtype, or None for the dtype ``ft.sum`` gives.

    Returns:
        An array of ``a``'s shape without ``axis1`` and ``axis2`` (0-d for a matrix).

    Raises:
        ValueError: fewer than 2 dimensions, or ``axis1 == axis2``.

    Example:
        >>> ft.trace(ft.eye(3)).item()
        3.0
    """
    a = R.as_array(a)
    if a.ndim < 2:
        raise ValueError(f"trace: expected an array of at least 2 dimensions, got shape "
                         f"{tuple(a.shape)}")
    axis1, axis2 = (ops.normalize_axis(ax, a.ndim, "trace")[0] for ax in (axis1, axis2))
    if axis1 == axis2:
        raise ValueError(f"trace: axis1 and axis2 cannot be the same, got {axis1} and {axis2}")
    out = ops.sum(_diagonal(ops.moveaxis(a, (axis1, axis2), (-2, -1)), int(offset)), axis=-1)
    return out if dtype is None else ops.astype(out, dtype)
