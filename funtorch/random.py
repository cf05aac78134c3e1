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
from funtorch.core import Array, Tracer, bind
from funtorch.dtypes import get_default_dtype
from funtorch.ops import registry as R
from funtorch.ops.prng import (
    KEY_MSG, UINT, random_bits_p, random_bits_to_float_p, random_erf_inv_p, random_fold_in_p,
    random_seed_p, random_split_p,
)
from funtorch.typing import ArrayLike, DTypeLike, Key, ShapeLike

__all__ = ["key", "split", "fold_in", "bits", "uniform", "normal", "randint", "bernoulli",
           "permutation", "categorical"]

_BATCHED_HINT = "; to use a batch of keys, ft.vmap over them"


# Argument checks --------------------------------------------------------------------------


def _check_key(fn, key):
    if not isinstance(key, Array):
        if not isinstance(key, np.ndarray):
            raise TypeError(KEY_MSG.format(fn=fn, got=type(key).__name__, hint=""))
        key = ops.asarray(key)
    if key.dtype != np.uint32 or tuple(key.shape) != (2,):
        batched = key.dtype == np.uint32 and key.ndim > 1 and key.shape[-1] == 2
        raise TypeError(KEY_MSG.format(fn=fn, got=f"{key.dtype}{list(key.shape)}",
                                        hint=_BATCHED_HINT if batched else ""))
    return key


def _shape(fn, shape):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{fn}: shape must be a tuple of non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)


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


# Keys ---------------------------------------------------------------------------------------


def key(seed: ArrayLike) -> Array:
    """A new key from an integer seed: ``[seed >> 32, seed & 0xFFFFFFFF]`` as ``uint32[2]``.

    Seeds in ``[-2**63, 2**64)`` keep all their bits (JAX with ``jax_enable_x64``).

    Raises:
        TypeError: a non-integer or non-scalar seed.
        ValueError: a seed outside ``[-2**63, 2**64)``.

    Example:
        >>> ft.random.key(42).tolist()
        [0, 42]
    """
    if isinstance(seed, Array):
        if seed.dtype.kind not in "iu" or seed.ndim:
            raise TypeError(f"key: expected an integer scalar seed, got "
                            f"{seed.dtype}{list(seed.shape)}")
        return bind(random_seed_p, seed)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"key: expected an integer seed, got {type(seed).__name__}")
    seed = int(seed)
    if not -2**63 <= seed < 2**64:
        raise ValueError(f"key: seed {seed} does not fit in 64 bits")
    return bind(random_seed_p, ops.asarray(np.array(seed, np.int64 if seed < 2**63 else
                                                    np.uint64)))


def split(key: Key, num: int = 2) -> Array:
    """``num`` new independent keys (an int, or a tuple for a shape), shape ``(*num, 2)``.

    Example:
        >>> ft.random.split(ft.random.key(0), 3).shape
        (3, 2)
    """
    key = _check_key("split", key)
    return bind(random_split_p, key, shape=_shape("split", num))


def fold_in(key: Key, data: ArrayLike) -> Array:
    """A new key that is a deterministic function of ``key`` and an integer in [0, 2**32).

    Raises:
        TypeError: ``data`` is not an integer scalar.
        ValueError: ``data`` is outside [0, 2**32).

    Example:
        >>> step_key = ft.random.fold_in(ft.random.key(0), 7)
    """
    key = _check_key("fold_in", key)
    if isinstance(data, Array):
        if data.ndim or data.dtype.kind not in "iu":
            raise TypeError(f"fold_in: expected an integer scalar, got "
                            f"{data.dtype}{list(data.shape)}; use ft.vmap for batches")
        return bind(random_fold_in_p, key, ops.astype(data, np.uint32))
    if not isinstance(data, (int, np.integer)) or not 0 <= int(data) < 2**32:
        raise ValueError(f"fold_in: data must be an integer in [0, 2**32), got {data!r}")
    return bind(random_fold_in_p, key, ops.asarray(np.uint32(data), device=key.device))


def bits(key: Key, shape: ShapeLike = (), dtype: DTypeLike = np.uint32) -> Array:
    """Uniform random bits of an unsigned dtype (uint8, uint16, uint32 or uint64).

    Raises:
        TypeError: ``dtype`` is not an unsigned integer dtype.

    Example:
        >>> ft.random.bits(ft.random.key(0), (2,)).dtype
        dtype('uint32')
    """
    key = _check_key("bits", key)
    dtype = np.dtype(dtype)
    if dtype not in UINT.values():
        raise TypeError(f"bits: dtype must be uint8, uint16, uint32 or uint64, got {dtype}")
    return bind(random_bits_p, key, shape=_shape("bits", shape), width=dtype.itemsize * 8)


# Samplers -----------------------------------------------------------------------------------


def uniform(key: Key, shape: ShapeLike = (), dtype: DTypeLike = None, minval: ArrayLike = 0.0,
            maxval: ArrayLike = 1.0) -> Array:
    """Uniform samples in ``[minval, maxval)`` (differentiable in ``minval``/``maxval``).

    Random mantissa bits under the exponent of 1.0 give a float in [1, 2); minus 1 gives
    [0, 1), then it is scaled. ``dtype`` defaults to ``ft.get_default_dtype()``.

    Raises:
        TypeError: a key that is not ``uint32[2]``.
        ValueError: a non-float dtype, or bounds whose shape does not broadcast to ``shape``.

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

    Example:
        >>> ft.random.normal(ft.random.key(0), (2, 3)).dtype
        dtype('float32')
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

    Raises:
        ValueError: ``minval >= maxval`` (checked when the bounds are concrete).
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

    Raises:
        TypeError: a non-float ``p`` array.

    Example:
        >>> ft.random.bernoulli(ft.random.key(0), 0.3, (4,)).dtype
        dtype('bool')
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

    Raises:
        TypeError: a 0-d non-integer ``x``.

    Example:
        >>> sorted(ft.random.permutation(ft.random.key(0), 5).tolist())
        [0, 1, 2, 3, 4]
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
    independent samples in its leading dimensions. Returns int64.

    Raises:
        ValueError: ``shape`` does not end with the batch shape of ``logits``.

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
