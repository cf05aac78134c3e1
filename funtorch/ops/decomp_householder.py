"""LAPACK's compact QR (``geqrf``) and the products of its Householder reflectors
(``householder_product`` = torch's ``orgqr``, and ``ormqr``).

``geqrf(A)`` returns ``(a, tau)``: ``R`` on and above the diagonal of ``a``, and below it
the reflector vectors ``v_i`` (their leading 1 implied), so that
``Q = H_1 ... H_k`` with ``H_i = I - tau_i v_i v_i^T``. It is one primitive over
``numpy.linalg.qr(mode='raw')`` (the same LAPACK routine torch calls) and, as in torch,
has no derivative: taking one raises (``ft.linalg.qr`` is the differentiable spelling).

``householder_product`` and ``ormqr`` apply the ``k`` reflectors one after another with
public ops (two matrix products each, a loop over reflectors, never over elements), so
they differentiate, batch and stage through those ops; the upper triangle of ``a`` is
never read and gets a zero gradient, as in torch.
"""

from __future__ import annotations

from typing import Any

from funtorch import ops
from funtorch.core import Array, Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.decompositions import _matrix_shape
from funtorch.ops.torch_args import refuse_derivative, refuse_out, returns, to_float
from funtorch.typing import ArrayLike

__all__ = ["geqrf", "householder_product", "orgqr", "ormqr"]

_GEQRF_NO_DERIVATIVE = (
    "geqrf: the derivative is not implemented (as in torch: the reflectors and tau are "
    "LAPACK's storage format); differentiate ft.linalg.qr(A) instead, or call "
    "ft.geqrf(A.detach()) when no derivative is needed")


def _geqrf_shape(x):
    (shape, dtype) = _matrix_shape("geqrf", square=False)(x)
    return [(shape, dtype), (shape[:-2] + (min(shape[-2:]),), dtype)]


def _geqrf_impl(xp, x):
    h, tau = xp.linalg.qr(x, mode="raw")  # h is LAPACK's column-major a, transposed
    return xp.ascontiguousarray(xp.swapaxes(h, -1, -2)).astype(x.dtype), tau.astype(x.dtype)


def _geqrf_samples(s):
    return (s.array(s.choice([(3, 3), (4, 2), (2, 4), (2, 3, 2)])),), {}


geqrf_p = Primitive(
    "geqrf", _geqrf_impl, shape=_geqrf_shape, nondiff=True, multiple_results=True,
    batch=lambda args, bdims: (bind(geqrf_p, R.move_bdim(args[0], bdims[0])), (0, 0)),
    samples=_geqrf_samples, torch_name="Geqrf")


def geqrf(input: ArrayLike, *, out: Any = None) -> Any:  # noqa: A002
    """LAPACK's compact QR factorisation of a matrix (stack): ``(a, tau)``, torch's
    ``geqrf``.

    Args:
        input: ``(..., m, n)``; integers become the default float dtype.

    Returns:
        A named tuple ``(a, tau)``: ``a`` of shape ``(..., m, n)`` holds ``R`` on and above
        the diagonal and the Householder vectors below it; ``tau`` ``(..., min(m, n))``.
        ``householder_product(a, tau)`` is the reduced ``Q`` (of a tall or square input).

    Raises:
        NotImplementedError: under a derivative transform or on the tape (torch has no
            derivative either); use ``ft.linalg.qr``.

    Example:
        >>> a, tau = ft.geqrf(ft.array([[3.0], [4.0]]))
        >>> a.tolist(), tau.tolist()  # R = -5, v = [1, 0.5]
        ([[-5.0], [0.5]], [1.6])
    """
    refuse_out("geqrf", out)
    x = to_float(input)
    try:
        refuse_derivative("geqrf", x)
    except NotImplementedError:
        raise NotImplementedError(_GEQRF_NO_DERIVATIVE) from None
    return returns("geqrf", *bind(geqrf_p, x))


def _reflector(a, i):
    """``v_i`` (..., m): 0 above row i, 1 at row i, ``a[..., i+1:, i]`` below."""
    rows = ops.arange(a.shape[-2], device=a.device)  # on a's device, as the reflector
    return ops.where(rows > i, a[..., :, i], ops.astype(rows == i, a.dtype))


def _reflect(x, v, t, left):
    """``H x`` (``left``) or ``x H`` with ``H = I - t v v^T``."""
    scaled = t[..., None, None] * (v[..., :, None] if left else v[..., None, :])
    if left:
        return x - scaled * ops.matmul(v[..., None, :], x)
    return x - ops.matmul(x, v[..., :, None]) * scaled


