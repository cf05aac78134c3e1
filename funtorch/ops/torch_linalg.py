"""Torch's top-level linear algebra and distances (``torch.det``, ``torch.svd``,
``torch.cdist``, ``torch.norm``...) over ``ft.linalg`` and ``ft.scipy.linalg``.

Those packages sit above ``ops``, so each adapter looks them up when called.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.decomp_householder import geqrf, orgqr, ormqr
from funtorch.ops.torch_args import as_array, dims, forward, one_dim, refuse_out, returns, \
    to_float
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike

_LINALG = "funtorch.linalg"
_SCIPY = "funtorch.scipy.linalg"


def _linalg():
    return importlib.import_module(_LINALG)


def _scipy():
    return importlib.import_module(_SCIPY)


det = forward(_LINALG, "det")
inverse = forward(_LINALG, "inv", "inverse")
matrix_power = forward(_LINALG, "matrix_power")
matrix_exp = forward(_SCIPY, "expm", "matrix_exp")
# torch.X is torch.nn.functional.X for these: one implementation, in ft.nn.functional
pdist = forward("funtorch.nn.functional", "pdist")
cosine_similarity = forward("funtorch.nn.functional", "cosine_similarity")


def cholesky(input: ArrayLike, upper: bool = False, *, out: Any = None) -> Array:  # noqa: A002
    """The Cholesky factor ``L`` (``U = L^T`` with ``upper=True``).

    Example:
        >>> ft.cholesky(ft.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
        [[2.0, 0.0], [1.0, 1.0]]
    """
    refuse_out("cholesky", out)
    return _linalg().cholesky(input, upper=upper)


def cholesky_solve(B: ArrayLike, L: ArrayLike, upper: bool = False, *,  # noqa: N803
                   out: Any = None) -> Array:
    """Solve ``A X = B`` given the Cholesky factor of ``A``.

    Example:
        >>> L = ft.array([[2.0, 0.0], [1.0, 1.0]])  # A = L L^T = [[4, 2], [2, 2]]
        >>> ft.cholesky_solve(ft.array([[4.0], [2.0]]), L).tolist()
        [[1.0], [0.0]]
    """
    refuse_out("cholesky_solve", out)
    return _scipy().cho_solve((L, not upper), B)


def cholesky_inverse(L: ArrayLike, upper: bool = False, *, out: Any = None) -> Array:  # noqa: N803
    """``inv(A)`` given the Cholesky factor of ``A``.

    Example:
        >>> L = ft.array([[2.0, 0.0], [1.0, 1.0]])  # A = L L^T = [[4, 2], [2, 2]]
        >>> ft.cholesky_inverse(L).tolist()
        [[0.5, -0.5], [-0.5, 1.0]]
    """
    refuse_out("cholesky_inverse", out)
    n = as_array(L).shape[-1]
    return cholesky_solve(ops.eye(n, dtype=as_array(L).dtype), L, upper)


def slogdet(input: ArrayLike) -> Any:  # noqa: A002
    """``(sign, logabsdet)`` of the determinant, a named tuple.

    Example:
        >>> sign, logabsdet = ft.slogdet(ft.array([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign.item(), logabsdet.item()  # -1, log 6
        (-1.0, 1.7918)
    """
    sign, logabsdet = _linalg().slogdet(input)
    return returns("slogdet", sign, logabsdet)


def logdet(input: ArrayLike) -> Array:  # noqa: A002
    """``log(det(input))``: NaN for a negative determinant, ``-inf`` for zero.

    Example:
        >>> ft.logdet(ft.array([[2.0, 0.0], [0.0, 3.0]])).item()  # log 6
        1.7918
    """
    sign, logabsdet = _linalg().slogdet(input)
    return ops.where(sign < 0, np.nan, ops.where(sign == 0, -np.inf, logabsdet))


def qr(input: ArrayLike, some: bool = True, *, out: Any = None) -> Any:  # noqa: A002
    """``(Q, R)``, reduced unless ``some=False``.

    Example:
        >>> Q, R = ft.qr(ft.array([[3.0, 0.0], [4.0, 5.0]]))
        >>> (Q @ R).tolist()
        [[3.0, 0.0], [4.0, 5.0]]
    """
    refuse_out("qr", out)
    q, r = _linalg().qr(input, mode="reduced" if some else "complete")
    return returns("qr", q, r)


def svd(input: ArrayLike, some: bool = True, compute_uv: bool = True, *,  # noqa: A002
        out: Any = None) -> Any:
    """``(U, S, V)`` with ``input = U diag(S) V^T`` (torch.svd returns ``V``, not ``V^T``).

    Example:
        >>> U, S, V = ft.svd(ft.array([[3.0, 0.0], [0.0, 2.0]])); S.tolist()
        [3.0, 2.0]
    """
    refuse_out("svd", out)
    u, s, vh = _linalg().svd(input, full_matrices=not some)
    v = ops.swapaxes(vh, -1, -2)
    if not compute_uv:
        u, v = ops.zeros_like(u), ops.zeros_like(v)
    return returns("svd", u, s, v)


def pinverse(input: ArrayLike, rcond: float | None = 1e-15) -> Array:  # noqa: A002
    """Pseudo-inverse, singular values below ``rcond * max`` dropped.

    Example:
        >>> ft.pinverse(ft.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.0]]
    """
    return _linalg().pinv(input, rtol=rcond)


def matrix_rank(input: ArrayLike, tol: float | None = None, symmetric: bool = False, *,
                atol: float | None = None, rtol: float | None = None) -> Array:  # noqa: A002
    """The numerical rank (``ft.linalg.matrix_rank``).

    Example:
        >>> ft.matrix_rank(ft.array([[1.0, 2.0], [2.0, 4.0]])).item()
        1
    """
    return _linalg().matrix_rank(input, rtol=rtol, tol=tol if atol is None else atol)


def solve(A: ArrayLike, B: ArrayLike, *, left: bool = True,  # noqa: N803
          out: Any = None) -> Array:
    """Solve ``A X = B`` (``ft.linalg.solve``).

    Example:
        >>> ft.solve(ft.array([[2.0, 0.0], [0.0, 4.0]]), ft.array([[2.0], [2.0]])).tolist()
        [[1.0], [0.5]]
    """
    refuse_out("solve", out)
    return _linalg().solve(A, B)


def lstsq(A: ArrayLike, B: ArrayLike, rcond: float | None = None, *,  # noqa: N803
          driver: str | None = None) -> Any:
    """Least squares ``min |A X - B|``: ``(solution, residuals, rank, singular_values)``.

    Example:
        >>> A, B = ft.array([[1.0, 0.0], [0.0, 2.0]]), ft.array([[1.0], [4.0]])
        >>> ft.lstsq(A, B)[0].tolist()
        [[1.0], [2.0]]
    """
    return returns("lstsq", *_linalg().lstsq(A, B, rcond=rcond))


def triangular_solve(b: ArrayLike, A: ArrayLike, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> Any:  # noqa: N803
    """Solve ``A X = b`` for triangular ``A``: ``(solution, cloned_coefficient)``.

    Example:
        >>> A = ft.array([[1.0, 1.0], [0.0, 1.0]])  # upper triangular
        >>> ft.triangular_solve(ft.array([[2.0], [3.0]]), A)[0].tolist()
        [[-1.0], [3.0]]
    """
    solution = _scipy().solve_triangular(A, b, trans=1 if transpose else 0, lower=not upper,
                                         unit_diagonal=unitriangular)
    return returns("triangular_solve", solution, ops.copy(A))


def lu(A: ArrayLike, pivot: bool = True, get_infos: bool = False) -> Any:  # noqa: N803
    """The packed LU factorisation and 1-based pivots (``torch.lu``).

    Example:
        >>> LU, pivots = ft.lu(ft.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> pivots.tolist()  # row 2 is the first pivot
        [2, 2]
    """
    packed, pivots = _scipy().lu_factor(A)
    pivots = ops.astype(pivots, np.int32) + 1
    if get_infos:
        return packed, pivots, ops.zeros(as_array(A).shape[:-2], dtype=np.int32)
    return packed, pivots


def norm(input: ArrayLike, p: Any = "fro", dim: Axis = None, keepdim: bool = False,
         out: Any = None, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """torch.norm: the vector p-norm over ``dim`` (all elements when None); ``"fro"`` is
    the 2-norm and ``"nuc"`` the nuclear norm of a matrix.

    Example:
        >>> ft.norm(ft.array([3.0, 4.0])).item()
        5.0
    """
    refuse_out("norm", out)
    x = to_float(input if dtype is None else ops.astype(input, dtype))
    if p == "nuc":
        axes = (-2, -1) if dim is None else tuple(dim)
        return _linalg().matrix_norm(ops.moveaxis(x, axes, (-2, -1)), "nuc", keepdims=False)
    order = 2 if p in ("fro", None) else p
    axes = dims(dim, x.ndim, "norm")
    return _linalg().vector_norm(x, ord=order, axis=axes, keepdims=keepdim)


def frobenius_norm(input: ArrayLike, dim: Axis = (-2, -1),  # noqa: A002
                   keepdim: bool = False) -> Array:
    """The 2-norm over ``dim``.

    Example:
        >>> ft.frobenius_norm(ft.array([[3.0, 4.0]])).item()
        5.0
    """
    return norm(input, "fro", dim, keepdim)


def dist(input: ArrayLike, other: ArrayLike, p: float = 2) -> Array:  # noqa: A002
    """The p-norm of ``input - other``.

    Example:
        >>> ft.dist(ft.array([3.0, 4.0]), ft.zeros(2)).item()
        5.0
    """
    return norm(ops.subtract(input, other), p)


def _pairwise(x1, x2, p):
    difference = ops.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return ops.sum(difference != 0, axis=-1).astype(x1.dtype)
    if p == np.inf:
        return ops.max(difference, axis=-1)
    if p == 2:  # sqrt(0) has an infinite derivative: use the vector norm's subgradient
        return _linalg().vector_norm(x1[..., :, None, :] - x2[..., None, :, :], axis=-1)
    return ops.sum(difference ** p, axis=-1) ** (1.0 / p)


def cdist(x1: ArrayLike, x2: ArrayLike, p: float = 2.0,
          compute_mode: str | None = None) -> Array:
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and ``x2``
    (..., R, M): shape (..., P, R).

    Example:
        >>> ft.cdist(ft.zeros((2, 3)), ft.ones((4, 3))).shape
        (2, 4)
    """
    return _pairwise(to_float(x1), to_float(x2), p)


__all__ = ["det", "inverse", "matrix_power", "matrix_exp", "cholesky", "cholesky_solve",
           "cholesky_inverse", "slogdet", "logdet", "qr", "svd", "pinverse", "matrix_rank",
           "solve", "lstsq", "triangular_solve", "lu", "norm", "frobenius_norm", "dist",
           "cdist", "pdist", "cosine_similarity", "geqrf", "orgqr", "ormqr"]
