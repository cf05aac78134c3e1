"""The erf kernel (float32 and float64), and erfcx above 1 for funtorch.special.

Only NumPy-style array expressions (``xp`` is NumPy or CuPy); every coefficient is derived
here (on the first evaluation), nothing is copied from a library.
"""

from __future__ import annotations

import functools

import numpy as np

# erf: Taylor series in x^2 below |x| = 1; above, erf = 1 - exp(-x^2) erfcx(x) with erfcx
# a polynomial per interval, fitted once (Chebyshev least squares at 200 Chebyshev
# nodes) to the continued fraction of erfc summed to convergence; past the last interval
# erf rounds to +-1. Each region is evaluated only on its own elements, Horner in place,
# in float64 (float32 inputs need fewer terms and one interval: within one ulp; float64:
# relative error ~1e-16 against SciPy).
_SQRT_PI = 1.7724538509055159
# itemsize -> (Taylor terms below 1, [(low, high, degree), ...] of the erfcx fits)
_ERF_PLAN = {8: (18, [(1.0, 2.5, 16), (2.5, 4.5, 16), (4.5, 6.0, 12)]),
             4: (13, [(1.0, 4.0, 12)]), 2: (13, [(1.0, 4.0, 12)])}


def _erf_coefficients(count):
    coef, fact = [], 1.0
    for n in range(count):
        fact = fact * n if n else 1.0
        coef.append((-1.0) ** n / (fact * (2 * n + 1)) * 2.0 / _SQRT_PI)
    return coef[::-1]  # highest power first, for Horner


def _erfcx_reference(x):
    """erfcx(x) for x >= 1 from the continued fraction of erfc, summed to convergence."""
    cf = x.copy()  # erfcx(x) = 1 / (sqrt(pi) (x + (1/2) / (x + 1 / (x + (3/2) / ...))))
    for k in range(4000, 0, -1):
        cf = x + (k / 2.0) / cf
    return 1.0 / (_SQRT_PI * cf)


def _erfcx_fit(low, high, degree):
    """(mid, half-width, power coefficients in t = (x - mid) / half, highest first)."""
    cheb = np.polynomial.chebyshev
    t = np.cos(np.pi * (np.arange(200) + 0.5) / 200)
    x = 0.5 * (low + high) + 0.5 * (high - low) * t
    coef = cheb.cheb2poly(cheb.chebfit(t, _erfcx_reference(x), degree))
    return 0.5 * (low + high), 0.5 * (high - low), [float(c) for c in coef[::-1]]


def _erfcx_tail_fit(low, degree):
    """Power coefficients (highest first) of x erfcx(x) in u = 1 / x^2 on [0, 1 / low^2]."""
    cheb = np.polynomial.chebyshev
    half = 0.5 / (low * low)
    u = half + half * np.cos(np.pi * (np.arange(200) + 0.5) / 200)
    x = 1.0 / np.sqrt(u)
    coef = cheb.cheb2poly(cheb.chebfit(u / half - 1.0, x * _erfcx_reference(x), degree))
    poly = np.polynomial.Polynomial(coef)(np.polynomial.Polynomial([-1.0, 1.0 / half]))
    return [float(c) for c in poly.coef[::-1]]


@functools.cache
def _kernels():
    """``({itemsize: (Taylor coefficients, erfcx fits)}, the x >= 6 tail fit)``, fitted on
    the first erf evaluation, not at import (the continued fractions cost ~40 ms, a
    twentieth of ``import funtorch``). ``functools.cache`` makes two threads' first calls
    agree: a second fit would be identical, and only one is kept."""
    kernels = {size: (_erf_coefficients(terms), [_erfcx_fit(*fit) for fit in fits])
               for size, (terms, fits) in _ERF_PLAN.items()}
    return kernels, _erfcx_tail_fit(6.0, 10)  # the tail: float64, x >= 6


