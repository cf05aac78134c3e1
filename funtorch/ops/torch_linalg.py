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
from funtorch.ops.torch_args import as_array, forward, refuse_out, returns
from funtorch.ops.torch_linalg_norms import cdist, dist, frobenius_norm, norm
from funtorch.typing import Array, ArrayLike

_LINALG = "funtorch.linalg"
_SCIPY = "funtorch.scipy.linalg"


def _linalg():
    return importlib.import_module(_LINALG)


def _scipy():
    return importlib.import_module(_SCIPY)


det = forward(_LINALG, "det", example=(
    "ft.det(ft.array([[2.0, 1.0], [1.0, 3.0]])).item()  # 2 * 3 - 1 * 1", "5.0"))
inverse = forward(_LINALG, "inv", "inverse", example=(
    "ft.inverse(ft.array([[2.0, 0.0], [0.0, 4.0]])).tolist()", "[[0.5, 0.0], [0.0, 0.25]]"))
matrix_power = forward(_LINALG, "matrix_power", example=(
    "ft.matrix_power(ft.array([[1.0, 1.0], [0.0, 1.0]]), 3).tolist()",
    "[[1.0, 3.0], [0.0, 1.0]]"))
matrix_exp = forward(_SCIPY, "expm", "matrix_exp", example=(
    "ft.matrix_exp(ft.array([[0.0, 1.0], [0.0, 0.0]])).tolist()  # I + N for nilpotent N",
    "[[1.0, 1.0], [0.0, 1.0]]"))
# torch.X is torch.nn.functional.X for these: one implementation, in ft.nn.functional
pdist = forward("funtorch.nn.functional", "pdist")
cosine_similarity = forward("funtorch.nn.functional", "cosine_similarity")


def cholesky(input: ArrayLike, upper: bool = False, *, out: Any = None) -> Array:  # noqa: A002
    """The Cholesky factor ``L`` (``U = L^T`` with ``upper=True``).

    Args:
        input: symmetric positive-definite matrices (..., n, n) (symmetrised as ``(A +
            A^T) / 2`` first).
        upper: return the upper factor ``U`` instead of ``L``.
        out: unsupported (must be None).

    Returns:
        The triangular factor, of ``input``'s shape and dtype.

    Example:
        >>> ft.cholesky(ft.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
        [[2.0, 0.0], [1.0, 1.0]]
    """
    refuse_out("cholesky", out)
    return _linalg().cholesky(input, upper=upper)


def cholesky_solve(B: ArrayLike, L: ArrayLike, upper: bool = False, *,  # noqa: N803
                   out: Any = None) -> Array:
    """Solve ``A X = B`` given the Cholesky factor of ``A``.

    Args:
        B: the right-hand sides (..., n, k).
        L: the Cholesky factor of ``A`` (..., n, n): lower, or upper with ``upper=True``.
        upper: ``L`` is the upper factor ``U`` (``A = U^T U``).
        out: unsupported (must be None).

    Returns:
        ``X`` of ``B``'s shape.

    Example:
        >>> L = ft.array([[2.0, 0.0], [1.0, 1.0]])  # A = L L^T = [[4, 2], [2, 2]]
        >>> ft.cholesky_solve(ft.array([[4.0], [2.0]]), L).tolist()
        [[1.0], [0.0]]
    """
    refuse_out("cholesky_solve", out)
    return _scipy().cho_solve((L, not upper), B)


def cholesky_inverse(L: ArrayLike, upper: bool = False, *, out: Any = None) -> Array:  # noqa: N803
    """``inv(A)`` given the Cholesky factor of ``A``.

    Args:
        L: the Cholesky factor of ``A`` (n, n): lower, or upper with ``upper=True``.
        upper: ``L`` is the upper factor ``U`` (``A = U^T U``).
        out: unsupported (must be None).

    Returns:
        The (n, n) inverse of ``A``, of ``L``'s dtype.

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

    Args:
        input: square matrices (..., n, n).

    Returns:
        A named tuple ``(sign, logabsdet)`` of arrays of shape (...): the sign (-1, 0 or 1)
        and ``log|det|`` (``-inf`` for a singular matrix).

    Example:
        >>> sign, logabsdet = ft.slogdet(ft.array([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign.item(), logabsdet.item()  # -1, log 6
        (-1.0, 1.7918)
    """
    sign, logabsdet = _linalg().slogdet(input)
    return returns("slogdet", sign, logabsdet)


def logdet(input: ArrayLike) -> Array:  # noqa: A002
    """``log(det(input))``: NaN for a negative determinant, ``-inf`` for zero.

    Args:
        input: square matrices (..., n, n).

    Returns:
        An array of shape (...), of ``input``'s dtype.

    Example:
        >>> ft.logdet(ft.array([[2.0, 0.0], [0.0, 3.0]])).item()  # log 6
        1.7918
    """
    sign, logabsdet = _linalg().slogdet(input)
    return ops.where(sign < 0, np.nan, ops.where(sign == 0, -np.inf, logabsdet))


