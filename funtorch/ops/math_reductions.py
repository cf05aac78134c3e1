"""Cumulative products and sums, differences, ``gradient`` and ``trapezoid``.

``cumprod`` is a primitive whose rules are linear recurrences (``math_scan.py``) rather
than divisions by the input, so its derivatives are exact, to every order, also where
inputs are zero (a division-based rule gives NaN or wrong values there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.math_scan import cumprod_jvp, cumprod_vjp
from funtorch.ops.reductions import _sum_dtype, normalize_axis
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike


def _cumprod_samples(s):
    x = s.array((3, 4), domain=((-2.0, -0.2), (0.2, 2.0)))
    if s.boolean():  # one or two zeros per slice: the rules must not divide by them
        x = ops.where(ops.arange(12).reshape(3, 4) % 3 == 1, 0.0, x)
    return (x,), {"axis": s.choice([0, 1])}


cumprod_p = Primitive(
    "cumprod", lambda xp, x, axis: xp.cumprod(x, axis=axis),
    shape=lambda x, axis: (x.shape, _sum_dtype(x.dtype)), vjp=(cumprod_vjp,),
    jvp=(cumprod_jvp,), samples=_cumprod_samples,
    batch=lambda args, bdims, axis: (bind(cumprod_p, R.move_bdim(args[0], bdims[0]),
                                          axis=axis + 1), 0))


def _cumprod(x, axis):
    return bind(cumprod_p, x, axis=axis)


def _flat_axis(a, axis, name):
    a = R.as_array(a)
    if axis is None:
        return ops.reshape(a, (-1,)), 0
    return a, normalize_axis(axis, a.ndim, name)[0]


def _with_dtype(a, dtype):
    return a if dtype is None else ops.astype(a, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along ``axis`` (the flattened array when None), as NumPy.

    Integer and bool inputs accumulate in int64. The gradient is exact when the input holds
    zeros (no division by them).

    Args:
        a: input array.
        axis: the axis to accumulate along, or None.
        dtype: optional dtype to cast ``a`` to first.
        out: unsupported (must be None: funtorch arrays are immutable).

    Example:
        >>> ft.cumprod(ft.array([1.0, 2.0, 3.0])).tolist()
        [1.0, 2.0, 6.0]
    """
    if out is not None:
        raise TypeError("cumprod: the out= argument is not supported (funtorch "
                        "arrays are immutable); use the return value")
    a, axis = _flat_axis(_with_dtype(R.as_array(a), dtype), axis, "cumprod")
    return _cumprod(a, axis)


def _cumulative(fn: Callable[..., Array], name: str, initial: Any,
                result: str) -> Callable[..., Array]:
    def cumulative(x: ArrayLike, /, *, axis: int | None = None, dtype: DTypeLike = None,
                   include_initial: bool = False) -> Array:
        x = _with_dtype(R.as_array(x), dtype)
        if axis is None:
            if x.ndim > 1:
                raise ValueError(f"{name}: axis must be given for arrays of more than one "
                                 f"dimension, got shape {x.shape}")
            x = ops.reshape(x, (-1,))
            axis = 0
        axis = normalize_axis(axis, x.ndim, name)[0]
        out = fn(x, axis=axis)
        if include_initial:
            shape = tuple(1 if i == axis else n for i, n in enumerate(x.shape))
            out = ops.concatenate([ops.full(shape, initial, dtype=out.dtype), out], axis=axis)
        return out
    cumulative.__name__ = cumulative.__qualname__ = name
    cumulative.__doc__ = (
        f"Array-API cumulative {name.split('_')[1]} along ``axis`` (required for n-d input).\n\n"
        f"    Args:\n        x: input array.\n        axis: the axis (None only for 0-d/1-d "
        f"input).\n        dtype: optional dtype to cast ``x`` to.\n        include_initial: "
        f"prepend the identity ({initial}) along ``axis``.\n\n    Returns:\n        An array "
        f"of ``x``'s shape (1-d for 0-d ``x``; one longer along ``axis`` with "
        f"``include_initial``).\n\n"
        f"    Raises:\n        ValueError: ``axis`` is None for an input of more than one "
        f"dimension.\n\n    Example:\n"
        f"        >>> ft.{name}(ft.array([1.0, 2.0, 3.0]), include_initial=True).tolist()\n"
        f"        {result}\n    ")
    return cumulative


