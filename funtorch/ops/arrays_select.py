"""Choosing and writing elements: ``choose``, ``select``, ``piecewise``, ``compress``,
``extract`` and the functional forms of NumPy's in-place writers ``place``, ``put``,
``put_along_axis`` and ``fill_diagonal`` (they return a new array; ``inplace=False`` is
required, as in JAX).

All compose ``where``, gathers and scatters, so they are differentiable in the values
they move; index and condition arguments carry no gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from funtorch import dtypes
from funtorch.ops.arrays_base import (
    as_array, axis_index, compact, check_size, host_or_none, refuse_inplace,
)
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis, ShapeLike

_CHOOSE_MODES = ("raise", "wrap", "clip")


def _wrap_or_clip(indices, size, mode, fn):
    """Apply ``mode`` to integer ``indices`` into an axis of ``size``; ``"raise"`` checks
    them when their values are known."""
    if mode == "wrap":
        return ops.mod(indices, size)
    if mode == "clip":
        return ops.clip(indices, 0, size - 1)
    if mode not in (None, "raise", "fill", "drop", "promise_in_bounds"):
        raise ValueError(f"{fn}: mode must be one of {_CHOOSE_MODES}, got {mode!r}")
    values = host_or_none(indices)
    if values is not None and values.size and (values.min() < -size or values.max() >= size):
        bad = values.min() if values.min() < -size else values.max()
        raise IndexError(f"{fn}: index {int(bad)} is out of bounds for size {size}")
    return indices


def choose(a: ArrayLike, choices: ArrayLike, out: Any = None, mode: str = "raise") -> Array:
    """Build an array from ``choices[a[i]][i]`` (everything broadcast together).

    Args:
        a: an integer array of choice numbers.
        choices: a sequence of arrays broadcasting with ``a``.
        out: must be None (arrays are immutable).
        mode: ``"raise"``, ``"wrap"`` (``a`` modulo ``len(choices)``) or ``"clip"``.

    Returns:
        An array of the broadcast shape in the choices' promoted dtype.

    Raises:
        ValueError: with ``mode="raise"``, an entry of ``a`` outside ``[0, len(choices))``;
            an unknown ``mode``; an ``out``.
        TypeError: a non-integer ``a``.

    Example:
        >>> ft.choose(ft.array([0, 1, 0]), [ft.array([1, 2, 3]), ft.array([7, 8, 9])]).tolist()
        [1, 8, 3]
    """
    if out is not None:
        raise ValueError("choose: out is not supported (arrays are immutable)")
    a = as_array(a)
    if a.dtype.kind not in "iub":
        raise TypeError(f"choose: a must be an integer array, got dtype {a.dtype}")
    choices = [as_array(c) for c in choices]
    count = len(choices)
    if mode == "raise":
        values = host_or_none(a)
        if values is not None and values.size and (values.min() < 0 or values.max() >= count):
            raise ValueError(f"choose: invalid entry in choice array: entries of a must lie in "
                             f"[0, {count}), got {int(values.min())}..{int(values.max())}")
    elif mode in ("wrap", "clip"):
        a = _wrap_or_clip(ops.astype(a, np.int64), count, mode, "choose")
    else:
        raise ValueError(f"choose: mode must be one of {_CHOOSE_MODES}, got {mode!r}")
    dtype = dtypes.result_type(*(c.dtype for c in choices))
    arrays = ops.broadcast_arrays(a, *(ops.astype(c, dtype) for c in choices))
    stacked = ops.stack(arrays[1:])
    picks = ops.expand_dims(ops.astype(arrays[0], np.int64), 0)
    return ops.take_along_axis(stacked, picks, axis=0)[0]


def select(condlist: ArrayLike, choicelist: ArrayLike, default: Any = 0) -> Array:
    """``choicelist[i]`` where ``condlist[i]`` is the first true condition, else ``default``.

    Args:
        condlist: a non-empty sequence of boolean arrays.
        choicelist: as many arrays (or scalars), broadcasting with the conditions.
        default: the value where no condition holds.

    Returns:
        An array of the broadcast shape of every condition and choice, in the promoted
        dtype of the choices and ``default``.

    Raises:
        ValueError: lists of different lengths, or empty lists.
        TypeError: a condition that is not boolean.

    Example:
        >>> x = ft.arange(4)
        >>> ft.select([x < 1, x > 2], [x, 10 * x], default=-1).tolist()
        [0, -1, -1, 30]
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: list of cases must be same length as list of conditions, "
                         f"got {len(choicelist)} choices and {len(condlist)} conditions")
    if not condlist:
        raise ValueError("select: select with an empty condition list is not possible")
    conds = [as_array(c) for c in condlist]
    for n, cond in enumerate(conds):
        if cond.dtype.kind != "b":
            raise TypeError(f"select: invalid entry {n} in condlist: should be boolean, got "
                            f"dtype {cond.dtype}")
    choices = [as_array(c) for c in choicelist]
    dtype = ops.result_type(*choices, default)
    out = ops.astype(as_array(default), dtype)
    for cond, choice in zip(conds[::-1], choices[::-1]):
        out = ops.where(cond, ops.astype(choice, dtype), out)
    return ops.broadcast_to(out, ops.broadcast_shapes(*(a.shape for a in conds + choices)))


