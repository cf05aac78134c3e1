"""Eigenvalues, QR, pseudo-inverses and least squares: ``eigh, eigvalsh, eig, eigvals,
qr, svdvals, pinv, lstsq, matrix_rank``. The primitives are in ``funtorch/ops/decomp_*.py``.

Eigenvector derivatives (``eigh``, ``eig``) divide by eigenvalue gaps: at a repeated
eigenvalue the eigenvectors are not unique and their derivatives are ``inf``/``nan``
(as in JAX and PyTorch); eigenvalue derivatives stay exact, and so does any function of
the eigenvectors that does not depend on the basis chosen inside an eigenspace only in
exact arithmetic.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.linalg.basic import _matrix, _square
from funtorch.ops import registry as R
from funtorch.ops.decomp_eigh import eig_p, eigh_p
from funtorch.ops.decomp_expm import pinv_p
from funtorch.ops.decomp_qr import qr_p
from funtorch.ops.decompositions import mT, svd_p
from funtorch.ops.linalg import matmul
from funtorch.typing import Array, ArrayLike

__all__ = ["eig", "eigh", "eigvals", "eigvalsh", "lstsq", "matrix_rank", "pinv", "qr",
           "svdvals"]

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])
QRResult = namedtuple("QRResult", ["Q", "R"])
LstsqResult = namedtuple("LstsqResult", ["x", "residuals", "rank", "singular_values"])


def symmetric_from_triangle(a, lower=True):
    """The symmetric matrix whose lower (or upper) triangle is that of ``a``."""
    if lower:
        return ops.tril(a) + mT(ops.tril(a, -1))
    return ops.triu(a) + mT(ops.triu(a, 1))


def eigh(a: ArrayLike, UPLO: str | None = None, symmetrize_input: bool = True) -> Any:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (stack).

    Args:
        a: ``(..., n, n)``.
        UPLO: 'L' (default) or 'U': the triangle read when ``symmetrize_input=False``.
        symmetrize_input: read ``a`` as ``(a + a.T) / 2`` (JAX's default), so the gradient
            is symmetric; on a symmetric ``a`` both readings agree.

    Returns:
        ``EighResult(eigenvalues, eigenvectors)`` with ``a @ v = v * w``. Each eigenvector's
        largest entry is positive.

    Derivatives: exact for the eigenvalues; the eigenvectors' derivatives divide by the
    gaps between eigenvalues, so they are ``inf``/``nan`` at repeated eigenvalues (the
    eigenvectors are not unique there).

    Raises:
        ValueError: ``UPLO`` is not ``'L'`` or ``'U'``.

    Example:
        >>> ft.linalg.eigh(ft.array([[2.0, 1.0], [1.0, 2.0]])).eigenvalues.tolist()
        [1.0, 3.0]
    """
    a = _square(a, "eigh")
    if UPLO not in (None, "L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    if not symmetrize_input:
        a = symmetric_from_triangle(a, lower=UPLO != "U")
    return EighResult(*bind(eigh_p, a))


def eigvalsh(a: ArrayLike, UPLO: str = "L", symmetrize_input: bool = True) -> Array:  # noqa: N803
    """The eigenvalues (ascending) of a symmetric matrix (stack); see :func:`eigh` (as
    JAX, ``a`` is read as ``(a + a.T) / 2`` unless ``symmetrize_input=False``).

    Args:
        a: a symmetric matrix or a stack of them, shape ``(..., n, n)``.
        UPLO: 'L' (default) or 'U': the triangle read when ``symmetrize_input=False``.
        symmetrize_input: read ``a`` as ``(a + a.T) / 2``.

    Returns:
        The eigenvalues, shape ``(..., n)``, in ``a``'s float dtype.

    Raises:
        ValueError: ``a`` is not square, or ``UPLO`` is not ``'L'`` or ``'U'``.

    Example:
        >>> ft.linalg.eigvalsh(ft.array([[2.0, 0.0], [0.0, 1.0]])).tolist()
        [1.0, 2.0]
    """
    return eigh(a, UPLO=UPLO, symmetrize_input=symmetrize_input).eigenvalues


def eig(a: ArrayLike) -> Any:
    """Eigenvalues and unit eigenvectors of a general square matrix with a real spectrum.

    Its rules are real, so this accepts only matrices whose eigenvalues are
    all real (triangular matrices, ``S diag(w) S^-1`` with real ``w``, ...), and returns
    real arrays. The eigenvalues are sorted ascending (NumPy keeps LAPACK's order, which
    jumps under small changes of ``a``; sorted, they are differentiable).

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``, with real eigenvalues.

    Returns:
        ``EigResult(eigenvalues, eigenvectors)`` with ``a @ v = v * w``.

    Raises:
        ValueError: a matrix with complex eigenvalues (use :func:`eigh` for symmetric ones).

    Example:
        >>> ft.linalg.eig(ft.array([[2.0, 1.0], [0.0, 3.0]])).eigenvalues.tolist()
        [2.0, 3.0]
    """
    return EigResult(*bind(eig_p, _square(a, "eig")))


def eigvals(a: ArrayLike) -> Array:
    """The eigenvalues of a square matrix with a real spectrum; see :func:`eig`.

    Args:
        a: a square matrix or a stack of them, shape ``(..., n, n)``, with real eigenvalues.

    Returns:
        The eigenvalues (ascending), shape ``(..., n)``, in ``a``'s float dtype.

    Raises:
        ValueError: ``a`` is not square or has complex eigenvalues.

    Example:
        >>> ft.linalg.eigvals(ft.array([[1.0, 5.0], [0.0, 2.0]])).tolist()
        [1.0, 2.0]
    """
    return eig(a).eigenvalues


def svdvals(x: ArrayLike) -> Array:
    """The singular values (descending) of a matrix (stack), differentiable where they
    are distinct and non-zero.

    Args:
        x: a matrix or a stack of them, shape ``(..., m, n)``.

    Returns:
        The singular values, shape ``(..., min(m, n))``, in ``x``'s float dtype.

    Raises:
        ValueError: ``x`` has fewer than 2 dimensions.

    Example:
        >>> ft.linalg.svdvals(ft.array([[0.0, 2.0], [1.0, 0.0]])).tolist()
        [2.0, 1.0]
    """
    return bind(svd_p, _matrix(x, "svdvals"), part="s")


def qr(a: ArrayLike, mode: str = "reduced") -> Any:
    """QR decomposition ``a = Q @ R`` with ``Q`` orthonormal columns and ``R`` upper
    triangular with a non-negative diagonal.

    Args:
        a: ``(..., m, n)``.
        mode: 'reduced' (``Q`` is ``m x k``, ``R`` is ``k x n``, ``k = min(m, n)``),
            'complete' (``Q`` is ``m x m``) or 'r' (``R`` only).

    Returns:
        ``QRResult(Q, R)``, or ``R`` for ``mode='r'``.

    Derivatives exist for every shape except the complete ``Q`` of a tall matrix (its
    extra columns are not unique): differentiating through it raises.

    Raises:
        ValueError: an unknown ``mode``.

    Example:
        >>> ft.linalg.qr(ft.array([[3.0], [4.0]])).R.tolist()
        [[5.0]]
    """
    a = _matrix(a, "qr")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r} "
                         "('raw' is LAPACK's internal format, not supported)")
    m, n = a.shape[-2:]
    if m >= n:
        q, r = bind(qr_p, a, complete=mode == "complete" and m > n)
    else:  # wide: [x, y] = q [r1, q^T y] with the square x, so the derivative composes
        q, r1 = bind(qr_p, a[..., :, :m], complete=False)
        r = ops.concatenate([r1, matmul(mT(q), a[..., :, m:])], axis=-1)
    return r if mode == "r" else QRResult(q, r)


