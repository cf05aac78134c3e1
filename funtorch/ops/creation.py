"""Array creation: ``array``, ``zeros``, ``arange``, ... and the PyTorch-style global RNG.

Creation functions make constants: they are not primitives and carry no gradient
(except a leaf asked for with ``requires_grad=True``).
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from funtorch import backends, dtypes
from funtorch import ops
from funtorch.core import _TRACER_TYPES, LEAF, Array, wrap
from funtorch.dtypes import get_default_dtype
from funtorch.ops.host_data import check_host, host_array
from funtorch.typing import ArrayLike, DTypeLike

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
        if buf.dtype.kind not in "fc":
            raise TypeError(_REQUIRES_GRAD_MSG.format(fn=fn, dtype=buf.dtype))
        out._node = LEAF
    return out


# Traced values inside constructors ------------------------------------------------------
# ft.array([x, 2 * x]) with x a tracer (grad, jvp, vmap, jit) or an array on the PyTorch
# tape is a stack of its elements, so derivatives flow through it (JAX's jnp.array); a
# host copy would read x's value and silently drop the derivative.

_PLAIN = frozenset((float, int, bool))


def is_traced(x) -> bool:
    """An Array whose value is not a plain constant: a tracer, an Array on the tape, or a
    box (Parameter) that jit stages."""
    return isinstance(x, Array) and (type(x) is not Array or x._node is not None)


def _any_leaf(data, test) -> bool:
    if isinstance(data, (list, tuple)):
        if set(map(type, data)) <= _PLAIN:  # plain numbers: one C-speed pass
            return False
        return any(_any_leaf(item, test) for item in data)
    return test(data)


def contains_traced(data) -> bool:
    """Whether a value or nested sequence holds a traced array (see :func:`is_traced`)."""
    return _any_leaf(data, is_traced)


def _is_array(x) -> bool:
    return isinstance(x, Array)


def _leaf_dtypes(data, strong, weak):
    """Collect the dtypes of arrays (``strong``) and the types of Python scalars (``weak``)."""
    if isinstance(data, (list, tuple)):
        for item in data:
            _leaf_dtypes(item, strong, weak)
    elif isinstance(data, Array):
        strong.append(data.dtype)
    elif isinstance(data, (np.ndarray, np.generic)):
        strong.append(check_host(data, "array").dtype)
    else:
        weak.add(type(data))


def _traced_dtype(data):
    """The dtype NumPy/JAX give a sequence mixing arrays and weak Python scalars."""
    strong, weak = [], set()
    _leaf_dtypes(data, strong, weak)
    dtype = dtypes.result_type(*strong)
    if complex in weak and dtype.kind != "c":
        return dtypes.complex_of(dtype) if dtype.kind == "f" else dtypes.default_complex_dtype()
    if dtype.kind in "iub" and float in weak:
        return np.dtype(get_default_dtype())
    if dtype.kind == "b" and int in weak:
        return np.dtype(np.int64)
    return dtype


def _stack_traced(data, dtype, device):
    if not contains_traced(data):
        return array(data, dtype=dtype, device=device)
    if isinstance(data, Array):
        return asarray(data, dtype, device)
    parts = [_stack_traced(item, dtype, device) for item in data]
    shapes = {tuple(p.shape) for p in parts}
    if len(shapes) > 1:
        raise ValueError(f"array: the nested sequence is ragged (elements of shapes "
                         f"{sorted(shapes)} at one level); every element of a level must "
                         "have the same shape")
    return ops.stack(parts)


def array(data: ArrayLike, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    """Create an array from a list, scalar, NumPy/CuPy array or funtorch array (copies).

    Python floats take the default float dtype (float32), Python ints int64;
    NumPy and CuPy arrays keep their dtype. A sequence holding traced values (inside
    ``grad``/``jvp``/``vmap``/``jit``, or arrays that require grad) is stacked with
    differentiable ops, so ``ft.array([x, 2 * x])`` carries derivatives, as in JAX; so
    does a tracer on its own. A single array on the PyTorch tape is copied detached, as
    ``torch.tensor(x)`` does.

    Args:
        data: a scalar, a (nested) list or tuple of numbers or arrays, or a NumPy, CuPy or
            funtorch array.
        dtype: the dtype, or None to infer it as above.
        device: ``"cpu"``, ``"cuda:N"``, a device, or None (a funtorch array's own device,
            else the CPU).
        requires_grad: make it a leaf of the PyTorch-style tape (float and complex only).

    Returns:
        A new array holding a copy of ``data``.

    Raises:
        TypeError: ``requires_grad=True`` with an integer or bool dtype; string, object
            or datetime data, or a masked array (funtorch holds numbers only).

    Example:
        >>> ft.array([1.0, 2.0]).dtype
        dtype('float32')
    """
    return _array(data, dtype, device, requires_grad, "array")


def tensor(data: ArrayLike, dtype: DTypeLike = None, device: Any = None,
           requires_grad: bool = False) -> Array:
    """PyTorch spelling of :func:`array` (same arguments, same copy semantics).

    Args:
        data: a scalar, a (nested) list, or a NumPy, CuPy or funtorch array.
        dtype: the dtype, or None to infer it (Python floats: the default float dtype).
        device: the device, or None (a funtorch array's own device, else the CPU).
        requires_grad: make it a leaf of the PyTorch-style tape (float and complex only).

    Returns:
        A new array holding a copy of ``data``.

    Raises:
        TypeError: as :func:`array` (``requires_grad=True`` with a non-float dtype, or
            non-numeric data).

    Example:
        >>> ft.tensor([1, 2]).dtype
        dtype('int64')
    """
    return _array(data, dtype, device, requires_grad, "tensor")


def _array(data, dtype, device, requires_grad, fn):
    dtype = None if dtype is None else np.dtype(dtype)
    if not requires_grad and type(data) in _TRACER_TYPES:
        return asarray(data, dtype, device)
    if isinstance(data, (list, tuple)) and _any_leaf(data, _is_array):
        # arrays among the data are strongly typed, as in JAX: [float64 array, 1.0] is float64
        dtype = dtype or _traced_dtype(data)
        if not requires_grad and contains_traced(data):
            return _stack_traced(data, dtype, device)
    if isinstance(data, Array):
        if device is None:
            device = data.device
        data = data.detach().numpy()  # a copy, as torch.tensor(t): never tracked
    backend, ctx = _on_device(device)
    if backend.xp is not np and isinstance(data, backend.xp.ndarray):
        with ctx:
            buf = check_host(backend.xp.array(data, dtype=dtype), fn)
    else:
        buf = backend.from_host(host_array(data, dtype, fn), backends.device(device or "cpu"))
    return _finish(buf, requires_grad, fn)


def asarray(data: ArrayLike, dtype: DTypeLike = None, device: Any = None) -> Array:
    """Like :func:`array`, but returns funtorch arrays unchanged when nothing changes.

    A funtorch array with another ``dtype`` or ``device`` is cast (``astype``) or moved
    (``device_put``), both differentiable.

    Args:
        data: anything :func:`array` takes.
        dtype: the dtype, or None (a funtorch array keeps its own).
        device: the device, or None (a funtorch array stays where it is).

    Returns:
        ``data`` itself when it is a funtorch array of that dtype and device, else a
        converted array.

    Raises:
        TypeError: non-numeric data (strings, objects, datetimes), as :func:`array`.

    Example:
        >>> x = ft.ones(2); ft.asarray(x) is x
        True
    """
    return _asarray(data, dtype, device, "asarray")


def as_tensor(data: ArrayLike, dtype: DTypeLike = None, device: Any = None) -> Array:
    """PyTorch spelling of :func:`asarray`: ``torch.as_tensor``.

    Unlike ``torch.as_tensor``, a NumPy array's memory is not shared (funtorch arrays are
    immutable: the data is copied, as :func:`from_numpy` does).

    Args:
        data: a scalar, a (nested) list, or a NumPy, CuPy or funtorch array.
        dtype: the dtype, or None (a funtorch array keeps its own; Python floats take the
            default float dtype).
        device: the device, or None (a funtorch array stays where it is, else the CPU).

    Returns:
        ``data`` itself when it is a funtorch array of that dtype and device (a tracked one
        stays on the tape, as in torch), else a converted array.

    Raises:
        TypeError: non-numeric data (strings, objects, datetimes).

    Example:
        >>> ft.as_tensor([1.0, 2.0], dtype=ft.float64).dtype
        dtype('float64')
        >>> x = ft.ones(2); ft.as_tensor(x) is x
        True
    """
    return _asarray(data, dtype, device, "as_tensor")


def _asarray(data, dtype, device, fn):
    if not isinstance(data, Array):
        return _array(data, dtype, device, False, fn)
    out = data if dtype is None else ops.astype(data, dtype)
    if device is not None and out.device != backends.device(device):
        out = ops.device_put(out, device)
    return out


def from_numpy(ndarray: np.ndarray) -> Array:
    """Copy a NumPy array into a funtorch array of the same dtype.

    Unlike ``torch.from_numpy`` the memory is not shared: funtorch arrays are immutable.

    Args:
        ndarray: a NumPy array of numbers.

    Returns:
        A CPU array of ``ndarray``'s shape and dtype holding a copy of its values.

    Raises:
        TypeError: not a NumPy array, or string, object or datetime data.

    Example:
        >>> ft.from_numpy(np.arange(3, dtype=np.int32)).tolist()
        [0, 1, 2]
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    check_host(ndarray, "from_numpy")
    return wrap(np.array(ndarray))


# The filled and spaced constructors live in creation_filled.py (it imports the helpers
# above, so it is imported last).
from funtorch.ops.creation_filled import (  # noqa: E402,F401
    arange, empty, eye, full, full_like, linspace, ones, ones_like, zeros, zeros_like,
)
