"""The Faddeeva function ``wofz(z) = exp(-z^2) erfc(-i z)``, a complex primitive.

The kernel (float64, upper half plane ``Im z >= 0``): Weideman's rational approximation
with 40 terms for ``|z| < 8`` (J. A. C. Weideman, "Computation of the complex error
function", SIAM J. Numer. Anal. 31, 1994: ``w(z) = 2 p(Z) / (L - iz)^2 +
1 / (sqrt(pi) (L - iz))`` with ``Z = (L + iz) / (L - iz)`` and ``p`` a polynomial whose
coefficients are a Fourier transform, computed once below), and 20 levels of Laplace's
continued fraction ``w(z) = (i / sqrt(pi)) / (z - (1/2) / (z - 1 / (z - (3/2) / ...)))``
beyond. The lower half plane uses the reflection ``w(z) = 2 exp(-z^2) - w(-z)``, and the
real axis the exact real part ``exp(-x^2)``.
Measured against SciPy's ``wofz`` over ``|x| <= 1000, 0 <= y <= 1000`` (log grid): relative
error below 2e-14 (tests/special/test_wofz.py).

``wofz`` is holomorphic: its derivative ``w'(z) = -2 z w(z) + 2i / sqrt(pi)`` gives the
JVP and VJP (JAX's convention: no conjugation).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from funtorch import dtypes, ops
from funtorch.core import bind
from funtorch.ops import registry as R
from funtorch.typing import Array, ArrayLike

__all__ = ["wofz"]

_TERMS, _SWITCH, _DEPTH = 40, 8.0, 20
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)


@functools.cache
def _weideman_coefficients(terms):
    """``(a, L)``: the polynomial's coefficients (highest degree first) and the scale, made
    on the first evaluation, not at import (importing ``numpy.fft``: ~4 ms of
    ``import funtorch``)."""
    m = 2 * terms
    scale = math.sqrt(terms / math.sqrt(2.0))
    t = scale * np.tan(np.arange(-m + 1, m) * np.pi / (2 * m))
    samples = np.concatenate([[0.0], np.exp(-t * t) * (scale * scale + t * t)])
    a = np.real(np.fft.fft(np.fft.fftshift(samples))) / (2 * m)
    return a[1:terms + 1][::-1].copy(), scale


def _weideman(xp, z):
    coeffs, scale = _weideman_coefficients(_TERMS)
    denominator = scale - 1j * z
    ratio = (scale + 1j * z) / denominator
    poly = xp.zeros_like(z)
    for coefficient in coeffs:  # Horner
        poly = poly * ratio + coefficient
    return 2.0 * poly / (denominator * denominator) + _INV_SQRT_PI / denominator


def _continued_fraction(xp, z):
    tail = xp.zeros_like(z)
    for k in range(_DEPTH, 0, -1):
        tail = (0.5 * k) / (z - tail)
    return (1j * _INV_SQRT_PI) / (z - tail)


def _wofz_impl(xp, z):
    dtype = z.dtype
    z = z.astype(np.complex128)
    with np.errstate(all="ignore"):
        lower = z.imag < 0
        upper = xp.where(lower, -z, z)
        far = xp.abs(upper) >= _SWITCH
        out = xp.where(far, _continued_fraction(xp, xp.where(far, upper, 2 * _SWITCH)),
                       _weideman(xp, xp.where(far, 0j, upper)))
        near = xp.where(lower, z, 0j)  # exp(-z^2) overflows far up the upper half plane
        out = xp.where(lower, 2.0 * xp.exp(-near * near) - out, out)
        # on the real axis Re w(x) = exp(-x^2) exactly (the kernels give it only to within
        # |w| * 1e-14, all of its digits far out)
        axis = z.imag == 0
        out = xp.where(axis, xp.exp(-z.real * z.real) + 1j * out.imag, out)
    out = out.astype(dtype, copy=False)
    return out if out.ndim else out[()]


def _derivative(ans, z):
    return -2.0 * z * ans + 2j * _INV_SQRT_PI


def _samples(s):
    return (s.complex_array(s.shape(), domain=(-3.0, 3.0), imag=(-1.0, 2.5)),), {}


def _shape(z):
    if z.dtype.kind != "c":
        raise TypeError(f"wofz: expected a complex array, got dtype {z.dtype}")
    return R.shape_of(z), z.dtype


wofz_p = R.primitive(
    "wofz", _wofz_impl, shape=_shape, vjp=(lambda g, ans, z: g * _derivative(ans, z),),
    jvp=(lambda t, ans, z: t * _derivative(ans, z),), samples=_samples, complex=True,
    torch_name="SpecialWofz")
wofz_p.batch = R.batch_elementwise(wofz_p)


def wofz(z: ArrayLike) -> Array:
    """The Faddeeva function ``w(z) = exp(-z^2) erfc(-i z)`` (``scipy.special.wofz``).

    Args:
        z: a complex or real array (real ones give the complex dtype of their precision,
            integers the default complex dtype).

    Returns:
        ``w(z)``, complex; holomorphic, so ``ft.grad(..., holomorphic=True)`` and JVPs give
        ``w'(z) = -2 z w(z) + 2i / sqrt(pi)``.

    Example:
        >>> ft.special.wofz(ft.array([0.0, 1.0]))
        array([1.        +0.j       , 0.36787945+0.6071577j], dtype=complex64)
    """
    z = R.as_array(z)
    if z.dtype.kind != "c":
        z = ops.astype(z, dtypes.complex_of(z.dtype))
    return bind(wofz_p, z)
