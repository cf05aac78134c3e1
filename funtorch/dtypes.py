"""dtype objects, the default float dtype, and promotion of Python scalars.

funtorch follows NumPy 2's promotion rules (NEP 50): Python scalars are weakly
typed, so ``float32_array * 2.0`` stays float32. Two deliberate differences, both
PyTorch's and JAX's behaviour: a Python float meeting an integer or bool array takes
the *default float dtype* (float32 unless changed) instead of float64, and an integer
or bool array meeting a floating array takes the floating array's dtype
(``float32 * int64 -> float32``; NumPy widens to float64).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # funtorch.typing imports core, which imports this module
    from funtorch.typing import DTypeLike

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
complex64 = np.dtype("complex64")
complex128 = np.dtype("complex128")
cfloat, cdouble = complex64, complex128  # torch's names
# the complex dtypes: `dtype in _COMPLEX_DTYPES` is the cheapest complex test on hot paths
_COMPLEX_DTYPES = frozenset((complex64, complex128))

_default_float = [float32]


def set_default_dtype(dtype: DTypeLike) -> None:
    """Set the dtype Python floats and float creation functions produce.

    Args:
        dtype: ``ft.float32`` (the initial default), ``ft.float64`` or ``ft.float16``.

    Raises:
        TypeError: if ``dtype`` is not a floating dtype.

    Example:
        >>> ft.set_default_dtype(ft.float64); ft.ones(2).dtype
        dtype('float64')
        >>> ft.set_default_dtype(ft.float32)  # back to the initial default
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_float[0] = dtype


def get_default_dtype() -> np.dtype[Any]:
    """The current default float dtype.

    Returns:
        The NumPy float dtype Python floats and float creation functions produce
        (``float32`` until :func:`set_default_dtype` changes it).

    Example:
        >>> ft.get_default_dtype()
        dtype('float32')
        >>> ft.ones(2).dtype == ft.get_default_dtype()
        True
    """
    return _default_float[0]


def default_complex_dtype() -> np.dtype[Any]:
    """The complex dtype matching the default float: complex64 for float32 (and float16,
    as torch), complex128 for float64. Python complex numbers and integer arrays meeting
    them take it.

    Example:
        >>> ft.dtypes.default_complex_dtype()
        dtype('complex64')
    """
    return complex128 if _default_float[0] == float64 else complex64


def complex_of(dtype) -> np.dtype[Any]:
    """The complex dtype with ``dtype``'s precision: float32 -> complex64, float64 ->
    complex128; a complex dtype stays; integers and bools give the default complex dtype."""
    kind = dtype.kind
    if kind == "c":
        return dtype
    if kind == "f":
        return complex128 if dtype == float64 else complex64
    return default_complex_dtype()


def real_of(dtype) -> np.dtype[Any]:
    """The real dtype with a complex ``dtype``'s precision (complex64 -> float32); other
    dtypes stay."""
    return np.dtype(dtype.char.lower()) if dtype.kind == "c" else dtype


def result_type(*dtypes):
    """The dtype that arrays of ``dtypes`` combine to.

    NumPy's rules among integers/bools and among floats (``int32 + int64 -> int64``,
    ``float32 + float64 -> float64``); integer and bool arrays meeting floating ones
    take the floating dtype, as in PyTorch and JAX (``float16 * int64 -> float16``).

    Example:
        >>> ft.dtypes.result_type(ft.float32, ft.int64)
        dtype('float32')
    """
    dtypes = [np.dtype(d) for d in dtypes]
    inexact = [d for d in dtypes if d.kind in "fc"]
    return np.result_type(*(inexact or dtypes))


def is_float(dtype) -> bool:
    """True for real floating dtypes."""
    return dtype.kind == "f"


def is_inexact(dtype) -> bool:
    """True for the dtypes funtorch differentiates: real floating and complex."""
    return dtype.kind in "fc"