def _default_rtol(a):
    return 10.0 * max(a.shape[-2:]) * float(np.finfo(a.dtype).eps)


def pinv(a: ArrayLike, rtol: float | None = None, hermitian: bool = False, *,
         rcond: float | None = None) -> Array:
    """The Moore-Penrose pseudo-inverse of a matrix (stack), from its SVD.

    Args:
        a: ``(..., m, n)``.
        rtol: singular values below ``rtol * max(s)`` count as zero; default
            ``10 * max(m, n) * eps`` (JAX's; NumPy's old default 1e-15 is too small for
            float32). ``rcond`` is NumPy's name for the same.
        hermitian: accepted for NumPy's signature; the result is the same.

    Returns:
        ``(..., n, m)``. Its derivative holds where the rank does not change.

    Raises:
        ValueError: both ``rtol`` and ``rcond`` given.

    Example:
        >>> ft.linalg.pinv(ft.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.0]]
    """
    a = _matrix(a, "pinv")
    if rcond is not None and rtol is not None:
        raise ValueError("pinv: give rtol or rcond (NumPy's name for it), not both")
    rtol = rcond if rtol is None else rtol
    rtol = _default_rtol(a) if rtol is None else float(rtol)
    return bind(pinv_p, a, rtol=rtol)


def matrix_rank(M: ArrayLike, rtol: float | None = None, *,  # noqa: N803
                tol: float | None = None) -> Array:
    """The number of singular values above ``tol`` (default ``rtol * max(s)``, with
    ``rtol = max(m, n) * eps``), as an integer array; a 1-D input has rank 0 or 1.

    Args:
        M: a matrix or a stack of them, shape ``(..., m, n)`` (or a 1-D vector).
        rtol: the relative tolerance (singular values below ``rtol * max(s)`` are zero);
            default ``max(m, n) * eps``.
        tol: an absolute tolerance (a scalar or one per matrix, shape ``(...)``); when given,
            ``rtol`` is ignored.

    Returns:
        An int64 array of shape ``M.shape[:-2]`` (0-d for one matrix); not differentiable.

    Example:
        >>> ft.linalg.matrix_rank(ft.array([[1.0, 2.0], [2.0, 4.0]])).item()
        1
    """
    m = R.to_float(M)
    if m.ndim < 2:
        return ops.astype(ops.any(m != 0), np.int64)
    s = ops.stop_gradient(bind(svd_p, m, part="s"))
    if tol is None:
        rtol = max(m.shape[-2:]) * float(np.finfo(m.dtype).eps) if rtol is None else rtol
        tol = ops.max(s, axis=-1, keepdims=True) * rtol
    else:
        tol = ops.expand_dims(R.as_array(tol), -1)
    return ops.sum(ops.astype(s > tol, np.int64), axis=-1)


