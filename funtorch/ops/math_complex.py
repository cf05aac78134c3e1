"""NumPy's complex helpers (``real``, ``imag``, ``conj``, ``angle``, ``isreal``,
``iscomplex``, ``isrealobj``, ``iscomplexobj``), torch's ``complex``, and the complex
members of arrays (``x.real``, ``x.mH``, ``complex(x)``...); re-exported by ``math_real``.

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
from funtorch.typing import ArrayLike


def conj(x: ArrayLike) -> Array:
    """Complex conjugate, elementwise; real arrays are returned as they are.

    Args:
        x: an array or a scalar.

    Returns:
        An array of ``x``'s shape and dtype (``x`` itself when it is real).

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

    Args:
        val: an array or a scalar.

    Returns:
        A real array of ``val``'s shape (``val`` itself when it is real).

    Example:
        >>> ft.real(ft.array([2 + 1j])).tolist()
        [2.0]
    """
    val = R.as_array(val)
    return bind(real_p, val) if val.dtype.kind == "c" else val


def imag(val: ArrayLike) -> Array:
    """Imaginary part; zeros of a real array's shape and dtype (zero gradient).

    Args:
        val: an array or a scalar.

    Returns:
        A real array of ``val``'s shape (float32 for complex64, float64 for complex128; a
        real ``val``'s own dtype).

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

    Args:
        z: an array or a scalar (integers become the default float).
        deg: return degrees instead of radians.

    Returns:
        A real float array of ``z``'s shape, in ``[-pi, pi]`` (``[-180, 180]`` in degrees).

    Example:
        >>> ft.angle(ft.array([-2.0, 3.0])).tolist()
        [3.141592..., 0.0]
        >>> ft.angle(ft.array([1j, -1j]), deg=True).tolist()
        [90.0, -90.0]
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
        real: the real parts, a real array (or scalar) broadcasting with ``imag``; the two
            are promoted as by ``add`` (integer ones become the default float; torch
            refuses them).
        imag: the imaginary parts.

    Returns:
        A complex array of the broadcast shape: complex64 for float16/float32 parts,
        complex128 for float64 ones.

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

    Args:
        x: an array or a scalar.

    Returns:
        A bool array of ``x``'s shape.

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

    Args:
        x: an array or a scalar of any dtype.

    Returns:
        A bool array of ``x``'s shape, ``logical_not(isreal(x))``.

    Example:
        >>> ft.iscomplex(ft.array([1.0, 1j])).tolist()
        [False, True]
    """
    return ops.logical_not(isreal(x))


def isrealobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a real (not complex) dtype (a Python bool).

    Args:
        x: an array, array-like or scalar (only its dtype is read).

    Returns:
        True for bool, integer and float dtypes, even where the values are all real.

    Example:
        >>> ft.isrealobj(ft.array([1.0]))
        True
    """
    return R.as_array(x).dtype.kind != "c"


def iscomplexobj(x: ArrayLike) -> bool:
    """Whether ``x`` has a complex dtype (a Python bool).

    Args:
        x: an array, array-like or scalar (only its dtype is read).

    Returns:
        True for complex64 and complex128, even where every imaginary part is 0.

    Example:
        >>> ft.iscomplexobj(ft.array([1j]))
        True
    """
    return R.as_array(x).dtype.kind == "c"


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
    """Whether the dtype is complex (torch's ``x.is_complex()``).

    Returns:
        True for complex64 and complex128 arrays, else False.

    Example:
        >>> ft.array([1.0]).is_complex(), ft.array([1j]).is_complex()
        (False, True)
    """
    return self.dtype.kind == "c"


# NumPy's and torch's complex members of arrays, attached here beside their functions
for _name, _member in {"real": property(real), "imag": property(imag), "conj": conj,
                       "conjugate": conj, "angle": angle, "mH": property(_matrix_adjoint),
                       "H": property(_adjoint_2d), "is_complex": _is_complex,
                       "__complex__": _to_complex}.items():
    setattr(Array, _name, _member)
