"""torch's ``Tensor`` methods that have no ``ft.<name>`` function of the same meaning to
forward to (``x.unfold``, ``x.renorm``, ``x.where(c, y)``, ``x.lu_solve``...):
:mod:`funtorch.ops.tensor_methods` attaches :data:`METHODS` to :class:`funtorch.Array`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops import torch_functions as T
from funtorch.ops import torch_linalg, torch_math, torch_shape
from funtorch.ops import torch_numpy_names as N
from funtorch.ops.torch_args import one_dim, returns, shape_args
from funtorch.typing import ArrayLike


def _frexp(self: Array) -> Any:
    """``(mantissa, exponent)`` with ``x = mantissa * 2 ** exponent``.

    Returns:
        A named tuple ``(mantissa, exponent)`` of this array's shape: ``mantissa`` of its
        float dtype with ``0.5 <= |mantissa| < 1`` (0 for 0), ``exponent`` int32.

    Example:
        >>> mantissa, exponent = ft.array([8.0, 3.0]).frexp()
        >>> mantissa.tolist(), exponent.tolist()
        ([0.5, 0.75], [4, 2])
    """
    mantissa, exponent = ops.frexp(self)
    return returns("frexp", mantissa, ops.astype(exponent, np.int32))


def _renorm(self: Array, p: float, dim: int, maxnorm: float) -> Array:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` to ``maxnorm``.

    Args:
        p: the order of the norm.
        dim: the axis indexing the slices (the norm is taken over all the other axes).
        maxnorm: the largest norm a slice keeps.

    Returns:
        An array of this array's shape and dtype.

    Example:
        >>> ft.array([[3.0, 4.0], [0.3, 0.4]]).renorm(2, 0, 1.0).tolist()  # norms 5, 0.5
        [[0.6, 0.8], [0.3, 0.4]]
    """
    axis = one_dim(dim, self.ndim, "renorm")
    others = tuple(i for i in range(self.ndim) if i != axis)
    norms = torch_linalg.norm(self, p, others, keepdim=True)
    return self * ops.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _unfold(self: Array, dimension: int, size: int, step: int) -> Array:
    """All slices of ``size`` elements, ``step`` apart, along ``dimension`` (a new last
    dim holds each slice).

    Args:
        dimension: the axis to slide along.
        size: the length of each slice.
        step: the distance between the starts of two slices.

    Returns:
        An array with ``(n - size) // step + 1`` along ``dimension`` and a last axis of
        length ``size``.

    Example:
        >>> ft.arange(5).unfold(0, 2, 2).tolist()
        [[0, 1], [2, 3]]
    """
    axis = one_dim(dimension, self.ndim, "unfold")
    windows = ops.sliding_window_view(self, size, axis=axis)
    index = [slice(None)] * windows.ndim
    index[axis] = slice(None, None, step)
    return windows[tuple(index)]


def _sum_to_size(self: Array, *size: Any) -> Array:
    """Sum over the dims that broadcasting ``size`` to this shape expanded.

    Args:
        *size: the target shape (ints or one sequence), broadcastable to this shape.

    Returns:
        An array of shape ``size``.

    Example:
        >>> ft.ones((2, 3)).sum_to_size(1, 3).tolist()
        [[2.0, 2.0, 2.0]]
    """
    size = shape_args(size, "sum_to_size")
    lead = self.ndim - len(size)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size)
                                      if n == 1 and self.shape[lead + i] != 1)
    return ops.reshape(ops.sum(self, axes), size) if axes else self


def _symeig(self: Array, eigenvectors: bool = False, upper: bool = True) -> Any:
    """Eigenvalues (ascending) and, with ``eigenvectors``, vectors of a symmetric matrix.

    Args:
        eigenvectors: also compute the eigenvectors.
        upper: read the upper triangle (False: the lower one).

    Returns:
        ``(values, vectors)``: ``values`` (..., n) ascending; ``vectors`` (..., n, n) with
        the eigenvectors as columns, or an empty array without ``eigenvectors``.

    Example:
        >>> values, vectors = ft.array([[2.0, 0.0], [0.0, 1.0]]).symeig(eigenvectors=True)
        >>> values.tolist(), vectors.shape
        ([1.0, 2.0], (2, 2))
    """
    import funtorch.linalg as linalg
    values, vectors = linalg.eigh(self, UPLO="U" if upper else "L")
    return values, (vectors if eigenvectors else ops.zeros((0,), self.dtype))


