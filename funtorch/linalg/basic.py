"""Inverses, determinants, solves and the Cholesky and singular value decompositions.

Every function accepts stacks of matrices ``(..., m, n)`` and computes one result per
matrix, as NumPy does. Integer inputs become the default float dtype. The primitives
and their derivative rules live in ``funtorch/ops/decompositions.py``.

Derivatives at singular points: ``det`` has an exact gradient at singular matrices (the
cofactor matrix, computed from an SVD); its second derivative, and the derivatives of
``inv``, ``solve`` and ``slogdet``, need the inverse and raise NumPy's ``LinAlgError``
(a ``ValueError``) on an exactly singular matrix. ``svd`` derivatives need distinct,
non-zero singular values; ``norm(x, 2)`` and ``norm(x, "nuc")`` are smooth elsewhere.
The vector and Frobenius norms have gradient 0 at ``x = 0`` (PyTorch's subgradient).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.ops import registry as R
from funtorch.ops.decomp_qr import qr_p
from funtorch.ops.decompositions import (
    cholesky_p, det_p, inv_p, logabsdet_p, mT, slogdet_sign_p, solve_p, svd_p,
)
from funtorch.typing import Array, ArrayLike

__all__ = ["cholesky", "det", "inv", "slogdet", "solve", "svd"]

_NOT_SQUARE = ("{fn}: expected a square matrix or a stack of them, shape (..., n, n), got "
               "shape {shape}{hint}")


def _square(a, fn, hint=""):
    a = R.to_float(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(_NOT_SQUARE.format(fn=fn, shape=a.shape, hint=hint))
    return a


def _matrix(a, fn):
    a = R.to_float(a)
    if a.ndim < 2:
        raise ValueError(f"{fn}: expected a matrix or a stack of them, shape (..., m, n), got "
                         f"shape {a.shape}")
    return a


def inv(a: ArrayLike) -> Array:
    """The inverse of a square matrix (or of each matrix in a stack).

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``; integers become the
            default float dtype.

    Returns:
        An array of ``a``'s shape and (float) dtype: the inverse of each matrix.

    Raises:
        ValueError: a non-square input; ``LinAlgError`` (a ``ValueError``) if singular.

    Example:
        >>> ft.linalg.inv(ft.array([[2.0, 0.0], [0.0, 4.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    return bind(inv_p, _square(a, "inv"))


def det(a: ArrayLike) -> Array:
    """The determinant of a square matrix (or of each matrix in a stack).

    Its gradient is the cofactor matrix ``det(a) * inv(a).T``, computed so that it stays
    exact (and finite) when ``a`` is singular.

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``; integers become the
            default float dtype.

    Returns:
        An array of shape ``a.shape[:-2]`` (0-d for one matrix) and ``a``'s float dtype.

    Raises:
        ValueError: ``a`` is not square.

    Example:
        >>> ft.linalg.det(ft.array([[2.0, 1.0], [1.0, 3.0]])).item()
        5.0
    """
    return bind(det_p, _square(a, "det"))


def slogdet(a: ArrayLike) -> Any:
    """``(sign, logabsdet)`` with ``det(a) == sign * exp(logabsdet)``, without overflow.

    ``sign`` is a constant (no gradient); ``logabsdet`` has gradient ``inv(a).T``.

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``.

    Returns:
        A tuple ``(sign, logabsdet)`` of arrays of shape ``a.shape[:-2]``: ``sign`` is 1, -1
        (or 0 for a singular matrix, whose ``logabsdet`` is ``-inf``).

    Raises:
        ValueError: ``a`` is not square.

    Example:
        >>> sign, logdet = ft.linalg.slogdet(ft.array([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign.item(), round(logdet.item(), 4)
        (-1.0, 1.7918)
    """
    a = _square(a, "slogdet")
    return bind(slogdet_sign_p, a), bind(logabsdet_p, a)


def solve(a: ArrayLike, b: ArrayLike) -> Array:
    """Solve ``a @ x = b`` for ``x`` (NumPy 2 rules): ``b`` of shape ``(n,)`` is one
    vector, otherwise ``b`` is ``(..., n, k)``; batch dimensions broadcast.

    Args:
        a: the square coefficient matrices, shape ``(..., n, n)``.
        b: the right-hand sides, shape ``(n,)`` or ``(..., n, k)``; ``a`` and ``b`` are
            promoted to a common float dtype.

    Returns:
        ``x``, of ``b``'s shape (with the batch dimensions broadcast).

    Raises:
        ValueError: a non-square ``a`` or misaligned shapes (both named);
            ``LinAlgError`` (a ``ValueError``) if ``a`` is singular.

    Example:
        >>> ft.linalg.solve(ft.array([[2.0, 0.0], [0.0, 4.0]]), ft.array([2.0, 2.0])).tolist()
        [1.0, 0.5]
    """
    a, b = _square(a, "solve"), R.to_float(b)
    if a.dtype != b.dtype:
        dtype = np.promote_types(a.dtype, b.dtype)
        a, b = ops.astype(a, dtype), ops.astype(b, dtype)
    if b.ndim == 0 or b.shape[0 if b.ndim == 1 else -2] != a.shape[-1]:
        raise ValueError(f"solve: shapes {a.shape} and {b.shape} are not aligned: b needs "
                         f"shape ({a.shape[-1]},) or (..., {a.shape[-1]}, k)")
    if b.ndim == 1:
        return ops.reshape(bind(solve_p, a, ops.reshape(b, (-1, 1))), a.shape[:-2] + b.shape)
    return bind(solve_p, a, b)


def cholesky(a: ArrayLike, upper: bool = False) -> Array:
    """The Cholesky factor ``L`` (lower triangular, ``a = L @ L.T``) of a symmetric
    positive definite matrix, or ``L.T`` with ``upper=True``. As in JAX, ``a`` is read as
    ``(a + a.T) / 2`` (NumPy reads its lower triangle; the two agree on symmetric input),
    so the gradient is symmetric, as JAX's and PyTorch's are.

    Args:
        a: a symmetric positive definite matrix or a stack of them, shape ``(..., n, n)``.
        upper: return the upper factor ``L.T`` instead of ``L``.

    Returns:
        A triangular array of ``a``'s shape and float dtype.

    Raises:
        ValueError: a non-square input; ``LinAlgError`` if ``a`` is not positive definite
            (on CuPy the factor holds NaNs instead, as ``cupy.linalg.cholesky`` gives).

    Example:
        >>> ft.linalg.cholesky(ft.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
        [[2.0, 0.0], [1.0, 1.0]]
    """
    lower = bind(cholesky_p, _square(a, "cholesky"))
    return mT(lower) if upper else lower


def _complete_basis(thin):
    """``thin`` (``m x k`` orthonormal columns) extended to an orthogonal ``m x m`` matrix;
    the added columns (any basis of the complement) have no derivative."""
    q, _ = bind(qr_p, thin, complete=True)
    return ops.concatenate([thin, q[..., thin.shape[-1]:]], axis=-1)


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """Singular value decomposition ``a = u @ (s[..., None] * vh)``, as ``numpy.linalg.svd``.

    Returns ``s`` (descending) when ``compute_uv=False``, else ``(u, s, vh)``. Signs are
    fixed (the largest entry of each column of ``u`` is positive), so they are the same in
    float32 and float64 and change continuously with ``a``. With ``full_matrices=True``
    (NumPy's default) on a non-square matrix, ``u`` (or ``vh``) is completed to a square
    orthogonal matrix; the added vectors are any basis of the complement, so they have no
    derivative, and differentiating through them raises (as in JAX): pass
    ``full_matrices=False`` to differentiate. ``hermitian`` is accepted for NumPy's
    signature and changes nothing (the SVD of a symmetric matrix is the same).

    Derivatives of ``u`` and ``vh`` need distinct, non-zero singular values.

    Args:
        a: a matrix or a stack of them, shape ``(..., m, n)``.
        full_matrices: square ``u`` ``(..., m, m)`` and ``vh`` ``(..., n, n)``; else
            ``(..., m, k)`` and ``(..., k, n)`` with ``k = min(m, n)``.
        compute_uv: also return ``u`` and ``vh``.
        hermitian: accepted for NumPy's signature; ignored.

    Returns:
        ``s`` of shape ``(..., k)`` when ``compute_uv=False``, else the tuple ``(u, s, vh)``.

    Raises:
        ValueError: ``a`` has fewer than 2 dimensions.

    Example:
        >>> ft.linalg.svd(ft.array([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False).tolist()
        [4.0, 3.0]
    """
    a = _matrix(a, "svd")
    if not compute_uv:
        return bind(svd_p, a, part="s")
    u, s, vt = (bind(svd_p, a, part=part) for part in ("u", "s", "vt"))
    m, n = a.shape[-2:]
    if full_matrices and m > n:
        u = _complete_basis(u)
    elif full_matrices and m < n:
        vt = mT(_complete_basis(mT(vt)))
    return u, s, vt
