"""What host data an array can be made from: numbers only, with clear errors.

``ft.array`` refuses None, strings, objects, ints past int64, datetimes, extended
precision and masked arrays instead of storing what NumPy would (object or string arrays,
a float array for big ints, a silently unmasked array). Python complex numbers give the
default complex dtype (complex64, as torch), as Python floats give the default float.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Array
from funtorch.dtypes import default_complex_dtype, get_default_dtype

_NOT_NUMERIC = ("ft.{fn}: expected numbers (bool, int, float, complex), nested lists of them "
                "or an array, got {what}")
_INT_OVERFLOW = ("ft.{fn}: Python int {value} does not fit in int64 (-2**63 to 2**63 - 1); "
                 "pass dtype=ft.float64 to store it as a float")
_FLOAT64, _UINT64 = np.dtype(np.float64), np.dtype(np.uint64)
_COMPLEX128 = np.dtype(np.complex128)


def _first_bad(data, path=()):
    """The first element that is not a number, or is an int outside int64, and its index."""
    if isinstance(data, (list, tuple)):
        for index, item in enumerate(data):
            found = _first_bad(item, path + (index,))
            if found is not None:
                return found
        return None
    numeric = isinstance(data, (bool, float, complex, np.generic, np.ndarray, Array))
    fits = isinstance(data, int) and -2 ** 63 <= data < 2 ** 63
    return None if numeric or fits else (data, path)


def _has_float(data):
    if type(data) is float:
        return True
    if isinstance(data, (list, tuple)):
        for item in data:  # float data returns at its first element
            if _has_float(item):
                return True
        return False
    dtype = getattr(data, "dtype", None)  # NumPy scalars and arrays
    return isinstance(data, float) or (dtype is not None and dtype.kind == "f")


def check_numeric(data, host, fn="array"):
    """Python data NumPy could not store as numbers: a clear error instead of an object,
    string or uint64 (an int past int64) array."""
    # NumPy stores [1, 2**63] as float64; a float among the data (found at once, in
    # float data) makes it a float array, as in PyTorch and JAX
    kind = host.dtype.kind
    ints_as_floats = kind == "f" and host.dtype == _FLOAT64 and not _has_float(data)
    if kind not in "OUS" and host.dtype != _UINT64 and not ints_as_floats:
        return
    found = _first_bad(data)
    if found is None and host.dtype.kind not in "OUS":
        return  # NumPy scalars (uint64 ones) keep the dtype NumPy gives them
    value, path = found if found is not None else (data, ())
    if isinstance(value, int) and not isinstance(value, bool):
        raise OverflowError(_INT_OVERFLOW.format(fn=fn, value=value))
    what = "None" if value is None else f"{type(value).__name__} {value!r:.40}"
    where = f" at index {list(path)}" if path else ""
    raise TypeError(_NOT_NUMERIC.format(fn=fn, what=what + where))


_LONG_COMPLEX = ("{fn}: extended-precision complex data (dtype {dtype}) is not supported; "
                 "convert it with .astype(numpy.complex128) first")
_NOT_NUMBERS = ("{fn}: cannot make an array of NumPy dtype {dtype} ({kind}); expected bool, "
                "integer or floating-point data")
_KINDS = {"O": "Python objects", "U": "strings", "S": "bytes", "V": "raw/structured records",
          "M": "datetime64", "m": "timedelta64"}


def check_host(host, fn):
    """Refuse what funtorch arrays cannot hold: object, string, bytes and datetime data,
    extended-precision complex, and masked arrays (whose mask would be silently dropped)."""
    if isinstance(host, np.ma.MaskedArray):
        raise TypeError(f"{fn}: numpy masked arrays are not supported (the mask would be "
                        "dropped); pass x.filled(value), or x.data and the mask as two arrays")
    kind = host.dtype.kind
    if kind == "c" and host.dtype.itemsize > 16:
        raise TypeError(_LONG_COMPLEX.format(fn=fn, dtype=host.dtype))
    if kind in _KINDS:
        raise TypeError(_NOT_NUMBERS.format(fn=fn, dtype=host.dtype, kind=_KINDS[kind]))
    return host


def host_array(data, dtype, fn="array"):
    """Convert Python/NumPy data on the host with funtorch's default dtypes."""
    if isinstance(data, (np.ndarray, np.generic)):
        check_host(data, fn)
        return check_host(np.array(data, dtype=dtype), fn)
    if isinstance(data, (list, tuple)) and any(isinstance(d, Array) for d in data):
        data = [d.numpy() if isinstance(d, Array) else d for d in data]
    host = np.array(data, dtype=dtype)
    if dtype is None:
        check_numeric(data, host, fn)
        if host.dtype == np.float64:
            host = host.astype(get_default_dtype())
        elif host.dtype == _COMPLEX128:
            host = host.astype(default_complex_dtype())
    return check_host(host, fn)
