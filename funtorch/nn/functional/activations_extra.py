"""The rest of ``jax.nn``'s activations (``celu``, ``glu``, ``hard_tanh``, ``mish``, ...);
``dot_product_attention`` (``attention_jax.py``) and ``logsumexp``, ``logmeanexp``,
``standardize`` (``reductions_jax.py``) are re-exported here.

JAX's names take JAX's signatures; where PyTorch has the same function under another
name (``hardtanh``, ``logsigmoid``, ``softsign``, ...) that name, in
``activations_torch.py``, is the *same* implementation with PyTorch's signature.
``inplace=True`` is accepted and, as everywhere in ``F``, returns a new array: funtorch
arrays are immutable. Derivatives at kinks follow JAX: ``hard_tanh`` passes the gradient at
its bounds, ``relu6`` does not.
"""

from __future__ import annotations

import math

import funtorch as ft
from funtorch.nn.functional.activation import elu, silu, softplus
from funtorch.nn.functional.attention_jax import dot_product_attention
from funtorch.nn.functional.reductions_jax import logmeanexp, logsumexp, standardize
from funtorch.typing import Array, ArrayLike, Axis

__all__ = ["celu", "dot_product_attention", "glu", "hard_sigmoid", "hard_silu", "hard_swish",
           "hard_tanh", "identity", "log1mexp", "log_sigmoid", "logmeanexp", "logsumexp",
           "mish", "relu6", "selu", "soft_sign", "sparse_plus", "sparse_sigmoid", "squareplus",
           "standardize", "swish"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_LOG2 = math.log(2.0)


def identity(x: ArrayLike) -> Array:
    """Return ``x`` unchanged (``jax.nn.identity``): ``F.identity(x) is x``.

    Args:
        x: anything.

    Returns:
        ``x`` itself.

    Example:
        >>> F.identity(ft.array([1.0, -2.0])).tolist()
        [1.0, -2.0]
    """
    return x


def celu(x: ArrayLike, alpha: float = 1.0, inplace: bool = False) -> Array:
    """Continuously differentiable ELU: ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    JAX's ``celu(x, alpha=1.0)`` and PyTorch's ``celu(input, alpha=1., inplace=False)``.

    Args:
        x: an array of any shape.
        alpha: divides the negative inputs and scales the result (the limit is ``-alpha``).
        inplace: ignored, for PyTorch's signature: arrays are immutable.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.celu(ft.array([-1.0, 2.0])).tolist()  # [expm1(-1), 2]
        [-0.6321, 2.0]
    """
    negative = ft.where(x > 0, 0.0, x)  # expm1 of the negative part only: no overflow
    return ft.where(x > 0, x, ft.expm1(negative / alpha) * alpha)


def selu(x: ArrayLike, inplace: bool = False) -> Array:
    """Scaled ELU, ``scale * elu(x, alpha)`` with the self-normalising constants
    (scale ~1.0507, alpha ~1.6733).

    Args:
        x: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.selu(ft.array([0.0, 1.0])).tolist()  # scale = 1.0507
        [0.0, 1.0507]
    """
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


def glu(x: ArrayLike, axis: Axis = -1, *, dim: int | None = None) -> Array:
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves ``a, b`` of ``axis``
    (JAX's ``glu(x, axis=-1)``; PyTorch's ``glu(input, dim=-1)`` by keyword ``dim``).

    Args:
        x: an array whose ``axis`` has even length ``2 * M``.
        axis: the axis to halve.
        dim: PyTorch's name for ``axis`` (wins when given).

    Returns:
        An array of ``x``'s shape with ``M`` along ``axis``.

    Raises:
        ValueError: the axis has odd length.

    Example:
        >>> F.glu(ft.array([1.0, 0.0])).tolist()
        [0.5]
    """
    x = ft.asarray(x)
    axis = axis if dim is None else dim
    size = x.shape[axis]
    if size % 2:
        raise ValueError(f"glu: the halved axis must have even length, got {size} (axis {axis})")
    first, second = ft.split(x, 2, axis=axis)
    return first * ft.sigmoid(second)


def relu6(x: ArrayLike, inplace: bool = False) -> Array:
    """``min(max(x, 0), 6)``; its gradient is 1 on the open interval (0, 6) and 0 at both
    ends, as ``jax.nn.relu6``.

    Args:
        x: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.relu6(ft.array([-1.0, 3.0, 8.0])).tolist()
        [0.0, 3.0, 6.0]
    """
    x = ft.asarray(x)
    inside = ft.logical_and(x > 0, x < 6)
    return ft.where(inside, x, ft.where(x >= 6, 6.0, ft.zeros_like(x)))


def hard_sigmoid(x: ArrayLike) -> Array:
    """``relu6(x + 3) / 6``, a piecewise-linear sigmoid.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype. Values lie in [0, 1].

    Example:
        >>> F.hard_sigmoid(ft.array([-3.0, 0.0, 3.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return relu6(x + 3.0) / 6.0


def hard_silu(x: ArrayLike) -> Array:
    """``x * hard_sigmoid(x)`` (alias ``hard_swish``).

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.hard_silu(ft.array([0.0, 3.0])).tolist()
        [0.0, 3.0]
    """
    return x * hard_sigmoid(x)


def hard_tanh(x: ArrayLike) -> Array:
    """``x`` clipped to [-1, 1]; its gradient is 1 on the closed interval, as JAX's.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.hard_tanh(ft.array([-2.0, 0.5, 2.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return ft.where(x > 1.0, 1.0, ft.where(x < -1.0, -1.0, x))  # as F.hardtanh


def log_sigmoid(x: ArrayLike) -> Array:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype. Values are negative.

    Example:
        >>> round(F.log_sigmoid(ft.array(0.0)).item(), 6)
        -0.693147
    """
    x = ft.asarray(x)
    negative = x < 0
    below = ft.where(negative, x, 0.0)  # each branch sees only the side it is stable on
    above = ft.where(negative, 0.0, x)
    return ft.where(negative, below - ft.log1p(ft.exp(below)), -ft.log1p(ft.exp(-above)))


def soft_sign(x: ArrayLike) -> Array:
    """``x / (|x| + 1)``.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype. Values lie in (-1, 1).

    Example:
        >>> F.soft_sign(ft.array([-1.0, 3.0])).tolist()
        [-0.5, 0.75]
    """
    return x / (ft.abs(x) + 1.0)


def mish(x: ArrayLike, inplace: bool = False) -> Array:
    """``x * tanh(softplus(x))`` (Misra 2019).

    Args:
        x: an array of any shape.
        inplace: accepted for PyTorch compatibility (a new array is returned).

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.mish(ft.array([0.0, 1.0])).tolist()  # tanh(log(1 + e))
        [0.0, 0.8651]
    """
    return x * ft.tanh(softplus(x))


def swish(x: ArrayLike) -> Array:
    """``x * sigmoid(x)``, the same as ``silu``.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.swish(ft.array([0.0, 1.0])).tolist()  # sigmoid(1)
        [0.0, 0.7311]
    """
    return silu(x)


def log1mexp(x: ArrayLike) -> Array:
    """``log(1 - exp(-x))`` for ``x > 0``, accurate near 0 and for large ``x``
    (Maechler 2012: ``log(-expm1(-x))`` below log 2, ``log1p(-exp(-x))`` above).

    Args:
        x: an array of positive values, any shape.

    Returns:
        An array of ``x``'s shape and dtype (negative; NaN where ``x < 0``).

    Example:
        >>> round(F.log1mexp(ft.array(1.0, dtype=ft.float64)).item(), 6)
        -0.458675
    """
    x = ft.asarray(x)
    small = x < _LOG2
    near = ft.where(small, x, 1.0)  # each branch sees only inputs it is accurate on
    far = ft.where(small, 1.0, x)
    return ft.where(small, ft.log(-ft.expm1(-near)), ft.log1p(-ft.exp(-far)))


def sparse_plus(x: ArrayLike) -> Array:
    """Sparse softplus: 0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` between.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.sparse_plus(ft.array([-2.0, 0.0, 2.0])).tolist()
        [0.0, 0.25, 2.0]
    """
    x = ft.asarray(x)
    return ft.where(x <= -1.0, 0.0, ft.where(x >= 1.0, x, (x + 1.0) ** 2 * 0.25))


def sparse_sigmoid(x: ArrayLike) -> Array:
    """``0.5 * clip(x + 1, 0, 2)``, the derivative of :func:`sparse_plus`.

    Args:
        x: an array of any shape.

    Returns:
        An array of ``x``'s shape and dtype. Values lie in [0, 1].

    Example:
        >>> F.sparse_sigmoid(ft.array([-2.0, 0.0, 2.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return ft.clip(x + 1.0, 0.0, 2.0) * 0.5


def squareplus(x: ArrayLike, b: float = 4) -> Array:
    """``(x + sqrt(x**2 + b)) / 2`` (So 2021), a smooth ReLU.

    Args:
        x: an array of any shape.
        b: the smoothing (``b = 0`` gives ReLU); the value at 0 is ``sqrt(b) / 2``.

    Returns:
        An array of ``x``'s shape and dtype.

    Example:
        >>> F.squareplus(ft.array([0.0])).tolist()
        [1.0]
    """
    return (x + ft.sqrt(x * x + b)) * 0.5


hard_swish = hard_silu
