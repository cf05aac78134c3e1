"""Shape primitives: ``reshape``, ``transpose``, ``broadcast_to``, ``flip`` and the
functions composed from them (``moveaxis, swapaxes, expand_dims, squeeze`` and the
PyTorch spellings ``view, permute, unsqueeze``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import unbroadcast_buffer
from funtorch.ops.reductions import normalize_axes, normalize_axis_index
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis, ShapeLike


def _resolve_shape(size, shape, fn="reshape"):
    """Replace a single -1 in ``shape`` and check the element count."""
    if type(shape) is not tuple or not _all_ints(shape):
        shape = tuple(int(n) for n in shape)
    if shape.count(-1) > 1:
        raise ValueError(f"{fn}: can only specify one unknown dimension (-1), got {shape}")
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        if known == 0 or size % known:
            raise ValueError(f"{fn}: cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if math.prod(shape) != size:
        raise ValueError(f"{fn}: cannot reshape array of size {size} into shape {shape}")
    return shape


def _all_ints(values):
    for value in values:
        if type(value) is not int:
            return False
    return True


def _reshape_batch(args, bdims, shape):
    x = R.move_bdim(args[0], bdims[0])
    return bind(reshape_p, x, shape=(x.shape[0],) + shape), 0


reshape_p = Primitive(
    "reshape", lambda xp, x, shape: xp.reshape(x, shape),
    shape=lambda x, shape: (shape, x.dtype),
    vjp=(lambda g, ans, x, shape: reshape(g, x.shape),),
    vjp_buf=(lambda g, ans, x, shape: g.reshape(x.shape),),
    jvp=(lambda t, ans, x, shape: reshape(t, shape),), batch=_reshape_batch,
    samples=lambda s: ((s.array((2, 3, 4)),), {"shape": s.choice([(6, 4), (24,), (4, 1, 6)])}),
    torch_name="View", complex=True)


def _transpose_batch(args, bdims, perm):
    x = R.move_bdim(args[0], bdims[0])
    return bind(transpose_p, x, perm=(0,) + tuple(p + 1 for p in perm)), 0


transpose_p = Primitive(
    "transpose", lambda xp, x, perm: xp.transpose(x, perm),
    shape=lambda x, perm: (tuple(x.shape[p] for p in perm), x.dtype),
    vjp=(lambda g, ans, x, perm: transpose(g, tuple(np.argsort(perm))),),
    vjp_buf=(lambda g, ans, x, perm: g.transpose(np.argsort(perm)),),
    jvp=(lambda t, ans, x, perm: transpose(t, perm),), batch=_transpose_batch,
    samples=lambda s: ((s.array((2, 3, 4)),), {"perm": s.choice([(2, 0, 1), (1, 0, 2)])}),
    torch_name="Permute", complex=True)


def _broadcast_shape(x, shape):
    R.broadcast_shapes("broadcast_to", x.shape, shape)
    if np.broadcast_shapes(x.shape, shape) != tuple(shape):
        raise ValueError(f"broadcast_to: cannot broadcast an array of shape {x.shape} to "
                         f"shape {tuple(shape)}")
    return tuple(shape), x.dtype


def _broadcast_batch(args, bdims, shape):
    x = R.move_bdim(args[0], bdims[0])
    missing = len(shape) - (x.ndim - 1)
    if missing:
        x = reshape(x, (x.shape[0],) + (1,) * missing + x.shape[1:])
    return bind(broadcast_to_p, x, shape=(x.shape[0],) + tuple(shape)), 0


broadcast_to_p = Primitive(
    "broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape), shape=_broadcast_shape,
    vjp=(lambda g, ans, x, shape: R.unbroadcast(g, x),),
    vjp_buf=(lambda g, ans, x, shape: unbroadcast_buffer(g, x.shape),),
    jvp=(lambda t, ans, x, shape: broadcast_to(t, shape),), batch=_broadcast_batch,
    samples=lambda s: ((s.array((3, 1)),), {"shape": (2, 3, 4)}), torch_name="Expand",
    complex=True)


def _flip_batch(args, bdims, axis):
    x = R.move_bdim(args[0], bdims[0])
    return bind(flip_p, x, axis=tuple(a + 1 for a in axis)), 0


flip_p = Primitive(
    "flip", lambda xp, x, axis: xp.flip(x, axis), shape=lambda x, axis: (x.shape, x.dtype),
    vjp=(lambda g, ans, x, axis: flip(g, axis),), jvp=(lambda t, ans, x, axis: flip(t, axis),),
    vjp_buf=(lambda g, ans, x, axis: np.flip(g, axis),),
    batch=_flip_batch, samples=lambda s: ((s.array((3, 4)),), {"axis": s.choice([(0,), (0, 1)])}),
    complex=True)


# Public functions ----------------------------------------------------------------------


def reshape(a: ArrayLike, *shape: int | Sequence[int]) -> Array:
    """Array with the same data and a new shape (one entry may be -1).

    Accepts ``reshape(x, (2, 3))`` and the PyTorch form ``x.reshape(2, 3)``.

    Args:
        a: an array-like.
        *shape: the new shape: one tuple/list of ints, or the ints themselves; one entry
            may be -1 (inferred from the size).

    Returns:
        An array of the new shape with ``a``'s elements (C order) and dtype.

    Raises:
        ValueError: if the element count does not match (both shapes are named).

    Example:
        >>> ft.reshape(ft.arange(6), (2, -1)).shape
        (2, 3)
    """
    a = R.as_array(a)
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    shape = _resolve_shape(a.size, shape)
    if shape == a.shape:
        return a
    return bind(reshape_p, a, shape=shape)


view = reshape


def transpose(a: ArrayLike, axes: Axis = None) -> Array:
    """Permute the axes (reverse them when ``axes`` is None), as NumPy.

    Raises:
        numpy.exceptions.AxisError: an axis out of range (axes never wrap around).
        ValueError: a repeated axis, or not one entry per axis.

    Example:
        >>> ft.transpose(ft.zeros((2, 3, 4)), (2, 0, 1)).shape
        (4, 2, 3)
    """
    return _transpose(a, axes, "transpose")


def _transpose(a, axes, fn):
    a = R.as_array(a)
    if axes is None:
        perm = tuple(range(a.ndim))[::-1]
    else:
        perm = normalize_axes(axes, a.ndim, fn)
        if len(perm) != a.ndim:
            raise ValueError(f"{fn}: axes {tuple(axes)} don't match array of dimension "
                             f"{a.ndim}; give a permutation of all {a.ndim} axes")
    if perm == tuple(range(a.ndim)):
        return a
    return bind(transpose_p, a, perm=perm)


def permute(input: ArrayLike, *dims: int | Sequence[int]) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch spelling of :func:`transpose` with explicit dims: ``permute(x, (1, 0))``.

    Args:
        input: an array-like.
        *dims: a permutation of ``range(input.ndim)``: one sequence, or the ints themselves.

    Returns:
        An array of ``input``'s dtype whose axis ``i`` is ``input``'s axis ``dims[i]``.

    Raises:
        ValueError: ``dims`` is not a permutation of every axis.

    Example:
        >>> ft.permute(ft.ones((2, 3, 4)), (2, 0, 1)).shape
        (4, 2, 3)
    """
    if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        dims = tuple(dims[0])
    return _transpose(input, dims, "permute")


