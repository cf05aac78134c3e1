"""The linear-algebra names of the top-level NumPy/JAX namespace: ``cross, kron,
matrix_transpose, matvec, vecmat, vecdot, vdot``.

All are compositions of ``matmul``, products, sums and shape ops, so derivatives, vmap
and jit come from those. ``ft.linalg`` exports the same functions (one implementation).
"""

from __future__ import annotations

from funtorch.ops import registry as R
from funtorch.ops.linalg import matmul
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis

__all__ = ["cross", "kron", "matrix_transpose", "matvec", "vdot", "vecdot", "vecmat"]


def _pair(fn, x1, x2, min_ndim=1):
    a, b = R.promote(R.as_array(x1), R.as_array(x2))
    if a.ndim < min_ndim or b.ndim < min_ndim:
        raise ValueError(f"{fn}: expected arrays of at least {min_ndim} dimension(s), got "
                         f"shapes {a.shape} and {b.shape}")
    return a, b


def matrix_transpose(x: ArrayLike) -> Array:
    """Transpose the last two axes of an array of at least 2 dimensions.

    Args:
        x: an array of at least 2 dimensions, shape ``(..., m, n)``.

    Returns:
        An array of shape ``(..., n, m)`` and ``x``'s dtype.

    Raises:
        ValueError: ``x`` has fewer than 2 dimensions.

    Example:
        >>> ft.matrix_transpose(ft.ones((4, 2, 3))).shape
        (4, 3, 2)
    """
    x = R.as_array(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected an array of at least 2 dimensions, got "
                         f"shape {x.shape}; use ft.transpose for 1-D or 0-d arrays")
    return ops.swapaxes(x, -1, -2)


