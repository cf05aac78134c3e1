"""``ft.linalg``: NumPy's ``numpy.linalg`` functions, differentiable and batched.

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

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.ops import registry as R
from funtorch.ops.decompositions import (
    cholesky_p, det_p, inv_p, logabsdet_p, mT, slogdet_sign_p, solve_p, svd_p,
)
from funtorch.ops.reductions import normalize_axis, reduced_shape

__all__ = ["cholesky", "det", "inv", "norm", "slogdet", "solve", "svd"]

_NOT_SQUARE = ("{fn}: expected a square matrix or a stack of them, shape (..., n, n), got "
               "shape {shape}{hint}")
_VECTOR_ORDS = "None, inf, -inf, 0, 1, 2 or any other number"
_MATRIX_ORDS = "None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf"


def _square(a, fn, hint=""):
    a = R.to_float(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(_NOT_SQUARE.format(fn=fn, shape=a.shape, hint=hint))
    return a


def inv(a):
    """The inverse of a square matrix (or of each matrix in a stack).

    Raises:
        ValueError: a non-square input; ``LinAlgError`` (a ``ValueError``) if singular.

    Example:
        >>> ft.linalg.inv(ft.array([[2.0, 0.0], [0.0, 4.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    return bind(inv_p, _square(a, "inv"))


def det(a):
    """The determinant of a square matrix (or of each matrix in a stack).

    Its gradient is the cofactor matrix ``det(a) * inv(a).T``, computed so that it stays
    exact (and finite) when ``a`` is singular.

    Example:
        >>> ft.linalg.det(ft.array([[2.0, 1.0], [1.0, 3.0]])).item()
        5.0
    """
    return bind(det_p, _square(a, "det"))


def slogdet(a):
    """``(sign, logabsdet)`` with ``det(a) == sign * exp(logabsdet)``, without overflow.

    ``sign`` is a constant (no gradient); ``logabsdet`` has gradient ``inv(a).T``.

    Example:
        >>> sign, logdet = ft.linalg.slogdet(ft.array([[-2.0, 0.0], [0.0, 3.0]]))
        >>> sign.item(), round(logdet.item(), 4)
        (-1.0, 1.7918)
    """
    a = _square(a, "slogdet")
    return bind(slogdet_sign_p, a), bind(logabsdet_p, a)


def solve(a, b):
    """Solve ``a @ x = b`` for ``x`` (NumPy 2 rules): ``b`` of shape ``(n,)`` is one
    vector, otherwise ``b`` is ``(..., n, k)``; batch dimensions broadcast.

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


def cholesky(a, upper=False):
    """The Cholesky factor ``L`` (lower triangular, ``a = L @ L.T``) of a symmetric
    positive definite matrix, or ``L.T`` with ``upper=True``. As in JAX, ``a`` is read as
    ``(a + a.T) / 2`` (NumPy reads its lower triangle; the two agree on symmetric input),
    so the gradient is symmetric, as JAX's and PyTorch's are.

    Raises:
        ValueError: a non-square input; ``LinAlgError`` if ``a`` is not positive definite
            (on CuPy the factor holds NaNs instead, as ``cupy.linalg.cholesky`` gives).

    Example:
        >>> ft.linalg.cholesky(ft.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
        [[2.0, 0.0], [1.0, 1.0]]
    """
    lower = bind(cholesky_p, _square(a, "cholesky"))
    return mT(lower) if upper else lower


def svd(a, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``a = u @ (s[..., None] * vh)``, as ``numpy.linalg.svd``.

    Returns ``s`` (descending) when ``compute_uv=False``, else ``(u, s, vh)``. Signs are
    fixed (the largest entry of each column of ``u`` is positive), so they are the same in
    float32 and float64 and change continuously with ``a``. Derivatives of ``u`` and ``vh``
    exist only for the thin factors, so ``full_matrices=True`` (NumPy's default) is
    accepted for square matrices, where both forms agree.

    Raises:
        ValueError: ``full_matrices=True`` with ``compute_uv=True`` on a non-square matrix.

    Example:
        >>> ft.linalg.svd(ft.array([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False).tolist()
        [4.0, 3.0]
    """
    a = R.to_float(a)
    if a.ndim < 2:
        raise ValueError(f"svd: expected a matrix or a stack of them, shape (..., m, n), got "
                         f"shape {a.shape}")
    if not compute_uv:
        return bind(svd_p, a, part="s")
    if full_matrices and a.shape[-1] != a.shape[-2]:
        raise ValueError(f"svd: full_matrices=True on a non-square shape {a.shape} would add "
                         "basis vectors with no derivative; pass full_matrices=False")
    return tuple(bind(svd_p, a, part=part) for part in ("u", "s", "vt"))


# norm ------------------------------------------------------------------------------------


def _root(total, power):
    """``total ** (1 / power)`` with gradient 0 (not NaN) where ``total`` is 0."""
    zero = total == 0
    safe = ops.where(zero, 1.0, total)
    root = ops.sqrt(safe) if power == 2 else ops.power(safe, 1.0 / power)
    return ops.where(zero, 0.0, root)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _root(ops.sum(x * x, axis=axis, keepdims=keepdims), 2)
    if ord == np.inf:
        return ops.max(ops.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return ops.min(ops.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return ops.sum(ops.astype(x != 0, x.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return ops.sum(ops.abs(x), axis=axis, keepdims=keepdims)
    return _root(ops.sum(ops.power(ops.abs(x), float(ord)), axis=axis, keepdims=keepdims), ord)


def _singular_values(x, rows, cols, keepdims, reduce):
    values = reduce(bind(svd_p, ops.moveaxis(x, (rows, cols), (-2, -1)), part="s"), axis=-1)
    return ops.reshape(values, reduced_shape(x.shape, (rows, cols), keepdims))


def _matrix_norm(x, ord, rows, cols, keepdims):
    axes = tuple(sorted((rows, cols)))
    if ord is None or ord == "fro":
        return _root(ops.sum(x * x, axis=axes, keepdims=keepdims), 2)
    if ord == "nuc":
        return _singular_values(x, rows, cols, keepdims, ops.sum)
    if ord in (2, -2):
        return _singular_values(x, rows, cols, keepdims, ops.max if ord == 2 else ops.min)
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = ops.sum(ops.abs(x), axis=inner, keepdims=True)
        out = (ops.max if ord > 0 else ops.min)(sums, axis=outer, keepdims=True)
        return out if keepdims else ops.reshape(out, reduced_shape(x.shape, axes, False))
    raise ValueError(f"norm: invalid ord {ord!r} for a matrix norm; use {_MATRIX_ORDS}")


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """Vector or matrix norm with ``numpy.linalg.norm``'s full semantics.

    Args:
        x: an array; with ``axis=None`` and ``ord=None`` it is flattened, with ``axis=None``
            and another ``ord`` it must be 1-D (vector norm) or 2-D (matrix norm).
        ord: vector norms: None/2 (Euclidean), 1, inf, -inf, 0 (count of non-zeros) or any
            ``p`` (``sum(|x|**p) ** (1/p)``); matrix norms: None/'fro', 'nuc' (sum of
            singular values), 1/-1 (max/min column sum), 2/-2 (largest/smallest singular
            value), inf/-inf (max/min row sum).
        axis: an int (vector norms), a pair of ints (matrix norms) or None.
        keepdims: keep the reduced axes with length 1.

    Raises:
        ValueError: an ``ord`` that does not fit the kind of norm, or a bad ``axis``.

    Example:
        >>> ft.linalg.norm(ft.array([3.0, 4.0])).item()
        5.0
    """
    x = R.to_float(x)
    if axis is None:
        if ord is None:
            return _root(ops.sum(x * x, axis=None, keepdims=keepdims), 2)
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} with axis=None needs a 1-D or 2-D array, got "
                             f"shape {x.shape}; pass axis=(an int) or axis=(a pair of ints)")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(normalize_axis(a, x.ndim, "norm")[0] for a in axes)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid ord {ord!r} for a vector norm; use {_VECTOR_ORDS}")
        return _vector_norm(x, ord, axes, keepdims)
    if len(axes) == 2 and axes[0] != axes[1]:
        return _matrix_norm(x, ord, axes[0], axes[1], keepdims)
    raise ValueError(f"norm: axis must be an int (vector norm) or a pair of distinct ints "
                     f"(matrix norm), got {axis!r}")
