"""Triangular solves and the LU factorisation: ``solve_triangular``, ``lu`` (the packed
``L\\U`` matrix, differentiable) and ``lu_pivots`` (row swaps and permutation, integers).

``solve_triangular`` reads only one triangle of ``a`` (and not its diagonal with
``unit_diagonal``); its gradient with respect to ``a`` lives on that triangle too.

``lu`` is Doolittle elimination with partial pivoting, written over the whole batch with
a Python loop over the columns and a matmul per panel of 16 (no SciPy at runtime):
``a[perm] = L @ U`` with ``L`` unit lower triangular (stored below the diagonal of the
packed result) and ``U`` upper triangular. Its derivative (square ``a``): with
``X = L^-1 dA[perm] U^-1``, ``dL = L tril(X, -1)`` and ``dU = triu(X) U`` (JAX's rule);
the pivots are constants.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.decompositions import _fit, _matrix_shape, _well_conditioned, mT
from funtorch.ops.linalg import matmul, pad_batched
from funtorch import ops

_LU_NO_DERIVATIVE = ("lu: derivatives are implemented for square matrices only, got shape "
                     "{shape}; factor a square matrix (or pad it) to differentiate")


# solve_triangular --------------------------------------------------------------------------


def _triangle(xp, a, lower, unit_diagonal):
    n = a.shape[-1]
    below = np.tri(n, dtype=bool)
    t = xp.where(xp.asarray(below if lower else below.T), a, xp.zeros((), dtype=a.dtype))
    if unit_diagonal:
        t = xp.where(xp.asarray(np.eye(n, dtype=bool)), xp.ones((), dtype=a.dtype), t)
    return t


def _solve_triangular_impl(xp, a, b, lower, trans, unit_diagonal):
    t = _triangle(xp, a, lower, unit_diagonal)
    if trans:
        t = xp.swapaxes(t, -1, -2)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    dtype = np.result_type(a.dtype, b.dtype)
    out = xp.linalg.solve(xp.broadcast_to(t, batch + t.shape[-2:]).astype(dtype),
                          xp.broadcast_to(b, batch + b.shape[-2:]).astype(dtype))
    return out


def _solve_triangular_shape(a, b, lower, trans, unit_diagonal):
    _matrix_shape("solve_triangular")(a)
    if len(b.shape) < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve_triangular: shapes {tuple(a.shape)} and {tuple(b.shape)} are "
                         f"not aligned: b needs shape (..., {a.shape[-1]}, k)")
    batch = R.broadcast_shapes("solve_triangular", a.shape[:-2], b.shape[:-2])
    return tuple(batch) + tuple(b.shape[-2:]), np.result_type(a.dtype, b.dtype)


def triangle_of(x, lower, strict):
    """The lower (or upper) triangle of a stack of matrices, without the diagonal if
    ``strict``."""
    if lower:
        return ops.tril(x, -1 if strict else 0)
    return ops.triu(x, 1 if strict else 0)


def _solve_triangular_jvp_a(t, ans, a, b, lower, trans, unit_diagonal):
    dt = triangle_of(t, lower, unit_diagonal)
    product = matmul(mT(dt) if trans else dt, ans)
    return -bind(solve_triangular_p, a, product, lower=lower, trans=trans,
                 unit_diagonal=unit_diagonal)


def _solve_triangular_vjp_b(g, ans, a, b, lower, trans, unit_diagonal):
    return bind(solve_triangular_p, a, g, lower=lower, trans=not trans,
                unit_diagonal=unit_diagonal)


def _solve_triangular_vjp_a(g, ans, a, b, lower, trans, unit_diagonal):
    gb = _solve_triangular_vjp_b(g, ans, a, b, lower, trans, unit_diagonal)
    ga = -matmul(ans, mT(gb)) if trans else -matmul(gb, mT(ans))
    return _fit(triangle_of(ga, lower, unit_diagonal), a)


def _solve_triangular_batch(args, bdims, **params):
    return bind(solve_triangular_p, *pad_batched(args, bdims), **params), 0


def _solve_triangular_samples(s):
    a_shape, b_shape = s.choice([((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2))])
    params = {"lower": s.boolean(), "trans": s.boolean(), "unit_diagonal": s.boolean()}
    return (_well_conditioned(s, a_shape), s.array(b_shape)), params


solve_triangular_p = Primitive(
    "solve_triangular", _solve_triangular_impl, shape=_solve_triangular_shape,
    vjp=(_solve_triangular_vjp_a,
         lambda g, *args, **params: _fit(_solve_triangular_vjp_b(g, *args, **params), args[2])),
    jvp=(_solve_triangular_jvp_a,
         lambda t, ans, a, b, **params: bind(solve_triangular_p, a, t, **params)),
    batch=_solve_triangular_batch, samples=_solve_triangular_samples,
    torch_name="LinalgSolveTriangular")


# lu -------------------------------------------------------------------------------------------


_LU_BLOCK = 16  # panel width: the trailing update is one matmul per panel


def _swap_rows(xp, a, batch_rows, j, piv):
    a[batch_rows, j], a[batch_rows, piv] = a[batch_rows, piv], a[batch_rows, j].copy()


def lu_factor_buffers(xp, x):
    """``(packed, pivots, perm)`` of a stack ``(..., m, n)``: ``x[perm] = L @ U``, pivots
    as LAPACK's ``getrf`` (row ``j`` was swapped with row ``pivots[j]``).

    Blocked right-looking elimination: each panel of ``_LU_BLOCK`` columns is factored
    column by column (whole rows are swapped, as LAPACK does), then the rows to its right
    get one triangular solve and the trailing matrix one matmul (16x faster than a rank-1
    update per column for 64x64 matrices).
    """
    m, n = x.shape[-2:]
    k = min(m, n)
    batch = x.shape[:-2]
    a = xp.array(x, dtype=x.dtype).reshape((-1, m, n))
    rows = xp.arange(a.shape[0])
    perm = xp.broadcast_to(xp.arange(m, dtype=np.int32), (a.shape[0], m)).copy()
    pivots = xp.zeros((a.shape[0], k), dtype=np.int32)
    one = xp.ones((), dtype=a.dtype)
    for start in range(0, k, _LU_BLOCK):
        stop = min(start + _LU_BLOCK, k)
        for j in range(start, stop):
            piv = j + xp.argmax(xp.abs(a[:, j:, j]), axis=1)
            pivots[:, j] = piv
            _swap_rows(xp, a, rows, j, piv)
            _swap_rows(xp, perm, rows, j, piv)
            pivot = a[:, j, j]
            a[:, j + 1:, j] /= xp.where(pivot == 0, one, pivot)[:, None]
            a[:, j + 1:, j + 1:stop] -= a[:, j + 1:, j, None] * a[:, j, None, j + 1:stop]
        if stop < n:
            unit_lower = xp.tril(a[:, start:stop, start:stop], -1) + xp.eye(stop - start,
                                                                            dtype=a.dtype)
            a[:, start:stop, stop:] = xp.linalg.solve(unit_lower, a[:, start:stop, stop:])
            a[:, stop:, stop:] -= xp.matmul(a[:, stop:, start:stop], a[:, start:stop, stop:])
    return (a.reshape(batch + (m, n)), pivots.reshape(batch + (k,)),
            perm.reshape(batch + (m,)))


def unpack_lu(packed):
    """``(L, U)`` from the packed matrix of shape ``(..., m, n)``."""
    m, n = packed.shape[-2:]
    k = min(m, n)
    eye = ops.eye(m, k, dtype=packed.dtype, device=packed.device)
    return ops.tril(packed[..., :, :k], -1) + eye, ops.triu(packed[..., :k, :])


def permute_rows(x, perm):
    """``x[..., perm, :]`` with a batched ``perm``."""
    index = ops.broadcast_to(ops.expand_dims(perm, -1), perm.shape + (x.shape[-1],))
    return ops.take_along_axis(x, index, axis=-2)


def _lu_parts(x):
    if x.shape[-1] != x.shape[-2]:
        raise NotImplementedError(_LU_NO_DERIVATIVE.format(shape=tuple(x.shape)))
    return bind(lu_pivots_p, x, part="perm")


def _lu_jvp(t, ans, x):
    perm = _lu_parts(x)
    lower, upper = unpack_lu(ans)
    y = bind(solve_triangular_p, lower, permute_rows(t, perm), lower=True, trans=False,
             unit_diagonal=True)
    inner = mT(bind(solve_triangular_p, upper, mT(y), lower=False, trans=True,
                    unit_diagonal=False))
    return matmul(lower, ops.tril(inner, -1)) + matmul(ops.triu(inner), upper)


def _lu_vjp(g, ans, x):
    perm = _lu_parts(x)
    lower, upper = unpack_lu(ans)
    h = ops.tril(matmul(mT(lower), g), -1) + ops.triu(matmul(g, mT(upper)))
    z = bind(solve_triangular_p, lower, h, lower=True, trans=True, unit_diagonal=True)
    z = mT(bind(solve_triangular_p, upper, mT(z), lower=False, trans=False,
                unit_diagonal=False))
    return permute_rows(z, ops.argsort(perm, axis=-1))


def _lu_samples(s):
    a = s.array(s.choice([(3, 3), (2, 4, 4), (1, 1)]), domain=(-1.0, 1.0), unique=True)
    eye = np.eye(a.shape[-1])
    dominant = eye if s.boolean() else eye[::-1]  # an anti-diagonal forces row swaps
    # distinct pivot sizes: a constant `a` plus 4 * anti-diagonal ties two candidate pivots
    # after two eliminations, where partial pivoting (and so finite differences) jumps
    scale = 4.0 + np.arange(a.shape[-1])[:, None]
    return (a + ops.asarray(scale * dominant, dtype=a.dtype, device=a.device),), {}


def _lu_batch(prim):
    def rule(args, bdims, **params):
        return bind(prim, R.move_bdim(args[0], bdims[0]), **params), 0
    return rule


lu_p = Primitive(
    "lu", lambda xp, x: lu_factor_buffers(xp, x)[0],
    shape=_matrix_shape("lu", square=False), vjp=(_lu_vjp,), jvp=(_lu_jvp,),
    samples=_lu_samples, torch_name="LinalgLuFactorEx")
lu_p.batch = _lu_batch(lu_p)


def _lu_pivots_shape(x, part):
    shape, _ = _matrix_shape("lu", square=False)(x)
    size = shape[-2] if part == "perm" else min(shape[-2:])
    return shape[:-2] + (size,), np.dtype(np.int32)


lu_pivots_p = Primitive(
    "lu_pivots", R.real_kernel("lu_pivots", lambda xp, x, part: lu_factor_buffers(
        xp, x)[1 if part == "pivots" else 2]),
    shape=_lu_pivots_shape, nondiff=True,
    samples=lambda s: (_lu_samples(s)[0], {"part": s.choice(["pivots", "perm"])}))
lu_pivots_p.batch = _lu_batch(lu_pivots_p)
