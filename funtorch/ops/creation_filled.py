"""Filled and spaced arrays: ``zeros``, ``ones``, ``empty``, ``full`` and their ``*_like``
spellings, ``eye``, ``arange`` and ``linspace`` (re-exported by ``creation.py``).

Like every creation function they make constants, not primitives: only a traced
``fill_value``, ``start``, ``stop`` or ``step`` carries a derivative, through the
differentiable ops these build the array with.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import backends, dtypes
from funtorch import ops
from funtorch.core import Array, wrap
from funtorch.dtypes import get_default_dtype
from funtorch.ops.creation import _any_leaf, _finish, _is_array, _on_device, asarray, is_traced
from funtorch.ops.host_data import host_array
from funtorch.typing import ArrayLike, DTypeLike, ShapeLike


_SHAPE_DOC = """{summary}

    Args:
        shape: an int or a tuple/list of non-negative ints.
        dtype: the dtype; None gives the default float dtype (``ft.get_default_dtype()``).
        device: ``"cpu"``, ``"cuda:N"``, a device, or None (the CPU).
        requires_grad: make it a leaf of the PyTorch-style tape (float and complex only).

    Returns:
        An array of ``shape`` and ``dtype`` {what}.

    Raises:
        TypeError: ``shape`` is not an int or a sequence, or ``requires_grad=True`` with an
            integer or bool dtype.
        ValueError: an entry of ``shape`` is negative or not an int.

    Example:
        >>> {example}
        {out}
    """
_LIKE_DOC = """{summary}

    Args:
        x: an array (or anything ``ft.asarray`` takes) giving the shape, dtype and device.
        dtype: the dtype instead of ``x``'s, or None.

    Returns:
        An array of ``x``'s shape {what}: a constant, even for a traced ``x``.

    Example:
        >>> {example}
        {out}
    """


def _doc(template: str, summary: str, what: str, example: str, out: str) -> str:
    return template.format(summary=summary, what=what, example=example, out=out)


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
    return _filled("zeros", shape, 0.0, dtype, device, requires_grad)


def ones(shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
         requires_grad: bool = False) -> Array:
    return _filled("ones", shape, 1.0, dtype, device, requires_grad)


def empty(shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    return _filled("empty", shape, None, dtype, device, requires_grad)


zeros.__doc__ = _doc(_SHAPE_DOC, "An array of zeros (default float dtype).", "holding 0",
                     "ft.zeros((2, 3)).tolist()", "[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]")
ones.__doc__ = _doc(_SHAPE_DOC, "An array of ones (default float dtype).", "holding 1",
                    "ft.ones(2, dtype=ft.int64).tolist()", "[1, 1]")
empty.__doc__ = _doc(_SHAPE_DOC, "An array with unspecified values (default float dtype).",
                     "whose values are whatever the memory held", "ft.empty((2, 3)).shape",
                     "(2, 3)")


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None, device: Any = None,
         requires_grad: bool = False) -> Array:
    """An array of ``shape`` filled with ``fill_value``: a scalar, or an array (or list)
    that broadcasts to ``shape``, as in NumPy.

    Without ``dtype``, a Python float gives the default float dtype, a Python int int64, a
    bool bool, and an array keeps its dtype. A traced ``fill_value`` (inside ``grad``,
    ``jvp``, ...) is broadcast with differentiable ops, so its derivative flows through.

    Args:
        shape: an int or a tuple/list of non-negative ints.
        fill_value: a scalar, or an array or nested list broadcasting to ``shape``.
        dtype: the dtype, or None (from ``fill_value`` as above).
        device: the device, or None: ``fill_value``'s for an array, else the CPU.
        requires_grad: make it a leaf of the PyTorch-style tape (float and complex only).

    Returns:
        An array of ``shape`` holding ``fill_value`` everywhere.

    Raises:
        TypeError: ``shape`` is not an int or a sequence of ints.
        ValueError: ``fill_value``'s shape does not broadcast to ``shape``, or an entry of
            ``shape`` is negative.

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
    return _like("zeros_like", x, 0, dtype)


