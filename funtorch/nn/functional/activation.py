"""Activations, ``erf``, softmax and log-softmax, written with public ops only."""

from __future__ import annotations

import math
from typing import Literal

import funtorch as ft
from funtorch.typing import Array, ArrayLike, DTypeLike

__all__ = ["erf", "relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softmax",
           "log_softmax", "softplus"]

def erf(x: ArrayLike) -> Array:
    """The error function (``ft.erf``: float64-accurate, exact derivative).

    Example:
        >>> round(ft.nn.functional.erf(ft.array(1.0, dtype=ft.float64)).item(), 6)
        0.842701
    """
    return ft.erf(x)


def relu(x: ArrayLike, inplace: bool = False) -> Array:
    """max(x, 0). Example: ``F.relu(ft.array([-1.0, 2.0]))`` gives ``[0., 2.]``.

    Example:
        >>> F.relu(ft.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return ft.relu(x)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01, inplace: bool = False) -> Array:
    """x if x > 0 else negative_slope * x.

    Example:
        >>> F.leaky_relu(ft.array([-2.0, 3.0])).tolist()
        [-0.02, 3.0]
    """
    return ft.where(x > 0, x, x * negative_slope)


def elu(x: ArrayLike, alpha: float = 1.0, inplace: bool = False) -> Array:
    """x if x > 0 else alpha * (exp(x) - 1).

    Example:
        >>> F.elu(ft.array([-1.0, 2.0])).tolist()  # exp(-1) - 1
        [-0.6321, 2.0]
    """
    # where, not minimum: minimum splits the gradient at the tie x = 0 (PyTorch: alpha)
    return ft.where(x > 0, x, ft.expm1(ft.where(x > 0, 0.0, x)) * alpha)


def gelu(x: ArrayLike, approximate: Literal["none", "tanh"] = "none") -> Array:
    """x * Phi(x) (``approximate="none"``, exact via erf) or PyTorch's tanh formula.

    Raises:
        ValueError: another ``approximate``.

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
    """x * sigmoid(x).

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
    """x - logsumexp(x, dim): stable for large logits.

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
    """exp(x) / sum(exp(x)) along ``dim``, computed stably.

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
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold.

    Example:
        >>> F.softplus(ft.array([0.0])).tolist()  # log 2
        [0.6931]
    """
    scaled = x * beta
    linear = scaled > threshold
    # where, not minimum: at scaled == threshold minimum splits the derivative in half
    safe = ft.where(linear, threshold, scaled)
    return ft.where(linear, x, ft.log1p(ft.exp(safe)) / beta)
