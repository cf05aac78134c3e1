"""``scipy.linalg``'s special matrices: ``block_diag, circulant, companion,
convolution_matrix, fiedler, fiedler_companion, hankel, leslie, toeplitz`` (built from
their arguments by indexing, so differentiable and batched over leading axes where
SciPy's are) and the constant ``hadamard, helmert, hilbert, invhilbert, pascal,
invpascal``. ``dft`` (complex) is in ``funtorch/scipy/linalg.py``.
"""

from __future__ import annotations

from math import comb

import numpy as np

from funtorch import dtypes, ops
from funtorch.ops import registry as R

__all__ = ["block_diag", "circulant", "companion", "convolution_matrix", "fiedler",
           "fiedler_companion", "hadamard", "hankel", "helmert", "hilbert", "invhilbert",
           "invpascal", "leslie", "pascal", "toeplitz"]


def _vector(x, fn):
    x = R.as_array(x)
    if x.ndim == 0:
        x = ops.reshape(x, (1,))
    return x


def _gather(values, index):
    """``values[..., index]`` for a constant integer matrix ``index``."""
    return values[..., np.asarray(index)]


def toeplitz(c, r=None):
    """The Toeplitz matrix with first column ``c`` and first row ``r`` (``r[0]`` is
    ignored; default ``r = c``); leading axes of ``c`` and ``r`` are batch axes.

    Example:
        >>> ft.scipy.linalg.toeplitz(ft.array([1, 2, 3]), ft.array([1, 4])).tolist()
        [[1, 4], [2, 1], [3, 2]]
    """
    c = _vector(c, "toeplitz")
    r = c if r is None else _vector(r, "toeplitz")
    c, r = R.promote(c, r)
    m, n = c.shape[-1], r.shape[-1]
    values = ops.concatenate(
        [ops.flip(c, axis=-1), ops.broadcast_to(r, c.shape[:-1] + (n,))[..., 1:]], axis=-1)
    rows, cols = np.arange(m)[:, None], np.arange(n)[None, :]
    return _gather(values, m - 1 - rows + cols)


def hankel(c, r=None):
    """The Hankel matrix with first column ``c`` and last row ``r`` (``r[0]`` is ignored;
    default zeros); leading axes are batch axes.

    Example:
        >>> ft.scipy.linalg.hankel(ft.array([1, 2, 3])).tolist()
        [[1, 2, 3], [2, 3, 0], [3, 0, 0]]
    """
    c = _vector(c, "hankel")
    r = ops.zeros_like(c) if r is None else _vector(r, "hankel")
    c, r = R.promote(c, r)
    m, n = c.shape[-1], r.shape[-1]
    values = ops.concatenate([c, ops.broadcast_to(r, c.shape[:-1] + (n,))[..., 1:]], axis=-1)
    return _gather(values, np.arange(m)[:, None] + np.arange(n)[None, :])


def circulant(c):
    """The circulant matrix with first column ``c`` (``out[i, j] = c[(i - j) % n]``).

    Example:
        >>> ft.scipy.linalg.circulant(ft.array([1, 2, 3])).tolist()
        [[1, 3, 2], [2, 1, 3], [3, 2, 1]]
    """
    c = _vector(c, "circulant")
    n = c.shape[-1]
    return _gather(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n)


