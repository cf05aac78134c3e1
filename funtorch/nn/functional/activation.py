"""Activations, ``erf``, softmax and log-softmax, written with public ops only."""

from __future__ import annotations

import math
from typing import Literal

import funtorch as ft
from funtorch.typing import Array, ArrayLike, DTypeLike

__all__ = ["erf", "relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softmax",
           "log_softmax", "softplus"]

def erf(x: ArrayLike) -> Array:
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t**2) dt`` (``ft.erf``).

    Float64-accurate, with the exact derivative ``2/sqrt(pi) * exp(-x**2)``.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape (and float dtype) with values in (-1, 1).

    Example:
        >>> round(ft.nn.functional.erf(ft.array(1.0, dtype=ft.float64)).item(), 6)
        0.842701
    """
    return ft.erf(x)


def relu(x: ArrayLike, inplace: bool = False) -> Array:
    """Elementwise ``max(x, 0)``.

    Args:
        x: an array of any shape.
        inplace: accepted for PyTorch compatibility; arrays are immutable, so a new array is
            always returned.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.relu(ft.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return ft.relu(x)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01, inplace: bool = False) -> Array:
    """Elementwise ``x if x > 0 else negative_slope * x``.

    Args:
        x: an array of any shape.
        negative_slope: the slope for negative inputs.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.leaky_relu(ft.array([-2.0, 3.0])).tolist()
        [-0.02, 3.0]
    """
    return ft.where(x > 0, x, x * negative_slope)


def elu(x: ArrayLike, alpha: float = 1.0, inplace: bool = False) -> Array:
    """Elementwise ``x if x > 0 else alpha * (exp(x) - 1)``.

    Args:
        x: an array of any shape.
        alpha: the scale of the negative branch (its limit is ``-alpha``).
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.elu(ft.array([-1.0, 2.0])).tolist()  # exp(-1) - 1
        [-0.6321, 2.0]
    """
    # where, not minimum: minimum splits the gradient at the tie x = 0 (PyTorch: alpha)
    return ft.where(x > 0, x, ft.expm1(ft.where(x > 0, 0.0, x)) * alpha)


def gelu(x: ArrayLike, approximate: Literal["none", "tanh"] = "none") -> Array:
    """Gaussian error linear unit: ``x * Phi(x)``, exact or with PyTorch's tanh formula.

    ``approximate="none"`` uses ``Phi(x) = (1 + erf(x / sqrt(2))) / 2``; ``"tanh"`` uses
    ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.

    Args:
        x: an array of any shape.
        approximate: ``"none"`` (exact) or ``"tanh"``.

    Returns:
        An array of ``x``'s shape and dtype.

    Raises:
        ValueError: ``approximate`` is neither ``"none"`` nor ``"tanh"``.

    Example:
        >>> F.gelu(ft.array([0.0, 1.0])).tolist()  # 1 * Phi(1)
        [0.0, 0.8413]
    """
    if approximate == "none":
        return x * 0.5 * (1.0 + erf(x * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = (x + 0.044715 * x * x * x) * math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + ft.tanh(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: ArrayLike, inplace: bool = False) -> Array:
    """Sigmoid linear unit (swish): elementwise ``x * sigmoid(x)``.

    Args:
        x: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.silu(ft.array([0.0, 1.0])).tolist()  # sigmoid(1)
        [0.0, 0.7311]
    """
    return x * ft.sigmoid(x)


def sigmoid(x: ArrayLike) -> Array:
    """Elementwise logistic function ``1 / (1 + exp(-x))`` (``ft.sigmoid``).

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape (and float dtype) with values in (0, 1).

    Example:
        >>> F.sigmoid(ft.array([0.0, 2.0])).tolist()
        [0.5, 0.8808]
    """
    return ft.sigmoid(x)


def tanh(x: ArrayLike) -> Array:
    """Elementwise hyperbolic tangent (``ft.tanh``).

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape (and float dtype) with values in (-1, 1).

    Example:
        >>> F.tanh(ft.array([0.0, 1.0])).tolist()
        [0.0, 0.7616]
    """
    return ft.tanh(x)


def _dim(x, dim, fn):
    if dim is None:  # PyTorch's legacy implicit choice
        return 0 if x.ndim in (0, 1, 3) else 1
    return dim


def log_softmax(x: ArrayLike, dim: int | None = None, dtype: DTypeLike = None) -> Array:
    """``x - logsumexp(x, dim)``: the log of :func:`softmax`, stable for large logits.

    Args:
        x: an array of any shape.
        dim: the axis to normalize over. None picks PyTorch's legacy implicit axis (0 for
            0-d, 1-d and 3-d input, else 1); pass it explicitly.
        dtype: optional dtype to cast ``x`` to first.

    Returns:
        An array of ``x``'s shape whose exponentials sum to 1 along ``dim``.

    Example:
        >>> F.log_softmax(ft.zeros(4), dim=0).tolist()  # log(1/4)
        [-1.3863, -1.3863, -1.3863, -1.3863]
    """
    if dtype is not None:
        x = x.astype(dtype)
    dim = _dim(x, dim, "log_softmax")
    shifted = x - ft.stop_gradient(ft.max(x, axis=dim, keepdims=True))
    return shifted - ft.log(ft.sum(ft.exp(shifted), axis=dim, keepdims=True))


def softmax(x: ArrayLike, dim: int | None = None, dtype: DTypeLike = None) -> Array:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably (the maximum is subtracted first).

    Args:
        x: an array of any shape.
        dim: the axis the probabilities sum to 1 along; None means PyTorch's deprecated
            implicit choice (axis 1, or 0 when ``x`` is 0-d, 1-d or 3-d).
        dtype: cast ``x`` to this dtype before taking exponentials (None keeps it).

    Returns:
        An array of ``x``'s shape, non-negative and summing to 1 along ``dim``.

    Example:
        >>> F.softmax(ft.array([[0.0, 0.0], [1.0, 1.0]]), dim=1).tolist()
        [[0.5, 0.5], [0.5, 0.5]]
    """
    if dtype is not None:
        x = x.astype(dtype)
    dim = _dim(x, dim, "softmax")
    shifted = ft.exp(x - ft.stop_gradient(ft.max(x, axis=dim, keepdims=True)))
    return shifted / ft.sum(shifted, axis=dim, keepdims=True)


def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Array:
    """Elementwise ``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``.

    Args:
        x: an array of any shape.
        beta: the sharpness (larger is closer to ReLU).
        threshold: above this value of ``beta * x`` the result is ``x`` itself (avoids
            overflow).

    Returns:
        An array of ``x``'s shape and dtype, positive.

    Example:
        >>> F.softplus(ft.array([0.0])).tolist()  # log 2
        [0.6931]
    """
    scaled = x * beta
    linear = scaled > threshold
    # where, not minimum: at scaled == threshold minimum splits the derivative in half
    safe = ft.where(linear, threshold, scaled)
    return ft.where(linear, x, ft.log1p(ft.exp(safe)) / beta)
