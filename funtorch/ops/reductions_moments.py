"""Moments over axes: ``mean``, ``var`` and ``std``, composed from ``sum`` (so their
derivatives, batching and staging come from its rules); re-exported by ``reductions``.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from funtorch import ops
from funtorch.ops import registry as R
from funtorch.ops.reductions import normalize_axis, sum  # noqa: A004 - NumPy's name
from funtorch.typing import Array, ArrayLike, Axis


def _count(a, axis):
    return math.prod(a.shape[i] for i in axis) if axis else 1


def _widened(a):
    """``a`` in the dtype to accumulate in (float16 -> float32) and its own dtype, to cast
    the result back to: a float16 mean of 10,000 tens is 10, not inf."""
    a = R.to_float(a)
    return (ops.astype(a, np.float32) if a.dtype == np.float16 else a), a.dtype


def _narrowed(out, dtype):
    return out if out.dtype == dtype or out.dtype.kind != dtype.kind else ops.astype(out, dtype)


def mean(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """Arithmetic mean over ``axis``; integer inputs give the default float dtype, float16
    accumulates in float32 (as NumPy and torch).

    Example:
        >>> ft.mean(ft.full((10000,), 10.0, dtype=ft.float16)).item()
        10.0
    """
    a, dtype = _widened(a)
    axes = normalize_axis(axis, a.ndim, "mean")
    return _narrowed(sum(a, axes, keepdims) / _count(a, axes), dtype)


def _variance(a, axes, ddof, keepdims):
    centered = a - sum(a, axes, keepdims=True) / _count(a, axes)
    centered = ops.abs(centered) if centered.dtype.kind == "c" else centered  # NumPy's, real
    # ddof >= the count divides by 0 (inf), as NumPy and torch; never a negative variance
    divisor = builtins.max(_count(a, axes) - ddof, 0)
    return sum(centered * centered, axes, keepdims) / divisor


def var(a: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Array:
    """Variance over ``axis`` with NumPy's ``ddof`` (0: population, 1: sample); ``ddof``
    at or past the number of elements gives inf, as NumPy and torch.

    Example:
        >>> ft.var(ft.array([1.0, 2.0, 3.0]), ddof=1).item()
        1.0
    """
    a, dtype = _widened(a)
    return _narrowed(_variance(a, normalize_axis(axis, a.ndim, "var"), ddof, keepdims), dtype)


def std(a: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Array:
    """Standard deviation over ``axis`` (``sqrt(var)``), NumPy's ``ddof``.

    Example:
        >>> ft.std(ft.array([1.0, 3.0])).item()
        1.0
    """
    a, dtype = _widened(a)
    axes = normalize_axis(axis, a.ndim, "std")
    return _narrowed(ops.sqrt(_variance(a, axes, ddof, keepdims)), dtype)


__all__ = ["mean", "var", "std"]
