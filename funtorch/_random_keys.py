"""Keys of :mod:`funtorch.random`: ``key``, ``split``, ``fold_in``, ``bits`` and the key and
shape checks every sampler shares (the samplers live in ``random.py``, which re-exports
these)."""

from __future__ import annotations

import numpy as np

from funtorch import ops
from funtorch.core import Array, bind
from funtorch.ops.prng import (
    KEY_MSG, UINT, random_bits_p, random_fold_in_p, random_seed_p, random_split_p,
)
from funtorch.typing import ArrayLike, DTypeLike, Key, ShapeLike

__all__ = ["key", "split", "fold_in", "bits"]

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


# Keys ---------------------------------------------------------------------------------------


def key(seed: ArrayLike) -> Array:
    """A new key from an integer seed: ``[seed >> 32, seed & 0xFFFFFFFF]`` as ``uint32[2]``.

    Seeds in ``[-2**63, 2**64)`` keep all their bits (JAX with ``jax_enable_x64``).

    Args:
        seed: a Python or NumPy integer in ``[-2**63, 2**64)`` (negative seeds as their
            64-bit two's complement), or an integer 0-d array (a traced seed under ``vmap``).

    Returns:
        A ``uint32`` array of shape ``(2,)``, JAX's ``PRNGKey(seed)`` (with
        ``jax_enable_x64`` for seeds outside ``[0, 2**32)``).

    Raises:
        TypeError: a non-integer or non-scalar seed.
        ValueError: a seed outside ``[-2**63, 2**64)``.

    Example:
        >>> ft.random.key(42).tolist()
        [0, 42]
        >>> ft.random.key(2**33 + 5).tolist()  # [2**33 >> 32, 5]
        [2, 5]
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

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        num: how many keys: a non-negative int, or a tuple of them for a shape of keys.

    Returns:
        A ``uint32`` array of shape ``(num, 2)`` (``(*num, 2)`` for a tuple), JAX's keys.

    Raises:
        TypeError: ``key`` is not a ``uint32[2]`` array.
        ValueError: ``num`` is not a non-negative int or a tuple of them.

    Example:
        >>> ft.random.split(ft.random.key(0), 3).shape
        (3, 2)
        >>> ft.random.split(ft.random.key(0)).tolist()  # JAX's split(PRNGKey(0))
        [[1797259609, 2579123966], [928981903, 3453687069]]
    """
    key = _check_key("split", key)
    return bind(random_split_p, key, shape=_shape("split", num))


def fold_in(key: Key, data: ArrayLike) -> Array:
    """A new key that is a deterministic function of ``key`` and an integer in [0, 2**32).

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        data: a Python or NumPy integer in ``[0, 2**32)``, or an integer 0-d array (a
            traced step number under ``jit``/``vmap``; cast to uint32).

    Returns:
        A new key, a ``uint32`` array of shape ``(2,)`` (JAX's ``fold_in``).

    Raises:
        TypeError: ``key`` is not a ``uint32[2]`` array, or ``data`` is an array that is
            not an integer scalar.
        ValueError: ``data`` is not an integer in [0, 2**32) (a float, a negative int).

    Example:
        >>> ft.random.fold_in(ft.random.key(0), 7).tolist()  # JAX's value
        [2716826189, 292468403]
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

    Args:
        key: a key, a ``uint32[2]`` array (a batch of keys: ``ft.vmap`` over them).
        shape: the output shape, an int or a tuple of non-negative ints.
        dtype: ``uint8``, ``uint16``, ``uint32`` (the default) or ``uint64``.

    Returns:
        An array of ``shape`` and ``dtype``, JAX's ``random.bits`` bit for bit.

    Raises:
        TypeError: ``key`` is not a ``uint32[2]`` array, or ``dtype`` is not an unsigned
            integer dtype.
        ValueError: ``shape`` holds a negative or non-integer size.

    Example:
        >>> ft.random.bits(ft.random.key(0), (2,)).dtype
        dtype('uint32')
        >>> ft.random.bits(ft.random.key(1), (9,), ft.uint8).tolist()  # JAX's values
        [183, 62, 122, 241, 164, 188, 116, 20, 134]
    """
    key = _check_key("bits", key)
    dtype = np.dtype(dtype)
    if dtype not in UINT.values():
        raise TypeError(f"bits: dtype must be uint8, uint16, uint32 or uint64, got {dtype}")
    return bind(random_bits_p, key, shape=_shape("bits", shape), width=dtype.itemsize * 8)
