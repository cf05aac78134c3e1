"""The rest of ``torch.nn.functional``'s activations: ``softmin``, ``softshrink``,
``hardshrink``, ``tanhshrink``, ``threshold``, ``rrelu``, ``prelu``, ``gumbel_softmax``
the in-place spellings (``relu_``, ``elu_``, ...), and PyTorch's names of the ``jax.nn``
functions of ``activations_extra.py`` (``hardtanh``, ``hardsigmoid``, ``logsigmoid``, ...).

funtorch arrays are immutable: an in-place spelling returns a new array, like ``inplace=True``
everywhere in ``F``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import funtorch as ft
from funtorch.nn.functional.activation import elu, leaky_relu, relu, softmax
from funtorch.nn.functional.activations_extra import (celu, hard_sigmoid, hard_silu,
                                                       log_sigmoid, selu, soft_sign)
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["softmin", "softshrink", "hardshrink", "tanhshrink", "threshold", "threshold_",
           "rrelu", "rrelu_", "prelu", "gumbel_softmax", "relu_", "elu_", "leaky_relu_",
           "selu_", "celu_", "hardtanh_", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid",
           "softsign"]


def softmin(input: ArrayLike, dim: int | None = None, _stacklevel: int = 3,
            dtype: DTypeLike = None) -> Array:
    """``softmax(-input, dim)``.

    Example:
        >>> F.softmin(ft.array([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    return softmax(-input, dim=dim, dtype=dtype)


def softshrink(input: ArrayLike, lambd: float = 0.5) -> Array:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Raises:
        ValueError: a negative ``lambd``.

    Example: ``F.softshrink(ft.array([1.0, 0.2]))`` is ``[0.5, 0.0]``.

    Example:
        >>> F.softshrink(ft.array([-1.0, 0.25, 2.0])).tolist()
        [-0.5, 0.0, 1.5]
    """
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got lambd={lambd}")
    return ft.where(input > lambd, input - lambd, ft.where(input < -lambd, input + lambd, 0.0))


def hardshrink(input: ArrayLike, lambd: float = 0.5) -> Array:
    """``x`` where ``|x| > lambd``, else 0. Example: ``F.hardshrink(ft.array([1.0, 0.2]))``."""
    return ft.where(ft.abs(input) > lambd, input, 0.0)


def tanhshrink(input: ArrayLike) -> Array:
    """``x - tanh(x)``. Example: ``F.tanhshrink(ft.zeros(2))`` is zeros.

    Example:
        >>> F.tanhshrink(ft.array([0.0, 1.0])).tolist()  # 1 - tanh(1)
        [0.0, 0.2384]
    """
    return input - ft.tanh(input)


def threshold(input: ArrayLike, threshold: float, value: ArrayLike,  # noqa: A002 - torch's names
              inplace: bool = False) -> Array:
    """``x`` where ``x > threshold``, else ``value``.

    Example: ``F.threshold(ft.array([1.0, -1.0]), 0.0, 5.0)`` is ``[1.0, 5.0]``.

    Example:
        >>> F.threshold(ft.array([1.0, -1.0]), 0.0, 5.0).tolist()
        [1.0, 5.0]
    """
    fill = ft.asarray(value, dtype=input.dtype, device=input.device)
    return ft.where(input > threshold, input, fill)


def threshold_(input: ArrayLike, threshold: float, value: ArrayLike) -> Array:  # noqa: A002
    """:func:`threshold` (a new array: arrays are immutable).

    Example:
        >>> F.threshold_(ft.array([1.0, -1.0]), 0.0, 5.0).tolist()
        [1.0, 5.0]
    """
    return globals()["threshold"](input, threshold, value)


def rrelu(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False, key: Key | None = None) -> Array:
    """Randomised leaky ReLU: in training each negative element gets a slope drawn from
    U(lower, upper) (from ``key`` or the global generator); in eval the slope is
    ``(lower + upper) / 2``.

    Example:
        >>> F.rrelu(ft.array([-8.0, 1.0]), 0.25, 0.25).tolist()
        [-2.0, 1.0]
    """
    if not training:
        return leaky_relu(input, (lower + upper) / 2.0)
    shape = tuple(input.shape)
    if key is not None:
        slope = ft.random.uniform(key, shape, dtype=input.dtype, minval=lower, maxval=upper)
    else:
        slope = (lower + (upper - lower) * ft.rand(*shape, device=input.device)).astype(
            input.dtype)
    return ft.where(input >= 0, input, input * slope)


def rrelu_(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, key: Key | None = None) -> Array:
    """:func:`rrelu` (a new array: arrays are immutable).

    Example:
        >>> F.rrelu_(ft.array([-3.0, 2.0])).tolist()  # eval: slope (1/8 + 1/3) / 2
        [-0.6875, 2.0]
    """
    return rrelu(input, lower, upper, training, key=key)


def prelu(input: ArrayLike, weight: ArrayLike) -> Array:
    """``max(0, x) + weight * min(0, x)`` with one learned slope per channel (axis 1), or
    one shared slope (``weight`` of one element).

    Raises:
        ValueError: ``weight`` has neither 1 element nor one per channel.

    Example:
        >>> F.prelu(ft.array([[-2.0, 3.0]]), ft.array([0.5, 0.1])).shape
        (1, 2)
    """
    if weight.size != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1
        if weight.ndim != 1 or weight.shape[0] != channels:
            raise ValueError(f"prelu: weight of shape {tuple(weight.shape)} must have 1 or "
                             f"{channels} elements (the input's channels, axis 1 of "
                             f"{tuple(input.shape)})")
        weight = ft.reshape(weight, (channels,) + (1,) * max(input.ndim - 2, 0))
    else:
        weight = ft.reshape(weight, ())
    return ft.where(input >= 0, input, input * weight)


def gumbel_softmax(logits: ArrayLike, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int | None = -1, key: Key | None = None) -> Array:
    """Sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    ``g`` standard Gumbel noise (from ``key`` or the global generator). ``hard=True``
    returns one-hot vectors whose gradient is the soft sample's (straight-through).

    Example:
        >>> F.gumbel_softmax(ft.zeros((2, 3)), key=ft.random.key(0)).shape
        (2, 3)
    """
    shape = tuple(logits.shape)
    if key is not None:
        uniform = ft.random.uniform(key, shape, dtype=logits.dtype)
    else:
        uniform = ft.rand(*shape, device=logits.device).astype(logits.dtype)
    tiny = float(np.finfo(np.dtype(logits.dtype)).tiny)
    gumbels = -ft.log(-ft.log(ft.clip(uniform, tiny, 1.0)) + tiny)
    soft = softmax((logits + gumbels) / tau, dim=dim)
    if not hard:
        return soft
    axis = dim % logits.ndim
    index = ft.argmax(soft, axis=axis, keepdims=True)
    positions = ft.expand_dims(ft.arange(shape[axis], device=logits.device), tuple(
        a for a in range(logits.ndim) if a != axis))
    one_hot = (positions == index).astype(soft.dtype)
    return one_hot - ft.stop_gradient(soft) + soft


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
        ``selu`` of ``input``, a new array of its shape.

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


# PyTorch's spellings of activations_extra's jax.nn functions: the same implementations ---


def hardsigmoid(input: ArrayLike, inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardsigmoid``: :func:`hard_sigmoid`.

    Example:
        >>> F.hardsigmoid(ft.array([-3.0, 0.0, 3.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return hard_sigmoid(input)


def hardswish(input: ArrayLike, inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardswish``: :func:`hard_silu`.

    Example:
        >>> F.hardswish(ft.array([0.0, 3.0])).tolist()
        [0.0, 3.0]
    """
    return hard_silu(input)


def logsigmoid(input: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``logsigmoid``: :func:`log_sigmoid`.

    Example:
        >>> F.logsigmoid(ft.array([0.0])).tolist()  # log(1/2)
        [-0.6931]
    """
    return log_sigmoid(input)


def softsign(input: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``softsign``: :func:`soft_sign`.

    Example:
        >>> F.softsign(ft.array([-1.0, 3.0])).tolist()
        [-0.5, 0.75]
    """
    return soft_sign(input)


def hardtanh(input: ArrayLike, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardtanh``: ``input`` clipped to ``[min_val, max_val]`` (the same
    implementation as :func:`hard_tanh`). Example: ``F.hardtanh(x, -2.0, 2.0)``.

    Example:
        >>> F.hardtanh(ft.array([-2.0, 0.5, 2.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return ft.where(input > max_val, max_val, ft.where(input < min_val, min_val, input))