def matvec(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Matrix-vector products ``x1 @ x2`` of stacks ``(..., m, n)`` and ``(..., n)``;
    batch dimensions broadcast.

    Args:
        x1: matrices, shape ``(..., m, n)``.
        x2: vectors, shape ``(..., n)``.

    Returns:
        An array of shape ``(..., m)`` (batch dimensions broadcast) in the promoted dtype.

    Raises:
        ValueError: the shapes are not ``(..., m, n)`` and ``(..., n)``.

    Example:
        >>> ft.matvec(ft.ones((5, 2, 3)), ft.ones(3)).shape
        (5, 2)
    """
    a, b = _pair("matvec", x1, x2)
    if a.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(f"matvec: expected shapes (..., m, n) and (..., n), got {a.shape} "
                         f"and {b.shape}")
    return matmul(a, ops.expand_dims(b, -1))[..., 0]


def vecmat(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Vector-matrix products ``x1 @ x2`` of stacks ``(..., n)`` and ``(..., n, m)``;
    batch dimensions broadcast.

    Args:
        x1: vectors, shape ``(..., n)`` (conjugated when complex, as NumPy).
        x2: matrices, shape ``(..., n, m)``.

    Returns:
        An array of shape ``(..., m)`` (batch dimensions broadcast) in the promoted dtype.

    Raises:
        ValueError: the shapes are not ``(..., n)`` and ``(..., n, m)``.

    Example:
        >>> ft.vecmat(ft.ones(2), ft.ones((5, 2, 3))).shape
        (5, 3)
    """
    a, b = _pair("vecmat", x1, x2)
    if b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise ValueError(f"vecmat: expected shapes (..., n) and (..., n, m), got {a.shape} "
                         f"and {b.shape}")
    return matmul(ops.expand_dims(ops.conj(a), -2), b)[..., 0, :]  # x1 conjugated, as NumPy


def vecdot(x1: ArrayLike, x2: ArrayLike, axis: Axis = -1) -> Array:
    """Dot products of vectors along ``axis``; the other dimensions broadcast.

    Args:
        x1: an array of at least 1 dimension (conjugated when complex, as NumPy).
        x2: an array broadcasting with ``x1``, of the same length along ``axis``.
        axis: the axis of the broadcast shape to sum over.

    Returns:
        ``sum(conj(x1) * x2, axis)``: the broadcast shape without ``axis``, in the promoted
        dtype.

    Raises:
        ValueError: a 0-d argument, shapes that do not broadcast, or different lengths along
            ``axis``.

    Example:
        >>> ft.vecdot(ft.array([[1.0, 2.0], [3.0, 4.0]]), ft.array([1.0, 1.0])).tolist()
        [3.0, 7.0]
    """
    a, b = _pair("vecdot", x1, x2)
    shape = R.broadcast_shapes("vecdot", a.shape, b.shape)
    axis = ops.normalize_axis(axis, len(shape), "vecdot")[0]
    offset = len(shape) - axis
    if a.ndim < offset or b.ndim < offset or a.shape[-offset] != b.shape[-offset]:
        raise ValueError(f"vecdot: shapes {a.shape} and {b.shape} differ along axis {axis}; "
                         "the vectors need equal lengths")
    return ops.sum(ops.conj(a) * b, axis=axis)  # NumPy conjugates x1


def vdot(a: ArrayLike, b: ArrayLike) -> Array:
    """The dot product of two arrays flattened to vectors of equal size; a complex ``a``
    is conjugated first, as NumPy's ``vdot``.

    Args:
        a: an array of any shape (conjugated when complex).
        b: an array with as many elements as ``a``.

    Returns:
        A 0-d array of the promoted dtype.

    Raises:
        ValueError: ``a`` and ``b`` hold different numbers of elements.

    Example:
        >>> ft.vdot(ft.ones((2, 2)), ft.ones(4)).item()
        4.0
    """
    a, b = _pair("vdot", a, b, min_ndim=0)
    if a.size != b.size:
        raise ValueError(f"vdot: arrays of shapes {a.shape} and {b.shape} hold {a.size} and "
                         f"{b.size} elements; they need the same number")
    return ops.sum(ops.reshape(ops.conj(a), (-1,)) * ops.reshape(b, (-1,)))


def kron(a: ArrayLike, b: ArrayLike) -> Array:
    """The Kronecker product: blocks ``a[i, j] * b``, for arrays of any rank (the shorter
    shape is padded with leading 1s, as ``numpy.kron``).

    Args:
        a: an array of any rank.
        b: an array of any rank.

    Returns:
        An array of shape ``a.shape * b.shape`` (elementwise, after padding the shorter shape
        with leading 1s) in the promoted dtype.

    Example:
        >>> ft.kron(ft.eye(2), ft.ones((2, 2))).shape
        (4, 4)
    """
    a, b = _pair("kron", a, b, min_ndim=0)
    ndim = max(a.ndim, b.ndim)
    a_shape = (1,) * (ndim - a.ndim) + a.shape
    b_shape = (1,) * (ndim - b.ndim) + b.shape
    left = ops.reshape(a, tuple(d for n in a_shape for d in (n, 1)))
    right = ops.reshape(b, tuple(d for n in b_shape for d in (1, n)))
    return ops.reshape(left * right, tuple(m * n for m, n in zip(a_shape, b_shape)))


def _as_3_vectors(x):
    """Pad 2-vectors with a zero z component."""
    if x.shape[-1] == 3:
        return x
    return ops.concatenate([x, ops.zeros(x.shape[:-1] + (1,), dtype=x.dtype, device=x.device)],
                           axis=-1)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or of 2-vectors, padded with a zero z) along the
    given axes, as ``numpy.cross``; the other dimensions broadcast. Two 2-vectors give the
    z component only.

    Raises:
        ValueError: vectors of a length other than 2 or 3.

    Example:
        >>> ft.cross(ft.array([1.0, 0.0, 0.0]), ft.array([0.0, 1.0, 0.0])).tolist()
        [0.0, 0.0, 1.0]
    """
    a, b = _pair("cross", a, b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = ops.moveaxis(a, axisa, -1), ops.moveaxis(b, axisb, -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(f"cross: incompatible vector lengths {a.shape[-1]} and {b.shape[-1]} "
                         "(dimension must be 2 or 3)")
    both_planar = a.shape[-1] == b.shape[-1] == 2
    a0, a1, a2 = (a_i[..., 0] for a_i in ops.split(_as_3_vectors(a), 3, axis=-1))
    b0, b1, b2 = (b_i[..., 0] for b_i in ops.split(_as_3_vectors(b), 3, axis=-1))
    z = a0 * b1 - a1 * b0
    if both_planar:
        return z
    out = ops.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z], axis=-1)
    return ops.moveaxis(out, -1, axisc)
