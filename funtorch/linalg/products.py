"""Products and tensor equations: ``matrix_power, multi_dot, tensorinv, tensorsolve``, and
the array-API spellings ``matmul, tensordot, outer, vecdot, cross, matrix_transpose,
diagonal, trace`` (the last two read the last two axes). All are compositions, so their
derivatives come from ``matmul``, ``inv`` and ``solve``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from funtorch import ops
from funtorch.linalg.basic import _square, inv, solve
from funtorch.ops import registry as R
from funtorch.ops import linalg_extra
from funtorch.ops.linalg import matmul, tensordot  # noqa: F401  (ft.linalg spellings)
from funtorch.ops.linalg_extra import matrix_transpose  # noqa: F401
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike

__all__ = ["cross", "diagonal", "matmul", "matrix_power", "matrix_transpose", "multi_dot",
           "outer", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot"]


def matrix_power(a: ArrayLike, n: int) -> Array:
    """``a`` multiplied by itself ``n`` times (repeated squaring); ``n = 0`` gives the
    identity, a negative ``n`` powers the inverse.

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``.
        n: an integer exponent (negative powers invert ``a`` first).

    Returns:
        An array of ``a``'s shape; ``a``'s dtype for ``n >= 0`` (a float dtype for ``n < 0``).

    Raises:
        TypeError: a non-integer ``n``.

    Example:
        >>> ft.linalg.matrix_power(ft.array([[1.0, 1.0], [0.0, 1.0]]), 3).tolist()
        [[1.0, 3.0], [0.0, 1.0]]
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power: exponent must be an integer, got {n!r}")
    a = R.as_array(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        _square(a, "matrix_power")
    n = int(n)
    if n == 0:
        eye = ops.eye(a.shape[-1], dtype=a.dtype, device=a.device)
        return ops.broadcast_to(eye, a.shape)
    if n < 0:
        a, n = inv(a), -n
    result, power = None, a
    while n:
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if n:
            power = matmul(power, power)
    return result


def _chain_order(shapes):
    """NumPy's dynamic programme: ``split[i][j]`` is the best split of product ``i..j``."""
    dims = [shapes[0][0]] + [shape[1] for shape in shapes]
    count = len(shapes)
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return matmul(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


def multi_dot(arrays: Sequence[ArrayLike]) -> Array:
    """The product of two or more matrices in the cheapest order; the first may be a 1-D
    row vector and the last a 1-D column vector, as ``numpy.linalg.multi_dot``.

    Args:
        arrays: a sequence of two or more arrays: 2-D matrices, except that the first may be
            1-D (a row vector) and the last 1-D (a column vector).

    Returns:
        The product: 2-D, 1-D if one end is 1-D, 0-d if both are.

    Raises:
        ValueError: fewer than two arrays, or an inner array that is not 2-D.

    Example:
        >>> ft.linalg.multi_dot([ft.ones(3), ft.ones((3, 4)), ft.ones((4, 2))]).tolist()
        [12.0, 12.0]
    """
    arrays = [R.as_array(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError(f"multi_dot: expected at least two arrays, got {len(arrays)}")
    first, last = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first:
        arrays[0] = ops.reshape(arrays[0], (1, -1))
    if last:
        arrays[-1] = ops.reshape(arrays[-1], (-1, 1))
    for index, a in enumerate(arrays):
        if a.ndim != 2:
            raise ValueError(f"multi_dot: array {index} has shape {a.shape}; expected 2-D "
                             "matrices (the first and last may be 1-D)")
    out = _chain(arrays, _chain_order([a.shape for a in arrays]), 0, len(arrays) - 1)
    if first and last:
        return ops.reshape(out, ())
    if first or last:
        return ops.reshape(out, (-1,))
    return out


def tensorinv(a: ArrayLike, ind: int = 2) -> Array:
    """The inverse of ``a`` read as a matrix of its first ``ind`` axes by the others, so
    that ``tensordot(tensorinv(a, ind), a, ind)`` is the identity of ``a.shape[ind:]``.

    Args:
        a: an array whose first ``ind`` axes hold as many elements as the others.
        ind: how many leading axes form the rows (a positive integer).

    Returns:
        An array of shape ``a.shape[ind:] + a.shape[:ind]`` in a float dtype.

    Raises:
        ValueError: ``ind`` is not a positive integer, or the first ``ind`` axes do
            not hold as many elements as the others.

    Example:
        >>> ft.linalg.tensorinv(ft.ones((2, 2, 4)) * ft.eye(4).reshape(2, 2, 4)).shape
        (4, 2, 2)
    """
    a = R.as_array(a)
    if not isinstance(ind, (int, np.integer)) or ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer, got {ind!r}")
    rows, cols = math.prod(a.shape[:ind]), math.prod(a.shape[ind:])
    if rows != cols:
        raise ValueError(f"tensorinv: the first {ind} axes of shape {a.shape} hold {rows} "
                         f"elements and the others {cols}; they must be equal")
    return ops.reshape(inv(ops.reshape(a, (rows, cols))), a.shape[ind:] + a.shape[:ind])


def tensorsolve(a: ArrayLike, b: ArrayLike, axes: Axis = None) -> Array:
    """Solve ``tensordot(a, x, x.ndim) = b`` for ``x``, as ``numpy.linalg.tensorsolve``;
    ``axes`` (of ``a``) are first moved to the end.

    Args:
        a: the coefficient tensor, shape ``b.shape + x.shape`` (after moving ``axes``) with
            ``prod(x.shape) == prod(b.shape)``.
        b: the right-hand side.
        axes: axes of ``a`` to move to the end first (an int, a sequence of ints, or None).

    Returns:
        ``x``, of shape ``a.shape[b.ndim:]`` (after moving ``axes``), in a float dtype.

    Raises:
        ValueError: the shapes of ``a`` and ``b`` do not fit.

    Example:
        >>> a = ft.eye(6).reshape(6, 2, 3)
        >>> ft.linalg.tensorsolve(a, ft.ones(6)).shape
        (2, 3)
    """
    a, b = R.as_array(a), R.as_array(b)
    if axes is not None:
        axes = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
        a = ops.moveaxis(a, axes, list(range(a.ndim - len(axes), a.ndim)))
    x_shape = a.shape[b.ndim:]
    rows, cols = math.prod(b.shape), math.prod(x_shape)
    if a.shape[:b.ndim] != b.shape or rows != cols:
        raise ValueError(f"tensorsolve: a of shape {a.shape} does not fit b of shape "
                         f"{b.shape}: a needs shape b.shape + x.shape with prod(x.shape) "
                         f"== {rows}")
    return ops.reshape(solve(ops.reshape(a, (rows, cols)), ops.reshape(b, (-1,))), x_shape)


def diagonal(x: ArrayLike, offset: int = 0) -> Array:
    """The ``offset`` diagonal of the last two axes (array API), as the last axis.

    Args:
        x: an array of at least 2 dimensions, shape ``(..., m, n)``.
        offset: which diagonal: 0 the main one, positive above it, negative below it.

    Returns:
        An array of shape ``x.shape[:-2] + (k,)`` (``k`` the diagonal's length) and ``x``'s
        dtype.

    Raises:
        ValueError: an array of fewer than 2 dimensions.

    Example:
        >>> ft.linalg.diagonal(ft.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [1.0, 4.0]
    """
    x, offset = R.as_array(x), int(offset)
    if x.ndim < 2:
        raise ValueError(f"diagonal: expected an array of at least 2 dimensions, got shape "
                         f"{x.shape}")
    rows, cols = x.shape[-2:]
    length = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    steps = np.arange(length)
    return x[..., steps + max(-offset, 0), steps + max(offset, 0)]


def trace(x: ArrayLike, offset: int = 0, dtype: DTypeLike = None) -> Array:
    """The sum of the ``offset`` diagonal of the last two axes (array API).

    Args:
        x: an array of at least 2 dimensions, shape ``(..., m, n)``.
        offset: which diagonal: 0 the main one, positive above it, negative below it.
        dtype: the result's dtype, or None for the dtype ``ft.sum`` gives.

    Returns:
        An array of shape ``x.shape[:-2]``.

    Raises:
        ValueError: an array of fewer than 2 dimensions.

    Example:
        >>> ft.linalg.trace(ft.ones((5, 3, 3))).shape
        (5,)
    """
    out = ops.sum(diagonal(x, offset), axis=-1)
    return out if dtype is None else ops.astype(out, dtype)


def outer(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The outer product of two 1-D vectors (array API; ``ft.outer`` flattens instead).

    Args:
        x1: a 1-D array of length ``m``.
        x2: a 1-D array of length ``n``.

    Returns:
        An ``(m, n)`` array of the promoted dtype, ``x1[i] * x2[j]``.

    Raises:
        ValueError: an argument that is not 1-D.

    Example:
        >>> ft.linalg.outer(ft.ones(2), ft.ones(3)).shape
        (2, 3)
    """
    a, b = R.as_array(x1), R.as_array(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"outer: expected two 1-D arrays, got shapes {a.shape} and "
                         f"{b.shape}; use ft.outer to flatten them first")
    return ops.outer(a, b)


def vecdot(x1: ArrayLike, x2: ArrayLike, axis: int = -1) -> Array:
    """Dot products along ``axis``; see ``ft.vecdot``.

    Args:
        x1: an array.
        x2: an array broadcasting with ``x1``, of the same length along ``axis``.
        axis: the axis to sum over.

    Returns:
        ``sum(conj(x1) * x2, axis)``: the broadcast shape without ``axis``, in the promoted
        dtype.

    Raises:
        ValueError: the shapes do not broadcast or their lengths along ``axis`` differ.

    Example:
        >>> ft.linalg.vecdot(ft.ones((2, 3)), ft.ones(3)).tolist()
        [3.0, 3.0]
    """
    return linalg_extra.vecdot(x1, x2, axis=axis)


def cross(x1: ArrayLike, x2: ArrayLike, axis: int = -1) -> Array:
    """The cross product of 3-vectors along ``axis`` (array API: 3-vectors only).

    Args:
        x1: an array with length 3 along ``axis``.
        x2: an array broadcasting with ``x1``, with length 3 along ``axis``.
        axis: the axis holding the vectors.

    Returns:
        The broadcast shape of ``x1`` and ``x2``, in the promoted dtype.

    Raises:
        ValueError: the arrays are not 3-vectors along ``axis``.

    Example:
        >>> ft.linalg.cross(ft.array([0.0, 1.0, 0.0]), ft.array([0.0, 0.0, 1.0])).tolist()
        [1.0, 0.0, 0.0]
    """
    a, b = R.as_array(x1), R.as_array(x2)
    if a.ndim == 0 or b.ndim == 0 or a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross: expected 3-vectors along axis {axis}, got shapes {a.shape} "
                         f"and {b.shape}; ft.cross also takes 2-vectors")
    return linalg_extra.cross(a, b, axis=axis)
