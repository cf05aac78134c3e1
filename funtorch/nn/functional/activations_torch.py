"""The rest of ``torch.nn.functional``'s activations: ``softmin``, ``softshrink``,
``hardshrink``, ``tanhshrink``, ``threshold``, ``rrelu``, ``prelu``, ``gumbel_softmax`` and
PyTorch's names of the ``jax.nn`` functions of ``activations_extra.py`` (``hardtanh``,
``hardsigmoid``, ``logsigmoid``, ...).

The in-place spellings (``relu_``, ``elu_``, ...) are in ``activations_inplace.py``.
"""

from __future__ import annotations

import numpy as np

import funtorch as ft
from funtorch.nn.functional.activation import leaky_relu, softmax
from funtorch.nn.functional.activations_extra import (hard_sigmoid, hard_silu, log_sigmoid,
                                                       soft_sign)
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["softmin", "softshrink", "hardshrink", "tanhshrink", "threshold", "rrelu", "prelu",
           "gumbel_softmax", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid", "softsign"]


def softmin(input: ArrayLike, dim: int | None = None, _stacklevel: int = 3,
            dtype: DTypeLike = None) -> Array:
    """``softmax(-input, dim)``: probabilities that favour the smallest entries.

    Args:
        input: an array of any shape.
        dim: the axis the probabilities sum to 1 along (None: PyTorch's legacy implicit
            axis, as :func:`softmax`).
        _stacklevel: accepted for PyTorch's signature; unused.
        dtype: optional dtype to cast ``input`` to first.

    Returns:
        An array of ``input``'s shape, non-negative and summing to 1 along ``dim``.

    Example:
        >>> F.softmin(ft.array([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    return softmax(-input, dim=dim, dtype=dtype)


def softshrink(input: ArrayLike, lambd: float = 0.5) -> Array:
    """Soft shrinkage: ``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Args:
        input: an array of any shape.
        lambd: the non-negative threshold.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: a negative ``lambd``.

    Example:
        >>> F.softshrink(ft.array([-1.0, 0.25, 2.0])).tolist()
        [-0.5, 0.0, 1.5]
    """
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got lambd={lambd}")
    return ft.where(input > lambd, input - lambd, ft.where(input < -lambd, input + lambd, 0.0))


def hardshrink(input: ArrayLike, lambd: float = 0.5) -> Array:
    """Hard shrinkage: ``x`` where ``|x| > lambd``, else 0.

    Args:
        input: an array of any shape.
        lambd: the threshold.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> F.hardshrink(ft.array([-1.0, 0.25, 0.5, 2.0])).tolist()
        [-1.0, 0.0, 0.0, 2.0]
    """
    return ft.where(ft.abs(input) > lambd, input, 0.0)


def tanhshrink(input: ArrayLike) -> Array:
    """``x - tanh(x)``.

    Args:
        input: an array of any shape.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> F.tanhshrink(ft.array([0.0, 1.0])).tolist()  # 1 - tanh(1)
        [0.0, 0.2384]
    """
    return input - ft.tanh(input)


def threshold(input: ArrayLike, threshold: float, value: ArrayLike,  # noqa: A002 - torch's names
              inplace: bool = False) -> Array:
    """``x`` where ``x > threshold``, else ``value``.

    Args:
        input: an array of any shape.
        threshold: the scalar to compare with.
        value: the replacement (a scalar, or an array broadcasting with ``input``), cast to
            ``input``'s dtype.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> F.threshold(ft.array([1.0, -1.0]), 0.0, 5.0).tolist()
        [1.0, 5.0]
    """
    fill = ft.asarray(value, dtype=input.dtype, device=input.device)
    return ft.where(input > threshold, input, fill)


def rrelu(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False, key: Key | None = None) -> Array:
    """Randomised leaky ReLU: in training each negative element gets a slope drawn from
    U(lower, upper) (from ``key`` or the global generator); in eval the slope is
    ``(lower + upper) / 2``.

    Args:
        input: an array of any shape.
        lower: the smallest slope.
        upper: the largest slope.
        training: draw random slopes (True) or use the mean slope (False).
        inplace: accepted for PyTorch compatibility (a new array is returned).
        key: a ``ft.random`` key for the slopes; None uses the global generator.

    Returns:
        An array of ``input``'s shape and dtype.

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


def prelu(input: ArrayLike, weight: ArrayLike) -> Array:
    """``max(0, x) + weight * min(0, x)`` with one learned slope per channel (axis 1), or
    one shared slope (``weight`` of one element).

    Args:
        input: an array ``(N, C, *)`` (or of any shape with a one-element ``weight``).
        weight: the slopes: ``(C,)``, or one element shared by all channels.

    Returns:
        An array of ``input``'s shape.

    Raises:
        ValueError: ``weight`` has neither 1 element nor one per channel.

    Example:
        >>> F.prelu(ft.array([[-2.0, 3.0]]), ft.array([0.5, 0.1])).tolist()
        [[-1.0, 3.0]]
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

    Args:
        logits: unnormalized log-probabilities ``(*, num_features)``.
        tau: the temperature (smaller is closer to one-hot).
        hard: return one-hot samples with the soft sample's gradient.
        eps: accepted for PyTorch's signature; unused.
        dim: the axis of the categories.
        key: a ``ft.random`` key for the noise; None uses the global generator.

    Returns:
        An array of ``logits``' shape summing to 1 along ``dim`` (one-hot with ``hard``).

    Example:
        >>> F.gumbel_softmax(ft.zeros((2, 3)), hard=True, key=ft.random.key(0)).sum(1).tolist()
        [1.0, 1.0]
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


# PyTorch's spellings of activations_extra's jax.nn functions: the same implementations ---


def hardsigmoid(input: ArrayLike, inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardsigmoid``: :func:`hard_sigmoid`, ``relu6(x + 3) / 6``.

    Args:
        input: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``input``'s shape and dtype. Values lie in [0, 1].

    Example:
        >>> F.hardsigmoid(ft.array([-3.0, 0.0, 3.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return hard_sigmoid(input)


def hardswish(input: ArrayLike, inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardswish``: :func:`hard_silu`, ``x * relu6(x + 3) / 6``.

    Args:
        input: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> F.hardswish(ft.array([0.0, 3.0])).tolist()
        [0.0, 3.0]
    """
    return hard_silu(input)


def logsigmoid(input: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``logsigmoid``: :func:`log_sigmoid`, ``log(1 / (1 + exp(-x)))`` computed stably.

    Args:
        input: an array of any shape.

    Returns:
        An array of ``input``'s shape and dtype. Values are negative.

    Example:
        >>> F.logsigmoid(ft.array([0.0])).tolist()  # log(1/2)
        [-0.6931]
    """
    return log_sigmoid(input)


def softsign(input: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``softsign``: :func:`soft_sign`, ``x / (1 + |x|)``.

    Args:
        input: an array of any shape.

    Returns:
        An array of ``input``'s shape and dtype. Values lie in (-1, 1).

    Example:
        >>> F.softsign(ft.array([-1.0, 3.0])).tolist()
        [-0.5, 0.75]
    """
    return soft_sign(input)


def hardtanh(input: ArrayLike, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``hardtanh``: ``input`` clipped to ``[min_val, max_val]`` (the same
    implementation as :func:`hard_tanh` for the default bounds).

    Args:
        input: an array of any shape.
        min_val: the lower bound.
        max_val: the upper bound.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> F.hardtanh(ft.array([-2.0, 0.5, 2.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return ft.where(input > max_val, max_val, ft.where(input < min_val, min_val, input))