def ones_like(x: ArrayLike, dtype: DTypeLike = None) -> Array:
    return _like("ones_like", x, 1, dtype)


zeros_like.__doc__ = _doc(_LIKE_DOC, "Zeros with ``x``'s shape, dtype and device.",
                          "holding 0", "ft.zeros_like(ft.array([1, 2])).tolist()", "[0, 0]")
ones_like.__doc__ = _doc(_LIKE_DOC, "Ones with ``x``'s shape, dtype and device.", "holding 1",
                         "ft.ones_like(ft.array([1, 2]), dtype=ft.float32).tolist()",
                         "[1.0, 1.0]")


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None) -> Array:
    """``fill_value`` with ``x``'s shape, dtype and device; a traced ``fill_value`` keeps
    its derivative.

    Args:
        x: an array (or anything ``ft.asarray`` takes) giving the shape, dtype and device.
        fill_value: a scalar, or an array broadcasting to ``x``'s shape; it is cast to the
            dtype (``full_like`` of an int array with 2.5 holds 2).
        dtype: the dtype instead of ``x``'s, or None.

    Returns:
        An array of ``x``'s shape holding ``fill_value``.

    Raises:
        ValueError: an array ``fill_value`` does not broadcast to ``x``'s shape.

    Example:
        >>> ft.full_like(ft.zeros(3), 2.0).tolist()
        [2.0, 2.0, 2.0]
    """
    return _like("full_like", x, fill_value, dtype)


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = None,
        device: Any = None) -> Array:
    """A 2-D array with ones on the ``k``-th diagonal (NumPy's signature).

    Args:
        N: the number of rows.
        M: the number of columns, or None for ``N``.
        k: the diagonal: 0 the main one, positive above it, negative below.
        dtype: the dtype, or None for the default float dtype.
        device: ``"cpu"``, ``"cuda:N"``, a device, or None (the CPU).

    Returns:
        An ``(N, M)`` array, 1 on the ``k``-th diagonal and 0 elsewhere.

    Example:
        >>> ft.eye(2, 3, k=1).tolist()
        [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    backend, ctx = _on_device(device)
    with ctx:
        return wrap(backend.xp.eye(N, M, k, dtype=dtype or get_default_dtype()))


def arange(start: ArrayLike, stop: ArrayLike | None = None, step: ArrayLike | None = 1,
           dtype: DTypeLike = None, device: Any = None) -> Array:
    """Evenly spaced values in ``[start, stop)``; ints give int64, floats the default float.

    A traced ``start`` or ``step`` (inside ``grad``, ``jvp``, ...) is differentiable: the
    values are ``start + step * k`` (the count needs concrete values, as in JAX's jit).

    Args:
        start: the first value, or the end (with ``start`` 0) when ``stop`` is None.
        stop: the end, excluded, or None.
        step: the spacing (negative counts down).
        dtype: the dtype, or None: int64 when every bound is an int, else the default float.
        device: ``"cpu"``, ``"cuda:N"``, a device, or None (the CPU).

    Returns:
        A 1-D array of ``ceil((stop - start) / step)`` values (none if that is not
        positive).

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

    Args:
        start: the first value (a scalar or an array).
        stop: the last value (included when ``endpoint``), broadcasting with ``start``.
        num: the number of values.
        endpoint: whether ``stop`` is the last value; else the values stop a step short.
        dtype: the dtype, or None: the default float dtype (for arrays, their inexact
            dtype).
        device: ``"cpu"``, ``"cuda:N"``, a device, or None (the CPU).
        axis: the axis the values run along when ``start``/``stop`` are arrays.

    Returns:
        A ``(num,)`` array, or for array bounds one of their broadcast shape with a ``num``
        axis inserted at ``axis``.

    Example:
        >>> ft.linspace(0.0, 1.0, 3).tolist()
        [0.0, 0.5, 1.0]
        >>> ft.linspace(0.0, 1.0, 4, endpoint=False).tolist()
        [0.0, 0.25, 0.5, 0.75]
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
