"""Polynomials as 1-d coefficient arrays, highest power first (NumPy's ``poly*`` family).

Everything is composed from differentiable ops except ``roots``, a primitive: its values
come from NumPy's companion-matrix eigenvalues and its derivatives from the implicit
function theorem (``dr/dp_k = -r**(n-k) / p'(r)`` for a simple root ``r``). ``roots`` (its
primitive and derivative rules) is real: it raises a ValueError when a root is complex.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.math_stats import convolve
from funtorch.typing import Array, ArrayLike

_COMPLEX_ROOTS = ("roots: the polynomial has complex roots (for example {root}); funtorch's "
                  "roots returns real roots only, so only polynomials whose roots are all "
                  "real are supported. numpy.roots(np.asarray(p)) gives the complex roots.")


def _as_poly(p, name):
    p = R.as_array(p)
    if p.ndim == 0:
        p = ops.reshape(p, (1,))
    if p.ndim != 1:
        raise ValueError(f"{name}: expected a 1-d array of coefficients, got shape {p.shape}")
    return p


def _leading_zeros_padded(p, length):
    missing = length - p.shape[0]
    if missing == 0:
        return p
    return ops.concatenate([ops.zeros((missing,), dtype=p.dtype), p])


def polyadd(a1: ArrayLike, a2: ArrayLike) -> Array:
    """Sum of two polynomials (the shorter is padded with leading zeros).

    Args:
        a1: 1-d coefficients, highest power first (a scalar is a constant polynomial).
        a2: 1-d coefficients.

    Returns:
        The coefficients of ``a1 + a2``, as long as the longer input, in the promoted dtype.

    Example:
        >>> ft.polyadd(ft.array([1.0, 2.0]), ft.array([1.0, 0.0, 0.0])).tolist()
        [1.0, 1.0, 2.0]
    """
    a1, a2 = R.promote(_as_poly(a1, "polyadd"), _as_poly(a2, "polyadd"))
    length = max(a1.shape[0], a2.shape[0])
    return _leading_zeros_padded(a1, length) + _leading_zeros_padded(a2, length)


def polysub(a1: ArrayLike, a2: ArrayLike) -> Array:
    """Difference of two polynomials, ``a1 - a2``.

    Args:
        a1: the minuend's coefficients (1-d, highest power first).
        a2: the subtrahend's coefficients.

    Returns:
        A 1-d array of ``max(len(a1), len(a2))`` coefficients (promoted dtype).

    Example:
        >>> ft.polysub(ft.array([1.0, 2.0]), ft.array([1.0, 0.0, 0.0])).tolist()
        [-1.0, 1.0, 2.0]
    """
    a1, a2 = R.promote(_as_poly(a1, "polysub"), _as_poly(a2, "polysub"))
    length = max(a1.shape[0], a2.shape[0])
    return _leading_zeros_padded(a1, length) - _leading_zeros_padded(a2, length)


def polymul(a1: ArrayLike, a2: ArrayLike, *, trim_leading_zeros: bool = False) -> Array:
    """Product of two polynomials (the convolution of their coefficients).

    Args:
        a1: 1-d coefficients, highest power first.
        a2: 1-d coefficients.
        trim_leading_zeros: drop the product's leading zeros (needs concrete values).

    Returns:
        The ``len(a1) + len(a2) - 1`` coefficients of the product.

    Example:
        >>> ft.polymul(ft.array([1.0, 1.0]), ft.array([1.0, -1.0])).tolist()
        [1.0, 0.0, -1.0]
    """
    out = convolve(_as_poly(a1, "polymul"), _as_poly(a2, "polymul"))
    return _trim(out) if trim_leading_zeros else out


def _trim(p):
    values = np.asarray(ops.stop_gradient(p))  # needs concrete values: the shape depends on them
    nonzero = np.flatnonzero(values)
    return p[int(nonzero[0]):] if nonzero.size else p[-1:]


def polyval(p: ArrayLike, x: ArrayLike, *, unroll: int = 16) -> Array:
    """Evaluate the polynomial ``p`` at ``x`` by Horner's rule (``unroll`` is accepted for
    JAX compatibility).

    Args:
        p: 1-d coefficients, highest power first.
        x: the points, an array of any shape or a scalar.
        unroll: ignored.

    Returns:
        ``p[0] * x**(n-1) + ... + p[n-1]``, of ``x``'s shape in the promoted dtype.

    Example:
        >>> ft.polyval(ft.array([1.0, 0.0, -1.0]), ft.array([2.0, 3.0])).tolist()
        [3.0, 8.0]
    """
    p = _as_poly(p, "polyval")
    x = R.as_array(x)
    p, x = R.promote(p, x)
    out = ops.zeros_like(x) if p.dtype == x.dtype else ops.zeros(x.shape, dtype=p.dtype)
    for i in range(p.shape[0]):
        out = out * x + p[i]
    return out


def polyder(p: ArrayLike, m: int = 1) -> Array:
    """The ``m``-th derivative of the polynomial ``p``.

    Args:
        p: 1-d coefficients, highest power first.
        m: the order of the derivative.

    Returns:
        The ``max(len(p) - m, 0)`` coefficients of the derivative, in ``p``'s dtype.

    Raises:
        ValueError: for negative ``m``.

    Example:
        >>> ft.polyder(ft.array([1.0, 1.0, 1.0])).tolist()
        [2.0, 1.0]
    """
    if m < 0:
        raise ValueError(f"polyder: order of derivative must be non-negative, got m={m}")
    p = _as_poly(p, "polyder")
    for _ in range(m):
        n = p.shape[0] - 1
        p = p[:-1] * ops.arange(n, 0, -1, dtype=p.dtype)
    return p


def polyint(p: ArrayLike, m: int = 1, k: ArrayLike | None = None) -> Array:
    """The ``m``-th antiderivative of ``p``; ``k`` gives the integration constants (one per
    integration, lowest order last; a scalar is used for all; default 0).

    Args:
        p: 1-d coefficients, highest power first.
        m: the number of integrations.
        k: the integration constants: ``m`` of them, one scalar for all, or None (zeros).

    Returns:
        The ``len(p) + m`` coefficients, in ``p``'s float dtype (the default float dtype
        for integers).

    Raises:
        ValueError: a negative ``m``, or ``k`` of another length than ``m``.

    Example:
        >>> ft.polyint(ft.array([3.0, 2.0])).tolist()
        [1.5, 2.0, 0.0]
    """
    if m < 0:
        raise ValueError(f"polyint: order of integral must be non-negative, got m={m}")
    p = R.to_float(_as_poly(p, "polyint"))
    constants = ops.zeros((m,), dtype=p.dtype) if k is None else R.as_array(k)
    if constants.ndim == 0:
        constants = ops.broadcast_to(constants, (m,))
    if constants.shape != (m,):
        raise ValueError(f"polyint: k must have one constant per integration ({m}), got "
                         f"shape {constants.shape}")
    constants = ops.astype(constants, p.dtype)
    for i in range(m):
        n = p.shape[0]
        p = ops.concatenate([p / ops.arange(n, 0, -1, dtype=p.dtype), constants[i:i + 1]])
    return p


def polydiv(u: ArrayLike, v: ArrayLike, *, trim_leading_zeros: bool = False) -> Any:
    """Divide polynomial ``u`` by ``v``: ``u = q * v + r`` (JAX's signature).

    Args:
        u: the dividend's 1-d coefficients, highest power first.
        v: the divisor's coefficients (a nonzero leading one).
        trim_leading_zeros: trim the remainder as NumPy does.

    Raises:
        TypeError: complex coefficients.

    Returns:
        ``(q, r)``; ``r`` keeps ``u``'s length (leading zeros) unless
        ``trim_leading_zeros`` (then NumPy's values, concrete inputs only).

    Example:
        >>> q, r = ft.polydiv(ft.array([1.0, 0.0, -1.0]), ft.array([1.0, 1.0]))
        >>> q.tolist(), r.tolist()
        ([1.0, -1.0], [0.0, 0.0, 0.0])
    """
    u, v = R.promote(R.to_float(_as_poly(u, "polydiv")), R.to_float(_as_poly(v, "polydiv")))
    if u.dtype.kind == "c":  # its leading-zero trimming compares real magnitudes
        raise TypeError("polydiv: complex coefficients are not supported")
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = 1.0 / v[0]
    r, q = u, []
    for k in range(m - n + 1):
        d = scale * r[k]
        q.append(d)
        r = ops.concatenate([r[:k], r[k:k + n + 1] - d * v, r[k + n + 1:]])
    q = ops.stack(q) if q else ops.zeros((1,), dtype=u.dtype)
    if trim_leading_zeros:
        values = np.asarray(ops.stop_gradient(r))
        tol = np.sqrt(np.finfo(values.dtype).eps) * max(1.0, float(np.max(np.abs(values))))
        big = np.flatnonzero(np.abs(values) > tol)
        r = r[int(big[0]):] if big.size else r[-1:]
    return q, r


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> Array:
    """Vandermonde matrix: columns are powers of ``x`` (decreasing unless ``increasing``).

    Integer powers: the gradient is exact at ``x = 0`` too, to every order.

    Args:
        x: a 1-d array.
        N: the number of columns, or None for ``len(x)``.
        increasing: powers ``0, 1, ..., N - 1`` from left to right instead.

    Returns:
        A ``(len(x), N)`` array in ``x``'s dtype.

    Raises:
        ValueError: ``x`` is not 1-d, or ``N`` is negative.

    Example:
        >>> ft.vander(ft.array([2.0, 3.0]), 3).tolist()
        [[4.0, 2.0, 1.0], [9.0, 3.0, 1.0]]
    """
    x = R.as_array(x)
    if x.ndim != 1:
        raise ValueError(f"vander: x must be a one-dimensional array, got shape {x.shape}")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {N}")
    if n == 0:
        return ops.zeros((x.shape[0], 0), dtype=x.dtype)
    exponents = ops.arange(n) if increasing else ops.arange(n - 1, -1, -1)
    return ops.power(ops.reshape(x, (-1, 1)), exponents)


def poly(seq_of_zeros: ArrayLike) -> Array:
    """Coefficients of the monic polynomial with the given roots, or the characteristic
    polynomial of a square matrix (Faddeev-LeVerrier, so real matrices need no complex
    eigenvalues).

    Args:
        seq_of_zeros: a 1-d array of roots, or a square 2-d array.

    Returns:
        ``len(roots) + 1`` coefficients, highest power first (leading 1), in the input's
        float dtype; for no roots the 0-d array 1.

    Raises:
        ValueError: input of more than 2 dimensions, or a 2-d one that is not square.

    Example:
        >>> ft.poly(ft.array([1.0, 2.0])).tolist()
        [1.0, -3.0, 2.0]
        >>> ft.poly(ft.array([[1.0, 2.0], [3.0, 4.0]])).tolist()  # x**2 - trace x + det
        [1.0, -5.0, -2.0]
    """
    z = R.to_float(seq_of_zeros)
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0] > 0:
        return _characteristic(z)
    if z.ndim > 1:
        raise ValueError(f"poly: input must be 1-d or a non-empty square 2-d array, got shape "
                         f"{z.shape}")
    z = ops.reshape(z, (-1,))
    coefficients = ops.ones((1,), dtype=z.dtype)
    for i in range(z.shape[0]):
        factor = ops.stack([ops.ones((), dtype=z.dtype), -z[i]])
        coefficients = convolve(coefficients, factor)
    return coefficients if z.shape[0] else ops.ones((), dtype=z.dtype)


def _characteristic(a):
    n = a.shape[0]
    eye = ops.eye(n, dtype=a.dtype)
    m, coefficients = eye, [ops.ones((), dtype=a.dtype)]
    for k in range(1, n + 1):
        am = ops.matmul(a, m)
        c = -ops.trace(am) / k
        coefficients.append(c)
        m = am + c * eye
    return ops.stack(coefficients)


def _roots_impl(xp, p):
    # numpy.roots' companion matrix (the public roots() strips zero coefficients first); one
    # eigvals call for a whole vmapped batch
    host = p.get() if hasattr(p, "get") else np.asarray(p)  # CuPy has no general eig: host
    size = host.shape[-1] - 1
    companion = np.zeros(host.shape[:-1] + (size, size), dtype=host.dtype)
    companion[..., np.arange(1, size), np.arange(size - 1)] = 1.0
    companion[..., 0, :] = -host[..., 1:] / host[..., :1]
    found = np.linalg.eigvals(companion)
    if np.iscomplexobj(found) and np.any(found.imag != 0):
        raise ValueError(_COMPLEX_ROOTS.format(root=found.flat[np.argmax(np.abs(found.imag))]))
    # LAPACK's eigenvalue order differs between precisions and near-ties: sorted (descending)
    # roots are one well-defined, locally constant order (differentiable at simple roots)
    return xp.asarray(-np.sort(-np.real(found), axis=-1).astype(p.dtype))


def _roots_partials(ans, p):
    """``-r**(n-k) / p'(r)``: row i holds the derivatives of root i in each coefficient
    (over any leading batch axes)."""
    count = p.shape[-1]
    powers = ops.expand_dims(ans, -1) ** ops.arange(count - 1, -1, -1)
    weights = p[..., :-1] * ops.arange(count - 1, 0, -1).astype(p.dtype)
    slope = ops.einsum("...ik,...k->...i", powers[..., 1:], weights)
    return -powers / ops.expand_dims(slope, -1)


def _roots_batch(args, bdims):
    return bind(roots_p, R.move_bdim(args[0], bdims[0])), 0


def _roots_samples(s):
    roots = np.asarray(s.separated_array((s.integer(1, 3),), gap=0.5))
    return (ops.array(np.poly(roots) * (1.0 + s.boolean())),), {}


roots_p = Primitive(
    "roots", _roots_impl, shape=lambda p: (p.shape[:-1] + (p.shape[-1] - 1,), p.dtype),
    vjp=(lambda g, ans, p: ops.einsum("...i,...ik->...k", g, _roots_partials(ans, p)),),
    jvp=(lambda t, ans, p: ops.einsum("...ik,...k->...i", _roots_partials(ans, p), t),),
    batch=_roots_batch, samples=_roots_samples)


def roots(p: ArrayLike, *, strip_zeros: bool = True) -> Array:
    """Roots of the polynomial ``p``, in decreasing order, when they are all real.

    Args:
        p: 1-d coefficients, highest power first.
        strip_zeros: drop leading zero coefficients first (needs concrete values).

    Returns:
        A real 1-d array; differentiable at simple roots.

    Raises:
        ValueError: if a root is complex (roots returns real roots only).

    Example:
        >>> sorted(ft.roots(ft.array([1.0, -3.0, 2.0])).tolist())
        [1.0, 2.0]
    """
    p = R.to_float(_as_poly(p, "roots"))
    if strip_zeros and type(p) is R.Array:
        nonzero = np.flatnonzero(np.asarray(p))
        if not nonzero.size:
            return ops.zeros((0,), dtype=p.dtype)
        p = p[int(nonzero[0]):]
    trailing = 0
    if type(p) is R.Array:  # zero roots come last, as in NumPy
        values = np.asarray(p)
        while trailing < values.size - 1 and values[values.size - 1 - trailing] == 0:
            trailing += 1
    if p.shape[0] < 2:
        return ops.zeros((0,), dtype=p.dtype)
    found = bind(roots_p, p[:p.shape[0] - trailing]) if trailing < p.shape[0] - 1 else None
    zeros = ops.zeros((trailing,), dtype=p.dtype)
    if found is None or not trailing:
        return zeros if found is None else found
    return -ops.sort(-ops.concatenate([found, zeros]))  # zero roots in their sorted place
