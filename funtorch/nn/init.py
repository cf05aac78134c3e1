"""Parameter initialisation, PyTorch's ``torch.nn.init``.

Two forms of each rule: the in-place one (``kaiming_uniform_(param)``) replaces a
``Parameter``'s value with draws from the global generator (``ft.manual_seed``); the pure
one (``kaiming_uniform(key, shape)``) returns a new array drawn from an ``ft.random`` key.
Both accept ``key=``; the in-place forms rebind a ``Parameter`` box or an array handle
(``x.copy_``: the buffer itself never changes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import funtorch as ft
from funtorch.nn.parameter import Parameter, is_concrete
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["calculate_gain", "uniform", "normal", "constant", "zeros", "ones",
           "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
           "uniform_", "normal_", "constant_", "zeros_", "ones_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain for a nonlinearity ("relu" -> sqrt(2), ...).

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
    """Samples from U(a, b) of ``shape`` (from the global generator when ``key`` is None).

    Example:
        >>> w = ft.nn.init.uniform(ft.random.key(0), (2, 3), -1.0, 1.0)
        >>> w.shape, bool(ft.all(ft.abs(w) <= 1.0))
        ((2, 3), True)
    """
    return _draw("uniform", key, tuple(shape), dtype, a, b)


def normal(key: Key | None, shape: Sequence[int], mean: float = 0.0, std: float = 1.0,
           dtype: DTypeLike = None) -> Array:
    """Samples from N(mean, std^2) of ``shape`` (the global generator when ``key`` is None)."""
    return _draw("normal", key, tuple(shape), dtype) * std + mean


def constant(shape: Sequence[int], val: float, dtype: DTypeLike = None) -> Array:
    """An array of ``shape`` filled with ``val`` (the default dtype unless given)."""
    return ft.full(tuple(shape), val, dtype=dtype or ft.get_default_dtype())


def zeros(shape: Sequence[int], dtype: DTypeLike = None) -> Array:
    """An array of zeros of ``shape``."""
    return constant(shape, 0.0, dtype)


def ones(shape: Sequence[int], dtype: DTypeLike = None) -> Array:
    """An array of ones of ``shape``."""
    return constant(shape, 1.0, dtype)


def xavier_uniform(key: Key | None, shape: Sequence[int], gain: float = 1.0,
                   dtype: DTypeLike = None) -> Array:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = fan_in_and_out(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(key, shape, -bound, bound, dtype)


def xavier_normal(key: Key | None, shape: Sequence[int], gain: float = 1.0,
                  dtype: DTypeLike = None) -> Array:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
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
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015)."""
    bound = math.sqrt(3.0) * _kaiming_std(shape, a, mode, nonlinearity)
    return uniform(key, shape, -bound, bound, dtype)


def kaiming_normal(key: Key | None, shape: Sequence[int], a: float = 0.0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu", dtype: DTypeLike = None) -> Array:
    """N(0, std^2) with std = gain / sqrt(fan)."""
    return normal(key, shape, 0.0, _kaiming_std(shape, a, mode, nonlinearity), dtype)


def _fill(param: Array, value: ArrayLike) -> Array:
    """Rebind ``param`` (a Parameter box, or an array handle as ``x.copy_``) to ``value``."""
    value = ft.asarray(value).astype(param.dtype).to(param.device)
    if isinstance(param, Parameter):
        param.data = value
        return param
    if not is_concrete(param):
        raise TypeError(f"init: in-place initialisers need an ft.nn.Parameter or an array "
                        f"with a value, got {type(param).__name__} (a traced value); use the "
                        "pure form, e.g. ft.nn.init.kaiming_uniform(key, shape)")
    with ft.no_grad():  # as torch.nn.init, also on leaves requiring grad
        return param.copy_(value)


def uniform_(tensor: Array, a: float = 0.0, b: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter from U(a, b); returns it."""
    return _fill(tensor, uniform(key, tensor.shape, a, b, tensor.dtype))


def normal_(tensor: Array, mean: float = 0.0, std: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter from N(mean, std^2); returns it."""
    return _fill(tensor, normal(key, tensor.shape, mean, std, tensor.dtype))


def constant_(tensor: Array, val: float) -> Array:
    """Fill a Parameter with ``val``; returns it."""
    return _fill(tensor, constant(tensor.shape, val, tensor.dtype))


def zeros_(tensor: Array) -> Array:
    """Fill a Parameter with zeros; returns it."""
    return constant_(tensor, 0.0)


def ones_(tensor: Array) -> Array:
    """Fill a Parameter with ones; returns it."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Array, gain: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter with Glorot-uniform draws (:func:`xavier_uniform`); returns it."""
    return _fill(tensor, xavier_uniform(key, tensor.shape, gain, tensor.dtype))


def xavier_normal_(tensor: Array, gain: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter with Glorot-normal draws (:func:`xavier_normal`); returns it."""
    return _fill(tensor, xavier_normal(key, tensor.shape, gain, tensor.dtype))


def kaiming_uniform_(tensor: Array, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", key: Key | None = None) -> Array:
    """Fill a Parameter with He-uniform draws; PyTorch's Linear default uses a=sqrt(5)."""
    return _fill(tensor, kaiming_uniform(key, tensor.shape, a, mode, nonlinearity,
                                         tensor.dtype))


def kaiming_normal_(tensor: Array, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", key: Key | None = None) -> Array:
    """Fill a Parameter with He-normal draws (:func:`kaiming_normal`); returns it.

    Example:
        >>> w = ft.nn.Parameter(ft.zeros((4, 3)))
        >>> ft.nn.init.kaiming_normal_(w, key=ft.random.key(0)) is w
        True
    """
    return _fill(tensor, kaiming_normal(key, tensor.shape, a, mode, nonlinearity, tensor.dtype))
