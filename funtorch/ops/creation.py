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
from funtorch.typing import ArrayLike, DTypeLike, ShapeLike

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

    Example:
        >>> x = ft.ones(2); ft.asarray(x) is x
        True
    """
    if not isinstance(data, Array):
        return _array(data, dtype, device, False, "asarray")
    out = data if dtype is None else ops.astype(data, dtype)
    if device is not None and out.device != backends.device(device):
        out = ops.device_put(out, device)
    return out


def from_numpy(ndarray: np.ndarray) -> Array:
    """Copy a NumPy array into a funtorch array of the same dtype.

    Unlike ``torch.from_numpy`` the memory is not shared: funtorch arrays are immutable.

    Raises:
        TypeError: not a NumPy array, or string, object or datetime data.
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    check_host(ndarray, "from_numpy")
    return wrap(np.array(ndarray))


def _shape_arg(shape, fn):
    """An int or a sequence of non-negative ints, as a tuple (clear error otherwise)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{fn}: shape must be an int or a tuple/list of ints, got "
                        f"{type(shape).__name__} {shape!r:.40}")
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    for n in shape:
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{fn}: shape entries must be non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)


def _filled(fn, shape, value, dtype, device, requires_grad):
    shape = _shape_arg(shape, fn)
    if dtype is None:
        dtype = get_default_dtype() if isinstance(value, float) or value is None else (
            np.bool_ if isinstance(value, bool) else dtypes.default_complex_dtype()
            if isinstance(value, complex) else np.int64)
    backend, ctx = _on_device(device)
    with ctx:
        buf = (backend.xp.empty(shape, dtype) if value is None
               else backend.xp.full(shape, value, dtype))
    return _finish(buf, requires_grad, fn)


def zeros(shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    """An array of zeros (default float dtype). Example: ``ft.zeros((2, 3))``."""
    return _filled("zeros", shape, 0.0, dtype, device, requires_grad)


def ones(shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
         requires_grad: bool = False) -> Array:
    """An array of ones (default float dtype). Example: ``ft.ones(3)``."""
    return _filled("ones", shape, 1.0, dtype, device, requires_grad)


def empty(shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    """An array with unspecified values (default float dtype)."""
    return _filled("empty", shape, None, dtype, device, requires_grad)


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None, device: Any = None,
         requires_grad: bool = False) -> Array:
    """An array of ``shape`` filled with ``fill_value``: a scalar, or an array (or list)
    that broadcasts to ``shape``, as in NumPy.

    Without ``dtype``, a Python float gives the default float dtype, a Python int int64, a
    bool bool, and an array keeps its dtype. A traced ``fill_value`` (inside ``grad``,
    ``jvp``, ...) is broadcast with differentiable ops, so its derivative flows through.

    Raises:
        TypeError: ``shape`` is not an int or a sequence of ints.
        ValueError: ``fill_value``'s shape does not broadcast to ``shape``.

    Example:
        >>> ft.full((2, 2), ft.array([1.0, 2.0])).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    shape = _shape_arg(shape, "full")
    if not isinstance(fill_value, (Array, np.ndarray, list, tuple)):
        return _filled("full", shape, fill_value, dtype, device, requires_grad)
    if not requires_grad and _any_leaf(fill_value, _is_array):  # traced ones stay traced
        fill = asarray(fill_value, dtype, device)
        _broadcastable(fill.shape, shape)
        return ops.broadcast_to(fill, shape)
    if isinstance(fill_value, Array):
        device = fill_value.device if device is None else device
        host = fill_value.numpy()
    else:
        host = host_array(fill_value, None, "full")
    host = np.broadcast_to(host, _broadcastable(host.shape, shape))
    buf = backends.get_backend(device).from_host(
        np.array(host, dtype=dtype or host.dtype, order="C"), backends.device(device or "cpu"))
    return _finish(buf, requires_grad, "full")


def _broadcastable(value_shape, shape):
    if len(value_shape) > len(shape) or any(
            n not in (1, m) for n, m in zip(value_shape[::-1], shape[::-1])):
        raise ValueError(f"full: fill_value of shape {tuple(value_shape)} cannot be broadcast "
                         f"to shape {shape}")
    return shape


