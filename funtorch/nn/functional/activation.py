"""Activations, ``erf``, softmax and log-softmax, written with public ops only."""

from __future__ import annotations

import math

import funtorch as ft

__all__ = ["erf", "relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softmax",
           "log_softmax", "softplus"]

# Numerical Recipes' erfc(x) = t * exp(-x^2 + P(t)), t = 1 / (1 + x/2), for x >= 0:
# relative error below 1.2e-7; a Taylor series covers |x| < 0.5, where 1 - erfc loses digits.
_ERFC = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
         -1.13520398, 1.48851587, -0.82215223, 0.17087277)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_series(x):
    x2 = x * x
    term, total = x, x
    for n in range(1, 12):
        term = term * (-x2) / n
        total = total + term / (2 * n + 1)
    return total * _TWO_OVER_SQRT_PI


def _erfc_positive(z):
    t = 1.0 / (1.0 + 0.5 * z)
    poly = _ERFC[-1]
    for coef in reversed(_ERFC[:-1]):
        poly = poly * t + coef
    return t * ft.exp(-z * z + poly)


def erf(x):
    """The error function (absolute error below 1e-7), differentiable.

    Example:
        >>> round(ft.nn.functional.erf(ft.array(1.0, dtype=ft.float64)).item(), 6)
        0.842701
    """
    small = ft.abs(x) < 0.5
    z = ft.where(small, 1.0, ft.abs(x))  # keeps the unused branch finite
    tail = ft.sign(x) * (1.0 - _erfc_positive(z))
    near = ft.where(small, x, 0.0)
    return ft.where(small, _erf_series(near), tail)


def relu(x, inplace=False):
    """max(x, 0). Example: ``F.relu(ft.array([-1.0, 2.0]))`` gives ``[0., 2.]``."""
    return ft.relu(x)


def leaky_relu(x, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x."""
    return ft.where(x > 0, x, x * negative_slope)


def elu(x, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    return ft.where(x > 0, x, ft.expm1(ft.minimum(x, 0.0)) * alpha)


def gelu(x, approximate="none"):
    """x * Phi(x) (``approximate="none"``, exact via erf) or PyTorch's tanh formula.

    Raises:
        ValueError: another ``approximate``.
    """
    if approximate == "none":
        return x * 0.5 * (1.0 + erf(x * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = (x + 0.044715 * x * x * x) * math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + ft.tanh(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x, inplace=False):
    """x * sigmoid(x)."""
    return x * ft.sigmoid(x)


def sigmoid(x):
    return ft.sigmoid(x)


def tanh(x):
    return ft.tanh(x)


def _dim(x, dim, fn):
    if dim is None:  # PyTorch's legacy implicit choice
        return 0 if x.ndim in (0, 1, 3) else 1
    return dim


def log_softmax(x, dim=None, dtype=None):
    """x - logsumexp(x, dim): stable for large logits."""
    if dtype is not None:
        x = x.astype(dtype)
    dim = _dim(x, dim, "log_softmax")
    shifted = x - ft.stop_gradient(ft.max(x, axis=dim, keepdims=True))
    return shifted - ft.log(ft.sum(ft.exp(shifted), axis=dim, keepdims=True))


def softmax(x, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed stably."""
    if dtype is not None:
        x = x.astype(dtype)
    dim = _dim(x, dim, "softmax")
    shifted = ft.exp(x - ft.stop_gradient(ft.max(x, axis=dim, keepdims=True)))
    return shifted / ft.sum(shifted, axis=dim, keepdims=True)


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    scaled = x * beta
    safe = ft.minimum(scaled, threshold)
    return ft.where(scaled > threshold, x, ft.log1p(ft.exp(safe)) / beta)
