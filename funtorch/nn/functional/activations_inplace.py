"""``torch.nn.functional``'s in-place spellings (``relu_``, ``elu_``, ``threshold_``, ...).

funtorch arrays are immutable: each returns a new array, like ``inplace=True`` everywhere in
``F``, and is the same computation as the name without the underscore.
"""

from __future__ import annotations

from funtorch.nn.functional.activation import elu, leaky_relu, relu
from funtorch.nn.functional.activations_extra import celu, selu
from funtorch.nn.functional.activations_torch import hardtanh, rrelu
from funtorch.nn.functional.activations_torch import threshold as _threshold  # a parameter's name
from funtorch.typing import Array, ArrayLike, Key

__all__ = ["relu_", "elu_", "leaky_relu_", "selu_", "celu_", "hardtanh_", "threshold_",
           "rrelu_"]


def relu_(input: ArrayLike) -> Array:
    """:func:`relu` (a new array: arrays are immutable).

    Args:
        input: an array-like.

    Returns:
        ``relu`` of ``input``, a new array of its shape.

    Example:
        >>> F.relu_(ft.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return relu(input)


def elu_(input: ArrayLike, alpha: float = 1.0) -> Array:
    """:func:`elu` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        alpha: the scale of the negative branch ``alpha * (exp(x) - 1)``.

    Returns:
        ``elu`` of ``input``, a new array of its shape.

    Example:
        >>> F.elu_(ft.array([0.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return elu(input, alpha)


def leaky_relu_(input: ArrayLike, negative_slope: float = 0.01) -> Array:
    """:func:`leaky_relu` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        negative_slope: the slope for negative inputs.

    Returns:
        ``leaky_relu`` of ``input``, a new array of its shape.

    Example:
        >>> F.leaky_relu_(ft.array([-2.0, 3.0])).tolist()
        [-0.02, 3.0]
    """
    return leaky_relu(input, negative_slope)


def selu_(input: ArrayLike) -> Array:
    """:func:`selu` (a new array: arrays are immutable).

    Args:
        input: an array-like.

    Returns:
        ``selu`` of ``input``: ``scale * elu(input, alpha)`` with the self-normalising
        constants, a new array of its shape.

    Example:
        >>> F.selu_(ft.array([0.0, 1.0])).tolist()
        [0.0, 1.0507]
    """
    return selu(input)


def celu_(input: ArrayLike, alpha: float = 1.0) -> Array:
    """:func:`celu` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        alpha: the CELU scale ``alpha`` in ``alpha * (exp(x / alpha) - 1)``.

    Returns:
        ``celu`` of ``input``, a new array of its shape.

    Example:
        >>> F.celu_(ft.array([0.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return celu(input, alpha)


def hardtanh_(input: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    """:func:`hardtanh` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        min_val: the lower clamp bound.
        max_val: the upper clamp bound.

    Returns:
        ``hardtanh`` of ``input``, a new array of its shape.

    Example:
        >>> F.hardtanh_(ft.array([-2.0, 0.5])).tolist()
        [-1.0, 0.5]
    """
    return hardtanh(input, min_val, max_val)


def threshold_(input: ArrayLike, threshold: float, value: ArrayLike) -> Array:  # noqa: A002
    """:func:`threshold` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        threshold: the scalar to compare with.
        value: the replacement where ``input <= threshold``.

    Returns:
        ``threshold`` of ``input``, a new array of its shape.

    Example:
        >>> F.threshold_(ft.array([1.0, -1.0]), 0.0, 5.0).tolist()
        [1.0, 5.0]
    """
    return _threshold(input, threshold, value)


def rrelu_(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, key: Key | None = None) -> Array:
    """:func:`rrelu` (a new array: arrays are immutable).

    Args:
        input: an array-like.
        lower: the smallest random slope.
        upper: the largest random slope.
        training: draw random slopes (True) or use their mean (False).
        key: a ``ft.random`` key for the slopes; None uses the global generator.

    Returns:
        ``rrelu`` of ``input``, a new array of its shape.

    Example:
        >>> F.rrelu_(ft.array([-3.0, 2.0])).tolist()  # eval: slope (1/8 + 1/3) / 2
        [-0.6875, 2.0]
    """
    return rrelu(input, lower, upper, training, key=key)