def _like(fn, x, value, dtype):
    x_dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    device = x.device if isinstance(x, Array) else None
    if isinstance(value, (Array, list, tuple)):  # full_like with an array (maybe traced)
        return full(shape, value, dtype or x_dtype, device)
    return _filled(fn, shape, value, dtype or x_dtype, device, False)


def zeros_like(x: ArrayLike, dtype: DTypeLike = None) -> Array:
    """Zeros with ``x``'s shape, dtype and device (a constant, even for traced ``x``)."""
    return _like("zeros_like", x, 0, dtype)


def ones_like(x: ArrayLike, dtype: DTypeLike = None) -> Array:
    """Ones with ``x``'s shape, dtype and device."""
    return _like("ones_like", x, 1, dtype)


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None) -> Array:
    """``fill_value`` with ``x``'s shape, dtype and device; a traced ``fill_value`` keeps
    its derivative. Example: ``ft.full_like(ft.zeros(3), 2.0)``."""
    return _like("full_like", x, fill_value, dtype)


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = None,
        device: Any = None) -> Array:
    """A 2-D array with ones on the ``k``-th diagonal (NumPy's signature)."""
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.eye(N, M, k, dtype=dtype or get_default_dtype()))


def arange(start: ArrayLike, stop: ArrayLike | None = None, step: ArrayLike | None = 1,
           dtype: DTypeLike = None, device: Any = None) -> Array:
    """Evenly spaced values in ``[start, stop)``; ints give int64, floats the default float.

    A traced ``start`` or ``step`` (inside ``grad``, ``jvp``, ...) is differentiable: the
    values are ``start + step * k`` (the count needs concrete values, as in JAX's jit).

    Example:
        >>> ft.arange(1.0, 2.0, 0.5).tolist()
        [1.0, 1.5]
    """
    if stop is None:
        start, stop = 0, start
    if is_traced(start) or is_traced(step):
        count = len(np.arange(float(start), float(stop), float(step)))
        offsets = ops.multiply(arange(count, dtype=dtype, device=device), step)
        return ops.astype(ops.add(start, offsets), dtype) if dtype else ops.add(start, offsets)
    if dtype is None and all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
        dtype = np.int64
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.arange(start, stop, step, dtype=dtype or get_default_dtype()))


def linspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
             dtype: DTypeLike = None, device: Any = None, axis: int = 0) -> Array:
    """``num`` evenly spaced values from ``start`` to ``stop`` (default float dtype).

    ``start`` and ``stop`` may be arrays (broadcast together; the samples run along
    ``axis``, as in NumPy); traced ones (inside ``grad``, ``jvp``, ...) are differentiable.

    Example:
        >>> ft.linspace(0.0, 1.0, 3).tolist()
        [0.0, 0.5, 1.0]
    """
    if isinstance(start, Array) or isinstance(stop, Array):  # their dtype; traced ones too
        return _linspace_arrays(start, stop, int(num), endpoint, dtype, device, axis)
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.linspace(start, stop, num, endpoint=endpoint, axis=axis,
                                        dtype=dtype or get_default_dtype()))


def _linspace_arrays(start, stop, num, endpoint, dtype, device, axis):
    start, stop = asarray(start), asarray(stop)
    inexact = dtypes.result_type(start.dtype, stop.dtype)
    inexact = inexact if inexact.kind in "fc" else np.dtype(get_default_dtype())
    start, stop = ops.astype(start, inexact), ops.astype(stop, inexact)
    shape = np.broadcast_shapes(start.shape, stop.shape)
    steps = ops.reshape(arange(num, dtype=inexact, device=start.device),
                        (num,) + (1,) * len(shape))
    div = num - 1 if endpoint else num
    out = start + steps * ((stop - start) / div) if div > 0 else start + steps * (stop - start)
    if endpoint and num > 1:  # the last sample is exactly stop, as in NumPy
        out = ops.concatenate([out[:-1], ops.broadcast_to(stop, (1,) + shape)])
    out = ops.moveaxis(ops.broadcast_to(out, (num,) + shape), 0, axis)
    return asarray(out, dtype or inexact, device)
