"""Explicit-key random numbers, JAX style: ``key``, ``split``, ``fold_in`` and samplers.

A key is a ``uint32[2]`` array. Numbers are a pure function of the key (counter-based
Threefry-2x32, 20 rounds, Salmon et al. 2011), so the same key gives the same numbers on
every run, on every backend and under ``vmap``; never reuse a key, ``split`` it instead.
Bits follow JAX's default ("partitionable") Threefry scheme, so ``key``, ``split``,
``fold_in``, ``bits``, ``uniform`` on [0, 1), ``randint``, ``bernoulli``, ``permutation``
and ``categorical`` give JAX's exact values. Scaled ``uniform`` and ``normal`` agree to
an ulp or two: XLA fuses the multiply-adds (FMA) that NumPy rounds twice. Integer seeds
keep all 64 bits (JAX with ``jax_enable_x64``; the same key for seeds in [0, 2**32)).
Integer samples default to int64 where 32-bit JAX gives int32.

Example:
    >>> key = ft.random.key(0)
    >>> key, sub = ft.random.split(key)
    >>> ft.random.normal(sub, (2, 3)).shape
    (2, 3)
"""

from __future__ import annotations

import math

import numpy as np

from funtorch import ops
from funtorch._random_keys import _check_key, _shape, bits, fold_in, key, split
from funtorch.core import Array, Tracer, bind
from funtorch.dtypes import get_default_dtype
from funtorch.ops import registry as R
from funtorch.ops.prng import UINT, random_bits_p, random_bits_to_float_p, random_erf_inv_p
from funtorch.typing import ArrayLike, DTypeLike, Key, ShapeLike

__all__ = ["key", "split", "fold_in", "bits", "uniform", "normal", "randint", "bernoulli",
           "permutation", "categorical"]


# Argument checks (the key and shape checks live with the keys) --------------------------


def _float_dtype(fn, dtype):
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"{fn}: dtype must be a float dtype, got {dtype}")
    return dtype


def _broadcasts_to(shape, target):
    try:
        return np.broadcast_shapes(tuple(shape), target) == target
    except ValueError:
        return False


def _check_broadcast(fn, shape, *params):
    for param in params:
        if not _broadcasts_to(param.shape, shape):
            raise ValueError(f"{fn}: parameter shape {tuple(param.shape)} does not broadcast "
                             f"to the requested shape {shape}")


def _as_dtype(value, dtype, device):
    if isinstance(value, Array):
        return ops.astype(value, dtype)
    return ops.asarray(np.asarray(value, dtype=dtype), device=device)


# Samplers -----------------------------------------------------------------------------------


def uniform(key: Key, shape: ShapeLike = (), dtype: DTypeLike = None, minval: ArrayLike = 0.0,
            maxval: ArrayLike = 1.0) -> Array:
    """Uniform samples in ``[minval, maxval)`` (differentiable in ``minval``/``maxval``).

    Random mantissa bits under the exponent of 1.0 give a float in [1, 2); minus 1 gives
    [0, 1), then it is scaled.

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        shape: the output shape, an int or a tuple of non-negative ints.
        dtype: a float dtype; None means ``ft.get_default_dtype()``.
        minval: the lower bound (inclusive), a scalar or an array broadcasting to ``shape``.
        maxval: the upper bound (exclusive), likewise.

    Returns:
        An array of ``shape`` and ``dtype`` (JAX's values on [0, 1); scaled ones to an ulp).

    Raises:
        TypeError: a key that is not ``uint32[2]``.
        ValueError: a non-float dtype, a bad ``shape``, or bounds whose shape does not
            broadcast to ``shape``.

    Example:
        >>> x = ft.random.uniform(ft.random.key(0), (1000,), minval=-1.0, maxval=1.0)
        >>> bool(((x >= -1) & (x < 1)).all())
        True
    """
    key = _check_key("uniform", key)
    dtype, shape = _float_dtype("uniform", dtype), _shape("uniform", shape)
    minval, maxval = (_as_dtype(v, dtype, key.device) for v in (minval, maxval))
    _check_broadcast("uniform", shape, minval, maxval)
    raw = bind(random_bits_p, key, shape=shape, width=dtype.itemsize * 8)
    unit = bind(random_bits_to_float_p, raw)
    return ops.maximum(minval, unit * (maxval - minval) + minval)


def normal(key: Key, shape: ShapeLike = (), dtype: DTypeLike = None) -> Array:
    """Standard normal samples: ``sqrt(2) * erfinv(u)`` for ``u`` uniform in (-1, 1).

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        shape: the output shape, an int or a tuple of non-negative ints.
        dtype: a float dtype; None means ``ft.get_default_dtype()``.

    Returns:
        An array of ``shape`` and ``dtype`` (JAX's values to an ulp or two).

    Raises:
        TypeError: a key that is not ``uint32[2]``.
        ValueError: a non-float dtype or a bad ``shape``.

    Example:
        >>> ft.random.normal(ft.random.key(0), (2, 3)).dtype
        dtype('float32')
        >>> round(float(ft.random.normal(ft.random.key(0))), 4)  # JAX: 1.6226
        1.6226
    """
    key = _check_key("normal", key)
    dtype = _float_dtype("normal", dtype)
    low = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    unit = uniform(key, shape, dtype, low, 1.0)
    return bind(random_erf_inv_p, unit) * float(np.sqrt(2.0))