def _lu_solve(self: Array, LU_data: ArrayLike,  # noqa: N803 - torch's names
              LU_pivots: ArrayLike) -> Array:
    """Solve ``A X = self`` from ``torch.lu``'s packed factors and 1-based pivots.

    Args:
        LU_data: the packed ``L`` and ``U`` factors of ``A`` (..., n, n), as ``x.lu()``
            gives them.
        LU_pivots: the 1-based row pivots (..., n).

    Returns:
        ``X``, of this array's shape (..., n, k).

    Example:
        >>> LU, pivots = ft.array([[2.0, 0.0], [0.0, 4.0]]).lu()
        >>> ft.array([[2.0], [4.0]]).lu_solve(LU, pivots).tolist()
        [[1.0], [1.0]]
    """
    import funtorch.scipy.linalg as scipy_linalg
    return scipy_linalg.lu_solve((LU_data, ops.astype(LU_pivots, np.int64) - 1), self)


def _narrow_copy(self: Array, dim: int, start: int, length: int) -> Array:
    """``length`` entries along ``dim`` from ``start`` (torch's ``x.narrow_copy``).

    Args:
        dim: the axis.
        start: the first index (negative counts from the end).
        length: how many entries.

    Returns:
        An array of this array's dtype, of length ``length`` along ``dim``.

    Example:
        >>> ft.arange(5).narrow_copy(0, 1, 2).tolist()
        [1, 2]
    """
    return torch_shape.narrow(self, dim, start, length)


def _polygamma(self: Array, n: int) -> Array:
    """The ``n``-th derivative of the digamma function at each element.

    Args:
        n: the order of the derivative (0 is digamma itself).

    Returns:
        A float array of this array's shape.

    Example:
        >>> round(ft.array([1.0]).polygamma(1).item(), 4)  # pi ** 2 / 6
        1.6449
    """
    return torch_math.polygamma(n, self)


def _where(self: Array, condition: ArrayLike, y: ArrayLike) -> Array:
    """This array where ``condition`` holds, ``y`` elsewhere (torch's ``x.where(c, y)``).

    Args:
        condition: a bool array-like broadcasting with this array.
        y: the values (array or scalar) taken where ``condition`` is false.

    Returns:
        An array of the broadcast shape.

    Example:
        >>> ft.array([1.0, 2.0]).where(ft.array([True, False]), 0.0).tolist()
        [1.0, 0.0]
    """
    return ops.where(condition, self, y)


def _tile(self: Array, *dims: Any) -> Array:
    """The array repeated ``dims`` times along each axis (``ft.tile``).

    Args:
        *dims: the repetitions per axis (ints or one sequence); the last ones go to the last
            axes.

    Returns:
        An array of this array's dtype.

    Example:
        >>> ft.array([1, 2]).tile(2).tolist()
        [1, 2, 1, 2]
    """
    return ops.tile(self, shape_args(dims, "tile"))


def _put(self: Array, index: ArrayLike, source: ArrayLike, accumulate: bool = False) -> Array:
    """A copy with ``source`` written (or added) at the flat positions ``index``.

    Args:
        index: integer positions in the flattened array.
        source: the values, one per position.
        accumulate: add to the elements instead of replacing them.

    Returns:
        An array of this array's shape and dtype.

    Example:
        >>> ft.zeros(3).put(ft.array([0, 2]), ft.array([1.0, 2.0])).tolist()
        [1.0, 0.0, 2.0]
    """
    return T.torch_index.torch_put(self, index, source, accumulate)


def _eig(self: Array) -> tuple[Array, Array]:
    """Eigenvalues and eigenvectors of a square matrix (``ft.linalg.eig``).

    Returns:
        ``(eigenvalues, eigenvectors)``: (..., n) and (..., n, n), the eigenvectors as
        columns.

    Example:
        >>> values, vectors = ft.array([[2.0, 0.0], [0.0, 3.0]]).eig()
        >>> values.tolist()
        [2.0, 3.0]
    """
    from funtorch.linalg import eig  # at call time: funtorch.linalg imports this module's ops
    return eig(self)


METHODS: dict[str, Callable[..., Any]] = {
    "nonzero": N.torch_nonzero, "unique": N.torch_unique, "cross": N.torch_cross,
    "cov": N.torch_cov, "histogram": N.torch_histogram, "frexp": _frexp, "renorm": _renorm,
    "unfold": _unfold, "sum_to_size": _sum_to_size, "symeig": _symeig,
    "lu_solve": _lu_solve, "narrow_copy": _narrow_copy, "polygamma": _polygamma,
    "where": _where, "tile": _tile, "put": _put, "eig": _eig,
}
