"""Sorting: the ``argsort`` primitive (no gradient) and ``sort``, a gather by its result
(so the gradient follows each element to its sorted position)."""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch import ops
from funtorch.ops.reductions import normalize_axis_index

argsort_p = Primitive(
    "argsort", lambda xp, x, axis: xp.argsort(x, axis=axis, kind="stable"),
    shape=lambda x, axis: (tuple(x.shape), np.dtype(np.int64)), nondiff=True,
    batch=lambda args, bdims, axis: (bind(argsort_p, R.move_bdim(args[0], bdims[0]),
                                          axis=axis + 1), 0),
    samples=lambda s: ((s.array((3, 4)),), {"axis": s.choice((0, 1))}),
    complex=True)  # complex: lexicographic (real, imag) order, as NumPy and JAX


def argsort(a, axis=-1, kind=None, order=None, stable=None):
    """Indices that sort ``a`` along ``axis`` (flattened when None); always a stable sort.

    Example:
        >>> ft.argsort(ft.array([3.0, 1.0, 2.0])).tolist()
        [1, 2, 0]
    """
    if order is not None:
        raise ValueError("argsort: `order` (structured arrays) is not supported")
    a = R.as_array(a)
    if axis is None:
        a, axis = ops.reshape(a, (-1,)), 0
    return bind(argsort_p, a, axis=normalize_axis_index(axis, a.ndim, "argsort"))


def sort(a, axis=-1, kind=None, order=None, stable=None):
    """A sorted copy of ``a`` along ``axis`` (flattened when None); differentiable, the
    gradient follows each element to its sorted position.

    Example:
        >>> ft.sort(ft.array([[3.0, 1.0], [0.0, 2.0]]), axis=0).tolist()
        [[0.0, 1.0], [3.0, 2.0]]
    """
    if order is not None:
        raise ValueError("sort: `order` (structured arrays) is not supported")
    a = R.as_array(a)
    if axis is None:
        a, axis = ops.reshape(a, (-1,)), 0
    axis = normalize_axis_index(axis, a.ndim, "sort")  # 0-d: AxisError, as NumPy
    return ops.take_along_axis(a, argsort(a, axis), axis)