def broadcast_to(array: ArrayLike, shape: ShapeLike) -> Array:
    """Broadcast to ``shape`` (NumPy rules); the VJP sums over broadcast axes.

    Args:
        array: an array-like.
        shape: the target shape (an int or a tuple of ints) that ``array`` broadcasts to.

    Returns:
        An array of ``shape`` and ``array``'s dtype.

    Raises:
        ValueError: ``array``'s shape does not broadcast to ``shape``.

    Example:
        >>> ft.broadcast_to(ft.array([1.0, 2.0]), (2, 2)).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    array = R.as_array(array)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    if array.shape == shape:
        return array
    return bind(broadcast_to_p, array, shape=shape)


def flip(m: ArrayLike, axis: Axis = None) -> Array:
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    m = R.as_array(m)
    axes = ops.normalize_axis(axis, m.ndim, "flip")
    return bind(flip_p, m, axis=axes) if axes else m


def moveaxis(a: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Array:
    """Move axes to new positions, as ``numpy.moveaxis``.

    Args:
        a: an array-like.
        source: the original position(s) of the axes to move (an int or a sequence).
        destination: their new position(s), as many as ``source``.

    Returns:
        An array of ``a``'s dtype with the axes reordered.

    Raises:
        ValueError: ``source`` and ``destination`` have different lengths, or repeat an axis.

    Example:
        >>> ft.moveaxis(ft.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    a = R.as_array(a)
    ndim = a.ndim
    if type(source) is int and type(destination) is int and -ndim <= source < ndim \
            and -ndim <= destination < ndim:  # one axis (every batch rule): no checks left
        order = list(range(ndim))
        order.insert(destination % ndim, order.pop(source % ndim))
        return a if source % ndim == destination % ndim else bind(transpose_p, a,
                                                                  perm=tuple(order))
    source = normalize_axes(_as_tuple(source), a.ndim, "moveaxis: source")
    destination = normalize_axes(_as_tuple(destination), a.ndim, "moveaxis: destination")
    if len(source) != len(destination):
        raise ValueError("moveaxis: `source` and `destination` need the same number of axes")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(a, order)


def _as_tuple(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Array:
    """Interchange two axes.

    Args:
        a: an array-like.
        axis1: the first axis.
        axis2: the second axis.

    Returns:
        An array of ``a``'s dtype with ``axis1`` and ``axis2`` exchanged.

    Raises:
        numpy.exceptions.AxisError: an axis out of range.

    Example:
        >>> ft.swapaxes(ft.ones((2, 3)), 0, 1).shape
        (3, 2)
    """
    a = R.as_array(a)
    perm = list(range(a.ndim))
    axis1 = normalize_axis_index(axis1, a.ndim, "swapaxes")
    axis2 = normalize_axis_index(axis2, a.ndim, "swapaxes")
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return transpose(a, perm)


def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Array:
    """Insert length-1 axes at ``axis`` (int or tuple), as NumPy.

    Args:
        a: an array-like.
        axis: the position(s) of the new axes in the result (an int or a sequence).

    Returns:
        An array of ``a``'s dtype with ``a.ndim + len(axis)`` dimensions.

    Raises:
        numpy.exceptions.AxisError: an axis out of range for the result's dimension.

    Example:
        >>> ft.expand_dims(ft.zeros((2, 3)), (0, -1)).shape
        (1, 2, 3, 1)
    """
    return _expand_dims(a, axis, "expand_dims")


def _expand_dims(a, axis, fn):
    a = R.as_array(a)
    axes = _as_tuple(axis)
    axes = sorted(normalize_axes(axes, a.ndim + len(axes), fn))
    shape = list(a.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return reshape(a, tuple(shape))


def unsqueeze(input: ArrayLike, dim: int) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch spelling of :func:`expand_dims` for one ``dim``.

    Args:
        input: an array-like.
        dim: the position of the new axis in the result, in ``[-ndim - 1, ndim]``.

    Returns:
        An array of ``input``'s dtype with one more (length-1) dimension.

    Raises:
        numpy.exceptions.AxisError: ``dim`` out of range.

    Example:
        >>> ft.unsqueeze(ft.ones(3), 0).shape
        (1, 3)
    """
    return _expand_dims(input, dim, "unsqueeze")


def squeeze(a: ArrayLike, axis: Axis = None) -> Array:
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    a = R.as_array(a)
    if axis is None:
        axes = tuple(i for i, n in enumerate(a.shape) if n == 1)
    else:
        axes = ops.normalize_axis(axis, a.ndim, "squeeze")
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError(f"squeeze: cannot select axis {ax} with size {a.shape[ax]} "
                                 f"(shape {a.shape}); only length-1 axes can be squeezed")
    return reshape(a, tuple(n for i, n in enumerate(a.shape) if i not in axes))
