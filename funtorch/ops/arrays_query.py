"""Queries about arrays and array-likes: ``ndim``, ``shape``, ``size``, ``isscalar`` and
``iterable`` (NumPy's functions; re-exported by ``arrays_rearrange``).

They read shapes only, never values, so they work on tracers under every transform.
"""

from __future__ import annotations

import math

import numpy as np

from funtorch.core import Array
from funtorch import ops
from funtorch.typing import ArrayLike, Axis


def ndim(a: ArrayLike) -> int:
    """The number of dimensions of ``a`` (array-likes and scalars too).

    Args:
        a: an array, a (nested) list or a scalar.

    Returns:
        An int (0 for scalars).

    Example:
        >>> ft.ndim([[1, 2]])
        2
    """
    return a.ndim if isinstance(a, Array) else np.ndim(a)


def shape(a: ArrayLike) -> tuple[int, ...]:
    """The shape of ``a`` as a tuple.

    Args:
        a: an array, a (nested) list or a scalar.

    Returns:
        A tuple of ints (``()`` for scalars).

    Example:
        >>> ft.shape(ft.zeros((2, 3)))
        (2, 3)
    """
    return tuple(a.shape) if isinstance(a, Array) else np.shape(a)


def size(a: ArrayLike, axis: Axis = None) -> int:
    """The number of elements of ``a``, or along ``axis`` (an int or a tuple of ints).

    Args:
        a: an array, a (nested) list or a scalar.
        axis: None for every axis, or an int or a tuple of ints (negative count from the
            end).

    Returns:
        An int: the product of the lengths of those axes.

    Example:
        >>> ft.size(ft.zeros((2, 3)), axis=1)
        3
    """
    dims = shape(a)
    if axis is None:
        return math.prod(dims)
    axes = ops.normalize_axis(axis, len(dims), "size")
    return math.prod(dims[ax] for ax in axes)


def isscalar(element: ArrayLike) -> bool:
    """Whether ``element`` is a scalar: a Python or NumPy number, or a 0-d array (JAX's
    reading: funtorch has no separate scalar type).

    Args:
        element: any object.

    Returns:
        A bool (strings are not scalars, nor are lists).

    Example:
        >>> ft.isscalar(ft.array(1.0)), ft.isscalar([1.0])
        (True, False)
    """
    if np.isscalar(element):
        return not isinstance(element, (str, bytes))
    if isinstance(element, (Array, np.ndarray)):
        return element.ndim == 0
    return False


def iterable(y: ArrayLike) -> bool:
    """Whether ``iter(y)`` works (0-d arrays are not iterable).

    Args:
        y: any object.

    Returns:
        A bool.

    Example:
        >>> ft.iterable(ft.zeros(2)), ft.iterable(ft.array(1.0))
        (True, False)
    """
    try:
        iter(y)
    except TypeError:
        return False
    return True