def companion(a):
    """The companion matrix of the polynomial with coefficients ``a`` (highest first):
    first row ``-a[1:] / a[0]``, ones below the diagonal.

    Raises:
        ValueError: fewer than two coefficients.

    Example:
        >>> ft.scipy.linalg.companion(ft.array([1.0, -10.0, 31.0, -30.0])).tolist()
        [[10.0, -31.0, 30.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    a = R.to_float(_vector(a, "companion"))
    n = a.shape[-1]
    if n < 2:
        raise ValueError(f"companion: the polynomial needs at least two coefficients, got "
                         f"shape {a.shape}")
    first = -a[..., 1:] / a[..., :1]
    below = ops.broadcast_to(ops.eye(n - 2, n - 1, dtype=a.dtype, device=a.device),
                             a.shape[:-1] + (n - 2, n - 1))
    return ops.concatenate([ops.expand_dims(first, -2), below], axis=-2)


def fiedler(a):
    """The symmetric Fiedler matrix ``out[i, j] = |a[i] - a[j]|``.

    Example:
        >>> ft.scipy.linalg.fiedler(ft.array([1.0, 4.0])).tolist()
        [[0.0, 3.0], [3.0, 0.0]]
    """
    a = _vector(a, "fiedler")
    return ops.abs(ops.expand_dims(a, -1) - ops.expand_dims(a, -2))


def fiedler_companion(a):
    """The Fiedler companion matrix of the polynomial ``a`` (highest coefficient first):
    pentadiagonal, with the same eigenvalues as :func:`companion`.

    Example:
        >>> ft.scipy.linalg.fiedler_companion(ft.array([1.0, -3.0, 2.0])).tolist()
        [[3.0, -2.0], [1.0, 0.0]]
    """
    a = R.to_float(_vector(a, "fiedler_companion"))
    if a.ndim != 1:
        raise ValueError(f"fiedler_companion: expected a 1-D array, got shape {a.shape}")
    if a.shape[0] <= 2:
        return ops.reshape(-(a[1:] / a[0]), (a.shape[0] - 1,) * 2) if a.shape[0] == 2 else \
            ops.zeros((0, 0), dtype=a.dtype, device=a.device)
    a = a / a[0]
    n = a.shape[0] - 1
    out = ops.zeros((n, n), dtype=a.dtype, device=a.device)
    out = out.at[np.arange(3, n, 2), np.arange(1, n - 2, 2)].set(1.0)
    out = out.at[np.arange(2, n, 2), np.arange(1, n - 1, 2)].set(-a[3::2])
    out = out.at[np.arange(0, n - 2, 2), np.arange(2, n, 2)].set(1.0)
    out = out.at[np.arange(0, n - 1, 2), np.arange(1, n, 2)].set(-a[2::2])
    return out.at[0, 0].set(-a[1]).at[1, 0].set(1.0)


def leslie(f, s):
    """The Leslie matrix: fecundities ``f`` (length ``n``) in the first row, survival
    rates ``s`` (length ``n - 1``) below the diagonal.

    Example:
        >>> ft.scipy.linalg.leslie(ft.array([0.5, 2.0]), ft.array([0.25])).tolist()
        [[0.5, 2.0], [0.25, 0.0]]
    """
    f, s = R.promote(_vector(f, "leslie"), _vector(s, "leslie"))
    n = f.shape[-1]
    if s.shape[-1] != n - 1 or n < 2:
        raise ValueError(f"leslie: f needs length n >= 2 and s length n - 1, got shapes "
                         f"{f.shape} and {s.shape}")
    below = ops.expand_dims(s, -1) * ops.eye(n - 1, n, dtype=s.dtype, device=s.device)
    batch = np.broadcast_shapes(f.shape[:-1], s.shape[:-1])
    first = ops.broadcast_to(ops.expand_dims(f, -2), batch + (1, n))
    return ops.concatenate([first, ops.broadcast_to(below, batch + (n - 1, n))], axis=-2)


def convolution_matrix(a, n, mode="full"):
    """The Toeplitz matrix ``A`` with ``A @ v == convolve(a, v, mode)`` for ``v`` of
    length ``n``, as ``scipy.linalg.convolution_matrix``.

    Example:
        >>> ft.scipy.linalg.convolution_matrix(ft.array([1.0, 2.0]), 2).tolist()
        [[1.0, 0.0], [2.0, 1.0], [0.0, 2.0]]
    """
    a = R.as_array(a)
    if n <= 0:
        raise ValueError(f"convolution_matrix: n must be a positive integer, got {n!r}")
    if a.ndim != 1 or a.shape[0] == 0:
        raise ValueError(f"convolution_matrix: expected a non-empty 1-D array, got shape "
                         f"{a.shape}")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"convolution_matrix: mode must be 'full', 'valid' or 'same', got "
                         f"{mode!r}")
    zeros = ops.zeros((n - 1,), dtype=a.dtype, device=a.device)
    padded = ops.concatenate([a, zeros])
    reversed_padded = ops.concatenate([ops.flip(a, axis=0), zeros])
    size = padded.shape[0]
    if mode == "full":
        return toeplitz(padded, reversed_padded[size - n:])
    trim = min(n, a.shape[0]) - 1
    start, end = (trim // 2, trim - trim // 2) if mode == "same" else (trim, trim)
    return toeplitz(padded[start:size - end], reversed_padded[size - n - start:size - start])


def block_diag(*arrs):
    """A block diagonal matrix of the given 0-, 1- or 2-D arrays (a 1-D array is a row).

    Example:
        >>> ft.scipy.linalg.block_diag(ft.ones((1, 2)), ft.array([[3.0]])).tolist()
        [[1.0, 1.0, 0.0], [0.0, 0.0, 3.0]]
    """
    if not arrs:
        return ops.zeros((1, 0))
    blocks = [R.as_array(a) for a in arrs]
    for index, block in enumerate(blocks):
        if block.ndim > 2:
            raise ValueError(f"block_diag: argument {index} has shape {block.shape}; "
                             "expected at most 2 dimensions")
    blocks = R.promote_all([ops.reshape(b, (1, -1)) if b.ndim < 2 else b for b in blocks])
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for block in blocks:
        right = width - left - block.shape[1]
        pieces = [ops.zeros((block.shape[0], left), dtype=block.dtype), block,
                  ops.zeros((block.shape[0], right), dtype=block.dtype)]
        rows.append(ops.concatenate(pieces, axis=1))
        left += block.shape[1]
    return ops.concatenate(rows, axis=0)


# Constant matrices ------------------------------------------------------------------------


def _constant(values, dtype=None):
    return ops.asarray(np.asarray(values), dtype=dtype or dtypes.get_default_dtype())


def hadamard(n, dtype=int):
    """The ``n x n`` Hadamard matrix (Sylvester's construction; ``n`` a power of 2).

    Example:
        >>> ft.scipy.linalg.hadamard(2).tolist()
        [[1, 1], [1, -1]]
    """
    if n < 1 or (n & (n - 1)) != 0:
        raise ValueError(f"hadamard: n must be a positive power of 2, got {n!r}")
    h = np.array([[1]], dtype=np.int64)
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return _constant(h, np.dtype(dtype))


def helmert(n, full=False):
    """The Helmert matrix of order ``n`` (orthogonal); without ``full`` its first row
    (constant) is dropped.

    Example:
        >>> ft.scipy.linalg.helmert(2).shape
        (1, 2)
    """
    h = np.tril(np.ones((n, n)), -1) - np.diag(np.arange(n))
    d = np.arange(n) * np.arange(1, n + 1)
    h[0], d[0] = 1, n
    h = h / np.sqrt(d)[:, None]
    return _constant(h if full else h[1:])


def hilbert(n):
    """The Hilbert matrix ``1 / (i + j + 1)``.

    Example:
        >>> ft.scipy.linalg.hilbert(2).tolist()
        [[1.0, 0.5], [0.5, 0.3333333432674408]]
    """
    index = np.arange(n)
    return _constant(1.0 / (index[:, None] + index[None, :] + 1))


def _exact(table, exact, fn):
    """Python integers -> int64 (``exact``) or the default float dtype."""
    if exact:
        if any(abs(v) > np.iinfo(np.int64).max for row in table for v in row):
            raise ValueError(f"{fn}: the entries overflow int64 for this n; use exact=False")
        return _constant(np.array(table, dtype=np.int64), np.dtype(np.int64))
    return _constant(np.array(table, dtype=np.float64))


def invhilbert(n, exact=False):
    """The exact inverse of the Hilbert matrix (integers; int64 with ``exact``).

    Example:
        >>> ft.scipy.linalg.invhilbert(2, exact=True).tolist()
        [[4, -6], [-6, 12]]
    """
    table = [[(-1) ** (i + j) * (i + j + 1) * comb(n + i, n - j - 1) * comb(n + j, n - i - 1)
              * comb(i + j, i) ** 2 for j in range(n)] for i in range(n)]
    return _exact(table, exact, "invhilbert")


def _pascal_lower(n):
    return [[comb(i, j) for j in range(n)] for i in range(n)]


def _kind(kind, fn):
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"{fn}: kind must be 'symmetric', 'lower' or 'upper', got {kind!r}")
    return kind


def pascal(n, kind="symmetric", exact=True):
    """The Pascal matrix of binomial coefficients: 'symmetric' ``C(i + j, i)``, 'lower'
    ``C(i, j)`` or 'upper' (int64 with ``exact``, else the default float dtype).

    Example:
        >>> ft.scipy.linalg.pascal(3).tolist()
        [[1, 1, 1], [1, 2, 3], [1, 3, 6]]
    """
    kind = _kind(kind, "pascal")
    if kind == "symmetric":
        table = [[comb(i + j, i) for j in range(n)] for i in range(n)]
    else:
        lower = _pascal_lower(n)
        table = lower if kind == "lower" else [list(col) for col in zip(*lower)]
    return _exact(table, exact, "pascal")


def invpascal(n, kind="symmetric", exact=True):
    """The exact inverse of :func:`pascal` (integers).

    Example:
        >>> ft.scipy.linalg.invpascal(3, kind="lower").tolist()
        [[1, 0, 0], [-1, 1, 0], [1, -2, 1]]
    """
    kind = _kind(kind, "invpascal")
    lower = [[(-1) ** (i - j) * comb(i, j) for j in range(n)] for i in range(n)]
    if kind == "symmetric":  # (L L^T)^-1 = L^-T L^-1
        table = [[sum(lower[k][i] * lower[k][j] for k in range(n)) for j in range(n)]
                 for i in range(n)]
    else:
        table = lower if kind == "lower" else [list(col) for col in zip(*lower)]
    return _exact(table, exact, "invpascal")
