"""Creation helpers: ``identity``, ``empty_like``, ``tri``, ``logspace``/``geomspace``
(differentiable in their endpoints), ``meshgrid``, ``indices``, ``fromfunction``, ``ix_``,
and the window functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funtorch import dtypes
from funtorch.core import Array
from funtorch.ops.arrays_base import as_array, default_float, host_or_none, to_float
from funtorch import ops
from funtorch.typing import ArrayLike, Axis, DTypeLike, ShapeLike

def identity(n: int, dtype: DTypeLike = None) -> Array:
    """The ``n x n`` identity matrix (default float dtype).

    Args:
        n: the number of rows and columns.
        dtype: the dtype, or None for the default float dtype.

    Returns:
        An ``(n, n)`` array, 1 on the diagonal and 0 elsewhere.

    Example:
        >>> ft.identity(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    return ops.eye(int(n), dtype=dtype)


def empty_like(prototype: ArrayLike, dtype: DTypeLike = None, shape: ShapeLike | None = None,
               device: Any = None) -> Array:
    """An array like ``prototype`` (its shape and dtype unless given); funtorch fills it
    with zeros, as JAX does.

    Args:
        prototype: an array or array-like giving the shape, dtype and device.
        dtype: the dtype instead of ``prototype``'s, or None.
        shape: the shape instead of ``prototype``'s, or None.
        device: the device instead of ``prototype``'s, or None.

    Returns:
        An array of zeros of that shape, dtype and device.

    Example:
        >>> ft.empty_like(ft.ones((2, 3))).shape
        (2, 3)
    """
    if shape is None:
        shape = prototype.shape if hasattr(prototype, "shape") else np.shape(prototype)
    if dtype is None:
        dtype = prototype.dtype if hasattr(prototype, "dtype") else np.asarray(prototype).dtype
    if device is None and isinstance(prototype, Array):
        device = prototype.device
    return ops.zeros(shape, dtype=dtype, device=device)


def tri(N: int | None, M: int | None = None, k: int = 0,  # noqa: N803
        dtype: DTypeLike = None) -> Array:
    """Ones at and below the ``k``-th diagonal of an ``N x M`` array, zeros above.

    Args:
        N: the number of rows.
        M: the number of columns, or None for ``N``.
        k: the diagonal: 0 the main one, positive above it, negative below.
        dtype: the dtype, or None for the default float dtype.

    Returns:
        An ``(N, M)`` array whose entry ``[i, j]`` is 1 where ``j <= i + k``, else 0.

    Example:
        >>> ft.tri(2, 3, k=1, dtype=ft.int64).tolist()
        [[1, 1, 0], [1, 1, 1]]
    """
    return ops.asarray(np.tri(N, M, k, dtype=dtype or dtypes.get_default_dtype()))


# Spaced sequences (traceable endpoints) ------------------------------------------------


def _refuse_complex(fn, *values):
    """logspace/geomspace compute in float64 (geomspace's complex spiral is not built)."""
    if any(getattr(v, "dtype", None) is not None and v.dtype.kind == "c" or
           type(v) is complex for v in values):
        raise TypeError(f"{fn}: complex endpoints are not supported; space the real and "
                        "imaginary parts separately")


def _spaced(start, stop, num, endpoint, fn):
    """``num`` points from ``start`` to ``stop`` along a new first axis, built from public
    ops so the endpoints may be traced."""
    if num < 0:
        raise ValueError(f"{fn}: number of samples, {num}, must be non-negative")
    start, stop = ops.broadcast_arrays(to_float(start), to_float(stop))
    dtype = default_float(start, stop)
    start, stop = ops.astype(start, dtype), ops.astype(stop, dtype)
    div = num - 1 if endpoint else num
    steps = np.arange(num, dtype=dtype) / div if div > 0 else np.zeros(num, dtype)
    steps = ops.asarray(steps.reshape((num,) + (1,) * start.ndim), device=start.device)
    out = start[None] + steps * (stop - start)[None]
    if endpoint and num > 1:
        out = ops.concatenate([out[:-1], stop[None]])
    return out


def _finish(out, dtype, axis):
    out = ops.moveaxis(out, 0, axis) if out.ndim > 1 else out
    return out if dtype is None else ops.astype(out, dtype)


def logspace(start: ArrayLike, stop: ArrayLike | None, num: int = 50, endpoint: bool = True,
             base: ArrayLike = 10.0, dtype: DTypeLike = None, axis: Axis = 0) -> Array:
    """``num`` numbers spaced evenly on a log scale: ``base ** linspace(start, stop)``.

    Differentiable in ``start``, ``stop`` and ``base``; array endpoints give a new axis at
    ``axis``.

    Args:
        start: the first exponent (a scalar or an array).
        stop: the last exponent (included when ``endpoint``), broadcasting with ``start``.
        num: the number of values.
        endpoint: whether ``base ** stop`` is the last value.
        base: the base of the powers (a scalar or an array).
        dtype: the dtype, or None for the endpoints' float dtype (the default float dtype
            for Python numbers).
        axis: where the new axis goes when the endpoints are arrays.

    Returns:
        A ``(num,)`` array, or for array endpoints one of their broadcast shape with the
        ``num`` axis at ``axis``.

    Raises:
        TypeError: complex endpoints or base.
        ValueError: a negative ``num``.

    Example:
        >>> ft.logspace(0.0, 2.0, 3).tolist()
        [1.0, 10.0, 100.0]
    """
    _refuse_complex("logspace", start, stop, base)
    base = as_array(base) if not isinstance(base, (int, float)) else float(base)
    exponent = _spaced(start, stop, int(num), endpoint, "logspace")
    result = exponent.dtype if isinstance(base, float) else default_float(exponent, base)
    exponent = ops.astype(exponent, np.float64)  # float64 inside, as for geomspace
    if isinstance(base, float):
        out = ops.power(ops.full_like(exponent, base), exponent)
    else:
        out = ops.power(ops.astype(base, np.float64), exponent)
    return _finish(ops.astype(out, result), dtype, axis)


def geomspace(start: ArrayLike, stop: ArrayLike | None, num: int = 50, endpoint: bool = True,
              dtype: DTypeLike = None, axis: Axis = 0) -> Array:
    """``num`` numbers spaced evenly on a log scale from ``start`` to ``stop`` (both
    negative is allowed; the endpoints are exact). Differentiable in the endpoints.

    Args:
        start: the first value (a scalar or an array), not zero.
        stop: the last value (included when ``endpoint``), of ``start``'s sign.
        num: the number of values.
        endpoint: whether ``stop`` is the last value.
        dtype: the result's dtype; None keeps the endpoints' float dtype.
        axis: the position of the new axis, for array endpoints.

    Returns:
        ``num`` values: shape ``(num,)`` for scalar endpoints (default float dtype), else
        the endpoints' broadcast shape with a new axis of length ``num`` at ``axis``.

    Raises:
        ValueError: an endpoint equal to zero, or a negative ``num``.
        TypeError: complex endpoints.

    Example:
        >>> ft.geomspace(1.0, 1000.0, 4).tolist()
        [1.0, 10.0, 100.0, 1000.0]
    """
    start, stop = ops.broadcast_arrays(to_float(start), to_float(stop))
    for end in (start, stop):
        values = host_or_none(end)
        if values is not None and (values == 0).any():
            raise ValueError("geomspace: geometric sequence cannot include zero")
    _refuse_complex("geomspace", start, stop)
    result = default_float(start, stop)
    # float32 endpoints lose a digit through exp(log(.)): work in float64, as NumPy does
    start, stop = ops.astype(start, np.float64), ops.astype(stop, np.float64)
    sign = ops.sign(start)
    start, stop = start * sign, stop * sign
    num = int(num)
    out = ops.exp(_spaced(ops.log(start), ops.log(stop), num, endpoint, "geomspace"))
    if num > 0:
        pieces = [start[None], out[1:]]
        if num > 1 and endpoint:
            pieces = [start[None], out[1:-1], stop[None]]
        out = ops.concatenate(pieces)
    return _finish(ops.astype(out * sign[None], result), dtype, axis)


# Grids and index generators ------------------------------------------------------------


def meshgrid(*xi: ArrayLike, copy: bool | None = True, sparse: bool = False,
             indexing: str = "xy") -> Array:
    """Coordinate grids from 1-d coordinate vectors (``indexing`` ``"xy"``: Cartesian,
    ``"ij"``: matrix); a tuple of arrays, broadcast unless ``sparse``.

    Args:
        *xi: the coordinate vectors (flattened), of lengths ``N1, N2, ...``.
        copy: accepted for NumPy's signature (funtorch arrays are immutable).
        sparse: return arrays with length-1 axes instead of broadcasting them.
        indexing: ``"xy"`` (the first two axes swapped: shapes ``(N2, N1, ...)``) or
            ``"ij"`` (shapes ``(N1, N2, ...)``).

    Returns:
        A tuple of ``len(xi)`` arrays: the ``n``-th holds ``xi[n]`` along its axis.

    Raises:
        ValueError: ``indexing`` is neither ``"xy"`` nor ``"ij"``.

    Example:
        >>> [g.shape for g in ft.meshgrid(ft.arange(3), ft.arange(2))]
        [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: valid values for `indexing` are 'xy' and 'ij', got "
                         f"{indexing!r}")
    count = len(xi)
    shapes = [[1] * count for _ in xi]
    for n in range(count):
        shapes[n][n] = -1
    if indexing == "xy" and count > 1:
        shapes[0][:2], shapes[1][:2] = [1, -1], [-1, 1]
    out = [ops.reshape(ops.ravel(as_array(x)), tuple(s)) for x, s in zip(xi, shapes)]
    return tuple(out) if sparse else ops.broadcast_arrays(*out)


def indices(dimensions: Sequence[int], dtype: DTypeLike = None, sparse: bool = False) -> Array:
    """The index of every position of a grid of shape ``dimensions``: an array of shape
    ``(len(dimensions), *dimensions)``, or a tuple of broadcastable arrays if ``sparse``.

    Args:
        dimensions: the grid's shape, a sequence of ints.
        dtype: the dtype: None or ``int`` give int64, ``float`` the default float dtype.
        sparse: return one array per axis with length 1 on the other axes.

    Returns:
        An array whose ``[n]`` entry holds, at each grid position, its index along axis
        ``n``; or, if ``sparse``, a tuple of arrays of shape ``(1, .., dimensions[n], ..,
        1)``.

    Example:
        >>> ft.indices((2, 2))[0].tolist()
        [[0, 0], [1, 1]]
    """
    if dtype is None or dtype is int:
        dtype = np.int64
    elif dtype is float:
        dtype = dtypes.get_default_dtype()
    out = np.indices(tuple(dimensions), dtype=dtype, sparse=sparse)
    return tuple(ops.asarray(o) for o in out) if sparse else ops.asarray(out)


def fromfunction(function: Callable[..., Any], shape: ShapeLike, *, dtype: DTypeLike = float,
                 **kwargs: Any) -> Array:
    """``function(*indices)`` on the index grids of ``shape`` (one array per axis, of
    ``dtype``: the default float dtype for ``float``).

    Args:
        function: called as ``function(*grids, **kwargs)``.
        shape: the grid's shape, a sequence of ints.
        dtype: the dtype of the index grids (``float``, ``int`` or a dtype).
        **kwargs: passed on to ``function``.

    Returns:
        What ``function`` returns (an array of ``shape`` for elementwise functions).

    Example:
        >>> ft.fromfunction(lambda i, j: i + j, (2, 2), dtype=int).tolist()
        [[0, 1], [1, 2]]
    """
    grids = indices(shape, dtype=dtype)
    return function(*(grids[n] for n in range(len(shape))), **kwargs)


def ix_(*args: Any) -> Any:
    """An open mesh for fancy indexing: ``x[ft.ix_(rows, cols)]`` picks the sub-grid.
    Boolean sequences become the positions of their true entries.

    Args:
        *args: 1-d integer or boolean sequences, one per axis.

    Returns:
        A tuple of ``len(args)`` arrays: the ``n``-th holds ``args[n]`` along axis ``n``
        and has length 1 on the others.

    Raises:
        ValueError: an argument that is not 1-d.

    Example:
        >>> x = ft.arange(9).reshape(3, 3)
        >>> x[ft.ix_([0, 2], [1])].tolist()
        [[1], [7]]
    """
    out = []
    for n, seq in enumerate(args):
        seq = as_array(seq) if not (isinstance(seq, (list, tuple)) and len(seq) == 0) else \
            ops.zeros((0,), dtype=np.int64)
        if seq.ndim != 1:
            raise ValueError(f"ix_: cross index must be 1 dimensional, got shape "
                             f"{tuple(seq.shape)}")
        if seq.dtype.kind == "b":
            seq = ops.nonzero(seq)[0]
        shape = [1] * len(args)
        shape[n] = seq.shape[0]
        out.append(ops.reshape(seq, tuple(shape)))
    return tuple(out)


# Windows ---------------------------------------------------------------------------


def _window(fn: str, doc: str) -> Callable[[int], Array]:
    def window(M: int) -> Array:  # noqa: N803 - NumPy's name
        return ops.asarray(getattr(np, fn)(int(M)).astype(dtypes.get_default_dtype()))
    window.__name__ = window.__qualname__ = fn
    window.__doc__ = doc
    return window


_WINDOW_DOC = """The {title} window of ``M`` points (default float dtype), as ``numpy.{name}``.

    Args:
        M: the number of points (an empty array when it is less than 1).

    Returns:
        A 1-d array of ``M`` points in the default float dtype.

    Example:
        >>> ft.{name}(3).shape
        (3,)
    """
bartlett = _window("bartlett", _WINDOW_DOC.format(title="Bartlett (triangular)", name="bartlett"))
blackman = _window("blackman", _WINDOW_DOC.format(title="Blackman", name="blackman"))
hamming = _window("hamming", _WINDOW_DOC.format(title="Hamming", name="hamming"))
hanning = _window("hanning", _WINDOW_DOC.format(title="Hann", name="hanning"))


def kaiser(M: int, beta: ArrayLike) -> Array:  # noqa: N803 - NumPy's name
    """The Kaiser window of ``M`` points with shape parameter ``beta``:
    ``i0(beta * sqrt(1 - (2n / (M - 1) - 1) ** 2)) / i0(beta)``.

    A Python ``beta`` gives the default float dtype; an array ``beta`` (which may be
    traced) gives its float dtype, and the window is differentiable in it.

    Args:
        M: the number of points (an empty array when it is less than 1).
        beta: the shape parameter (0: a rectangular window), a number or a 0-d array.

    Returns:
        A 1-d array of ``M`` points, symmetric about its centre.

    Example:
        >>> ft.kaiser(3, 0.0).tolist()
        [1.0, 1.0, 1.0]
        >>> [round(v, 4) for v in ft.kaiser(3, 1.0).tolist()]
        [0.7898, 1.0, 0.7898]
    """
    M = int(M)  # noqa: N806
    if not isinstance(beta, Array):
        return ops.asarray(np.kaiser(M, float(beta)).astype(dtypes.get_default_dtype()))
    beta = to_float(beta)
    if M <= 1:
        return ops.ones((max(M, 0),), dtype=beta.dtype, device=beta.device)
    ratio = np.arange(M) * (2.0 / (M - 1)) - 1.0
    shape = ops.asarray(np.sqrt(np.clip(1.0 - ratio ** 2, 0.0, None)).astype(beta.dtype),
                        device=beta.device)
    return ops.i0(beta * shape) / ops.i0(beta)