def _rem(x, span):
    """``x % span``, leaving ``x`` where ``span`` wrapped to 0 (XLA's remainder by zero)."""
    wrapped = span == 0
    return ops.where(wrapped, x, ops.mod(x, ops.where(wrapped, 1, span)))


def _int_bound(value, dtype, device):
    """A bound cast to ``dtype`` (clipped for Python values) and whether it exceeded it."""
    if isinstance(value, Array):
        return ops.astype(value, dtype), None
    host = np.asarray(value)
    host = host if host.dtype.kind in "iu" else host.astype(np.int64)
    info, own = np.iinfo(dtype), np.iinfo(host.dtype)
    clipped = np.clip(host, max(info.min, own.min), min(info.max, own.max)).astype(dtype)
    return ops.asarray(clipped, device=device), ops.asarray(host > min(info.max, own.max))


def randint(key: Key, shape: ShapeLike, minval: ArrayLike, maxval: ArrayLike,
            dtype: DTypeLike = np.int64) -> Array:
    """Integers uniform in ``[minval, maxval)``, JAX's algorithm: ``2 * nbits`` random bits
    per sample reduced modulo the span (the modulo bias is tiny unless the span nears
    ``2**nbits``). Narrow dtypes are sampled in int32, as JAX does.

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        shape: the output shape, an int or a tuple of non-negative ints.
        minval: the lower bound (inclusive), an int or an integer array broadcasting to
            ``shape``.
        maxval: the upper bound (exclusive), likewise; Python bounds beyond ``dtype``'s
            range are clipped to it.
        dtype: an integer dtype (int64 by default).

    Returns:
        An array of ``shape`` and ``dtype`` (JAX's values bit for bit).

    Raises:
        ValueError: ``minval >= maxval`` (checked when the bounds are concrete), a bad
            ``shape``, or bounds whose shape does not broadcast to ``shape``.
        TypeError: a non-integer dtype or a bad key.

    Example:
        >>> x = ft.random.randint(ft.random.key(0), (100,), 0, 10)
        >>> bool(((x >= 0) & (x < 10)).all())
        True
    """
    key = _check_key("randint", key)
    shape, out_dtype = _shape("randint", shape), np.dtype(dtype)
    if out_dtype.kind not in "iu":
        raise TypeError(f"randint: dtype must be an integer dtype, got {out_dtype}")
    concrete = not any(isinstance(b, Tracer) for b in (minval, maxval))
    if concrete and np.any(np.asarray(minval) >= np.asarray(maxval)):
        raise ValueError(f"randint: minval must be less than maxval, got minval={minval} and "
                         f"maxval={maxval}")
    dtype = out_dtype if out_dtype.itemsize >= 4 else np.dtype(np.int32)  # 32 bits at least
    (low, _), (high, high_over) = (_int_bound(b, dtype, key.device) for b in (minval, maxval))
    if dtype != out_dtype:  # sampled in int32: keep the bounds inside the narrow dtype
        info = np.iinfo(out_dtype)
        low, high = ops.clip(low, int(info.min), int(info.max)), ops.clip(
            high, int(info.min), int(info.max) + 1)
    _check_broadcast("randint", shape, low, high)
    nbits = dtype.itemsize * 8
    first, second = split(key)
    higher, lower = (bind(random_bits_p, k, shape=shape, width=nbits) for k in (first, second))
    span = ops.astype(high - low, UINT[nbits])
    span = ops.where(high <= low, 1, span)
    if high_over is not None:  # maxval beyond the dtype: the span has one more value
        span = ops.where(high_over & (high > low), span + 1, span)
    multiplier = _rem(ops.full_like(span, 2 ** (nbits // 2)), span)
    multiplier = _rem(multiplier * multiplier, span)
    offset = _rem(_rem(higher, span) * multiplier + _rem(lower, span), span)
    return ops.astype(low + ops.astype(offset, dtype), out_dtype)


def bernoulli(key: Key, p: ArrayLike = 0.5, shape: ShapeLike | None = None) -> Array:
    """Booleans that are True with probability ``p`` (``uniform < p``); ``shape`` defaults
    to ``p``'s shape.

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        p: the probability of True, a float scalar (the default dtype) or a float array
            broadcasting to ``shape``.
        shape: the output shape, or None for ``p``'s shape.

    Returns:
        A ``bool`` array of ``shape`` (JAX's values bit for bit).

    Raises:
        TypeError: a non-float ``p`` array, or a bad key.
        ValueError: ``p``'s shape does not broadcast to ``shape``, or a bad ``shape``.

    Example:
        >>> b = ft.random.bernoulli(ft.random.key(0), 0.3, (4,))
        >>> b.dtype, b.shape
        (dtype('bool'), (4,))
    """
    key = _check_key("bernoulli", key)
    if not isinstance(p, Array):
        p = ops.asarray(p if isinstance(p, np.ndarray) else np.asarray(p, get_default_dtype()),
                        device=key.device)
    if p.dtype.kind != "f":
        raise TypeError(f"bernoulli: probability p must have a float dtype, got {p.dtype}")
    shape = tuple(p.shape) if shape is None else _shape("bernoulli", shape)
    _check_broadcast("bernoulli", shape, p)
    return uniform(key, shape, p.dtype) < p


def _shuffled_indices(key, n):
    # Sort by fresh 32-bit keys, repeated until ties are negligible (JAX's _shuffle).
    rounds = math.ceil(3 * math.log(max(1, n)) / math.log(2**32 - 1))
    order = ops.arange(n, device=key.device)
    for _ in range(rounds):
        key, sub = split(key)
        order = ops.take(order, ops.argsort(bind(random_bits_p, sub, shape=(n,), width=32)))
    return order


def permutation(key: Key, x: ArrayLike, axis: int = 0) -> Array:
    """A random permutation of ``arange(x)`` for an int ``x``, else ``x`` shuffled along
    ``axis`` (differentiable in ``x``: a gather).

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        x: an int ``n`` (or an integer 0-d array), or an array of at least one dimension.
        axis: the axis of ``x`` to shuffle.

    Returns:
        An int64 array of shape ``(n,)`` holding ``0..n-1`` in random order, or ``x``'s
        slices along ``axis`` in random order (``x``'s shape and dtype); JAX's order.

    Raises:
        TypeError: a 0-d non-integer ``x``, or a bad key.
        ValueError: ``axis`` is out of range (``numpy.exceptions.AxisError``).

    Example:
        >>> sorted(ft.random.permutation(ft.random.key(0), 5).tolist())
        [0, 1, 2, 3, 4]
        >>> ft.random.permutation(ft.random.key(5), 10).tolist()  # JAX's order
        [9, 0, 2, 4, 8, 1, 3, 5, 7, 6]
    """
    key = _check_key("permutation", key)
    if isinstance(x, (int, np.integer)):
        return _shuffled_indices(key, int(x))
    x = R.as_array(x)
    if x.ndim == 0:
        if x.dtype.kind not in "iu":
            raise TypeError(f"permutation: x must be an integer or an array with at least one "
                            f"dimension, got {x.dtype}{list(x.shape)}")
        return _shuffled_indices(key, int(x))
    axis = ops.normalize_axis(axis, x.ndim, "permutation")[0]
    return ops.take(x, _shuffled_indices(key, x.shape[axis]), axis=axis)


def categorical(key: Key, logits: ArrayLike, axis: int = -1,
                shape: ShapeLike | None = None) -> Array:
    """Category indices drawn with probabilities ``softmax(logits, axis)`` (Gumbel-max).

    ``shape`` defaults to ``logits``' shape without ``axis``; a longer ``shape`` draws
    independent samples in its leading dimensions.

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        logits: unnormalised log-probabilities, categories along ``axis`` (integers become
            the default float dtype).
        axis: the axis of ``logits`` that holds the categories.
        shape: the sample shape, ending with ``logits``' shape without ``axis``; None
            for that shape.

    Returns:
        An int64 array of ``shape`` holding category indices (JAX's values bit for bit).

    Raises:
        ValueError: ``shape`` does not end with the batch shape of ``logits``, or ``axis``
            is out of range.

    Example:
        >>> ft.random.categorical(ft.random.key(0), ft.log(ft.array([0.2, 0.8])), shape=(5,)).shape
        (5,)
    """
    key = _check_key("categorical", key)
    logits = R.to_float(logits)
    axis = ops.normalize_axis(axis, logits.ndim, "categorical")[0] - logits.ndim
    batch_shape = tuple(n for i, n in enumerate(logits.shape) if i != axis % logits.ndim)
    shape = batch_shape if shape is None else _shape("categorical", shape)
    if len(shape) < len(batch_shape) or not _broadcasts_to(batch_shape, shape):
        raise ValueError(f"categorical: shape {shape} must end with the batch shape "
                         f"{batch_shape} of logits {tuple(logits.shape)} (axis {axis})")
    prefix = shape[:len(shape) - len(batch_shape)]
    noise_shape = list(shape[len(prefix):])
    noise_shape.insert(axis % logits.ndim, logits.shape[axis])
    tiny = float(np.finfo(logits.dtype).tiny)
    unit = uniform(key, prefix + tuple(noise_shape), logits.dtype, tiny, 1.0)
    gumbel = -ops.log(-ops.log(unit))
    expanded = ops.reshape(logits, (1,) * len(prefix) + tuple(logits.shape))
    return ops.argmax(gumbel + expanded, axis=axis)