cumulative_prod = _cumulative(lambda x, axis: _cumprod(x, axis), "cumulative_prod", 1,
                              "[1.0, 1.0, 2.0, 6.0]")
cumulative_sum = _cumulative(lambda x, axis: ops.cumsum(x, axis), "cumulative_sum", 0,
                             "[0.0, 1.0, 3.0, 6.0]")


def _slice(a, axis, start=None, stop=None):
    index = [slice(None)] * a.ndim
    index[axis] = slice(start, stop)
    return a[tuple(index)]


def _edge(value, a, axis):
    """A ``prepend``/``append`` value as an array that concatenates to ``a`` along ``axis``."""
    value = R.as_array(value)
    if value.ndim == 0:
        shape = tuple(1 if i == axis else n for i, n in enumerate(a.shape))
        value = ops.broadcast_to(value, shape)
    return value


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis`` (NumPy's ``diff``; bool arrays
    give ``!=`` of neighbours).

    Args:
        a: input array (at least 1-d).
        n: how many times to difference; 0 returns ``a``.
        axis: the axis.
        prepend, append: values joined to ``a`` along ``axis`` first (scalars broadcast).

    Returns:
        An array whose ``axis`` is ``n`` shorter.

    Raises:
        ValueError: for negative ``n`` or a 0-d array.

    Example:
        >>> ft.diff(ft.array([1.0, 4.0, 9.0])).tolist()
        [3.0, 5.0]
    """
    a = R.as_array(a)
    if n < 0:
        raise ValueError(f"diff: order must be non-negative, got n={n}")
    if a.ndim == 0:
        raise ValueError("diff: requires an array of at least one dimension, got a 0-d array")
    axis = normalize_axis(axis, a.ndim, "diff")[0]
    parts = [_edge(prepend, a, axis)] if prepend is not None else []
    parts.append(a)
    if append is not None:
        parts.append(_edge(append, a, axis))
    if len(parts) > 1:
        a = ops.concatenate(R.promote_all([R.as_array(p) for p in parts]), axis=axis)
    for _ in range(n):
        high, low = _slice(a, axis, 1), _slice(a, axis, None, -1)
        a = ops.not_equal(high, low) if a.dtype.kind == "b" else high - low
    return a


def ediff1d(ary: ArrayLike, to_end: ArrayLike | None = None,
            to_begin: ArrayLike | None = None) -> Array:
    """Differences of consecutive elements of the flattened ``ary``, with optional values
    before and after.

    Args:
        ary: an array-like (flattened).
        to_end: values (flattened) appended after the differences, or None.
        to_begin: values (flattened) prepended before the differences, or None.

    Returns:
        A 1-D array of ``ary``'s dtype with ``ary.size - 1`` differences plus the added
        values (cast to that dtype).

    Example:
        >>> ft.ediff1d(ft.array([1.0, 2.0, 4.0]), to_begin=0.0).tolist()
        [0.0, 1.0, 2.0]
    """
    flat = ops.reshape(R.as_array(ary), (-1,))
    out = flat[1:] - flat[:-1]
    parts = [ops.reshape(R.as_array(to_begin), (-1,))] if to_begin is not None else []
    parts.append(out)
    if to_end is not None:
        parts.append(ops.reshape(R.as_array(to_end), (-1,)))
    if len(parts) == 1:
        return out
    return ops.concatenate([ops.astype(p, out.dtype) for p in parts])


def _axis_gradient(f, axis, spacing, edge_order):
    """``gradient`` of ``f`` along one axis; ``spacing`` is a scalar or 1-d coordinates."""
    n = f.shape[axis]
    if n < edge_order + 1:
        raise ValueError(f"gradient: shape {f.shape} is too small along axis {axis} for "
                         f"edge_order={edge_order} (each axis needs edge_order + 1 points)")

    def part(start, stop=None):
        return _slice(f, axis, start, stop)

    def along(v):  # 1-d coefficients broadcast along `axis`
        return ops.reshape(v, tuple(-1 if i == axis else 1 for i in range(f.ndim)))

    coords = spacing if isinstance(spacing, R.Array) else np.asarray(spacing)
    if coords.ndim == 0:  # a Python or NumPy scalar stays weak: float64 f keeps its precision
        h = float(coords) if not isinstance(coords, R.Array) else ops.astype(coords, f.dtype)
        interior = (part(2) - part(None, -2)) / (2.0 * h)
        if edge_order == 1:
            first = (part(1, 2) - part(0, 1)) / h
            last = (part(-1) - part(-2, -1)) / h
        else:
            first = (-1.5 * part(0, 1) + 2.0 * part(1, 2) - 0.5 * part(2, 3)) / h
            last = (0.5 * part(-3, -2) - 2.0 * part(-2, -1) + 1.5 * part(-1)) / h
        return ops.concatenate([first, interior, last], axis=axis)
    if coords.shape != (n,):
        raise ValueError(f"gradient: coordinates along axis {axis} must have shape ({n},), "
                         f"got {coords.shape}")
    coords = R.to_float(R.as_array(coords))
    dx = coords[1:] - coords[:-1]
    d1, d2 = dx[:-1], dx[1:]
    a = along(-d2 / (d1 * (d1 + d2)))
    b = along((d2 - d1) / (d1 * d2))
    c = along(d1 / (d2 * (d1 + d2)))
    interior = a * part(None, -2) + b * part(1, -1) + c * part(2)
    if edge_order == 1:
        first = (part(1, 2) - part(0, 1)) / dx[0]
        last = (part(-1) - part(-2, -1)) / dx[-1]
    else:
        h1, h2 = dx[0], dx[1]
        first = (-(2.0 * h1 + h2) / (h1 * (h1 + h2)) * part(0, 1)
                 + (h1 + h2) / (h1 * h2) * part(1, 2) - h1 / (h2 * (h1 + h2)) * part(2, 3))
        h1, h2 = dx[-2], dx[-1]
        last = (h2 / (h1 * (h1 + h2)) * part(-3, -2) - (h1 + h2) / (h1 * h2) * part(-2, -1)
                + (2.0 * h2 + h1) / (h2 * (h1 + h2)) * part(-1))
    return ops.concatenate([first, interior, last], axis=axis)


def gradient(f: Any, *varargs: Any, axis: Axis = None, edge_order: int = 1) -> Array:
    """Second-order accurate central differences of ``f`` (NumPy's ``gradient``).

    Args:
        f: an n-d array; integers become the default float.
        *varargs: spacing: none (1), one scalar for all axes, or one scalar or 1-d
            coordinate array per axis.
        axis: the axis or axes to differentiate along (default: all).
        edge_order: 1 or 2, the accuracy of the one-sided differences at the edges.

    Returns:
        One array for a single axis, else a tuple with one array per axis.

    Raises:
        ValueError: ``edge_order`` is not 1 or 2.
        TypeError: a number of spacing arguments other than 0, 1 or one per axis.

    Example:
        >>> ft.gradient(ft.array([1.0, 4.0, 9.0, 16.0])).tolist()
        [3.0, 4.0, 6.0, 7.0]
    """
    f = R.to_float(f)
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    axes = normalize_axis(axis, f.ndim, "gradient") if axis is not None else tuple(
        range(f.ndim))
    if isinstance(axis, (int, np.integer)):
        axes = (int(axis) % f.ndim,)
    if not varargs:
        spacings = [1.0] * len(axes)
    elif len(varargs) == 1 and R.as_array(varargs[0]).ndim == 0:
        spacings = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise TypeError(f"gradient: expected 0, 1 or {len(axes)} spacing arguments, got "
                        f"{len(varargs)}")
    outs = tuple(_axis_gradient(f, ax, h, edge_order) for ax, h in zip(axes, spacings))
    return outs[0] if len(outs) == 1 else outs


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integrate ``y`` along ``axis`` with the trapezoidal rule.

    Args:
        y: values; integers become the default float.
        x: sample points (1-d along ``axis``, or ``y``'s shape); default: spacing ``dx``.
        dx: the spacing when ``x`` is None.
        axis: the axis to integrate along.

    Example:
        >>> ft.trapezoid(ft.array([1.0, 2.0, 3.0])).item()
        4.0
    """
    y = R.to_float(y)
    axis = normalize_axis(axis, y.ndim, "trapezoid")[0]
    if x is None:
        d = dx
    else:
        x = R.to_float(x)
        if x.ndim == 1:
            d = ops.reshape(x[1:] - x[:-1], tuple(-1 if i == axis else 1
                                                  for i in range(y.ndim)))
        else:
            d = diff(x, axis=axis)
    return ops.sum(d * (_slice(y, axis, 1) + _slice(y, axis, None, -1)) / 2.0, axis=axis)