def piecewise(x: ArrayLike, condlist: ArrayLike, funclist: Sequence[Any], *args: Any,
              **kw: Any) -> Array:
    """Evaluate ``funclist[i]`` (a function of ``x`` or a constant) where ``condlist[i]``
    holds; one extra function covers the points where no condition holds (else 0).

    Unlike NumPy every function runs on the whole of ``x`` (so it works under ``jit`` and
    ``vmap``) and the results are merged with ``where``; a later condition wins.

    Args:
        x: the input array.
        condlist: a boolean array shaped like ``x``, or a sequence of them.
        funclist: functions called as ``f(x, *args, **kw)``, or constants.
        *args: passed on to every function.
        **kw: passed on to every function.

    Returns:
        An array of ``x``'s shape and dtype (0 where no condition and no default function
        applies).

    Raises:
        ValueError: ``funclist`` is not ``len(condlist)`` or ``len(condlist) + 1`` long.

    Example:
        >>> x = ft.array([-1.0, 2.0])
        >>> ft.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v ** 2]).tolist()
        [1.0, 4.0]
    """
    x = as_array(x)
    if isinstance(condlist, (bool, np.bool_)) or (
            hasattr(condlist, "dtype") and as_array(condlist).ndim == x.ndim) or (
            isinstance(condlist, list) and condlist and np.ndim(condlist[0]) == 0 and x.ndim):
        condlist = [condlist]
    conds = [ops.broadcast_to(as_array(c), x.shape) for c in condlist]
    if len(funclist) not in (len(conds), len(conds) + 1):
        raise ValueError(f"piecewise: with {len(conds)} condition(s), either {len(conds)} or "
                         f"{len(conds) + 1} functions are expected, got {len(funclist)}")
    if len(funclist) == len(conds) + 1:
        rest = ops.logical_not(ops.any(ops.stack(conds), axis=0)) if conds else \
            ops.ones(x.shape, dtype=np.bool_, device=x.device)
        conds = conds + [rest]
    out = ops.zeros_like(x)
    for cond, func in zip(conds, funclist):
        value = func(x, *args, **kw) if callable(func) else func
        out = ops.where(cond, ops.astype(as_array(value), x.dtype), out)
    return out


def compress(condition: ArrayLike, a: ArrayLike, axis: Axis = None, *,
             size: ShapeLike | None = None, fill_value: ArrayLike = 0, out: Any = None) -> Array:
    """The slices of ``a`` along ``axis`` (flattened when None) where ``condition`` (1-d)
    is true; a shorter ``condition`` counts as false past its end.

    With ``size`` the output has exactly ``size`` slices (padded with ``fill_value``), and
    works under ``jit``/``vmap``; without it the values of ``condition`` must be concrete.

    Args:
        condition: a 1-d boolean (or 0/1) array.
        a: the array to take slices from.
        axis: the axis along which slices are taken, or None for the flattened ``a``.
        size: the number of slices to return (an int), or None.
        fill_value: the padding slices' value.
        out: must be None (arrays are immutable).

    Returns:
        An array of ``a``'s dtype and shape except along ``axis``, which holds the selected
        slices (or ``size`` of them).

    Raises:
        ValueError: a ``condition`` that is not 1-d, or an ``out``.
        IndexError: a true entry of ``condition`` past the end of the axis.

    Example:
        >>> ft.compress([False, True, True], ft.array([[1, 2], [3, 4], [5, 6]]), axis=0).tolist()
        [[3, 4], [5, 6]]
    """
    if out is not None:
        raise ValueError("compress: out is not supported (arrays are immutable)")
    condition, a = as_array(condition), as_array(a)
    if condition.ndim != 1:
        raise ValueError(f"compress: condition must be a 1-d array, got shape "
                         f"{tuple(condition.shape)}")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = axis_index(axis, a.ndim, "compress")
    length = a.shape[axis]
    mask = ops.astype(condition, np.bool_)
    if mask.shape[0] > length:
        extra = host_or_none(mask[length:])
        if extra is not None and extra.any():
            raise IndexError(f"compress: condition has a true entry past the end of an axis "
                             f"of length {length}")
        mask = mask[:length]
    elif mask.shape[0] < length:
        mask = ops.concatenate([mask, ops.zeros((length - mask.shape[0],), dtype=np.bool_,
                                               device=a.device)])
    moved = ops.moveaxis(a, axis, 0)
    out = compact(moved, mask, check_size(size, "compress"), fill_value, "compress")
    return ops.moveaxis(out, 0, axis)


