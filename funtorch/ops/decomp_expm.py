"""Matrix functions: ``expm`` (the matrix exponential) and ``pinv`` (the pseudo-inverse).

``expm`` is Higham's scaling and squaring with the [13/13] Pade approximant (Higham 2005,
"The scaling and squaring method for the matrix exponential revisited"; SciPy's and JAX's
method), computed in float64 and cast back, with one scaling per matrix of a stack. Its
derivative is the Frechet derivative ``L(a, e)``, read off the exponential of a block
matrix: ``expm([[a, e], [0, a]]) = [[expm(a), L(a, e)], [0, expm(a)]]`` (Mathias 1996);
the VJP is ``L(a^T, g)``. Both are ``expm`` again, so every order of derivative exists.

``pinv`` is ``V diag(1/s) U^T`` over the singular values above ``rtol * max(s)``. Its
derivative (Golub and Pereyra 1973; JAX's rule) holds where the rank is locally constant.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops.decompositions import (
    _batch_matrix, _matrix_shape, _separated_singular_values, mT,
)
from funtorch.ops.linalg import matmul
from funtorch import ops
from funtorch.ops import registry as R

_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152  # the largest 1-norm where [13/13] Pade is accurate to eps


# expm -------------------------------------------------------------------------------------


def _expm_impl(xp, x):
    a = x.astype(np.float64)
    n = a.shape[-1]
    norm = xp.max(xp.sum(xp.abs(a), axis=-2), axis=-1)
    ratio = xp.maximum(norm / _THETA13, 1e-300)
    squarings = xp.maximum(0, xp.ceil(xp.log2(ratio))).astype(np.int64)
    a = a / (2.0 ** squarings)[..., None, None]
    b = _PADE13
    eye = xp.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    result = xp.linalg.solve(v - u, v + u)
    for step in range(int(xp.max(squarings)) if squarings.size else 0):
        squared = result @ result
        result = xp.where((squarings > step)[..., None, None], squared, result)
    return result.astype(x.dtype)


def frechet_expm(a, e):
    """The Frechet derivative ``L(a, e)`` of ``expm`` at ``a`` in the direction ``e``
    (stacks broadcast), from the exponential of a ``2n x 2n`` block matrix."""
    shape = np.broadcast_shapes(a.shape, e.shape)
    a, e = ops.broadcast_to(a, shape), ops.broadcast_to(e, shape)
    n = a.shape[-1]
    top = ops.concatenate([a, e], axis=-1)
    bottom = ops.concatenate([ops.zeros_like(a), a], axis=-1)
    block = bind(expm_p, ops.concatenate([top, bottom], axis=-2))
    return block[..., :n, n:]


expm_p = Primitive(
    "expm", R.real_kernel("expm", _expm_impl), shape=_matrix_shape("expm"),
    vjp=(lambda g, ans, x: frechet_expm(mT(x), g),),
    jvp=(lambda t, ans, x: frechet_expm(x, t),),
    samples=lambda s: ((s.array(s.choice([(3, 3), (2, 2, 2), (1, 1)]), domain=(-1.5, 1.5))
                        * s.choice([1.0, 3.0]),), {}),
    torch_name="LinalgMatrixExp")
expm_p.batch = _batch_matrix(expm_p)


# pinv ---------------------------------------------------------------------------------------


def _pinv_impl(xp, x, rtol):
    u, s, vt = xp.linalg.svd(x, full_matrices=False)
    cutoff = rtol * xp.max(s, axis=-1, keepdims=True, initial=0.0)
    keep = s > cutoff
    inverse = xp.where(keep, 1.0 / xp.where(keep, s, 1.0), 0.0).astype(x.dtype)
    return xp.matmul(xp.swapaxes(vt, -1, -2) * inverse[..., None, :], xp.swapaxes(u, -1, -2))


def _pinv_shape(x, rtol):
    shape, dtype = _matrix_shape("pinv", square=False)(x)
    return shape[:-2] + (shape[-1], shape[-2]), dtype


def _eye_like(x, n):
    return ops.eye(n, dtype=x.dtype, device=x.device)


def _pinv_jvp(t, ans, x, rtol):
    p = ans
    m, n = x.shape[-2:]
    out = -matmul(matmul(p, t), p)
    out = out + matmul(matmul(matmul(p, mT(p)), mT(t)), _eye_like(x, m) - matmul(x, p))
    return out + matmul(matmul(_eye_like(x, n) - matmul(p, x), mT(t)), matmul(mT(p), p))


def _pinv_vjp(g, ans, x, rtol):
    p = ans
    m, n = x.shape[-2:]
    out = -matmul(matmul(mT(p), g), mT(p))
    out = out + matmul(matmul(_eye_like(x, m) - matmul(x, p), mT(g)), matmul(p, mT(p)))
    return out + matmul(matmul(matmul(mT(p), p), mT(g)), _eye_like(x, n) - matmul(p, x))


def _pinv_samples(s):
    shape = s.choice([(3, 3), (4, 3), (3, 4), (2, 4, 3)])
    return (_separated_singular_values(s, shape),), {"rtol": 1e-10}


pinv_p = Primitive(
    "pinv", _pinv_impl, shape=_pinv_shape, vjp=(_pinv_vjp,), jvp=(_pinv_jvp,),
    samples=_pinv_samples, torch_name="LinalgPinv")
pinv_p.batch = _batch_matrix(pinv_p)
