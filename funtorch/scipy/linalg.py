"""``scipy.linalg`` / ``jax.scipy.linalg`` spellings over ``funtorch.linalg``.

The NumPy-named functions come from ``ft.linalg``; the SciPy ones (with SciPy's
signatures where they differ, e.g. ``cholesky`` is upper by default, ``eigh`` reads one
triangle and takes ``b``, ``qr`` has ``mode='full'``) from
``funtorch/linalg/scipy_linalg.py`` and ``funtorch/linalg/special_matrices.py``;
``dft`` (a complex matrix) is defined here.
"""

from __future__ import annotations

import numpy as np

from funtorch import dtypes, ops
from funtorch.linalg import *  # noqa: F401,F403
from funtorch.linalg.scipy_linalg import *  # noqa: F401,F403
from funtorch.linalg.special_matrices import *  # noqa: F401,F403
from funtorch.typing import Array, DTypeLike

_SCALES = {None: 1.0, "sqrtn": None, "n": None}


def dft(n: int, scale: str | None = None, *, dtype: DTypeLike = None) -> Array:
    """The ``n``-by-``n`` discrete Fourier transform matrix ``W[j, k] = w^(j k)``,
    ``w = exp(-2 pi i / n)`` (``scipy.linalg.dft``; ``dtype`` as ``jax.scipy.linalg.dft``).

    The exponents are reduced modulo ``n`` before the angle is taken, so every entry is
    a root of unity to float64 precision, however large ``j k``; quarter turns are exact
    (``1, -i, -1, i``).

    Args:
        n: the size.
        scale: ``None`` (unscaled), ``"sqrtn"`` (divided by ``sqrt(n)``: unitary) or
            ``"n"`` (divided by ``n``).
        dtype: a complex dtype; default the default complex dtype (complex64 unless the
            default float is float64).

    Raises:
        ValueError: another ``scale``, or a negative ``n``.
        TypeError: a ``dtype`` that is not complex.

    Example:
        >>> ft.scipy.linalg.dft(2).tolist()
        [[(1+0j), (1+0j)], [(1+0j), (-1+0j)]]
    """
    if scale not in _SCALES:
        raise ValueError(f"dft: scale must be None, 'sqrtn', or 'n'; {scale!r} is not valid")
    n = int(n)
    if n < 0:
        raise ValueError(f"dft: n must be a non-negative integer, got {n}")
    dtype = dtypes.default_complex_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "c":
        raise TypeError(f"dft: dtype must be complex (complex64 or complex128), got {dtype}")
    index = np.arange(n)
    power = np.outer(index, index) % max(n, 1)
    angle = (-2.0 * np.pi / max(n, 1)) * power
    matrix = np.cos(angle) + 1j * np.sin(angle)
    quarter = (4 * power) % max(n, 1) == 0
    matrix[quarter] = np.array([1, -1j, -1, 1j])[(4 * power[quarter] // max(n, 1)) % 4]
    if scale == "sqrtn":
        matrix /= np.sqrt(n)
    elif scale == "n":
        matrix /= n
    return ops.asarray(matrix.astype(dtype))
