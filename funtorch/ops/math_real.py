"""Sign and NaN handling (``copysign``, ``heaviside``, ``fmax``, ``fmin``, ``isposinf``,
``isneginf``, ``nan_to_num``), ``float_power`` and unit conversions (``deg2rad``,
``rad2deg``). The complex helpers (``real``, ``imag``, ``conj``, ``angle``, ``complex``,
``isreal``...) are in ``math_complex.py`` and re-exported here.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops import registry as R
from funtorch.ops.math_complex import (  # noqa: F401  (re-exported)
    angle, complex, conj, conjugate, imag, iscomplex, iscomplexobj, isreal, isrealobj, real,
)
from funtorch.ops.math_elementwise import float_pair, signbit
from funtorch.typing import ArrayLike


def deg2rad(x: ArrayLike) -> Array:
    """Convert degrees to radians (``x * pi / 180``); ints become the default float.

    Args:
        x: angles in degrees, an array or a scalar.

    Returns:
        The angles in radians, of ``x``'s shape and float dtype.

    Example:
        >>> ft.deg2rad(ft.array([180.0])).tolist()
        [3.141592...]
    """
    return R.to_float(x) * (math.pi / 180.0)


def rad2deg(x: ArrayLike) -> Array:
    """Convert radians to degrees (``x * 180 / pi``); ints become the default float.

    Args:
        x: an array or scalar of angles in radians.

    Returns:
        An array of ``x``'s shape holding the same angles in degrees (float dtype).

    Example:
        >>> ft.rad2deg(ft.array([3.141592653589793])).tolist()
        [180.0]
    """
    return R.to_float(x) * (180.0 / math.pi)


radians = deg2rad
degrees = rad2deg


def copysign(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``|x1|`` with the sign bit of ``x2`` (``-0.0`` counts as negative).

    Args:
        x1, x2: array-likes that broadcast together; integer pairs become floats.

    Returns:
        The magnitudes of ``x1`` with ``x2``'s signs; differentiable in ``x1``.

    Example:
        >>> ft.copysign(ft.array([1.0, -2.0]), -1.0).tolist()
        [-1.0, -2.0]
    """
    x1, x2 = float_pair(x1, x2)
    magnitude = ops.abs(x1)
    if type(x2) not in R._SCALARS and type(x1) not in R._SCALARS and x1.dtype != x2.dtype:
        magnitude = ops.astype(magnitude, np.result_type(x1.dtype, x2.dtype))  # f32 with f64
    return ops.where(signbit(x2), -magnitude, magnitude)


def heaviside(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``
    (NaN where ``x1`` is NaN). Zero gradient in ``x1``; ``x2`` gets it where ``x1 == 0``.

    Args:
        x1: the input, an array or a scalar.
        x2: the value at ``x1 == 0``, broadcasting with ``x1``.

    Returns:
        An array of the broadcast shape in the operands' float dtype (integers become the
        default float).

    Example:
        >>> ft.heaviside(ft.array([-1.0, 0.0, 2.0]), 0.5).tolist()
        [0.0, 0.5, 1.0]
    """
    x1, x2 = float_pair(x1, x2)
    x1 = ops.stop_gradient(x1)
    step = ops.where(x1 < 0, 0.0, ops.where(x1 > 0, 1.0, x2))
    return ops.where(ops.isnan(x1), x1, step)


def fmax(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    Args:
        x1: an array or a scalar.
        x2: an array or a scalar, broadcasting with ``x1``.

    Returns:
        An array of the broadcast shape in the operands' promoted dtype.

    Example:
        >>> ft.fmax(ft.array([1.0, float("nan")]), ft.array([float("nan"), 2.0])).tolist()
        [1.0, 2.0]
    """
    x1, x2 = R.coerce_pair(x1, x2)
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.maximum(x1, x2)))


