"""NaN-ignoring reductions (``nansum``, ``nanmean``, ``nanmax``, ``nanquantile``, ...).

Each replaces NaN by the reduction's identity with ``where`` and reduces: the gradient
reaches only the non-NaN entries (``where`` sends zeros to the branch it did not pick).
Integer and bool arrays hold no NaN and reduce as the plain functions do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops import registry as R
from funtorch.ops.math_reductions import cumprod
from funtorch.ops.math_stats import _no_out, make_median, make_quantile
from funtorch.ops.reductions import normalize_axis
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike

_NAN = float("nan")


def _prepare(a, dtype=None):
    a = R.as_array(a)
    return a if dtype is None else ops.astype(a, dtype)


def _filled(a, value):
    """``a`` with NaN replaced by ``value``, and the NaN mask (None for integer arrays)."""
    if a.dtype.kind != "f":
        return a, None
    nan = ops.isnan(a)
    return ops.where(nan, value, a), nan


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over ``axis`` treating NaN as zero.

    Args:
        a: input array.
        axis: None, an int or a tuple.
        dtype: optional dtype to cast ``a`` to first.
        out, where: unsupported (must be None).
        keepdims: keep reduced axes with length 1.
        initial: a value added to the sum.

    Example:
        >>> ft.nansum(ft.array([1.0, float("nan"), 2.0])).item()
        3.0
    """
    _unsupported("nansum", out, where)
    filled, _ = _filled(_prepare(a, dtype), 0.0)
    total = ops.sum(filled, axis=axis, keepdims=keepdims)
    return total if initial is None else total + initial


def nanprod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: Any = None,
            keepdims: bool = False, initial: ArrayLike | None = None,
            where: ArrayLike | None = None) -> Array:
    """Product over ``axis`` treating NaN as one.

    Args:
        a: an array-like.
        axis: None (all), an int or a tuple of ints.
        dtype: a dtype to cast ``a`` to first, or None.
        out: unsupported (must be None).
        keepdims: keep the reduced axes with length 1.
        initial: a value the product is multiplied by, or None.
        where: unsupported (must be None).

    Returns:
        An array with ``axis`` reduced, in the dtype ``ft.prod`` gives.

    Raises:
        TypeError: ``out`` or ``where`` is given.

    Example:
        >>> ft.nanprod(ft.array([2.0, float("nan"), 3.0])).item()
        6.0
    """
    _unsupported("nanprod", out, where)
    filled, _ = _filled(_prepare(a, dtype), 1.0)
    total = ops.prod(filled, axis=axis, keepdims=keepdims)
    return total if initial is None else total * initial


def _unsupported(name, out, where):
    _no_out(name, out)
    if where is not None:
        raise TypeError(f"{name}: the where= argument is not supported; mask the "
                        "input with ft.where first")


def _nan_extreme(reduce: Callable[..., Array], fill: float, name: str,
                 result: str) -> Callable[..., Array]:
    def fn(a: ArrayLike, axis: Axis = None, out: Any = None, keepdims: bool = False,
           initial: ArrayLike | None = None, where: ArrayLike | None = None) -> Array:
        _unsupported(name, out, where)
        a = R.as_array(a)
        filled, nan = _filled(a, fill)
        result = reduce(filled, axis=axis, keepdims=keepdims)
        if nan is not None:
            result = ops.where(ops.all(nan, axis=axis, keepdims=keepdims), _NAN, result)
        if initial is not None:
            result = ops.maximum(result, initial) if fill < 0 else ops.minimum(result, initial)
        return result
    fn.__name__ = fn.__qualname__ = name
    kind = "maximum" if fill < 0 else "minimum"
    fn.__doc__ = (f"The {kind} over ``axis`` ignoring NaN (NaN for an all-NaN slice); the "
                  f"gradient goes to the non-NaN entries attaining it.\n\n    Args:\n"
                  f"        a: an array-like.\n        axis: an axis, a tuple of axes, or None "
                  f"(all).\n        out: unsupported (must be None).\n        keepdims: keep "
                  f"the reduced axes with size 1.\n        initial: "
                  f"{'a floor' if fill < 0 else 'a ceiling'} for the result, or None.\n"
                  f"        where: unsupported (must be None).\n\n    Returns:\n"
                  f"        An array of ``a``'s dtype with ``axis`` reduced.\n\n    Example:\n"
                  f"        >>> ft.{name}(ft.array([1.0, float('nan'), 3.0])).item()\n"
                  f"        {result}\n    ")
    return fn


nanmax = _nan_extreme(ops.max, -np.inf, "nanmax", "3.0")
nanmin = _nan_extreme(ops.min, np.inf, "nanmin", "1.0")


def _nan_arg(reduce: Callable[..., Array], fill: float, name: str,
             result: str) -> Callable[..., Array]:
    def fn(a: ArrayLike, axis: int | None = None, out: Any = None, keepdims: bool = False) -> Array:
        _no_out(name, out)
        a = R.as_array(a)
        filled, nan = _filled(a, fill)
        index = reduce(filled, axis=axis, keepdims=keepdims)
        if nan is None:
            return index
        if axis is None:
            all_nan = ops.all(nan)
            all_nan = ops.reshape(all_nan, index.shape)
        else:
            all_nan = ops.all(nan, axis=axis, keepdims=keepdims)
        return ops.where(all_nan, -1, index)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Index of the {name[6:]} along ``axis`` (flattened when None) ignoring NaN; "
                  f"-1 for an all-NaN slice (JAX's answer: NumPy raises). int64, no "
                  f"gradient.\n\n    Args:\n        a: an array-like.\n        axis: an "
                  f"axis, or None for the flattened array.\n        out: unsupported (must be "
                  f"None).\n        keepdims: keep the reduced axis with size 1.\n\n    "
                  f"Returns:\n        An int64 array with ``axis`` reduced.\n\n"
                  f"    Example:\n        >>> ft.{name}(ft.array([float('nan'), "
                  f"1.0, 3.0])).item()\n        {result}\n    ")
    return fn


