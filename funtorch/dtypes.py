"""dtype objects, the default float dtype, and promotion of Python scalars.

funtorch follows NumPy 2's promotion rules (NEP 50): Python scalars are weakly
typed, so ``float32_array * 2.0`` stays float32. One deliberate difference: a
Python float meeting an integer or bool array takes the *default float dtype*
(float32 unless changed), as in PyTorch and JAX, instead of float64.
"""

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

_default_float = [float32]


def set_default_dtype(dtype) -> None:
    """Set the dtype Python floats and float creation functions produce.

    Args:
        dtype: ``ft.float32`` (the initial default), ``ft.float64`` or ``ft.float16``.

    Raises:
        TypeError: if ``dtype`` is not a floating dtype.

    Example:
        >>> ft.set_default_dtype(ft.float64); ft.ones(2).dtype
        dtype('float64')
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_float[0] = dtype


def get_default_dtype():
    """The current default float dtype."""
    return _default_float[0]


def is_float(dtype) -> bool:
    """True for floating dtypes, the only ones funtorch differentiates."""
    return dtype.kind == "f"