def lstsq(a: ArrayLike, b: ArrayLike, rcond: float | None = None) -> Any:
    """The least-squares solution ``x`` of ``a @ x = b``, as ``numpy.linalg.lstsq``.

    Args:
        a: ``(m, n)``.
        b: ``(m,)`` or ``(m, k)``.
        rcond: singular values below ``rcond * max(s)`` count as zero (default
            ``max(m, n) * eps``).

    Returns:
        ``(x, residuals, rank, s)``: ``x`` of shape ``(n,)`` or ``(n, k)`` (the
        minimum-norm solution, ``pinv(a) @ b``, differentiable where the rank is locally
        constant); ``residuals`` the squared residual norms per column when ``m > n``
        (also for a rank-deficient ``a``, as JAX: NumPy gives an empty array then, a
        value-dependent shape that jit cannot stage), else an empty array; ``rank`` an
        integer array; ``s`` the singular values.

    Raises:
        ValueError: ``a`` is not ``(m, n)`` or ``b`` not ``(m,)``/``(m, k)``.

    Example:
        >>> x, res, rank, s = ft.linalg.lstsq(ft.array([[1.0], [1.0]]), ft.array([1.0, 3.0]))
        >>> round(x.item(), 4), res.tolist(), rank.item()
        (2.0, [2.0], 1)
    """
    a, b = R.promote(R.to_float(a), R.to_float(b))
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"lstsq: expected a of shape (m, n) and b of shape (m,) or (m, k), "
                         f"got {a.shape} and {b.shape}")
    m, n = a.shape
    rcond = max(m, n) * float(np.finfo(a.dtype).eps) if rcond is None else float(rcond)
    x = matmul(bind(pinv_p, a, rtol=rcond), b)
    s = svdvals(a)
    rank = matrix_rank(a, tol=ops.max(ops.stop_gradient(s)) * rcond)
    if m > n:
        residual = b - matmul(a, x)
        residuals = ops.sum(residual * residual, axis=0)
        residuals = ops.reshape(residuals, (1,)) if b.ndim == 1 else residuals
    else:
        residuals = ops.zeros((0,), dtype=a.dtype, device=a.device)
    return LstsqResult(x, residuals, rank, s)