def _check(fn, a, tau):
    a, tau = to_float(a), to_float(tau)
    if a.dtype.kind == "c" or tau.dtype.kind == "c":  # complex reflectors are I - tau v v^H
        raise TypeError(f"{fn}: complex inputs are not supported (real reflectors only)")
    if a.ndim < 2 or tau.ndim < 1:
        raise ValueError(f"{fn}: expected input of shape (..., m, n) and tau of shape "
                         f"(..., k), got shapes {tuple(a.shape)} and {tuple(tau.shape)}")
    return a, tau


def householder_product(A: ArrayLike, tau: ArrayLike, *, out: Any = None) -> Array:  # noqa: N803
    """The first ``n`` columns of the product of the Householder reflectors of :func:`geqrf`:
    torch's ``linalg.householder_product`` and ``orgqr``.

    The product is ``H_1 H_2 ... H_k`` with ``H_i = I - tau_i v_i v_i^T`` and ``v_i`` stored
    below the diagonal of ``A`` (its leading 1 implied).

    Args:
        A: ``(..., m, n)`` with ``m >= n``; its upper triangle is not read.
        tau: ``(..., k)`` with ``k <= n``.

    Returns:
        ``(..., m, n)``, differentiable in ``A`` and ``tau``.

    Raises:
        ValueError: ``m < n`` or ``k > n`` (torch's conditions).

    Example:
        >>> A = ft.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> Q = ft.linalg.householder_product(*ft.geqrf(A))
        >>> bool(ft.allclose(Q @ ft.geqrf(A).a.triu()[:2], A, atol=1e-5))
        True
    """
    refuse_out("householder_product", out)
    a, tau = _check("householder_product", A, tau)
    m, n = a.shape[-2:]
    if m < n:
        raise ValueError(f"householder_product: input.shape[-2] must be greater than or "
                         f"equal to input.shape[-1], got shape {tuple(a.shape)}")
    if tau.shape[-1] > n:
        raise ValueError(f"householder_product: input.shape[-1] must be greater than or "
                         f"equal to tau.shape[-1], got {n} and {tau.shape[-1]}")
    q = ops.broadcast_to(ops.eye(m, n, dtype=a.dtype, device=a.device), a.shape)
    for i in reversed(range(tau.shape[-1])):
        q = _reflect(q, _reflector(a, i), tau[..., i], left=True)
    return q


orgqr = householder_product


def ormqr(input: ArrayLike, tau: ArrayLike, other: ArrayLike, left: bool = True,  # noqa: A002
          transpose: bool = False, *, out: Any = None) -> Array:
    """``Q @ other`` for the ``Q`` of :func:`geqrf`'s reflectors, without forming ``Q``:
    torch's ``ormqr``.

    ``Q^T`` with ``transpose=True``, ``other @ Q`` with ``left=False``.

    Args:
        input: ``(..., mn, k)`` holding the reflectors below its diagonal.
        tau: ``(..., min(mn, k))``.
        other: ``(..., mn, p)`` when ``left``, ``(..., p, mn)`` otherwise.
        left: multiply by ``Q`` from the left.
        transpose: use ``Q^T``.

    Returns:
        An array of ``other``'s shape (batch dimensions broadcast), differentiable in all
        three arrays.

    Raises:
        ValueError: shapes that do not match (torch's conditions).

    Example:
        >>> a, tau = ft.geqrf(ft.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
        >>> c = ft.ormqr(a, tau, ft.eye(3), transpose=True)  # Q^T: orthogonal
        >>> bool(ft.allclose(c @ c.T, ft.eye(3), atol=1e-6))
        True
    """
    refuse_out("ormqr", out)
    a, tau = _check("ormqr", input, tau)
    c = to_float(other)
    mn = a.shape[-2]
    if c.ndim < 2 or c.shape[-2 if left else -1] != mn:
        which = "other.shape[-2]" if left else "other.shape[-1]"
        raise ValueError(f"ormqr: {which} must be equal to input.shape[-2], got shapes "
                         f"{tuple(c.shape)} and {tuple(a.shape)}")
    if tau.shape[-1] != min(a.shape[-2:]):
        raise ValueError(f"ormqr: tau.shape[-1] must be equal to min(input.shape[-2], "
                         f"input.shape[-1]) = {min(a.shape[-2:])}, got {tau.shape[-1]}")
    order = range(tau.shape[-1])
    for i in (reversed(order) if left != transpose else order):
        c = _reflect(c, _reflector(a, i), tau[..., i], left)
    return c