def fmin(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    Args:
        x1: the first operand (array or scalar).
        x2: the second operand; the two broadcast together.

    Returns:
        The smaller of each pair (the non-NaN one where only one is NaN), of the broadcast
        shape and promoted dtype.

    Example:
        >>> ft.fmin(ft.array([1.0, float("nan")]), ft.array([float("nan"), 2.0])).tolist()
        [1.0, 2.0]
    """
    x1, x2 = R.coerce_pair(x1, x2)
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.minimum(x1, x2)))


def float_power(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``x1 ** x2`` computed in float64 (complex128 for complex inputs) whatever the input
    dtypes (NumPy's float_power).

    Args:
        x1: the base, an array or a scalar.
        x2: the exponent, broadcasting with ``x1``.

    Returns:
        A float64 array (complex128 if either operand is complex) of the broadcast shape.

    Example:
        >>> ft.float_power(ft.array([2], dtype=ft.int32), 3).dtype
        dtype('float64')
    """
    x1 = R.as_array(x1)
    x2 = x2 if type(x2) in R._SCALARS else R.as_array(x2)
    wide = np.complex128 if x1.dtype.kind == "c" or R.dtype_kind(x2) == "c" else np.float64
    x1 = ops.astype(x1, wide)
    x2 = x2 if type(x2) in R._SCALARS else ops.astype(x2, wide)
    return ops.power(x1, x2)


def isposinf(x: ArrayLike) -> Array:
    """Elementwise test for ``+inf``; bool.

    Args:
        x: a real array or scalar.

    Returns:
        A bool array of ``x``'s shape, true exactly at ``+inf``.

    Example:
        >>> ft.isposinf(ft.array([float("inf"), -float("inf")])).tolist()
        [True, False]
    """
    x = R.as_array(x)
    return ops.logical_and(ops.isinf(x), ops.logical_not(signbit(x)))


def isneginf(x: ArrayLike) -> Array:
    """Elementwise test for ``-inf``; bool.

    Args:
        x: an array of real numbers (or a scalar).

    Returns:
        True where an element is ``-inf``, else False (same shape as ``x``).

    Example:
        >>> ft.isneginf(ft.array([float("inf"), -float("inf")])).tolist()
        [False, True]
    """
    x = R.as_array(x)
    return ops.logical_and(ops.isinf(x), signbit(x))


_NAN_DEFAULT = float("0.0")  # its identity says "nan was not given" (torch's order below)


def nan_to_num(x: ArrayLike, copy: bool | float | None = True, nan: float = _NAN_DEFAULT,
               posinf: float | None = None, neginf: float | None = None) -> Array:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's
    largest/lowest finite value). Integers pass through. Gradient 1 on finite entries.

    Both positional orders work: NumPy's ``(x, copy, nan, posinf, neginf)`` and torch's
    ``(input, nan, posinf, neginf)`` (a number where NumPy has the bool ``copy``): a
    second value 5.0, in the function or the method form, replaces NaN by 5, as in torch.

    Args:
        x: an array or a scalar.
        copy: accepted for NumPy's signature (arrays are immutable); a number here is
            torch's positional ``nan``.
        nan: the value replacing NaN.
        posinf: the value replacing ``+inf``, or None for the dtype's largest value.
        neginf: the value replacing ``-inf``, or None for the dtype's lowest value.

    Returns:
        An array of ``x``'s shape and dtype (``x`` itself for integer and bool arrays).

    Raises:
        TypeError: five values after ``x`` in torch's positional order.

    Example:
        >>> ft.nan_to_num(ft.array([float("nan"), 1.0])).tolist()
        [0.0, 1.0]
        >>> ft.nan_to_num(ft.array([float("nan"), float("inf")]), 5.0, 9.0).tolist()
        [5.0, 9.0]
    """
    if not (copy is None or isinstance(copy, (bool, np.bool_))):  # torch's positional order
        if neginf is not None:
            raise TypeError("nan_to_num: torch's order takes (input, nan, posinf, neginf); "
                            "got a fifth positional value")
        copy, nan, posinf, neginf = True, copy, None if nan is _NAN_DEFAULT else nan, posinf
    x = R.as_array(x)
    if x.dtype.kind in "iub":
        return x
    info = np.finfo(x.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    out = ops.where(ops.isnan(x), nan, x)
    return ops.where(isposinf(x), posinf, ops.where(isneginf(x), neginf, out))
