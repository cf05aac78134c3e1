"""Array creation: ``array``, ``zeros``, ``arange``, ... and the PyTorch-style global RNG.

Creation functions make constants: they are not primitives and carry no gradient
(except a leaf asked for with ``requires_grad=True``).
"""

from __future__ import annotations

import contextlib

import numpy as np

from funtorch import backends
from funtorch.core import LEAF, Array, wrap
from funtorch.dtypes import get_default_dtype

_REQUIRES_GRAD_MSG = (
    "{fn}: only floating-point arrays can require gradients, got dtype {dtype}; "
    "create it with dtype=ft.float32 (or call .float() first)"
)


def _on_device(device):
    backend = backends.get_backend(device)
    if backend.xp is np:
        return backend, contextlib.nullcontext()
    index = backends.device(device).index or 0
    return backend, backend.xp.cuda.Device(index)


def _finish(buf, requires_grad, fn):
    out = wrap(buf)
    if requires_grad:
        if buf.dtype.kind != "f":
            raise TypeError(_REQUIRES_GRAD_MSG.format(fn=fn, dtype=buf.dtype))
        out._node = LEAF
    return out


_NOT_NUMERIC = ("ft.array: expected numbers (bool, int, float), nested lists of them or an "
                "array, got {what}")
_INT_OVERFLOW = ("ft.array: Python int {value} does not fit in int64 (-2**63 to 2**63 - 1); "
                 "pass dtype=ft.float64 to store it as a float")
_FLOAT64, _UINT64 = np.dtype(np.float64), np.dtype(np.uint64)


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


def _check_numeric(data, host):
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
        raise OverflowError(_INT_OVERFLOW.format(value=value))
    what = "None" if value is None else f"{type(value).__name__} {value!r:.40}"
    where = f" at index {list(path)}" if path else ""
    raise TypeError(_NOT_NUMERIC.format(what=what + where))


def _host_array(data, dtype):
    """Convert Python/NumPy data on the host with funtorch's default dtypes."""
    if isinstance(data, (np.ndarray, np.generic)):
        return np.array(data, dtype=dtype)
    if isinstance(data, (list, tuple)) and any(isinstance(d, Array) for d in data):
        data = [d.numpy() if isinstance(d, Array) else d for d in data]
    host = np.array(data, dtype=dtype)
    if dtype is None:
        _check_numeric(data, host)
        if host.dtype == np.float64:
            host = host.astype(get_default_dtype())
    return host


def array(data, dtype=None, device=None, requires_grad=False) -> Array:
    """Create an array from a list, scalar, NumPy/CuPy array or funtorch array (copies).

    Python floats take the default float dtype (float32), Python ints int64;
    NumPy and CuPy arrays keep their dtype.

    Raises:
        TypeError: ``requires_grad=True`` with a non-float dtype.

    Example:
        >>> ft.array([1.0, 2.0]).dtype
        dtype('float32')
    """
    if isinstance(data, Array):
        if device is None:
            device = data.device
        data = data.numpy()
    dtype = None if dtype is None else np.dtype(dtype)
    backend, ctx = _on_device(device)
    if backend.xp is not np and isinstance(data, backend.xp.ndarray):
        with ctx:
            buf = backend.xp.array(data, dtype=dtype)
    else:
        buf = backend.from_host(_host_array(data, dtype), backends.device(device or "cpu"))
    return _finish(buf, requires_grad, "array")


tensor = array


