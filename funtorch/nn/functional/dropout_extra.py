"""``dropout1d``, ``dropout3d``, ``alpha_dropout`` and ``feature_alpha_dropout``
(torch's formulas; randomness from ``key=`` or the global generator)."""

from __future__ import annotations

import math

import funtorch as ft
from funtorch.nn.functional.layers import _keep_mask
from funtorch.typing import Array, ArrayLike, Key

__all__ = ["dropout1d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_SELU_NEG = 1.7580993408473766  # SELU's scale * alpha: the value alpha dropout drops to


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _channel_dropout(input, p, training, key, nd, fn):
    _check_p(p)
    if not training or p == 0.0:
        return input
    if input.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{fn}: expected a {nd + 1}-d or {nd + 2}-d input, got shape "
                         f"{tuple(input.shape)}")
    if p == 1.0:
        return input * 0.0
    keep = _keep_mask(tuple(input.shape[:-nd]) + (1,) * nd, 1.0 - p, key, input.device)
    return ft.where(keep, input / (1.0 - p), 0.0)


def dropout1d(input: ArrayLike, p: float = 0.5, training: bool = True, inplace: bool = False,
              key: Key | None = None) -> Array:
    """Zero whole channels of ``(N, C, L)`` / ``(C, L)`` inputs, scaling the rest by ``1/(1-p)``.

    Each channel (a length-``L`` row) is dropped with probability ``p``, independently.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        p: the probability of dropping a channel, in [0, 1].
        training: apply dropout (False returns ``input`` unchanged).
        inplace: accepted for PyTorch compatibility (a new array is returned).
        key: a ``ft.random`` key; None draws from the global generator.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: ``p`` outside [0, 1], or an input neither 2-d nor 3-d (in training).

    Example:
        >>> F.dropout1d(ft.ones((2, 3, 4)), 0.5, key=ft.random.key(0)).shape
        (2, 3, 4)
    """
    return _channel_dropout(input, p, training, key, 1, "dropout1d")


def dropout3d(input: ArrayLike, p: float = 0.5, training: bool = True, inplace: bool = False,
              key: Key | None = None) -> Array:
    """Zero whole channels of ``(N, C, D, H, W)`` / ``(C, D, H, W)`` inputs (each a ``D x H x W``
    volume, dropped with probability ``p``); kept channels are multiplied by ``1 / (1 - p)``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        p: the drop probability of each channel, in [0, 1].
        training: when False, ``input`` is returned as it is.
        inplace: ignored (PyTorch's signature): arrays are immutable.
        key: explicit randomness (``ft.random.key``), or None for the global generator.

    Returns:
        An array of the same shape and dtype as ``input``.

    Raises:
        ValueError: ``p`` is not in [0, 1], or (in training) the input is not 4-d or 5-d.

    Example:
        >>> F.dropout3d(ft.ones((1, 2, 2, 2, 2)), 0.5, key=ft.random.key(0)).shape
        (1, 2, 2, 2, 2)
    """
    return _channel_dropout(input, p, training, key, 3, "dropout3d")


def _alpha(input, p, training, key, mask_shape):
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    a = 1.0 / math.sqrt((_SELU_NEG ** 2 * p + 1) * (1 - p))
    keep = _keep_mask(mask_shape, 1.0 - p, key, input.device)
    return ft.where(keep, input * a + _SELU_NEG * a * p, -_SELU_NEG * a + _SELU_NEG * a * p)


def alpha_dropout(input: ArrayLike, p: float = 0.5, training: bool = False, inplace: bool = False,
                  key: Key | None = None) -> Array:
    """Dropout for SELU networks: dropped elements become SELU's negative saturation value
    and an affine correction keeps the mean and variance (torch's constants).

    With ``a' = -scale * alpha`` (~ -1.7581) and ``a = 1 / sqrt((a'**2 * p + 1) * (1 - p))``
    a kept ``x`` becomes ``a * x - a * a' * p`` and a dropped one ``a * a' * (1 - p)``.

    Args:
        input: an array of any shape.
        p: the probability of dropping each element, in [0, 1].
        training: apply dropout (the default, False, returns ``input``).
        inplace: accepted for PyTorch compatibility (a new array is returned).
        key: a ``ft.random`` key; None draws from the global generator.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: ``p`` outside [0, 1].

    Example:
        >>> F.alpha_dropout(ft.ones(4), 0.5).tolist()  # training=False: identity
        [1.0, 1.0, 1.0, 1.0]
    """
    return _alpha(input, p, training, key, tuple(input.shape))


def feature_alpha_dropout(input: ArrayLike, p: float = 0.5, training: bool = False,
                          inplace: bool = False, key: Key | None = None) -> Array:
    """:func:`alpha_dropout` of whole channels (axis 1) of ``(N, C, *)`` inputs: every element
    of a dropped channel takes the same value.

    Args:
        input: ``(N, C, *)``.
        p: the drop probability of each channel, in [0, 1].
        training: when False (the default) ``input`` is returned as it is.
        inplace: ignored (PyTorch's signature): arrays are immutable.
        key: explicit randomness (``ft.random.key``), or None for the global generator.

    Returns:
        An array with the shape and dtype of ``input``.

    Raises:
        ValueError: ``p`` is not in [0, 1].

    Example:
        >>> F.feature_alpha_dropout(ft.ones((2, 3, 4)), 0.5, True, key=ft.random.key(0)).shape
        (2, 3, 4)
    """
    return _alpha(input, p, training, key, tuple(input.shape[:2]) + (1,) * (input.ndim - 2))
