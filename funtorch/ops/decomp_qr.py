"""QR decomposition ``a = q @ r`` as one multiple-results primitive returning ``(q, r)``.

Signs are fixed so that ``diag(r) >= 0`` (LAPACK's are arbitrary): the factorisation is
then unique for a full-rank ``a`` and continuous in it. ``complete=True`` gives the square
``q`` (``m x m``) and ``r`` of shape ``(m, n)``.

Derivatives (JAX's rule, real case), for ``m >= n`` with the reduced factors (or a square
``a``): with ``X = dA r^-1``, ``C = q^T X`` and ``W = tril(C, -1) - tril(C, -1)^T``,
``dq = q (W - C) + X`` and ``dr = (C - W) r``. The VJP is its transpose. The extra columns
of a complete ``q`` of a tall matrix are any orthonormal basis of the complement: they have
no derivative, and asking for one raises. Wide matrices are handled by ``ft.linalg.qr``
as ``[x, y] = q [r1, q^T y]`` with the square ``x``, a composition.
"""

from __future__ import annotations

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.decomp_triangular import solve_triangular_p
from funtorch.ops.decompositions import _matrix_shape, mT
from funtorch.ops.linalg import matmul
from funtorch import ops

_NO_DERIVATIVE = ("qr: no derivative for the complete factors of a tall matrix of shape "
                  "{shape} (the extra columns of q are not unique; svd with "
                  "full_matrices=True builds its extra vectors this way) nor for a wide one; "
                  "use mode='reduced' (svd: full_matrices=False) to differentiate")


def _qr_shape(x, complete):
    shape, dtype = _matrix_shape("qr", square=False)(x)
    m, n = shape[-2:]
    k = m if complete else min(m, n)
    return [(shape[:-2] + (m, k), dtype), (shape[:-2] + (k, n), dtype)]


def _qr_impl(xp, x, complete):
    q, r = xp.linalg.qr(x, mode="complete" if complete else "reduced")
    k = min(x.shape[-2:])
    diag = xp.diagonal(r[..., :k, :k], axis1=-2, axis2=-1)
    flip = xp.where(diag < 0, -1.0, 1.0).astype(x.dtype)
    if q.shape[-1] > k:  # complete tall: the extra columns keep LAPACK's signs
        flip = xp.concatenate([flip, xp.ones(flip.shape[:-1] + (q.shape[-1] - k,),
                                             dtype=x.dtype)], axis=-1)
    return q * flip[..., None, :], r * flip[..., :, None]


def _check_differentiable(x, complete):
    m, n = x.shape[-2:]
    if m < n or (complete and m != n):
        raise NotImplementedError(_NO_DERIVATIVE.format(shape=tuple(x.shape)))


def _right_solve_r(y, r, trans=False):
    """``y @ r^-1`` (``y @ r^-T`` with ``trans``) for an upper triangular ``r``."""
    return mT(bind(solve_triangular_p, r, mT(y), lower=False, trans=not trans,
                   unit_diagonal=False))


def _qr_jvp(t, ans, x, complete):
    _check_differentiable(x, complete)
    q, r = ans
    dx_rinv = _right_solve_r(t, r)
    c = matmul(mT(q), dx_rinv)
    lower = ops.tril(c, -1)
    w = lower - mT(lower)
    return matmul(q, w - c) + dx_rinv, matmul(c - w, r)


def _qr_vjp(cts, ans, x, complete):
    _check_differentiable(x, complete)
    gq, gr = cts
    q, r = ans
    g = matmul(gr, mT(r))
    k = matmul(mT(q), gq)
    adj_c = g - ops.tril(g, -1) + ops.tril(mT(g), -1) + ops.tril(k - mT(k), -1) - k
    return _right_solve_r(matmul(q, adj_c) + gq, r, trans=True)


def _qr_batch(args, bdims, complete):
    return bind(qr_p, R.move_bdim(args[0], bdims[0]), complete=complete), (0, 0)


def _qr_samples(s):
    shape = s.choice([(3, 3), (4, 3), (2, 4, 2), (4, 4)])
    a = s.array(shape, domain=(-0.3, 0.3))
    spread = ops.eye(shape[-2], shape[-1], dtype=a.dtype, device=a.device)
    complete = s.boolean() and shape[-1] == shape[-2]
    return (a + 2.0 * spread,), {"complete": complete}


qr_p = Primitive(
    "qr", _qr_impl, shape=_qr_shape, vjp=(_qr_vjp,), jvp=(_qr_jvp,), batch=_qr_batch,
    samples=_qr_samples, multiple_results=True, torch_name="LinalgQr")