def extract(condition: ArrayLike, arr: ArrayLike, *, size: ShapeLike | None = None,
            fill_value: ArrayLike = 0) -> Array:
    """The elements of ``arr`` where ``condition`` is non-zero, flattened (as
    ``compress(ravel(condition), ravel(arr))``).

    Args:
        condition: an array with as many elements as ``arr`` (any shape; flattened).
        arr: the array to take elements from.
        size: the number of elements to return (an int), or None for all that are picked;
            needed under ``jit``/``vmap``.
        fill_value: the padding value.

    Returns:
        A 1-d array of ``arr``'s dtype.

    Example:
        >>> x = ft.arange(6).reshape(2, 3)
        >>> ft.extract(x % 2 == 0, x).tolist()
        [0, 2, 4]
    """
    condition = ops.ravel(as_array(condition))
    return compress(ops.astype(condition, np.bool_), ops.ravel(as_array(arr)), size=size,
                    fill_value=fill_value)


def place(arr: ArrayLike, mask: ArrayLike, vals: ArrayLike, *, inplace: bool = True) -> Array:
    """A copy of ``arr`` with the positions where ``mask`` is true filled, in order, by
    ``vals`` (repeated cyclically). Works under ``jit``; differentiable in ``arr`` and
    ``vals``.

    Args:
        arr: the array to copy.
        mask: a boolean array broadcasting to ``arr``'s shape.
        vals: the values to write (flattened, cast to ``arr``'s dtype).
        inplace: must be False.

    Returns:
        An array of ``arr``'s shape and dtype.

    Raises:
        ValueError: ``inplace=True`` (the default, as in JAX: arrays are immutable), or an
            empty ``vals`` with a true entry in ``mask``.

    Example:
        >>> x = ft.arange(5)
        >>> ft.place(x, x > 2, [10, 20], inplace=False).tolist()
        [0, 1, 2, 10, 20]
    """
    refuse_inplace(inplace, "place")
    arr = as_array(arr)
    flat_mask = ops.astype(ops.ravel(ops.broadcast_to(as_array(mask), arr.shape)), np.bool_)
    vals = ops.astype(ops.ravel(as_array(vals)), arr.dtype)
    if vals.shape[0] == 0:
        known = host_or_none(flat_mask)
        if known is not None and known.any():
            raise ValueError("place: cannot insert from an empty array")
        return arr
    rank = ops.cumsum(ops.astype(flat_mask, np.int64)) - 1
    picked = ops.take(vals, ops.mod(ops.maximum(rank, 0), vals.shape[0]))
    return ops.reshape(ops.where(flat_mask, picked, ops.ravel(arr)), arr.shape)


def put(a, ind, v, mode=None, *, inplace=True):
    """A copy of ``a`` with the flat positions ``ind`` set to ``v`` (repeated cyclically);
    ``mode`` is ``"raise"`` (default), ``"wrap"`` or ``"clip"``.

    Raises:
        ValueError: ``inplace=True`` (the default, as in JAX).
        IndexError: an out-of-bounds index with ``mode="raise"``.

    Example:
        >>> ft.put(ft.zeros(4), [0, 2], [5.0, 6.0], inplace=False).tolist()
        [5.0, 0.0, 6.0, 0.0]
    """
    refuse_inplace(inplace, "put")
    a = as_array(a)
    flat = ops.ravel(a)
    ind = ops.ravel(ops.astype(as_array(ind), np.int64))
    v = ops.astype(ops.ravel(as_array(v)), a.dtype)
    if ind.shape[0] == 0 or v.shape[0] == 0:
        return a
    ind = _wrap_or_clip(ind, flat.shape[0], mode, "put")
    v = ops.take(v, np.arange(ind.shape[0]) % v.shape[0])
    return ops.reshape(flat.at[ind].set(v), a.shape)