nanargmax = _nan_arg(ops.argmax, -np.inf, "nanargmax", "2")
nanargmin = _nan_arg(ops.argmin, np.inf, "nanargmin", "1")


def _count(nan, a, axis, keepdims):
    if nan is None:
        axes = normalize_axis(axis, a.ndim)
        return float(np.prod([a.shape[i] for i in axes]))
    return ops.astype(ops.sum(ops.logical_not(nan), axis=axis, keepdims=keepdims), a.dtype)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Mean over ``axis`` of the non-NaN entries (NaN for an all-NaN slice); integers
    become the default float.

    Example:
        >>> ft.nanmean(ft.array([1.0, float("nan"), 3.0])).item()
        2.0
    """
    _unsupported("nanmean", out, where)
    a = R.to_float(_prepare(a, dtype))
    filled, nan = _filled(a, 0.0)
    return ops.sum(filled, axis=axis, keepdims=keepdims) / _count(nan, a, axis, keepdims)


def nanvar(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: Any = None,
           ddof: int = 0, keepdims: bool = False, where: ArrayLike | None = None) -> Array:
    """Variance over ``axis`` of the non-NaN entries, divided by ``count - ddof`` (NaN
    where that is not positive).

    Args:
        a: an array-like (integers become the default float).
        axis: None (all), an int or a tuple of ints.
        dtype: a dtype to cast ``a`` to first, or None.
        out: unsupported (must be None).
        ddof: the delta degrees of freedom subtracted from the count of non-NaN entries.
        keepdims: keep the reduced axes with length 1.
        where: unsupported (must be None).

    Returns:
        A real float array with ``axis`` reduced.

    Raises:
        TypeError: ``out`` or ``where`` is given.

    Example:
        >>> ft.nanvar(ft.array([1.0, float("nan"), 3.0])).item()
        1.0
    """
    _unsupported("nanvar", out, where)
    a = R.to_float(_prepare(a, dtype))
    filled, nan = _filled(a, 0.0)
    count = _count(nan, a, axis, True)
    centered = filled - ops.sum(filled, axis=axis, keepdims=True) / count
    if nan is not None:
        centered = ops.where(nan, 0.0, centered)
    centered = ops.abs(centered) if centered.dtype.kind == "c" else centered  # NumPy's, real
    total = ops.sum(centered * centered, axis=axis, keepdims=keepdims)
    dof = count - ddof
    if isinstance(dof, float):  # no NaN possible: a static count
        return total / dof if dof > 0 else ops.full_like(total, _NAN)
    dof = ops.reshape(dof, total.shape)
    return ops.where(dof > 0, total / ops.where(dof > 0, dof, 1.0), _NAN)


def nanstd(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: Any = None,
           ddof: int = 0, keepdims: bool = False, where: ArrayLike | None = None) -> Array:
    """Standard deviation over ``axis`` of the non-NaN entries (``sqrt(nanvar)``).

    Args:
        a, axis, dtype, ddof, keepdims: as for :func:`nanvar`.
        out, where: unsupported (must be None).

    Returns:
        A real float array with ``axis`` reduced.

    Raises:
        TypeError: ``out`` or ``where`` is given.

    Example:
        >>> ft.nanstd(ft.array([1.0, float("nan"), 3.0])).item()
        1.0
    """
    return ops.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where))


nanquantile = make_quantile("nanquantile", True, 1, ":func:`quantile` of the non-NaN "
                            "entries of each slice (NaN for an all-NaN slice).")
nanpercentile = make_quantile("nanpercentile", True, 100, ":func:`percentile` of the non-NaN "
                              "entries of each slice (NaN for an all-NaN slice).")
nanmedian = make_median("nanmedian", True, "Median of the non-NaN entries over ``axis`` (NaN "
                        "for an all-NaN slice).")


def nancumsum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: Any = None) -> Array:
    """Cumulative sum treating NaN as zero (flattened when ``axis`` is None).

    Args:
        a: an array-like.
        axis: the axis to accumulate along, or None for the flattened array.
        dtype: a dtype to cast ``a`` to first, or None.
        out: unsupported (must be None).

    Returns:
        An array of ``a``'s shape (1-D when ``axis`` is None), in the dtype ``ft.cumsum``
        gives.

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> ft.nancumsum(ft.array([1.0, float("nan"), 2.0])).tolist()
        [1.0, 1.0, 3.0]
    """
    _no_out("nancumsum", out)
    filled, _ = _filled(_prepare(a, dtype), 0.0)
    return ops.cumsum(filled, axis=axis)


def nancumprod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: Any = None) -> Array:
    """Cumulative product treating NaN as one (flattened when ``axis`` is None).

    Args:
        a, axis, dtype, out: as for :func:`nancumsum`.

    Returns:
        The running products, shaped as :func:`nancumsum`'s result, in the dtype
        ``ft.cumprod`` gives.

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> ft.nancumprod(ft.array([2.0, float("nan"), 3.0])).tolist()
        [2.0, 2.0, 6.0]
    """
    _no_out("nancumprod", out)
    filled, _ = _filled(_prepare(a, dtype), 1.0)
    return cumprod(filled, axis=axis)


__all__ = ["nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean",
           "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd",
           "nansum", "nanvar"]
