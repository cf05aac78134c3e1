"""Spherical harmonics ``Y_n^m(theta, phi)``, as ``jax.scipy.special.sph_harm_y`` spells them.

A composition of public ops (so derivatives in ``theta`` and ``phi``, vmap and jit come
from the ops): the fully normalised associated Legendre functions by the standard stable
recurrences in ``x = cos(theta)``, with the Condon-Shortley phase as SciPy,

    P_0^0 = 1 / sqrt(4 pi),  P_m^m = -sqrt((2m + 1) / (2m)) sin(theta) P_{m-1}^{m-1},
    P_{m+1}^m = sqrt(2m + 3) x P_m^m,
    P_l^m = a_lm (x P_{l-1}^m - b_lm P_{l-2}^m),
    a_lm = sqrt((4l^2 - 1) / (l^2 - m^2)),  b_lm = sqrt(((l-1)^2 - m^2) / (4 (l-1)^2 - 1)),

times ``exp(i m phi)``; ``Y_n^{-m} = (-1)^m conj(Y_n^m)``. Every ``(l, |m|)`` up to
``n_max`` is computed once and each element picks its own (``O(n_max^2)`` array ops).
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import dtypes, ops
from funtorch.ops import registry as R
from funtorch.typing import Array, ArrayLike

__all__ = ["sph_harm_y"]


def _legendre_table(x, s, n_max):
    """``{(l, m): P_l^m(x)}`` for ``0 <= m <= l <= n_max`` (normalised, with the phase)."""
    table = {(0, 0): ops.full_like(x, 1.0 / math.sqrt(4.0 * math.pi))}
    for m in range(1, n_max + 1):
        table[m, m] = -math.sqrt((2 * m + 1) / (2 * m)) * s * table[m - 1, m - 1]
    for m in range(0, n_max):
        table[m + 1, m] = math.sqrt(2 * m + 3) * x * table[m, m]
        for l in range(m + 2, n_max + 1):
            a = math.sqrt((4 * l * l - 1) / (l * l - m * m))
            b = math.sqrt(((l - 1) ** 2 - m * m) / (4 * (l - 1) ** 2 - 1))
            table[l, m] = a * (x * table[l - 1, m] - b * table[l - 2, m])
    return table


def _integers(name, value):
    value = R.as_array(value)
    if value.dtype.kind not in "iub":
        raise TypeError(f"sph_harm_y: {name} must be an integer array, got dtype {value.dtype}")
    return ops.astype(ops.stop_gradient(value), np.int64)


def sph_harm_y(n: ArrayLike, m: ArrayLike, theta: ArrayLike, phi: ArrayLike,
               diff_n: int | None = None, n_max: int | None = None) -> Array:
    """Spherical harmonics ``Y_n^m(theta, phi) = N_n^m P_n^m(cos theta) exp(i m phi)``,
    orthonormal on the sphere, with the Condon-Shortley phase (``scipy.special.sph_harm_y``
    and ``jax.scipy.special.sph_harm_y``: ``theta`` is the polar angle, ``phi`` the
    azimuth).

    Args:
        n: degrees (integers ``>= 0``).
        m: orders (integers); ``|m| > n`` gives 0, as SciPy.
        theta: polar (colatitudinal) angles in ``[0, pi]``.
        phi: azimuthal angles in ``[0, 2 pi]``.
        diff_n: derivatives are not returned (``None`` or 0 only; use ``ft.grad``).
        n_max: the largest degree; degrees above it are clipped to it, as JAX. Needed
            under ``jit``/``vmap`` (otherwise it is read from ``n``).

    Returns:
        The complex harmonics, broadcast over all four arguments (complex64 for float32
        angles, complex128 for float64); differentiable in ``theta`` and ``phi``.

    Raises:
        NotImplementedError: ``diff_n`` other than None or 0.
        TypeError: non-integer ``n`` or ``m``.

    Example:
        >>> ft.special.sph_harm_y(1, 0, ft.array([0.0]), ft.array([0.0]))  # sqrt(3 / (4 pi))
        array([0.48860252+0.j], dtype=complex64)
    """
    if diff_n not in (None, 0):
        raise NotImplementedError("sph_harm_y: diff_n is not supported (as in JAX); "
                                  "differentiate with ft.grad or ft.jacfwd instead")
    n, m = _integers("n", n), _integers("m", m)
    theta, phi = R.promote(R.to_float(theta), R.to_float(phi))
    if n_max is None:
        n_max = int(ops.max(n)) if n.size else 0
    n = ops.minimum(n, n_max)
    shape = np.broadcast_shapes(n.shape, m.shape, theta.shape, phi.shape)
    x, s = ops.cos(theta), ops.sin(theta)
    table = _legendre_table(x, s, int(n_max))
    order = ops.abs(m)
    legendre = ops.zeros(shape, dtype=x.dtype)
    for (l, k), value in table.items():
        legendre = ops.where(ops.logical_and(n == l, order == k), value, legendre)
    # Y_n^{-m} = (-1)^m conj(Y_n^m): the Legendre part gets (-1)^m, the phase exp(i m phi)
    sign = ops.where(ops.logical_and(m < 0, ops.mod(order, 2) == 1), -1.0, 1.0)
    phase = ops.exp(1j * ops.astype(m, x.dtype) * phi)
    out = ops.astype(legendre * sign, dtypes.complex_of(x.dtype)) * phase
    return ops.broadcast_to(out, shape)
