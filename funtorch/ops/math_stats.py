"""Order statistics (``quantile``, ``percentile``, ``median``), covariance and correlation
(``cov``, ``corrcoef``) and 1-d ``correlate``/``convolve``.

Quantiles sort and pick with ``take_along_axis``, so they differentiate as JAX's do: the
gradient goes to the one or two order statistics the result interpolates between (and to
``q`` through the interpolation weight).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops import registry as R
from funtorch.ops.reductions import normalize_axis, reduced_shape
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _move_to_last(a, axis, name):
    """``a`` with the reduced axes flattened into one last axis, and the normalised axes."""
    axes = normalize_axis(axis, a.ndim, name)
    if a.ndim == 0:
        return ops.reshape(a, (1,)), axes
    kept = [i for i in range(a.ndim) if i not in axes]
    moved = ops.transpose(a, kept + list(axes))
    return ops.reshape(moved, tuple(a.shape[i] for i in kept) + (-1,)), axes


def _check_q(q, name, scale):
    if type(q) is not R.Array:  # concrete values only: under transforms it stays unchecked
        return
    values = np.asarray(q)
    if values.size and (np.nanmin(values) < 0 or np.nanmax(values) > 1):
        raise ValueError(f"{name}: q must lie in [0, {scale}], got values from "
                         f"{np.min(values) * scale} to {np.max(values) * scale}")


def quantile_impl(a, q, axis, method, keepdims, ignore_nan, name, scale=1):
    """Shared body of ``quantile``/``nanquantile`` (``q`` already divided by ``scale``)."""
    if method not in _METHODS:
        raise ValueError(f"{name}: method must be one of {_METHODS}, got {method!r}")
    a = R.to_float(a)
    if isinstance(q, R.Array) and q.dtype.kind == "f" and q.dtype != a.dtype:
        a = ops.astype(a, np.result_type(a.dtype, q.dtype))  # float32 a, float64 q: float64
    q = q if isinstance(q, R.Array) else ops.asarray(np.asarray(q, a.dtype))  # weak: a's
    q = ops.astype(q, a.dtype) if q.dtype != a.dtype else q
    q = q / float(scale) if scale != 1 else q
    _check_q(q, name, scale)
    flat, axes = _move_to_last(a, axis, name)
    batch, n = flat.shape[:-1], flat.shape[-1]
    nan = ops.isnan(flat)
    ordered = ops.sort(flat, axis=-1)  # NaN sorts last
    if ignore_nan:
        count = ops.sum(ops.logical_not(nan), axis=-1, keepdims=True)
        top = ops.astype(ops.maximum(count - 1, 0), a.dtype)
    else:
        top = float(n - 1)
    q_b = ops.reshape(q, q.shape + (1,) * (len(batch) + 1))
    pos = q_b * top
    if method == "nearest":
        pos = ops.round(pos)
    lo = ops.floor(pos)
    hi = ops.minimum(ops.ceil(pos), float(n - 1))
    full = ops.broadcast_to(ordered, q.shape + batch + (n,))

    def pick(index):
        index = ops.broadcast_to(ops.astype(ops.stop_gradient(index), np.int64),
                                 q.shape + batch + (1,))
        return ops.take_along_axis(full, index, axis=-1)

    low_v, high_v = pick(lo), pick(hi)
    if method in ("lower", "nearest"):
        out = low_v
    elif method == "higher":
        out = high_v
    elif method == "midpoint":
        out = (low_v + high_v) / 2.0
    else:
        out = low_v + (high_v - low_v) * (pos - ops.stop_gradient(lo))
    if ignore_nan:
        out = ops.where(count == 0, float("nan"), out)
    else:
        out = ops.where(ops.any(nan, axis=-1, keepdims=True), float("nan"), out)
    shape = q.shape + reduced_shape(a.shape, axes, keepdims)
    return ops.reshape(out, shape)


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"{name}: the out= argument is not supported (funtorch "
                        "arrays are immutable); use the return value")


_QUANTILE_DOC = """{summary}

    Args:
        a: input array; integers become the default float.
        q: {q_range}, a scalar or array; its shape leads the result's.
        axis: None (all), an int or a tuple.
        out, overwrite_input: accepted for NumPy compatibility (``out`` must be None).
        method: ``"linear"``, ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"``.
        keepdims: keep the reduced axes with length 1.

    Returns:
        An array of shape ``q.shape + reduced shape``; {nan_rule}.

    Raises:
        ValueError: for an unknown method or ``q`` out of range.

    Example:
        >>> ft.{name}(ft.array([1.0, 2.0, 3.0, 4.0]), {q_example}).item()
        2.5
    """


def make_quantile(name: str, ignore_nan: bool, scale: float, summary: str) -> Callable[..., Array]:
    """``quantile``/``percentile`` and their NaN-ignoring twins (``q`` in [0, scale])."""
    def fn(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: Any = None,
           overwrite_input: bool = False, method: str = "linear", keepdims: bool = False) -> Array:
        _no_out(name, out)
        return quantile_impl(a, q, axis, method, keepdims, ignore_nan, name, scale)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _QUANTILE_DOC.format(
        summary=summary, name=name, q_range=f"value(s) in [0, {scale}]",
        q_example="0.5" if scale == 1 else "50",
        nan_rule="NaN only for all-NaN slices" if ignore_nan else "NaN where a slice holds NaN")
    return fn


def make_median(name, ignore_nan, summary):
    def fn(a, axis=None, out=None, overwrite_input=False, keepdims=False):
        _no_out(name, out)
        return quantile_impl(a, 0.5, axis, "linear", keepdims, ignore_nan, name)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{summary}\n\n    The gradient goes to the middle element(s), as JAX's.\n\n"
                  f"    Example:\n        >>> ft.{name}(ft.array([[1.0, 3.0, 2.0]]), axis=1)"
                  f".tolist()\n        [2.0]\n    ")
    return fn


quantile = make_quantile("quantile", False, 1, "The ``q``-th quantiles of ``a`` over ``axis`` "
                         "(NumPy's ``quantile``).")
percentile = make_quantile("percentile", False, 100, "The ``q``-th percentiles of ``a`` over "
                           "``axis``: :func:`quantile` of ``q / 100``.")
median = make_median("median", False, "Median over ``axis`` (the mean of the two middle "
                     "values for even counts); NaN where a slice holds NaN.")


def _atleast_2d(x):
    x = R.as_array(x)
    return ops.reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the variables in ``m`` (rows, unless ``rowvar=False``).

    Args:
        m: 1-d or 2-d observations; integers become the default float.
        y: more variables, joined to ``m``'s.
        rowvar: each row is a variable (else each column).
        bias: normalise by N (else N - 1), unless ``ddof`` is given.
        ddof: overrides ``bias``: normalise by N - ddof.
        fweights: integer frequency weights per observation.
        aweights: observation weights.

    Returns:
        The covariance matrix (0-d for a single variable).

    Example:
        >>> ft.cov(ft.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
        [[1.0, -1.0], [-1.0, 1.0]]
    """
    x = _atleast_2d(R.to_float(m))
    if x.ndim != 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {x.shape})")
    if not rowvar and x.shape[0] != 1:
        x = x.T
    if y is not None:
        other = _atleast_2d(R.to_float(y))
        if not rowvar and other.shape[0] != 1:
            other = other.T
        x = ops.concatenate(R.promote_all([x, other]), axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    w = None
    for weights, kind in ((fweights, "fweights"), (aweights, "aweights")):
        if weights is not None:
            weights = R.as_array(weights)
            if weights.shape != (x.shape[1],):
                raise ValueError(f"cov: {kind} must have shape ({x.shape[1]},), got "
                                 f"{weights.shape}")
            w = weights if w is None else w * weights
    if w is None:
        avg = ops.mean(x, axis=1, keepdims=True)
        fact = max(x.shape[1] - ddof, 0)
    else:
        w = ops.astype(w, x.dtype)
        w_sum = ops.sum(w)
        avg = ops.sum(x * w, axis=1, keepdims=True) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = w_sum - ddof
        else:
            fact = w_sum - ddof * ops.sum(w * ops.astype(R.as_array(aweights), x.dtype)) / w_sum
        fact = ops.maximum(fact, 0.0)
    centered = x - avg
    weighted = centered if w is None else centered * w
    c = ops.matmul(centered, ops.conj(weighted).T) / fact  # NumPy's X X^H
    return ops.squeeze(c) if 1 in c.shape else c


def corrcoef(x: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True) -> Array:
    """Pearson correlation coefficients: :func:`cov` scaled to unit diagonal, clipped to
    ``[-1, 1]``.

    Args:
        x: 1-D or 2-D observations of the variables (integers become the default float).
        y: more variables, joined to ``x``'s, or None.
        rowvar: each row is a variable (else each column).

    Returns:
        A float ``(k, k)`` matrix for ``k`` variables (0-d, 1.0 or NaN, for a single one).

    Raises:
        ValueError: an input of more than 2 dimensions (from :func:`cov`).

    Example:
        >>> ft.corrcoef(ft.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]]))[0, 1].item()
        -0.98198...
    """
    c = cov(x, y, rowvar)
    if c.ndim == 0:
        return c / c
    std = ops.sqrt(ops.diag(c))
    c = c / std[:, None] / std[None, :]
    return ops.clip(c, -1.0, 1.0)


def _full_correlation(a, v):
    n, m = a.shape[0], v.shape[0]
    zeros = ops.zeros((m - 1,), dtype=a.dtype)
    padded = ops.concatenate([zeros, a, zeros])
    return ops.matmul(ops.sliding_window_view(padded, m), v), n, m


def _check_1d(name, a, v):
    for label, arr in (("a", a), ("v", v)):
        if arr.ndim != 1 or arr.shape[0] == 0:
            raise ValueError(f"{name}: {label} must be a non-empty 1-d array, got shape "
                             f"{arr.shape}")


def _mode_slice(name, full, n, m, mode):
    if mode == "full":
        return full
    if mode == "valid":
        start, length = min(n, m) - 1, max(n, m) - min(n, m) + 1
    elif mode == "same":  # NumPy's centring, measured against np.correlate/np.convolve
        start, length = (m - 1) // 2 if n >= m else n // 2, max(n, m)
    else:
        raise ValueError(f"{name}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    return full[start:start + length]


def correlate(a: ArrayLike, v: ArrayLike, mode: str = "valid", *, precision: Any = None,
              preferred_element_type: DTypeLike = None) -> Array:
    """Cross-correlation of two 1-d arrays: ``c[k] = sum_n a[n + k] * v[n]`` (NumPy's).

    Args:
        a, v: non-empty 1-d arrays.
        mode: ``"valid"`` (full overlap), ``"same"`` (length ``max(len(a), len(v))``) or
            ``"full"`` (every overlap).
        precision: accepted for JAX compatibility (NumPy computes at full precision).
        preferred_element_type: the result's dtype (default: the promoted input dtype).

    Returns:
        A 1-D array of the promoted dtype (or ``preferred_element_type``), of length
        ``max(n, m) - min(n, m) + 1`` (valid), ``max(n, m)`` (same) or ``n + m - 1`` (full).

    Raises:
        ValueError: for other shapes or modes.

    Example:
        >>> ft.correlate(ft.array([1.0, 2.0, 3.0]), ft.array([0.0, 1.0, 0.5])).tolist()
        [3.5]
    """
    a, v = R.promote(R.as_array(a), R.as_array(v))
    _check_1d("correlate", a, v)
    full, n, m = _full_correlation(a, ops.conj(v))  # NumPy conjugates v
    return _typed(_mode_slice("correlate", full, n, m, mode), preferred_element_type)


def convolve(a: ArrayLike, v: ArrayLike, mode: str = "full", *, precision: Any = None,
             preferred_element_type: DTypeLike = None) -> Array:
    """Discrete linear convolution of two 1-d arrays (NumPy's ``convolve``).

    Args:
        a, v: non-empty 1-d arrays.
        mode: ``"full"`` (default), ``"same"`` or ``"valid"``.
        precision, preferred_element_type: as in :func:`correlate`.

    Returns:
        A 1-D array of the promoted dtype (or ``preferred_element_type``), of length
        ``n + m - 1`` (full), ``max(n, m)`` (same) or ``max(n, m) - min(n, m) + 1`` (valid).

    Raises:
        ValueError: an input that is not a non-empty 1-D array, or an unknown ``mode``.

    Example:
        >>> ft.convolve(ft.array([1.0, 2.0]), ft.array([1.0, 1.0])).tolist()
        [1.0, 3.0, 2.0]
    """
    a, v = R.promote(R.as_array(a), R.as_array(v))
    _check_1d("convolve", a, v)
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    full, n, m = _full_correlation(a, ops.flip(v, 0))
    return _typed(_mode_slice("convolve", full, n, m, mode), preferred_element_type)


def _typed(out, dtype):
    return out if dtype is None else ops.astype(out, dtype)


__all__ = ["corrcoef", "convolve", "correlate", "cov", "median", "percentile", "quantile"]
