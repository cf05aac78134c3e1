"""Parameter initialisation, PyTorch's ``torch.nn.init``.

Two forms of each rule: the in-place one (``kaiming_uniform_(param)``) replaces a
``Parameter``'s value with draws from the global generator (``ft.manual_seed``); the pure
one (``kaiming_uniform(key, shape)``) returns a new array drawn from an ``ft.random`` key.
Both accept ``key=``; the in-place forms rebind a ``Parameter`` box or an array handle
(``x.copy_``: the buffer itself never changes); they live in ``_init_inplace.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import funtorch as ft
from funtorch.typing import Array, DTypeLike, Key

__all__ = ["calculate_gain", "uniform", "normal", "constant", "zeros", "ones",
           "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
           "uniform_", "normal_", "constant_", "zeros_", "ones_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain for a nonlinearity ("relu" -> sqrt(2), ...).

    Args:
        nonlinearity: ``"linear"``, a conv name, ``"sigmoid"``, ``"tanh"``, ``"relu"``,
            ``"leaky_relu"`` or ``"selu"``.
        param: leaky_relu's negative slope (default 0.01).

    Returns:
        The gain, a float.

    Raises:
        ValueError: an unknown nonlinearity.

    Example:
        >>> round(ft.nn.init.calculate_gain("relu"), 4)
        1.4142
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def fan_in_and_out(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape`` (``(out, in, *kernel)``)."""
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         f"dimensions (shape {tuple(shape)})")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _draw(kind, key, shape, dtype, low=0.0, high=1.0):
    dtype = ft.get_default_dtype() if dtype is None else dtype
    if kind == "uniform":
        if key is None:
            unit = ft.rand(*shape, dtype=ft.float64)
        else:
            unit = ft.random.uniform(key, shape, ft.float64)
        return (unit * (high - low) + low).astype(dtype)
    if key is None:
        return ft.randn(*shape, dtype=dtype)
    return ft.random.normal(key, shape, dtype)


def uniform(key: Key | None, shape: Sequence[int], a: float = 0.0, b: float = 1.0,
            dtype: DTypeLike = None) -> Array:
    """Samples from U(a, b) of ``shape``.

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        a: the lower bound.
        b: the upper bound.
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> w = ft.nn.init.uniform(ft.random.key(0), (2, 3), -1.0, 1.0)
        >>> w.shape, bool(ft.all(ft.abs(w) <= 1.0))
        ((2, 3), True)
    """
    return _draw("uniform", key, tuple(shape), dtype, a, b)


def normal(key: Key | None, shape: Sequence[int], mean: float = 0.0, std: float = 1.0,
           dtype: DTypeLike = None) -> Array:
    """Samples from N(mean, std^2) of ``shape``.

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        mean: the mean.
        std: the standard deviation.
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.normal(ft.random.key(0), (2,), mean=1.5, std=0.0).tolist()
        [1.5, 1.5]
    """
    return _draw("normal", key, tuple(shape), dtype) * std + mean


def constant(shape: Sequence[int], val: float, dtype: DTypeLike = None) -> Array:
    """An array of ``shape`` filled with ``val``.

    Args:
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        val: the value.
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.constant((2,), 0.5).tolist()
        [0.5, 0.5]
    """
    return ft.full(tuple(shape), val, dtype=dtype or ft.get_default_dtype())


def zeros(shape: Sequence[int], dtype: DTypeLike = None) -> Array:
    """An array of zeros of ``shape``.

    Args:
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.zeros((2, 1)).tolist()
        [[0.0], [0.0]]
    """
    return constant(shape, 0.0, dtype)


def ones(shape: Sequence[int], dtype: DTypeLike = None) -> Array:
    """An array of ones of ``shape``.

    Args:
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.ones((2, 1)).tolist()
        [[1.0], [1.0]]
    """
    return constant(shape, 1.0, dtype)


def xavier_uniform(key: Key | None, shape: Sequence[int], gain: float = 1.0,
                   dtype: DTypeLike = None) -> Array:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        gain: a scale (:func:`calculate_gain`).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> w = ft.nn.init.xavier_uniform(ft.random.key(0), (3, 5))  # a = sqrt(6 / 8)
        >>> bool(ft.all(ft.abs(w) <= 0.8661))
        True
    """
    fan_in, fan_out = fan_in_and_out(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(key, shape, -bound, bound, dtype)


def xavier_normal(key: Key | None, shape: Sequence[int], gain: float = 1.0,
                  dtype: DTypeLike = None) -> Array:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        gain: a scale (:func:`calculate_gain`).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.xavier_normal(ft.random.key(0), (3, 5)).shape
        (3, 5)
    """
    fan_in, fan_out = fan_in_and_out(shape)
    return normal(key, shape, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), dtype)


def _kaiming_std(shape, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform(key: Key | None, shape: Sequence[int], a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", dtype: DTypeLike = None) -> Array:
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015).

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        a: leaky_relu's negative slope (for the gain).
        mode: ``"fan_in"`` (keeps the forward variance) or ``"fan_out"``.
        nonlinearity: what follows the layer (:func:`calculate_gain`).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> w = ft.nn.init.kaiming_uniform(ft.random.key(0), (4, 6))  # b = sqrt(3 * 2 / 6)
        >>> bool(ft.all(ft.abs(w) <= 1.0))
        True
    """
    bound = math.sqrt(3.0) * _kaiming_std(shape, a, mode, nonlinearity)
    return uniform(key, shape, -bound, bound, dtype)


def kaiming_normal(key: Key | None, shape: Sequence[int], a: float = 0.0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu", dtype: DTypeLike = None) -> Array:
    """N(0, std^2) with std = gain / sqrt(fan) (He et al., 2015).

    Args:
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).
        shape: the result's shape (a weight's is ``(fan_out, fan_in, *kernel)``).
        a: leaky_relu's negative slope (for the gain).
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: what follows the layer (:func:`calculate_gain`).
        dtype: the result's dtype (default: the default float dtype).

    Returns:
        A new array of ``shape``.

    Example:
        >>> ft.nn.init.kaiming_normal(ft.random.key(0), (4, 6), mode="fan_out").shape
        (4, 6)
    """
    return normal(key, shape, 0.0, _kaiming_std(shape, a, mode, nonlinearity), dtype)


# the in-place forms (below the pure ones they call) live in _init_inplace.py
from funtorch.nn._init_inplace import (  # noqa: E402
    constant_, kaiming_normal_, kaiming_uniform_, normal_, ones_, uniform_, xavier_normal_,
    xavier_uniform_, zeros_,
)
