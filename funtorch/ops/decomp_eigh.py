"""Eigendecompositions: ``eigh`` (symmetric) and ``eig`` (general, real spectrum only).

Both are one multiple-results primitive returning ``(w, v)``. Eigenvector signs are fixed
(the largest entry of each column is positive), so float32 and float64, a batch and a loop
agree, and the vectors change continuously with the input.

Derivatives follow JAX: with ``M = V^-1 dA V`` and ``F[i, j] = 1 / (w_j - w_i)`` (0 on the
diagonal), ``dw = diag(M)`` and ``dV = V (F * M)`` (``eig`` then removes the part that
would change the unit norm of each column). ``F`` is infinite for repeated eigenvalues:
the eigenvector derivatives are then undefined (the eigenspace has no unique basis), and
they come out as ``inf``/``nan`` (or huge, where rounding split the eigenvalue);
eigenvalue derivatives stay exact (``inf * 0`` is taken as 0, see :func:`gap_product`).

``eig`` sorts its eigenvalues ascending (LAPACK's order, which NumPy keeps, jumps under
small changes of the input, so it would not be differentiable). It refuses
(``ValueError``) a matrix with complex eigenvalues (its primitive and derivative rules are
real); matrices with a real spectrum (triangular ones, similarity transforms of real
diagonals, small perturbations of such) get real results and derivatives.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.decompositions import _matrix_shape, inv_p, mT
from funtorch.ops.linalg import matmul
from funtorch import ops

_COMPLEX_EIG = ("eig: the matrix has complex eigenvalues (largest imaginary part {imag:.3g}); "
                "funtorch's eig and eigvals are real and only accept matrices with a real "
                "spectrum; use eigh for symmetric matrices")


def fix_signs(xp, v):
    """Flip each column of ``v`` so that its largest-magnitude entry is positive."""
    top = xp.take_along_axis(v, xp.argmax(xp.abs(v), axis=-2)[..., None, :], axis=-2)
    return v * xp.where(top < 0, -1.0, 1.0).astype(v.dtype)


def _pair_shape(name):
    square = _matrix_shape(name)

    def rule(x):
        shape, dtype = square(x)
        return [(shape[:-1], dtype), (shape, dtype)]
    return rule


def _batch(prim):
    def rule(args, bdims):
        return bind(prim, R.move_bdim(args[0], bdims[0])), (0, 0)
    return rule


def inverse_gaps(w):
    """``F[i, j] = 1 / (w_j - w_i)`` off the diagonal, 0 on it."""
    eye = ops.eye(w.shape[-1], dtype=w.dtype, device=w.device)
    gaps = ops.expand_dims(w, -2) - ops.expand_dims(w, -1)
    return 1.0 / (gaps + eye) - eye


def gap_product(w, m):
    """``F * m`` with ``F`` from :func:`inverse_gaps`, taking ``inf * 0`` as 0: at a
    repeated eigenvalue the eigenvalue derivatives (and any eigenvector derivative whose
    direction does not split the eigenspace) stay finite, as with JAX's symbolic zeros."""
    return ops.where(m == 0, 0.0, inverse_gaps(w) * m)


def _diag_embed(w):
    return ops.expand_dims(w, -1) * ops.eye(w.shape[-1], dtype=w.dtype, device=w.device)


def _symmetrize(m):
    return 0.5 * (m + mT(m))


# eigh -------------------------------------------------------------------------------------


def _eigh_impl(xp, x):
    w, v = xp.linalg.eigh(0.5 * (x + xp.swapaxes(x, -1, -2)))
    return w, fix_signs(xp, v)


def _eigh_jvp(t, ans, x):
    w, v = ans
    m = matmul(matmul(mT(v), _symmetrize(t)), v)
    dw = ops.sum(m * ops.eye(w.shape[-1], dtype=w.dtype, device=w.device), axis=-1)
    return dw, matmul(v, gap_product(w, m))


def _eigh_vjp(cts, ans, x):
    gw, gv = cts
    w, v = ans
    inner = _diag_embed(gw) + gap_product(w, matmul(mT(v), gv))
    return _symmetrize(matmul(matmul(v, inner), mT(v)))


def _separated_diagonal(s, shape, symmetric):
    """``diag(n, ..., 1)`` plus noise of size 0.1: eigenvalues about 1 apart."""
    n = shape[-1]
    noise = s.array(shape, domain=(-0.1, 0.1))
    if symmetric:
        noise = _symmetrize(noise)
    spread = ops.arange(n, 0, -1, dtype=noise.dtype, device=noise.device)
    return noise + _diag_embed(spread)


def _eigh_samples(s):
    return (_separated_diagonal(s, s.choice([(3, 3), (2, 4, 4), (1, 1)]), True),), {}


eigh_p = Primitive(
    "eigh", _eigh_impl, shape=_pair_shape("eigh"), vjp=(_eigh_vjp,), jvp=(_eigh_jvp,),
    samples=_eigh_samples, multiple_results=True, torch_name="LinalgEigh")
eigh_p.batch = _batch(eigh_p)


# eig (real spectrum) ----------------------------------------------------------------------


def _eig_impl(xp, x):
    if hasattr(xp.linalg, "eig"):
        w, v = xp.linalg.eig(x)
    else:  # CuPy has no general eigensolver: solve on the host
        w, v = (xp.asarray(part) for part in np.linalg.eig(xp.asnumpy(x)))
    if xp.iscomplexobj(w):
        imag = float(xp.max(xp.abs(w.imag)))
        if imag != 0.0:
            raise ValueError(_COMPLEX_EIG.format(imag=imag))
        w, v = w.real, v.real
    # LAPACK's order jumps under small changes of a (diagonal vs not): sort ascending
    order = xp.argsort(w, axis=-1)
    w = xp.take_along_axis(w, order, axis=-1)
    v = xp.take_along_axis(v, order[..., None, :], axis=-1)
    return w.astype(x.dtype), fix_signs(xp, v.astype(x.dtype))


def _unit_norm_part(v, dv):
    """Remove from ``dv`` the component along each column of ``v`` (keeps ``|v_i| = 1``)."""
    return dv - v * ops.sum(v * dv, axis=-2, keepdims=True)


def _eig_jvp(t, ans, x):
    w, v = ans
    m = matmul(matmul(bind(inv_p, v), t), v)
    dw = ops.sum(m * ops.eye(w.shape[-1], dtype=w.dtype, device=w.device), axis=-1)
    return dw, _unit_norm_part(v, matmul(v, gap_product(w, m)))


def _eig_vjp(cts, ans, x):
    gw, gv = cts
    w, v = ans
    inner = _diag_embed(gw) + gap_product(w, matmul(mT(v), _unit_norm_part(v, gv)))
    return matmul(matmul(mT(bind(inv_p, v)), inner), mT(v))


def _eig_samples(s):
    return (_separated_diagonal(s, s.choice([(3, 3), (2, 4, 4), (1, 1)]), False),), {}


eig_p = Primitive(
    "eig", _eig_impl, shape=_pair_shape("eig"), vjp=(_eig_vjp,), jvp=(_eig_jvp,),
    samples=_eig_samples, multiple_results=True, torch_name="LinalgEig")
eig_p.batch = _batch(eig_p)
