"""The PyTorch-style global generator (``ft.manual_seed``, ``ft.rand``, ``ft.randn``,
``ft.randint``), built on :mod:`funtorch.random`'s counter-based keys.

One key is split on every draw, so ``ft.manual_seed(s)`` followed by the same calls gives
the same numbers on every run and machine. Like PyTorch's default generator, it starts
from a fixed seed. ``ft.jit`` reads the key with :func:`get_key` and writes the advanced
one back with :func:`set_key` after each call of a program that draws from it, so jitted
code draws the same sequence as eager code.

Threads share the one key (as PyTorch's default generator); every read-split-write of it
holds a lock, so two threads never draw the same numbers. While a thread stages a jit
program its draws go to a per-thread key input instead (:func:`override_key`).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from funtorch import backends, random
from funtorch.core import LEAF, Array, wrap
from funtorch.dtypes import get_default_dtype
from funtorch.typing import DTypeLike, ShapeLike

__all__ = ["manual_seed", "rand", "randn", "randint"]

_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed
_GLOBAL_KEY = [None]
_LOCK = threading.RLock()


class _Override(threading.local):
    key = None  # while this thread stages a jit program: the program's key input
    forbid = None  # while this thread stages a scan/cond/while body: that body's name


_OVERRIDE = _Override()


def manual_seed(seed: int) -> None:
    """Seed the global generator used by ``rand``, ``randn``, ``randint`` (PyTorch style).

    Args:
        seed: a Python or NumPy integer in ``[-2**63, 2**64)``; the generator's key becomes
            ``ft.random.key(seed)``.

    Raises:
        TypeError: ``seed`` is not an integer (or is a bool).
        ValueError: ``seed`` does not fit in 64 bits.

    Example:
        >>> ft.manual_seed(0); a = ft.rand(2); ft.manual_seed(0); (a == ft.rand(2)).all().item()
        True
    """
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}")
    set_key(random.key(int(seed)))


def get_key() -> Array:
    """The generator's current key (a ``uint32[2]`` array; a tracer while ``jit`` stages)."""
    override = _OVERRIDE.key
    if override is not None:
        return override
    with _LOCK:
        if _GLOBAL_KEY[0] is None:
            _GLOBAL_KEY[0] = random.key(_DEFAULT_SEED)
        return _GLOBAL_KEY[0]


def set_key(key) -> None:
    """Replace the generator's key (``jit`` threads it through its programs)."""
    if _OVERRIDE.key is not None:
        _OVERRIDE.key = key
        return
    with _LOCK:
        _GLOBAL_KEY[0] = key


def override_key(key):
    """Make ``key`` (or, with ``None``, the shared key again) this thread's generator key;
    return the previous override. ``jit`` stages draws against a key input this way
    without other threads ever seeing the tracer."""
    previous, _OVERRIDE.key = _OVERRIDE.key, key
    return previous


def forbid_draws(where):
    """While ``where`` (a name, or ``None`` to allow again) is set, a draw from the global
    generator raises :class:`~funtorch.errors.ConcretizationError`; return the previous
    setting. A ``scan``/``cond``/``while_loop`` body is staged ONCE: a draw made while
    staging it would be a constant of the program, the same number at every step and call
    (a silent wrong answer); raising makes the loop run step by step in Python instead."""
    previous, _OVERRIDE.forbid = _OVERRIDE.forbid, where
    return previous


def _check_draw():
    where = _OVERRIDE.forbid
    if where is not None:
        from funtorch.errors import ConcretizationError

        raise ConcretizationError(
            f"{where}: a draw from the global generator (ft.rand, ft.randn, ft.randint, "
            "Dropout without a key, a jitted function that draws) inside a body that is "
            "staged once would repeat the same numbers at every step; the loop runs in Python "
            "instead. To stage it, carry an explicit ft.random key through the loop.")


def advance_key(step):
    """Atomically replace the key ``k`` by ``step(k)`` and return ``k`` (a jitted call
    draws with ``k`` while the generator moves on, so concurrent calls never share it)."""
    _check_draw()
    with _LOCK:
        key = get_key()
        set_key(step(key))
    return key


def _next_key():
    _check_draw()
    with _LOCK:  # read-split-write as one step: two threads never get one subkey
        key, subkey = random.split(get_key())
        set_key(key)
    return subkey


def _random(fn, draw, shape, dtype, device, requires_grad):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{fn}: shape entries must be non-negative ints, got {shape}")
    dtype = np.dtype(dtype or get_default_dtype())
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"{fn}: only floating-point arrays can require gradients, got {dtype}")
    out = draw(_next_key(), tuple(int(n) for n in shape), dtype)
    if device is not None and backends.device(device).type != "cpu":
        out = wrap(backends.get_backend(device).from_host(out.numpy(), backends.device(device)))
    if requires_grad:
        out._node = LEAF
    return out


def rand(*shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
         requires_grad: bool = False) -> Array:
    """Uniform samples in [0, 1) from the global generator (``ft.manual_seed``).

    Args:
        *shape: the shape, as ints (``ft.rand(2, 3)``) or one sequence.
        dtype: a float dtype (default: the default float dtype).
        device: where the result lives.
        requires_grad: make the result a leaf that requires grad.

    Returns:
        An array of ``shape``.

    Example:
        >>> x = ft.rand(2, 3); x.shape, bool(ft.all((x >= 0) & (x < 1)))
        ((2, 3), True)
    """
    return _random("rand", lambda k, s, d: random.uniform(k, s, d), shape, dtype, device,
                   requires_grad)


def randn(*shape: ShapeLike, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    """Standard normal samples from the global generator (``ft.manual_seed``).

    Args:
        *shape: the shape, as ints (``ft.randn(2, 3)``) or one sequence.
        dtype: a float dtype (default: the default float dtype).
        device: where the result lives.
        requires_grad: make the result a leaf that requires grad.

    Returns:
        An array of ``shape``.

    Example:
        >>> _ = ft.manual_seed(0); a = ft.randn(3)
        >>> _ = ft.manual_seed(0); bool(ft.all(a == ft.randn(3)))  # the seed repeats draws
        True
    """
    return _random("randn", lambda k, s, d: random.normal(k, s, d), shape, dtype, device,
                   requires_grad)


def randint(low: int, high: int | None = None, size: ShapeLike | None = (),
            dtype: DTypeLike = np.int64, device: Any = None) -> Array:
    """Integers in ``[low, high)`` from the global generator (``randint(high, size)`` too).

    Args:
        low: the smallest value (the bound ``high`` when ``high`` is None).
        high: one past the largest value.
        size: the shape (an int or a sequence).
        dtype: an integer dtype (default int64).
        device: where the result lives.

    Returns:
        An array of ``size``.

    Example:
        >>> x = ft.randint(3, 5, (4,)); x.shape, bool(ft.all((x >= 3) & (x < 5)))
        ((4,), True)
    """
    if high is None:
        low, high = 0, low
    if isinstance(size, (int, np.integer)):
        size = (size,)
    return _random("randint", lambda k, s, d: random.randint(k, s, low, high, d), tuple(size),
                   dtype, device, False)