def qr(input: ArrayLike, some: bool = True, *, out: Any = None) -> Any:  # noqa: A002
    """``(Q, R)``, reduced unless ``some=False``.

    Args:
        input: matrices (..., m, n).
        some: the reduced factorisation (Q (..., m, k), R (..., k, n) with ``k = min(m,
            n)``); False gives the complete one (Q (..., m, m), R (..., m, n)).
        out: unsupported (must be None).

    Returns:
        A named tuple ``(Q, R)``: ``Q`` with orthonormal columns, ``R`` upper triangular.

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

    Args:
        input: matrices (..., m, n).
        some: the reduced factorisation (``U`` (..., m, k), ``V`` (..., n, k), ``k = min(m,
            n)``); False gives square ``U`` and ``V``.
        compute_uv: False returns ``U`` and ``V`` filled with zeros (as torch).
        out: unsupported (must be None).

    Returns:
        A named tuple ``(U, S, V)``; ``S`` (..., k) holds the singular values in descending
        order.

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

    Args:
        input: matrices (..., m, n).
        rcond: the relative cutoff for small singular values.

    Returns:
        The pseudo-inverse (..., n, m).

    Example:
        >>> ft.pinverse(ft.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.0]]
    """
    return _linalg().pinv(input, rtol=rcond)


def matrix_rank(input: ArrayLike, tol: float | None = None, symmetric: bool = False, *,
                atol: float | None = None, rtol: float | None = None) -> Array:  # noqa: A002
    """The numerical rank (``ft.linalg.matrix_rank``).

    Args:
        input: matrices (..., m, n).
        tol: the absolute cutoff for singular values (same as ``atol``).
        symmetric: accepted for torch compatibility (no effect).
        atol: the absolute cutoff; takes precedence over ``tol``.
        rtol: the cutoff relative to the largest singular value.

    Returns:
        An int64 array of shape (...).

    Example:
        >>> ft.matrix_rank(ft.array([[1.0, 2.0], [2.0, 4.0]])).item()
        1
    """
    return _linalg().matrix_rank(input, rtol=rtol, tol=tol if atol is None else atol)


def solve(A: ArrayLike, B: ArrayLike, *, left: bool = True,  # noqa: N803
          out: Any = None) -> Array:
    """Solve ``A X = B`` (``X A = B`` with ``left=False``), over ``ft.linalg.solve``.

    Args:
        A: square matrices (..., n, n).
        B: the right-hand sides (..., n, k) ((..., k, n) with ``left=False``), or a
            vector (n,).
        left: solve ``A X = B`` (True) or ``X A = B`` (False).
        out: unsupported (must be None).

    Returns:
        ``X`` of ``B``'s shape (batch dims broadcast).

    Example:
        >>> ft.solve(ft.array([[2.0, 0.0], [0.0, 4.0]]), ft.array([[2.0], [2.0]])).tolist()
        [[1.0], [0.5]]
    """
    refuse_out("solve", out)
    if left:
        return _linalg().solve(A, B)
    # X A = B  <=>  A^T X^T = B^T
    B = as_array(B)
    if B.ndim == 1:
        return _linalg().solve(ops.swapaxes(A, -1, -2), B)
    return ops.swapaxes(_linalg().solve(ops.swapaxes(A, -1, -2), ops.swapaxes(B, -1, -2)),
                        -1, -2)


def lstsq(A: ArrayLike, B: ArrayLike, rcond: float | None = None, *,  # noqa: N803
          driver: str | None = None) -> Any:
    """Least squares ``min |A X - B|``: ``(solution, residuals, rank, singular_values)``.

    Args:
        A: a matrix (m, n).
        B: the right-hand sides (m, k) or (m,).
        rcond: the relative cutoff for small singular values of ``A``.
        driver: accepted for torch compatibility (no effect).

    Returns:
        A named tuple ``(solution, residuals, rank, singular_values)``; ``solution`` is
        (n, k) (or (n,)).

    Example:
        >>> A, B = ft.array([[1.0, 0.0], [0.0, 2.0]]), ft.array([[1.0], [4.0]])
        >>> ft.lstsq(A, B)[0].tolist()
        [[1.0], [2.0]]
    """
    return returns("lstsq", *_linalg().lstsq(A, B, rcond=rcond))


def triangular_solve(b: ArrayLike, A: ArrayLike, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> Any:  # noqa: N803
    """Solve ``A X = b`` for triangular ``A``: ``(solution, cloned_coefficient)``.

    Args:
        b: the right-hand sides (..., n, k).
        A: a triangular matrix (..., n, n); the other triangle is ignored.
        upper: ``A`` is upper (True) or lower (False) triangular.
        transpose: solve ``A^T X = b``.
        unitriangular: assume ones on the diagonal of ``A``.

    Returns:
        A named tuple ``(solution, cloned_coefficient)``: ``X`` of ``b``'s shape and a
        copy of ``A``.

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

    Args:
        A: square matrices (..., n, n).
        pivot: accepted for torch compatibility; partial pivoting is always used.
        get_infos: also return an int32 array of zeros of shape (...) (torch's error
            codes).

    Returns:
        ``(LU, pivots)`` (``(LU, pivots, infos)`` with ``get_infos``): ``LU`` (..., n, n)
        holds ``U`` and the unit-lower ``L`` below the diagonal; ``pivots`` (..., n) is
        int32, row ``i`` swapped with row ``pivots[i]`` (1-based).

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


__all__ = ["det", "inverse", "matrix_power", "matrix_exp", "cholesky", "cholesky_solve",
           "cholesky_inverse", "slogdet", "logdet", "qr", "svd", "pinverse", "matrix_rank",
           "solve", "lstsq", "triangular_solve", "lu", "norm", "frobenius_norm", "dist",
           "cdist", "pdist", "cosine_similarity", "geqrf", "orgqr", "ormqr"]
