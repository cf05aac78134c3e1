"""``scipy.linalg``'s factorisations and solvers with SciPy's signatures: ``cholesky``
(upper by default), ``cho_factor, cho_solve, lu, lu_factor, lu_solve, solve_triangular,
eigh, qr, qr_multiply, expm, expm_frechet, solve_sylvester``. Exported by
``ft.scipy.linalg``; the primitives are in ``funtorch/ops/decomp_*.py``.
"""

from __future__ import annotations

from funtorch import ops
from funtorch.core import bind
from funtorch.linalg import basic, spectral
from funtorch.linalg.basic import _matrix, _square, solve
from funtorch.ops import registry as R
from funtorch.ops.decomp_expm import expm_p, frechet_expm
from funtorch.ops.decomp_triangular import (
    lu_p, lu_pivots_p, permute_rows, solve_triangular_p, unpack_lu,
)
from funtorch.ops.decompositions import mT
from funtorch.ops.linalg import matmul

__all__ = ["cho_factor", "cho_solve", "cholesky", "eigh", "expm", "expm_frechet", "lu",
           "lu_factor", "lu_solve", "qr", "qr_multiply", "solve_sylvester",
           "solve_triangular"]

_TRANS = {0: False, "N": False, 1: True, "T": True, 2: True, "C": True}


def _trans(trans, fn):
    if trans not in _TRANS:
        raise ValueError(f"{fn}: trans must be 0/'N', 1/'T' or 2/'C', got {trans!r}")
    return _TRANS[trans]


