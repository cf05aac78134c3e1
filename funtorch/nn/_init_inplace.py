"""The in-place initialisers of ``ft.nn.init`` (``kaiming_uniform_(param)``): each draws
with the pure form of ``init.py`` and rebinds the ``Parameter`` box (or, as ``x.copy_``, an
array handle) to the result."""

from __future__ import annotations

import funtorch as ft
from funtorch.nn.init import (constant, kaiming_normal, kaiming_uniform, normal, uniform,
                              xavier_normal, xavier_uniform)
from funtorch.nn.parameter import Parameter, is_concrete
from funtorch.typing import Array, ArrayLike, Key

__all__ = ["uniform_", "normal_", "constant_", "zeros_", "ones_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


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
    """Fill a Parameter from U(a, b); returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        a: the lower bound.
        b: the upper bound.
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> ft.nn.init.uniform_(ft.nn.Parameter(ft.zeros(2)), 2.0, 2.0).tolist()
        [2.0, 2.0]
    """
    return _fill(tensor, uniform(key, tensor.shape, a, b, tensor.dtype))


def normal_(tensor: Array, mean: float = 0.0, std: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter from N(mean, std^2); returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        mean: the mean.
        std: the standard deviation.
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> ft.nn.init.normal_(ft.nn.Parameter(ft.zeros(2)), 1.0, 0.0).tolist()
        [1.0, 1.0]
    """
    return _fill(tensor, normal(key, tensor.shape, mean, std, tensor.dtype))


def constant_(tensor: Array, val: float) -> Array:
    """Fill a Parameter with ``val``; returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        val: the value.

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> ft.nn.init.constant_(ft.nn.Parameter(ft.zeros(2)), 0.5).tolist()
        [0.5, 0.5]
    """
    return _fill(tensor, constant(tensor.shape, val, tensor.dtype))


def zeros_(tensor: Array) -> Array:
    """Fill a Parameter with zeros; returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> ft.nn.init.zeros_(ft.nn.Parameter(ft.ones(2))).tolist()
        [0.0, 0.0]
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Array) -> Array:
    """Fill a Parameter with ones; returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> ft.nn.init.ones_(ft.nn.Parameter(ft.zeros(2))).tolist()
        [1.0, 1.0]
    """
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Array, gain: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter with Glorot-uniform draws (:func:`xavier_uniform`); returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        gain: a scale (:func:`calculate_gain`).
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> w = ft.nn.Parameter(ft.zeros((4, 6)))
        >>> ft.nn.init.xavier_uniform_(w) is w
        True
    """
    return _fill(tensor, xavier_uniform(key, tensor.shape, gain, tensor.dtype))


def xavier_normal_(tensor: Array, gain: float = 1.0, key: Key | None = None) -> Array:
    """Fill a Parameter with Glorot-normal draws (:func:`xavier_normal`); returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        gain: a scale (:func:`calculate_gain`).
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> w = ft.nn.Parameter(ft.zeros((4, 6)))
        >>> ft.nn.init.xavier_normal_(w) is w
        True
    """
    return _fill(tensor, xavier_normal(key, tensor.shape, gain, tensor.dtype))


def kaiming_uniform_(tensor: Array, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", key: Key | None = None) -> Array:
    """Fill a Parameter with He-uniform draws; PyTorch's Linear default uses a=sqrt(5).

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        a: leaky_relu's negative slope.
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: what follows the layer.
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> w = ft.nn.Parameter(ft.zeros((4, 6)))
        >>> ft.nn.init.kaiming_uniform_(w, a=5 ** 0.5) is w
        True
    """
    return _fill(tensor, kaiming_uniform(key, tensor.shape, a, mode, nonlinearity,
                                         tensor.dtype))


def kaiming_normal_(tensor: Array, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", key: Key | None = None) -> Array:
    """Fill a Parameter with He-normal draws (:func:`kaiming_normal`); returns it.

    Args:
        tensor: the ``Parameter`` to fill (an array handle is rebound, as ``x.copy_``).
        a: leaky_relu's negative slope.
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: what follows the layer.
        key: an ``ft.random`` key; None draws from the global generator (``ft.manual_seed``).

    Returns:
        ``tensor`` itself, holding the new values.

    Example:
        >>> w = ft.nn.Parameter(ft.zeros((4, 6)))
        >>> ft.nn.init.kaiming_normal_(w, key=ft.random.key(0)) is w
        True
    """
    return _fill(tensor, kaiming_normal(key, tensor.shape, a, mode, nonlinearity, tensor.dtype))
