"""Matrix functions and decompositions: ``inv, det, cofactor, slogdet, solve, cholesky,
svd``. The public functions are in ``funtorch.linalg``.

Every primitive takes stacks of matrices ``(..., m, n)`` as NumPy does, so its batch
rule only moves the vmapped axis to the front. Rules use public ops only, so higher
derivatives work. ``det``'s derivative is the cofactor matrix, a primitive of its own
computed from an SVD: it stays exact at singular matrices, where ``det * inv(a).T``
would fail. ``svd`` has one primitive with ``part`` in ``"u", "s", "vt"`` (thin
factors); the rules of each part use the others (Townsend, "Differentiating the
Singular Value Decomposition", 2016). The other factorisations have files of their own:
``decomp_eigh.py`` (eigh, eig), ``decomp_qr.py``, ``decomp_triangular.py``
(solve_triangular, lu) and ``decomp_expm.py`` (expm, pinv).
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.linalg import matmul, pad_batched
from funtorch import ops


def mT(x):
    """Transpose the last two axes (the matrix transpose of a stack)."""
    return ops.swapaxes(x, -1, -2)


def _as_matrix(x):
    """``(...,)`` -> ``(..., 1, 1)``, to scale a stack of matrices by one value each."""
    return ops.reshape(x, x.shape + (1, 1))


def _fit(ct, x):
    ct = R.unbroadcast(ct, x)
    return ct if ct.dtype == x.dtype else ops.astype(ct, x.dtype)


def _matrix_shape(name, square=True, out=lambda shape: shape):
    def rule(x, **params):
        shape = tuple(x.shape)
        if len(shape) < 2 or (square and shape[-1] != shape[-2]):
            kind = "square matrices (..., n, n)" if square else "matrices (..., m, n)"
            raise ValueError(f"{name}: expected {kind}, got shape {shape}")
        if x.dtype.kind != "f":
            raise TypeError(f"{name}: expected a floating array, got dtype {x.dtype}")
        return out(shape, **params), x.dtype
    return rule


def _batch_matrix(prim):
    def rule(args, bdims, **params):
        return bind(prim, R.move_bdim(args[0], bdims[0]), **params), 0
    return rule


def _matrix_primitive(name, impl, vjp=None, jvp=None, samples=None, out=lambda shape: shape,
                      square=True, **extra):
    prim = Primitive(name, impl, shape=_matrix_shape(name, square, out), vjp=vjp, jvp=jvp,
                     samples=samples, **extra)
    prim.batch = _batch_matrix(prim)
    return prim


def _well_conditioned(s, shape):
    """Sample a matrix (stack) with a dominant diagonal: invertible and far from singular."""
    a = s.array(shape, domain=(-0.5, 0.5))
    return a + 3.0 * ops.eye(shape[-1], dtype=a.dtype, device=a.device)


def _separated_singular_values(s, shape):
    """Sample a matrix (stack) whose singular values are about ``k, ..., 2, 1``: distinct
    and non-zero, where the SVD is differentiable."""
    k = min(shape[-2:])
    spread = np.zeros(shape[-2:])
    spread[range(k), range(k)] = np.arange(k, 0, -1)
    a = s.array(shape, domain=(-0.1, 0.1))
    return a + ops.asarray(spread, dtype=a.dtype, device=a.device)


def _positive_definite(s, shape):
    """Sample a symmetric positive definite matrix (stack): ``a a^T + 3 I``."""
    a = s.array(shape, domain=(-1.0, 1.0))
    return matmul(a, mT(a)) + 3.0 * ops.eye(shape[-1], dtype=a.dtype, device=a.device)


def _square_samples(build=_well_conditioned):
    return lambda s: ((build(s, s.choice([(3, 3), (2, 3, 3)])),), {})


# inv, det, slogdet ----------------------------------------------------------------------


def _inv_vjp(g, ans, x):
    ans_t = mT(ans)
    return -matmul(matmul(ans_t, g), ans_t)


inv_p = _matrix_primitive(
    "inv", lambda xp, x: xp.linalg.inv(x), vjp=(_inv_vjp,),
    jvp=(lambda t, ans, x: -matmul(matmul(ans, t), ans),), samples=_square_samples(),
    torch_name="LinalgInvEx")


def _cofactor_impl(xp, x):
    # C = det(U) det(V^T) U diag(prod_{j != i} s_j) V^T: no division, so exact when singular
    u, s, vt = xp.linalg.svd(x)
    ones = xp.ones_like(s[..., :1])
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(s[..., 1:], axis=-1)], axis=-1),
                               axis=-1), axis=-1)
    sign = xp.linalg.det(u) * xp.linalg.det(vt)
    return xp.matmul(sign[..., None, None] * u * (before * after)[..., None, :], vt)


def _cofactor_vjp(g, ans, x):
    # from C = det(x) inv(x)^T; second derivatives of det at singular matrices need inv
    inv_t = mT(bind(inv_p, x))
    dets = _as_matrix(bind(det_p, x))
    return (_as_matrix(ops.sum(g * inv_t, axis=(-2, -1))) * ans
            - dets * matmul(matmul(inv_t, mT(g)), inv_t))


def _cofactor_jvp(t, ans, x):
    inv_t = mT(bind(inv_p, x))
    dets = _as_matrix(bind(det_p, x))
    return (_as_matrix(ops.sum(ans * t, axis=(-2, -1))) * inv_t
            - dets * matmul(matmul(inv_t, mT(t)), inv_t))


cofactor_p = _matrix_primitive("cofactor", _cofactor_impl, vjp=(_cofactor_vjp,),
                               jvp=(_cofactor_jvp,), samples=_square_samples())

det_p = _matrix_primitive(
    "det", lambda xp, x: xp.linalg.det(x), out=lambda shape: shape[:-2],
    vjp=(lambda g, ans, x: _as_matrix(g) * bind(cofactor_p, x),),
    jvp=(lambda t, ans, x: ops.sum(bind(cofactor_p, x) * t, axis=(-2, -1)),),
    samples=_square_samples(), torch_name="LinalgDet")

slogdet_sign_p = _matrix_primitive(
    "slogdet_sign", lambda xp, x: xp.linalg.slogdet(x)[0], out=lambda shape: shape[:-2],
    nondiff=True, samples=_square_samples())

logabsdet_p = _matrix_primitive(
    "logabsdet", R.real_kernel("logabsdet", lambda xp, x: xp.linalg.slogdet(x)[1]),
    out=lambda shape: shape[:-2],
    vjp=(lambda g, ans, x: _as_matrix(g) * mT(bind(inv_p, x)),),
    jvp=(lambda t, ans, x: ops.sum(mT(bind(inv_p, x)) * t, axis=(-2, -1)),),
    samples=_square_samples(), torch_name="LinalgSlogdet")


# solve ------------------------------------------------------------------------------------


def _solve_shape(a, b):
    a_shape, b_shape = tuple(a.shape), tuple(b.shape)
    if len(a_shape) < 2 or a_shape[-1] != a_shape[-2]:
        raise ValueError(f"solve: expected square matrices (..., n, n) as the first argument, "
                         f"got shape {a_shape}")
    if len(b_shape) < 2 or b_shape[-2] != a_shape[-1]:
        raise ValueError(f"solve: shapes {a_shape} and {b_shape} are not aligned: the "
                         f"right-hand side needs shape (..., {a_shape[-1]}, k)")
    try:
        batch = np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(f"solve: the batch dimensions of shapes {a_shape} and {b_shape} "
                         "cannot be broadcast together") from None
    return tuple(batch) + b_shape[-2:], np.result_type(a.dtype, b.dtype)


def _solve_impl(xp, a, b):
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])  # CuPy does not broadcast
    return xp.linalg.solve(xp.broadcast_to(a, batch + a.shape[-2:]),
                           xp.broadcast_to(b, batch + b.shape[-2:]))


def _solve_vjp_a(g, ans, a, b):
    return _fit(-matmul(bind(solve_p, mT(a), g), mT(ans)), a)


def _solve_samples(s):
    a_shape, b_shape = s.choice([((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2))])
    return (_well_conditioned(s, a_shape), s.array(b_shape)), {}


solve_p = Primitive(
    "solve", _solve_impl, shape=_solve_shape,
    vjp=(_solve_vjp_a, lambda g, ans, a, b: _fit(bind(solve_p, mT(a), g), b)),
    jvp=(lambda t, ans, a, b: -bind(solve_p, a, matmul(t, ans)),
         lambda t, ans, a, b: bind(solve_p, a, t)),
    batch=lambda args, bdims: (bind(solve_p, *pad_batched(args, bdims)), 0),
    samples=_solve_samples, torch_name="LinalgSolveEx")


# cholesky ----------------------------------------------------------------------------------


def _phi_mask(x):
    """Constant lower-triangle mask with 1/2 on the diagonal (Murray's Phi)."""
    n = x.shape[-1]
    return ops.asarray(np.tril(np.ones((n, n))) - 0.5 * np.eye(n), dtype=x.dtype,
                       device=x.device)


def _symmetrize(m):
    return 0.5 * (m + mT(m))


# As in JAX (symmetrize_input=True), the input is read as (x + x^T) / 2 rather than as
# LAPACK's lower triangle: the same value for a symmetric x, and a symmetric gradient, so
# gradient steps keep a covariance-like parameter symmetric (PyTorch's gradient is
# symmetric too).
def _cholesky_jvp(t, ans, x):
    phi = _phi_mask(x)
    inv_l = bind(inv_p, ans)
    return matmul(ans, phi * matmul(matmul(inv_l, _symmetrize(t)), mT(inv_l)))


def _cholesky_vjp(g, ans, x):
    # transpose of the JVP (Murray 2016, "Differentiation of the Cholesky decomposition")
    phi = _phi_mask(x)
    inv_l = bind(inv_p, ans)
    return _symmetrize(matmul(matmul(mT(inv_l), phi * matmul(mT(ans), g)), inv_l))


def _cholesky_impl(xp, x):
    return xp.linalg.cholesky(0.5 * (x + xp.swapaxes(x, -1, -2)))


cholesky_p = _matrix_primitive(
    "cholesky", _cholesky_impl, vjp=(_cholesky_vjp,),
    jvp=(_cholesky_jvp,), samples=_square_samples(_positive_definite),
    torch_name="LinalgCholeskyEx")


# svd -----------------------------------------------------------------------------------------


def _svd_impl(xp, x, part):
    if part == "s":
        return xp.linalg.svd(x, compute_uv=False)
    u, _, vt = xp.linalg.svd(x, full_matrices=False)
    # LAPACK's signs are arbitrary (float32 and float64 disagree): flip each pair (u_i, v_i)
    # so that the largest entry of u_i is positive, which is also continuous in x
    top = xp.take_along_axis(u, xp.argmax(xp.abs(u), axis=-2)[..., None, :], axis=-2)
    flip = xp.where(top < 0, -1.0, 1.0).astype(u.dtype)
    return u * flip if part == "u" else vt * xp.swapaxes(flip, -1, -2)


def _svd_out(shape, part):
    m, n = shape[-2:]
    k = min(m, n)
    if part not in ("u", "s", "vt"):
        raise ValueError(f"svd: part must be 'u', 's' or 'vt', got {part!r}")
    return shape[:-2] + {"u": (m, k), "s": (k,), "vt": (k, n)}[part]


def _svd_factors(x):
    return tuple(bind(svd_p, x, part=part) for part in ("u", "s", "vt"))


def _inverse_gaps(s):
    """``F[i, j] = 1 / (s_j^2 - s_i^2)``, and 0 where the two are equal."""
    sq = s * s
    gaps = ops.expand_dims(sq, -2) - ops.expand_dims(sq, -1)
    equal = gaps == 0
    return ops.where(equal, 0.0, 1.0 / ops.where(equal, 1.0, gaps))


def _svd_vjp(g, ans, x, part):
    u, s, vt = _svd_factors(x)
    row = ops.expand_dims(s, -2)  # scales column j by s_j
    if part == "s":
        return matmul(u * ops.expand_dims(g, -2), vt)
    if part == "u":
        sym = _inverse_gaps(s) * matmul(mT(u), g)
        inner = matmul(u, (sym + mT(sym)) * row) + (g - matmul(u, matmul(mT(u), g))) / row
        return matmul(inner, vt)
    sym = _inverse_gaps(s) * matmul(vt, mT(g))
    outer = matmul(u, ops.expand_dims(s, -1) * (sym + mT(sym)))
    return matmul(outer, vt) + matmul(u / row, g - matmul(matmul(g, mT(vt)), vt))


def _svd_jvp(t, ans, x, part):
    u, s, vt = _svd_factors(x)
    if part == "s":
        return ops.sum(matmul(mT(u), t) * vt, axis=-1)  # diag(U^T t V)
    v, row, col = mT(vt), ops.expand_dims(s, -2), ops.expand_dims(s, -1)
    dp = matmul(matmul(mT(u), t), v)
    if part == "u":
        return (matmul(u, _inverse_gaps(s) * (dp * row + col * mT(dp)))
                + (matmul(t, v) - matmul(u, dp)) / row)
    dv = (matmul(v, _inverse_gaps(s) * (col * dp + mT(dp) * row))
          + (matmul(mT(t), u) - matmul(v, mT(dp))) / row)
    return mT(dv)


def _svd_samples(s):
    shape = s.choice([(3, 3), (4, 3), (3, 4), (2, 4, 3)])
    return (_separated_singular_values(s, shape),), {"part": s.choice(["s", "u", "vt"])}


svd_p = _matrix_primitive("svd", R.real_kernel("svd", _svd_impl), vjp=(_svd_vjp,),
                          jvp=(_svd_jvp,), square=False, out=_svd_out, samples=_svd_samples,
                          torch_name="LinalgSvd")
