"""NumPy's complex helpers (``real``, ``imag``, ``conj``, ``angle``, ``isreal``,
``iscomplex``, torch's ``complex``), sign and NaN handling (``copysign``, ``heaviside``,
``fmax``, ``fmin``, ``isposinf``, ``nan_to_num``) and unit conversions.

On real arrays ``conj``/``real`` return their input, ``imag`` zeros and ``angle`` 0 or pi,
as NumPy gives; on complex ones they bind the primitives of ``complex_ops.py``.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from funtorch import dtypes, ops
from funtorch.core import Array, bind
from funtorch.ops import registry as R
from funtorch.ops.complex_ops import complex_p, conj_p, imag_p, real_p
from funtorch.ops.math_elementwise import float_pair, signbit
from funtorch.typing import ArrayLike


def conj(x: ArrayLike) -> Array:
    """Complex conjugate, elementwise; real arrays are returned as they are.

    Example:
        >>> ft.conj(ft.array([1 + 2j])).tolist()
        [(1-2j)]
    """
    x = R.as_array(x)
    return bind(conj_p, x) if x.dtype.kind == "c" else x


conjugate = conj


def real(val: ArrayLike) -> Array:
    """Real part (of the complex dtype's precision: complex64 -> float32); real arrays are
    returned as they are.

    Example:
        >>> ft.real(ft.array([2 + 1j])).tolist()
        [2.0]
    """
    val = R.as_array(val)
    return bind(real_p, val) if val.dtype.kind == "c" else val


def imag(val: ArrayLike) -> Array:
    """Imaginary part; zeros of a real array's shape and dtype (zero gradient).

    Example:
        >>> ft.imag(ft.array([2 + 1j])).tolist()
        [1.0]
    """
    val = R.as_array(val)
    return bind(imag_p, val) if val.dtype.kind == "c" else ops.zeros_like(val)


def angle(z: ArrayLike, deg: int = False) -> Array:
    """Argument of ``z``: ``arctan2(imag, real)`` of a complex array (differentiable); of a
    real one ``pi`` for negative reals (and ``-0.0``), ``0`` otherwise, NaN for NaN, with
    derivative 0. In degrees when ``deg``.

    Example:
        >>> ft.angle(ft.array([-2.0, 3.0])).tolist()
        [3.141592..., 0.0]
    """
    z = R.as_array(z)
    if z.dtype.kind == "c":
        out = ops.arctan2(imag(z), real(z))
    else:
        z = ops.stop_gradient(R.to_float(z))
        out = ops.arctan2(ops.zeros_like(z), z)
    return out * (180.0 / math.pi) if deg else out


def complex(real: ArrayLike, imag: ArrayLike) -> Array:
    """The complex array ``real + i imag`` (torch.complex): float32 parts give complex64,
    float64 ones complex128; differentiable in both.

    Args:
        real, imag: real arrays that broadcast together; they are promoted as by ``add``
            (integer ones become the default float; torch refuses them).

    Raises:
        TypeError: a complex part.

    Example:
        >>> ft.complex(ft.array([1.0]), ft.array([2.0])).tolist()
        [(1+2j)]
    """
    re, im = R.promote(R.as_array(real), R.as_array(imag))
    re, im = R.to_float(re), R.to_float(im)
    if re.dtype.kind != "f" or im.dtype.kind != "f":
        raise TypeError(f"complex: expected real and imaginary parts of a real dtype, got "
                        f"{re.dtype} and {im.dtype}")
    dtype = dtypes.result_type(re.dtype, im.dtype)
    if dtype == np.float16:
        dtype = np.dtype(np.float32)  # NumPy has no complex32
    return bind(complex_p, ops.astype(re, dtype), ops.astype(im, dtype))


def isreal(x: ArrayLike) -> Array:
    """Elementwise test for a zero imaginary part: all true for real arrays.

    Example:
        >>> ft.isreal(ft.array([1.0, 1j])).tolist()
        [True, False]
    """
    x = R.as_array(x)
    if x.dtype.kind == "c":
        return ops.equal(imag(ops.stop_gradient(x)), 0)
    return ops.full(x.shape, True, dtype=np.bool_)


def iscomplex(x: ArrayLike) -> Array:
    """Elementwise test for a non-zero imaginary part: all false for real arrays.

    Example:
        >>> ft.iscomplex(ft.array([1.0, 1j])).tolist()
        [False, True]
    """
    return ops.logical_not(isreal(x))


def isrealobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a real (not complex) dtype (a Python bool).

    Example:
        >>> ft.isrealobj(ft.array([1.0]))
        True
    """
    return R.as_array(x).dtype.kind != "c"


def iscomplexobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a complex dtype (a Python bool).

    Example:
        >>> ft.iscomplexobj(ft.array([1j]))
        True
    """
    return R.as_array(x).dtype.kind == "c"


def deg2rad(x: ArrayLike) -> Array:
    """Convert degrees to radians (``x * pi / 180``); ints become the default float.

    Example:
        >>> ft.deg2rad(ft.array([180.0])).tolist()
        [3.141592...]
    """
    return R.to_float(x) * (math.pi / 180.0)


def rad2deg(x: ArrayLike) -> Array:
    """Convert radians to degrees (``x * 180 / pi``); ints become the default float.

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

    Example:
        >>> ft.fmax(ft.array([1.0, float("nan")]), ft.array([float("nan"), 2.0])).tolist()
        [1.0, 2.0]
    """
    x1, x2 = R.coerce_pair(x1, x2)
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.maximum(x1, x2)))


def fmin(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    Example:
        >>> ft.fmin(ft.array([1.0, float("nan")]), ft.array([float("nan"), 2.0])).tolist()
        [1.0, 2.0]
    """
    x1, x2 = R.coerce_pair(x1, x2)
    return ops.where(ops.isnan(x2), x1, ops.where(ops.isnan(x1), x2, ops.minimum(x1, x2)))


def float_power(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``x1 ** x2`` computed in float64 (complex128 for complex inputs) whatever the input
    dtypes (NumPy's float_power).

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

    Example:
        >>> ft.isposinf(ft.array([float("inf"), -float("inf")])).tolist()
        [True, False]
    """
    x = R.as_array(x)
    return ops.logical_and(ops.isinf(x), ops.logical_not(signbit(x)))


def isneginf(x: ArrayLike) -> Array:
    """Elementwise test for ``-inf``; bool.

    Example:
        >>> ft.isneginf(ft.array([float("inf"), -float("inf")])).tolist()
        [False, True]
    """
    x = R.as_array(x)
    return ops.logical_and(ops.isinf(x), signbit(x))


def nan_to_num(x: ArrayLike, copy: bool | None = True, nan: float = 0.0,
               posinf: float | None = None, neginf: float | None = None) -> Array:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's
    largest/lowest finite value). Integers pass through. Gradient 1 on finite entries.

    Example:
        >>> ft.nan_to_num(ft.array([float("nan"), 1.0])).tolist()
        [0.0, 1.0]
    """
    x = R.as_array(x)
    if x.dtype.kind in "iub":
        return x
    info = np.finfo(x.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    out = ops.where(ops.isnan(x), nan, x)
    return ops.where(isposinf(x), posinf, ops.where(isneginf(x), neginf, out))


def _matrix_adjoint(self: Array) -> Array:
    """``x.mH``: the conjugate transpose of the last two axes (torch, NumPy 2)."""
    return conj(ops.swapaxes(self, -1, -2))


def _adjoint_2d(self: Array) -> Array:
    """``x.H``: the conjugate transpose of a matrix (torch)."""
    if self.ndim != 2:
        raise ValueError(f"x.H: expected a 2-D array, got {self.ndim}-D; use x.mH for a "
                         "batch of matrices")
    return _matrix_adjoint(self)


def _to_complex(self: Array) -> builtins.complex:
    """``complex(x)`` of a one-element array (concrete values only, as ``float(x)``)."""
    return builtins.complex(self._concrete("complex()"))  # ``complex`` here is ft.complex


def _is_complex(self: Array) -> bool:
    """Whether the dtype is complex (torch's ``x.is_complex()``)."""
    return self.dtype.kind == "c"


# NumPy's and torch's complex members of arrays, attached here beside their functions
for _name, _member in {"real": property(real), "imag": property(imag), "conj": conj,
                       "conjugate": conj, "angle": angle, "mH": property(_matrix_adjoint),
                       "H": property(_adjoint_2d), "is_complex": _is_complex,
                       "__complex__": _to_complex}.items():
    setattr(Array, _name, _member)