def asarray(data, dtype=None, device=None) -> Array:
    """Like :func:`array`, but returns funtorch arrays unchanged when nothing changes."""
    if isinstance(data, Array) and (dtype is None or data.dtype == np.dtype(dtype)) and (
            device is None or data.device == backends.device(device)):
        return data
    return array(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Array:
    """Copy a NumPy array into a funtorch array of the same dtype.

    Unlike ``torch.from_numpy`` the memory is not shared: funtorch arrays are immutable.
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    return wrap(np.array(ndarray))


def _shape_arg(shape, fn):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{fn}: shape entries must be non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)


def _filled(fn, shape, value, dtype, device, requires_grad):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = _shape_arg(tuple(shape), fn)
    if dtype is None:
        dtype = get_default_dtype() if isinstance(value, float) or value is None else (
            np.bool_ if isinstance(value, bool) else np.int64)
    backend, ctx = _on_device(device)
    with ctx:
        buf = (backend.xp.empty(shape, dtype) if value is None
               else backend.xp.full(shape, value, dtype))
    return _finish(buf, requires_grad, fn)


def zeros(shape, dtype=None, device=None, requires_grad=False) -> Array:
    """An array of zeros (default float dtype). Example: ``ft.zeros((2, 3))``."""
    return _filled("zeros", shape, 0.0, dtype, device, requires_grad)


def ones(shape, dtype=None, device=None, requires_grad=False) -> Array:
    """An array of ones (default float dtype). Example: ``ft.ones(3)``."""
    return _filled("ones", shape, 1.0, dtype, device, requires_grad)


def empty(shape, dtype=None, device=None, requires_grad=False) -> Array:
    """An array with unspecified values (default float dtype)."""
    return _filled("empty", shape, None, dtype, device, requires_grad)


def full(shape, fill_value, dtype=None, device=None, requires_grad=False) -> Array:
    """An array of ``shape`` filled with ``fill_value``: a scalar, or an array (or list)
    that broadcasts to ``shape``, as in NumPy.

    Without ``dtype``, a Python float gives the default float dtype, a Python int int64, a
    bool bool, and an array keeps its dtype.

    Raises:
        ValueError: ``fill_value``'s shape does not broadcast to ``shape``.

    Example:
        >>> ft.full((2, 2), ft.array([1.0, 2.0])).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if not isinstance(fill_value, (Array, np.ndarray, list, tuple)):
        return _filled("full", shape, fill_value, dtype, device, requires_grad)
    if isinstance(fill_value, Array):
        device = fill_value.device if device is None else device
        host = fill_value.numpy()
    else:
        host = _host_array(fill_value, None)
    shape = _shape_arg((shape,) if isinstance(shape, (int, np.integer)) else tuple(shape), "full")
    try:
        host = np.broadcast_to(host, shape)
    except ValueError:
        raise ValueError(f"full: fill_value of shape {host.shape} cannot be broadcast to shape "
                         f"{shape}") from None
    buf = backends.get_backend(device).from_host(
        np.array(host, dtype=dtype or host.dtype, order="C"), backends.device(device or "cpu"))
    return _finish(buf, requires_grad, "full")


def _like(fn, x, value, dtype):
    x_dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    device = x.device if isinstance(x, Array) else None
    return _filled(fn, shape, value, dtype or x_dtype, device, False)


def zeros_like(x, dtype=None) -> Array:
    """Zeros with ``x``'s shape, dtype and device (a constant, even for traced ``x``)."""
    return _like("zeros_like", x, 0, dtype)


def ones_like(x, dtype=None) -> Array:
    """Ones with ``x``'s shape, dtype and device."""
    return _like("ones_like", x, 1, dtype)


def full_like(x, fill_value, dtype=None) -> Array:
    """``fill_value`` with ``x``'s shape, dtype and device."""
    return _like("full_like", x, fill_value, dtype)


def eye(N, M=None, k=0, dtype=None, device=None) -> Array:
    """A 2-D array with ones on the ``k``-th diagonal (NumPy's signature)."""
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.eye(N, M, k, dtype=dtype or get_default_dtype()))


def arange(start, stop=None, step=1, dtype=None, device=None) -> Array:
    """Evenly spaced values in ``[start, stop)``; ints give int64, floats the default float."""
    if stop is None:
        start, stop = 0, start
    if dtype is None and all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
        dtype = np.int64
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.arange(start, stop, step, dtype=dtype or get_default_dtype()))


def linspace(start, stop, num=50, endpoint=True, dtype=None, device=None) -> Array:
    """``num`` evenly spaced values from ``start`` to ``stop`` (default float dtype)."""
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.linspace(start, stop, num, endpoint=endpoint,
                                        dtype=dtype or get_default_dtype()))