def _triangular(a, b, lower, trans, unit_diagonal, fn):
    """Solve with 1-D (or ``a.ndim - 1``) right-hand sides read as vectors."""
    a = _square(a, fn)
    a, b = R.promote(a, R.to_float(b))
    vector = b.ndim == a.ndim - 1
    if vector:
        b = ops.expand_dims(b, -1)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"{fn}: shapes {a.shape} and {tuple(b.shape)} are not aligned: b "
                         f"needs shape (..., {a.shape[-1]}) or (..., {a.shape[-1]}, k)")
    x = bind(solve_triangular_p, a, b, lower=bool(lower), trans=trans,
             unit_diagonal=bool(unit_diagonal))
    return x[..., 0] if vector else x


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """Solve ``op(a) x = b`` reading only the lower (or upper) triangle of ``a``.

    Args:
        a: ``(..., n, n)``.
        b: ``(..., n)`` or ``(..., n, k)``; batch dimensions broadcast.
        trans: 0/'N' (``a x = b``), 1/'T' or 2/'C' (``a^T x = b``).
        lower: read the lower triangle (default: upper, as SciPy).
        unit_diagonal: take the diagonal as ones (it is not read).

    Returns:
        ``x`` with ``b``'s shape; differentiable in ``a`` (its triangle) and ``b``.

    Example:
        >>> ft.scipy.linalg.solve_triangular(ft.array([[2.0, 0.0], [1.0, 1.0]]),
        ...                                  ft.array([2.0, 3.0]), lower=True).tolist()
        [1.0, 2.0]
    """
    return _triangular(a, b, lower, _trans(trans, "solve_triangular"), unit_diagonal,
                       "solve_triangular")


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor, upper (``a = U.T @ U``, SciPy's default) or lower.

    Example:
        >>> ft.scipy.linalg.cholesky(ft.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
        [[2.0, 1.0], [0.0, 1.0]]
    """
    return basic.cholesky(a, upper=not lower)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)`` for :func:`cho_solve`: ``c`` is the Cholesky factor (the other
    triangle holds zeros).

    Example:
        >>> c, lower = ft.scipy.linalg.cho_factor(ft.array([[4.0, 0.0], [0.0, 1.0]]))
        >>> c.tolist(), lower
        ([[2.0, 0.0], [0.0, 1.0]], False)
    """
    return cholesky(a, lower=lower), bool(lower)


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` from ``cho_factor(a)``: two triangular solves.

    Example:
        >>> factor = ft.scipy.linalg.cho_factor(ft.array([[4.0, 0.0], [0.0, 1.0]]))
        >>> ft.scipy.linalg.cho_solve(factor, ft.array([4.0, 1.0])).tolist()
        [1.0, 1.0]
    """
    c, lower = c_and_lower
    # a = L L^T (lower) or U^T U (upper): solve with the first factor, then the second
    y = _triangular(c, b, lower, not lower, False, "cho_solve")
    return _triangular(c, y, lower, lower, False, "cho_solve")


def lu(a, permute_l=False, overwrite_a=False, check_finite=True):
    """LU decomposition with partial pivoting, ``a = p @ l @ u``, as ``scipy.linalg.lu``.

    Args:
        a: ``(..., m, n)``.
        permute_l: return ``(p @ l, u)`` instead of ``(p, l, u)``.

    Returns:
        ``p`` (``m x m`` permutation matrix), ``l`` (``m x k`` unit lower triangular),
        ``u`` (``k x n`` upper triangular), ``k = min(m, n)``. ``l`` and ``u`` are
        differentiable for square ``a`` (the pivoting is a constant).

    Example:
        >>> p, l, u = ft.scipy.linalg.lu(ft.array([[1.0, 2.0], [4.0, 4.0]]))
        >>> l.tolist(), u.tolist()
        ([[1.0, 0.0], [0.25, 1.0]], [[4.0, 4.0], [0.0, 1.0]])
    """
    a = _matrix(a, "lu")
    lower, upper = unpack_lu(bind(lu_p, a))
    perm = bind(lu_pivots_p, a, part="perm")
    rows = ops.arange(a.shape[-2], dtype=perm.dtype, device=a.device)
    p = ops.astype(ops.expand_dims(perm, -2) == ops.expand_dims(rows, -1), a.dtype)
    if permute_l:
        return matmul(p, lower), upper
    return p, lower, upper


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``(lu, piv)`` as LAPACK's ``getrf``: ``l`` below the diagonal of ``lu`` (unit
    diagonal implied), ``u`` on and above it; row ``i`` was swapped with row ``piv[i]``.

    Example:
        >>> lu_, piv = ft.scipy.linalg.lu_factor(ft.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> piv.tolist()
        [1, 1]
    """
    a = _matrix(a, "lu_factor")
    return bind(lu_p, a), bind(lu_pivots_p, a, part="pivots")


def _perm_from_pivots(piv, m):
    """Apply the row swaps ``piv`` to ``arange(m)`` with array ops (traceable)."""
    rows = ops.arange(m, dtype=piv.dtype, device=piv.device)
    perm = ops.broadcast_to(rows, piv.shape[:-1] + (m,))
    for j in range(piv.shape[-1]):
        target = piv[..., j:j + 1]
        here, there = perm[..., j:j + 1], ops.take_along_axis(perm, target, axis=-1)
        perm = ops.where(rows == j, there, ops.where(rows == target, here, perm))
    return perm


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` (``trans=0``) or ``a^T x = b`` (1 or 2) from ``lu_factor(a)``.

    Example:
        >>> factor = ft.scipy.linalg.lu_factor(ft.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> ft.scipy.linalg.lu_solve(factor, ft.array([5.0, 11.0])).tolist()
        [1.0, 2.0]
    """
    packed, piv = lu_and_piv
    transposed = _trans(trans, "lu_solve")
    packed, b = R.promote(_square(packed, "lu_solve"), R.to_float(b))
    vector = b.ndim == packed.ndim - 1
    b = ops.expand_dims(b, -1) if vector else b
    perm = _perm_from_pivots(R.as_array(piv), packed.shape[-1])
    if not transposed:
        y = _triangular(packed, permute_rows(b, perm), True, False, True, "lu_solve")
        x = _triangular(packed, y, False, False, False, "lu_solve")
    else:
        y = _triangular(packed, b, False, True, False, "lu_solve")
        z = _triangular(packed, y, True, True, True, "lu_solve")
        x = permute_rows(z, ops.argsort(perm, axis=-1))
    return x[..., 0] if vector else x


def eigh(a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, eigvals=None):  # noqa: A002
    """Eigenvalues and eigenvectors of a symmetric ``a`` (reading one triangle), or of the
    generalized problem with a positive definite ``b``: ``a v = w b v`` (``type=1``),
    ``a b v = w v`` (2) or ``b a v = w v`` (3).

    Args:
        a: ``(..., n, n)``; its ``lower`` (default) or upper triangle is read.
        b: optional positive definite ``(..., n, n)`` (same triangle read).
        eigvals_only: return the eigenvalues only.
        subset_by_index: ``(lo, hi)``, keep eigenvalues ``lo..hi`` (inclusive, ascending);
            ``eigvals`` is the older name.

    Returns:
        ``w`` (ascending), or ``(w, v)`` with ``v.T @ b @ v = I`` (types 1, 2) or
        ``v.T @ inv(b) @ v = I`` (type 3), as SciPy normalises them. See
        ``ft.linalg.eigh`` for the derivatives (undefined eigenvectors at repeated
        eigenvalues).

    Example:
        >>> ft.scipy.linalg.eigh(ft.array([[2.0, 0.0], [0.0, 1.0]]), eigvals_only=True).tolist()
        [1.0, 2.0]
    """
    if type not in (1, 2, 3):
        raise ValueError(f"eigh: type must be 1 (a v = w b v), 2 (a b v = w v) or 3 "
                         f"(b a v = w v), got type={type!r}")
    a = spectral.symmetric_from_triangle(_square(a, "eigh"), lower)
    if b is None:
        w, v = spectral.eigh(a)
    else:
        factor = basic.cholesky(spectral.symmetric_from_triangle(_square(b, "eigh"), lower))
        w, v = _generalized_eigh(a, factor, type)
    subset = subset_by_index if subset_by_index is not None else eigvals
    if subset is not None:
        lo, hi = (int(i) for i in subset)
        w, v = w[..., lo:hi + 1], v[..., lo:hi + 1]
    return w if eigvals_only else (w, v)


def _generalized_eigh(a, factor, kind):
    """``a v = w b v`` (1), ``a b v = w v`` (2) or ``b a v = w v`` (3) with ``b = L L^T``,
    reduced to the symmetric problem ``c y = w y``: ``c = L^-1 a L^-T`` and
    ``v = L^-T y`` for type 1, ``c = L^T a L`` and ``v = L^-T y`` (2) or ``v = L y`` (3)."""
    if kind == 1:
        left = bind(solve_triangular_p, factor, a, lower=True, trans=False,
                    unit_diagonal=False)
        c = bind(solve_triangular_p, factor, mT(left), lower=True, trans=False,
                 unit_diagonal=False)
    else:
        c = matmul(mT(factor), matmul(a, factor))
    w, y = spectral.eigh(c)
    if kind == 3:
        return w, matmul(factor, y)
    return w, bind(solve_triangular_p, factor, y, lower=True, trans=True, unit_diagonal=False)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """QR decomposition with SciPy's modes: 'full' (square ``Q``), 'economic' (reduced),
    'r' (returns ``(R,)``). See ``ft.linalg.qr`` for the derivatives.

    Raises:
        ValueError: ``pivoting=True`` (column pivoting is LAPACK's geqp3; not offered).

    Example:
        >>> q, r = ft.scipy.linalg.qr(ft.array([[3.0], [4.0]]))
        >>> q.shape, r.tolist()
        ((2, 2), [[5.0], [0.0]])
    """
    if pivoting:
        raise ValueError("qr: pivoting=True (column pivoting) is not supported; "
                         "use pivoting=False")
    modes = {"full": "complete", "economic": "reduced", "r": "complete"}
    if mode not in modes:
        raise ValueError(f"qr: mode must be 'full', 'economic' or 'r', got {mode!r} ('raw' is "
                         "LAPACK's internal format, not supported)")
    q, r = spectral.qr(a, mode=modes[mode])
    return (r,) if mode == "r" else (q, r)


def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False,
                overwrite_c=False):
    """``(c @ q, r)`` (``mode='right'``) or ``(q @ c, r)`` (``'left'``) with the economic
    QR of ``a``; a 1-D ``c`` is a row (right) or a column (left).

    Example:
        >>> cq, r = ft.scipy.linalg.qr_multiply(ft.eye(2), ft.array([1.0, 2.0]))
        >>> cq.tolist()
        [1.0, 2.0]
    """
    if mode not in ("left", "right"):
        raise ValueError(f"qr_multiply: mode must be 'left' or 'right', got {mode!r}")
    if pivoting:
        raise ValueError("qr_multiply: pivoting=True (column pivoting) is not supported; "
                         "use pivoting=False")
    q, r = qr(a, mode="economic")
    c = R.as_array(c)
    return (matmul(c, q) if mode == "right" else matmul(q, c)), r


def expm(A, *, upper_triangular=False, max_squarings=16):  # noqa: N803 - SciPy's name
    """The matrix exponential ``sum_k A^k / k!`` of a square matrix (stack), by scaling
    and squaring with a [13/13] Pade approximant (Higham 2005), differentiable to any
    order (its derivative is :func:`expm_frechet`).

    Example:
        >>> ft.scipy.linalg.expm(ft.zeros((2, 2))).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    return bind(expm_p, _square(A, "expm"))


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):  # noqa: N803
    """The Frechet derivative ``L(A, E)`` of ``expm`` at ``A`` in the direction ``E``,
    with ``expm(A)`` first when ``compute_expm`` (SciPy's return value).

    Example:
        >>> e, frechet = ft.scipy.linalg.expm_frechet(ft.zeros((2, 2)), ft.eye(2))
        >>> frechet.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    a = _square(A, "expm_frechet")
    a, e = R.promote(a, R.to_float(E))
    if e.shape[-2:] != a.shape[-2:]:
        raise ValueError(f"expm_frechet: A and E need the same matrix shape, got {a.shape} "
                         f"and {e.shape}")
    frechet = frechet_expm(a, e)
    return (bind(expm_p, a), frechet) if compute_expm else frechet


def _kron_matrices(a, b):
    """Kronecker products of two stacks of matrices (batch dims broadcast)."""
    left = ops.expand_dims(ops.expand_dims(a, -1), -3)  # (..., m, 1, n, 1)
    right = ops.expand_dims(ops.expand_dims(b, -3), -2)  # (..., 1, p, 1, q)
    out = left * right
    rows, cols = a.shape[-2] * b.shape[-2], a.shape[-1] * b.shape[-1]
    return ops.reshape(out, out.shape[:-4] + (rows, cols))


def solve_sylvester(a, b, q):
    """Solve the Sylvester equation ``a x + x b = q`` for ``x``.

    Solved directly as the linear system ``(a kron I + I kron b^T) vec(x) = vec(q)`` of
    size ``m n``: exact up to that solve's rounding (no Schur form is needed, so no
    complex arithmetic), differentiable, but ``O((m n)^3)``: for small ``m n`` (up to a
    few hundred). The solution is unique when no eigenvalue of ``a`` is minus one of ``b``.

    Example:
        >>> ft.scipy.linalg.solve_sylvester(ft.eye(2), ft.eye(2), ft.eye(2)).tolist()
        [[0.5, 0.0], [0.0, 0.5]]
    """
    a, b = _square(a, "solve_sylvester"), _square(b, "solve_sylvester")
    q = R.to_float(q)
    m, n = a.shape[-1], b.shape[-1]
    if q.ndim < 2 or q.shape[-2:] != (m, n):
        raise ValueError(f"solve_sylvester: q needs shape (..., {m}, {n}) for a of shape "
                         f"{a.shape} and b of shape {b.shape}, got {q.shape}")
    eye_m = ops.eye(m, dtype=a.dtype, device=a.device)
    eye_n = ops.eye(n, dtype=b.dtype, device=b.device)
    system = _kron_matrices(a, eye_n) + _kron_matrices(eye_m, mT(b))
    flat = ops.reshape(q, q.shape[:-2] + (m * n, 1))
    x = solve(system, flat)
    return ops.reshape(x, x.shape[:-2] + (m, n))