def put_along_axis(arr: ArrayLike, indices: ArrayLike, values: ArrayLike, axis: Axis,
                   inplace: bool = True, mode: str | None = None) -> Array:
    """A copy of ``arr`` with ``values`` written at ``indices`` along ``axis`` (the
    writing counterpart of :func:`take_along_axis`).

    Args:
        arr: the array to copy.
        indices: an integer array of ``arr``'s number of dimensions: the positions along
            ``axis``, broadcasting with ``arr`` on the other axes.
        values: the values to write, broadcasting with ``indices``.
        axis: the axis the indices run along, or None for the flattened ``arr``.
        inplace: must be False.
        mode: ``"raise"`` (None), ``"wrap"`` or ``"clip"`` for out-of-bounds indices.

    Returns:
        An array of ``arr``'s shape and dtype.

    Raises:
        ValueError: ``inplace=True`` (the default, as in JAX), or ``indices`` of another
            dimension than ``arr``.

    Example:
        >>> x = ft.zeros((2, 2))
        >>> ft.put_along_axis(x, ft.array([[1], [0]]), 1.0, axis=1, inplace=False).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    refuse_inplace(inplace, "put_along_axis")
    arr, indices = as_array(arr), ops.astype(as_array(indices), np.int64)
    if axis is None:
        return ops.reshape(put_along_axis(ops.ravel(arr), ops.ravel(indices), values, 0,
                                          inplace=False, mode=mode), arr.shape)
    axis = axis_index(axis, arr.ndim, "put_along_axis")
    if indices.ndim != arr.ndim:
        raise ValueError(f"put_along_axis: `indices` and `arr` must have the same number of "
                         f"dimensions, got {indices.ndim} and {arr.ndim}")
    indices = _wrap_or_clip(indices, arr.shape[axis], mode, "put_along_axis")
    index = []
    for dim, length in enumerate(arr.shape):
        if dim == axis:
            index.append(indices)
        else:
            index.append(np.arange(length).reshape([-1 if d == dim else 1
                                                    for d in range(arr.ndim)]))
    shape = ops.broadcast_shapes(*(np.shape(i) if not hasattr(i, "shape") else i.shape
                                   for i in index))
    values = ops.broadcast_to(ops.astype(as_array(values), arr.dtype), shape)
    return arr.at[tuple(index)].set(values)


def fill_diagonal(a: ArrayLike, val: ArrayLike, wrap: bool = False, *,
                  inplace: bool = True) -> Array:
    """A copy of ``a`` with its main diagonal set to ``val`` (repeated cyclically); a tall
    2-d ``a`` restarts the diagonal every ``N + 1`` rows when ``wrap=True``.

    Args:
        a: an array of at least 2 dimensions (all equal beyond 2).
        val: the diagonal's value, a scalar or an array (flattened, cast to ``a``'s dtype).
        wrap: for a tall 2-d ``a``, continue the diagonal below the first square.
        inplace: must be False.

    Returns:
        An array of ``a``'s shape and dtype.

    Raises:
        ValueError: ``inplace=True`` (the default, as in JAX), fewer than 2 dimensions, or
            an n-d ``a`` whose dimensions differ.

    Example:
        >>> ft.fill_diagonal(ft.zeros((2, 2)), 3.0, inplace=False).tolist()
        [[3.0, 0.0], [0.0, 3.0]]
    """
    refuse_inplace(inplace, "fill_diagonal")
    a = as_array(a)
    if a.ndim < 2:
        raise ValueError(f"fill_diagonal: array must be at least 2-d, got shape "
                         f"{tuple(a.shape)}")
    if a.ndim == 2:
        step = a.shape[1] + 1
        end = None if wrap else a.shape[1] * a.shape[1]
    else:
        if len(set(a.shape)) != 1:
            raise ValueError(f"fill_diagonal: all dimensions of input must be of equal length, "
                             f"got shape {tuple(a.shape)}")
        step = 1 + int(np.cumprod(a.shape[:-1]).sum())
        end = None
    positions = np.arange(a.size)[:end:step]
    return put(a, positions, val, inplace=False)