def horner_inplace(xp, coef, t):
    """The polynomial with coefficients ``coef`` (highest power first, at least two) at t,
    in one new buffer."""
    out = t * coef[0]
    out += coef[1]
    for c in coef[2:]:
        xp.multiply(out, t, out=out)
        out += c
    return out


def _erfcx_fitted(xp, mid, half, coef, x):
    t = x - mid
    t *= 1.0 / half
    return horner_inplace(xp, coef, t)


def erfcx_above_one(xp, x):
    """erfcx(x) = exp(x^2) erfc(x) of a 1-D float64 array with every x >= 1 (or nan),
    relative error ~1e-15: the fitted polynomials, and x erfcx(x) in 1/x^2 past 6."""
    out = xp.empty_like(x)
    kernels, tail = _kernels()
    for mid, half, coef in kernels[8][1]:
        idx = xp.flatnonzero((x >= mid - half) & (x < mid + half))
        out[idx] = _erfcx_fitted(xp, mid, half, coef, x[idx])
    idx = xp.flatnonzero(~(x < 6.0))  # nan too: 1 / nan^2 keeps it
    far = x[idx]
    inv = 1.0 / far
    out[idx] = horner_inplace(xp, tail, inv * inv) * inv
    return out


# NOTE: on the host, elementwise kernels run block by block. A kernel makes a few dozen
# passes (Horner steps, masks, gathers) over temporaries; over 1M elements each pass streams
# 4-8 MB through memory, while a block of BLOCK float64 (512 KB) keeps them in the CPU
# cache: erf and erfinv run ~2x faster (bench/README.md). The loop is over ~16 blocks per
# million elements, never over elements; CuPy gets the whole array (one launch per pass).
BLOCK = 65536


def blocked(kernel):
    """``kernel(xp, x, **params)`` (elementwise, float64 in and out) applied per block of
    ``BLOCK`` elements on NumPy, to the whole array on CuPy; same results either way."""
    @functools.wraps(kernel)
    def run(xp, x, **params):
        x = xp.asarray(x, dtype=xp.float64)
        if xp is not np or x.size <= BLOCK:
            return kernel(xp, x, **params)
        flat = x.reshape(-1)
        out = np.empty_like(flat)
        for start in range(0, flat.size, BLOCK):
            out[start:start + BLOCK] = kernel(xp, flat[start:start + BLOCK], **params)
        return out.reshape(x.shape)
    return run


@blocked
def _erf_wide(xp, x, itemsize):
    """erf in float64 with the series and fits planned for inputs of ``itemsize`` bytes."""
    taylor, fits = _kernels()[0][itemsize]
    return _erf_flat(xp, x.reshape(-1), taylor, fits).reshape(x.shape)


def erf_impl(xp, x):
    """erf of a NumPy/CuPy array, in its floating dtype (integers: float64)."""
    x = xp.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else xp.dtype(xp.float64)
    out = _erf_wide(xp, x, itemsize=dtype.itemsize).astype(dtype, copy=False)
    return out if out.ndim else out[()]


def _erf_flat(xp, flat, taylor, fits):
    """erf of a 1-D float64 array with the given Taylor coefficients and erfcx fits."""
    ax = xp.abs(flat)
    out = xp.sign(flat)  # +-1 past the last fit; nan stays nan
    idx = xp.flatnonzero(ax < 1.0)
    near = flat[idx]
    poly = horner_inplace(xp, taylor, near * near)
    out[idx] = xp.multiply(poly, near, out=poly)
    for mid, half, coef in fits:
        idx = xp.flatnonzero((ax >= mid - half) & (ax < mid + half))
        far = ax[idx]
        poly = _erfcx_fitted(xp, mid, half, coef, far)
        xp.multiply(far, far, out=far)
        xp.negative(far, out=far)
        xp.exp(far, out=far)
        poly *= far
        xp.subtract(1.0, poly, out=poly)
        out[idx] = xp.copysign(poly, flat[idx], out=poly)
    return out
