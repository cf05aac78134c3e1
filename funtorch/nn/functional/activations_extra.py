"""The rest of ``jax.nn``'s activations (``celu``, ``glu``, ``hard_tanh``, ``mish``, ...)
and ``dot_product_attention``.

JAX's names take JAX's signatures; where PyTorch has the same function under another
name (``hardtanh``, ``logsigmoid``, ``softsign``, ...) that name, in
``activations_torch.py``, is the *same* implementation with PyTorch's signature.
``inplace=True`` is accepted and, as everywhere in ``F``, returns a new array: funtorch
arrays are immutable. Derivatives at kinks follow JAX: ``hard_tanh`` passes the gradient at
its bounds, ``relu6`` does not.
"""

from __future__ import annotations

import math
from typing import Any, Literal, overload

import numpy as np

import funtorch as ft
from funtorch.nn.functional.activation import elu, silu, softplus
from funtorch.nn.functional.layers import scaled_dot_product_attention
from funtorch.special import logsumexp as _special_logsumexp
from funtorch.typing import Array, ArrayLike, Axis

__all__ = ["celu", "dot_product_attention", "glu", "hard_sigmoid", "hard_silu", "hard_swish",
           "hard_tanh", "identity", "log1mexp", "log_sigmoid", "logmeanexp", "logsumexp",
           "mish", "relu6", "selu", "soft_sign", "sparse_plus", "sparse_sigmoid", "squareplus",
           "standardize", "swish"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_LOG2 = math.log(2.0)


def identity(x: ArrayLike) -> Array:
    """Return ``x`` unchanged (``jax.nn.identity``). Example: ``F.identity(x) is x``.

    Example:
        >>> F.identity(ft.array([1.0, -2.0])).tolist()
        [1.0, -2.0]
    """
    return x


def celu(x: ArrayLike, alpha: float = 1.0, inplace: bool = False) -> Array:
    """Continuously differentiable ELU: ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    JAX's ``celu(x, alpha=1.0)`` and PyTorch's ``celu(input, alpha=1., inplace=False)``.

    Example:
        >>> F.celu(ft.array([-1.0, 2.0])).tolist()  # [expm1(-1), 2]
        [-0.6321205496788025, 2.0]
    """
    negative = ft.where(x > 0, 0.0, x)  # expm1 of the negative part only: no overflow
    return ft.where(x > 0, x, ft.expm1(negative / alpha) * alpha)


def selu(x: ArrayLike, inplace: bool = False) -> Array:
    """Scaled ELU, ``scale * elu(x, alpha)`` with the self-normalising constants
    (scale ~1.0507, alpha ~1.6733). Example: ``F.selu(ft.array([1.0]))``.

    Example:
        >>> F.selu(ft.array([0.0, 1.0])).tolist()  # scale = 1.0507
        [0.0, 1.0507]
    """
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


def glu(x: ArrayLike, axis: Axis = -1, *, dim: int | None = None) -> Array:
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves ``a, b`` of ``axis``
    (JAX's ``glu(x, axis=-1)``; PyTorch's ``glu(input, dim=-1)`` by keyword ``dim``).

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
    ends, as ``jax.nn.relu6``. Example: ``F.relu6(ft.array([-1.0, 7.0]))`` gives [0, 6].

    Example:
        >>> F.relu6(ft.array([-1.0, 3.0, 8.0])).tolist()
        [0.0, 3.0, 6.0]
    """
    x = ft.asarray(x)
    inside = ft.logical_and(x > 0, x < 6)
    return ft.where(inside, x, ft.where(x >= 6, 6.0, ft.zeros_like(x)))


def hard_sigmoid(x: ArrayLike) -> Array:
    """``relu6(x + 3) / 6``. Example: ``F.hard_sigmoid(ft.array([0.0]))`` gives [0.5].

    Example:
        >>> F.hard_sigmoid(ft.array([-3.0, 0.0, 3.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return relu6(x + 3.0) / 6.0


def hard_silu(x: ArrayLike) -> Array:
    """``x * hard_sigmoid(x)`` (alias ``hard_swish``). Example: ``F.hard_silu(x)``.

    Example:
        >>> F.hard_silu(ft.array([0.0, 3.0])).tolist()
        [0.0, 3.0]
    """
    return x * hard_sigmoid(x)


def hard_tanh(x: ArrayLike) -> Array:
    """``x`` clipped to [-1, 1]; its gradient is 1 on the closed interval, as JAX's.

    Example:
        >>> F.hard_tanh(ft.array([-2.0, 0.5, 2.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return ft.where(x > 1.0, 1.0, ft.where(x < -1.0, -1.0, x))  # as F.hardtanh


def log_sigmoid(x: ArrayLike) -> Array:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``.

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
    """``x / (|x| + 1)``. Example: ``F.soft_sign(ft.array([1.0]))`` gives [0.5].

    Example:
        >>> F.soft_sign(ft.array([-1.0, 3.0])).tolist()
        [-0.5, 0.75]
    """
    return x / (ft.abs(x) + 1.0)


def mish(x: ArrayLike, inplace: bool = False) -> Array:
    """``x * tanh(softplus(x))`` (Misra 2019). Example: ``F.mish(ft.array([1.0]))``.

    Example:
        >>> F.mish(ft.array([0.0, 1.0])).tolist()  # tanh(log(1 + e))
        [0.0, 0.8651]
    """
    return x * ft.tanh(softplus(x))


def swish(x: ArrayLike) -> Array:
    """``x * sigmoid(x)``, the same as ``silu``. Example: ``F.swish(ft.array([0.0]))``.

    Example:
        >>> F.swish(ft.array([0.0, 1.0])).tolist()  # sigmoid(1)
        [0.0, 0.7311]
    """
    return silu(x)


def log1mexp(x: ArrayLike) -> Array:
    """``log(1 - exp(-x))`` for ``x > 0``, accurate near 0 and for large ``x``
    (Maechler 2012: ``log(-expm1(-x))`` below log 2, ``log1p(-exp(-x))`` above).

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

    Example:
        >>> F.sparse_plus(ft.array([-2.0, 0.0, 2.0])).tolist()
        [0.0, 0.25, 2.0]
    """
    x = ft.asarray(x)
    return ft.where(x <= -1.0, 0.0, ft.where(x >= 1.0, x, (x + 1.0) ** 2 * 0.25))


def sparse_sigmoid(x: ArrayLike) -> Array:
    """``0.5 * clip(x + 1, 0, 2)``, the derivative of :func:`sparse_plus`.

    Example:
        >>> F.sparse_sigmoid(ft.array([-2.0, 0.0, 2.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    return ft.clip(x + 1.0, 0.0, 2.0) * 0.5


def squareplus(x: ArrayLike, b: float = 4) -> Array:
    """``(x + sqrt(x**2 + b)) / 2`` (So 2021), a smooth ReLU.

    Example:
        >>> F.squareplus(ft.array([0.0])).tolist()
        [1.0]
    """
    return (x + ft.sqrt(x * x + b)) * 0.5


def _mask_weights(a, where):
    """``where`` as weights of ``a``'s dtype (1 kept, 0 dropped) or None."""
    if where is None:
        return None
    return ft.astype(ft.broadcast_to(ft.asarray(where), a.shape), a.dtype)


@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: Literal[False] = ..., where: ArrayLike | None = ...) -> Array: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ..., *,
              return_sign: Literal[True], where: ArrayLike | None = ...) -> tuple[Array, Array]: ...
@overload
def logsumexp(a: ArrayLike, axis: Axis = ..., b: ArrayLike | None = ..., keepdims: bool = ...,
              return_sign: bool = ..., where: ArrayLike | None = ...) -> Any: ...


def logsumexp(a: ArrayLike, axis: Axis = None, b: ArrayLike | None = None, keepdims: bool = False,
              return_sign: bool = False, where: ArrayLike | None = None) -> Any:
    """``log(sum(b * exp(a)))`` along ``axis``, stably (``jax.nn.logsumexp``).

    Args:
        a: the array. axis: int, tuple or None (all). b: optional weights (broadcast).
        keepdims: keep reduced axes. return_sign: also return the sign of the sum (with
            negative ``b``). where: boolean mask of the elements to include.

    Returns:
        The log of the (absolute) sum; with ``return_sign``, ``(value, sign)``.

    Example:
        >>> round(F.logsumexp(ft.array([0.0, 0.0])).item(), 6)
        0.693147
    """
    a = ft.asarray(a)
    weights = _mask_weights(a, where)
    if weights is not None:
        b = weights if b is None else ft.asarray(b) * weights
    return _special_logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)


def logmeanexp(x: ArrayLike, axis: Axis = None, where: ArrayLike | None = None,
               keepdims: bool = False) -> Array:
    """``log(mean(exp(x)))`` along ``axis``, stably (``jax.nn.logmeanexp``).

    Example:
        >>> round(F.logmeanexp(ft.array([0.0, 0.0])).item(), 6)
        0.0
    """
    x = ft.asarray(x)
    weights = _mask_weights(x, where)
    total = logsumexp(x, axis=axis, b=weights, keepdims=keepdims)
    if weights is None:
        axes = range(x.ndim) if axis is None else np.atleast_1d(axis)
        return total - math.log(math.prod(x.shape[int(n)] for n in axes))
    return total - ft.log(ft.sum(weights, axis=axis, keepdims=keepdims))


def standardize(x: ArrayLike, axis: Axis = -1, mean: ArrayLike | None = None,
                variance: ArrayLike | None = None, epsilon: float = 1e-5,
                where: ArrayLike | None = None) -> Array:
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis`` (``jax.nn.standardize``);
    ``mean`` and ``variance`` are computed when not given.

    Example:
        >>> F.standardize(ft.array([1.0, 3.0]), epsilon=0.0).tolist()
        [-1.0, 1.0]
    """
    x = ft.asarray(x)
    weights = _mask_weights(x, where)

    def average(values):
        if weights is None:
            return ft.mean(values, axis=axis, keepdims=True)
        return (ft.sum(values * weights, axis=axis, keepdims=True)
                / ft.sum(weights, axis=axis, keepdims=True))
    if mean is None:
        mean = average(x)
    if variance is None:
        centred = x - mean
        variance = average(centred * centred)
    # given statistics take x's dtype: sqrt(2.0) of a Python float would be float32
    mean, variance = ft.asarray(mean, dtype=x.dtype), ft.asarray(variance, dtype=x.dtype)
    return (x - mean) / ft.sqrt(variance + epsilon)


# dot_product_attention ---------------------------------------------------------------------


def _padding_mask(query_lengths, kv_lengths, batch, t_len, s_len):
    """(B, 1, T, S) boolean: query position < its length and key position < its length."""
    mask = np.ones((batch, 1, t_len, s_len), bool)
    if query_lengths is not None:
        lengths = np.asarray(query_lengths).reshape(batch, 1, 1, 1)
        mask &= np.arange(t_len).reshape(1, 1, t_len, 1) < lengths
    if kv_lengths is not None:
        lengths = np.asarray(kv_lengths).reshape(batch, 1, 1, 1)
        mask &= np.arange(s_len).reshape(1, 1, 1, s_len) < lengths
    return mask


def _structure_mask(t_len, s_len, is_causal, window):
    """(T, S) boolean of the positions each query may see (causal, local window)."""
    rows, cols = np.arange(t_len)[:, None], np.arange(s_len)[None, :]
    mask = np.ones((t_len, s_len), bool)
    if is_causal:
        mask &= cols <= rows
    if window is not None:
        left, right = (window, window) if isinstance(window, (int, np.integer)) else window
        mask &= (cols >= rows - left) & (cols <= rows + right)
    return mask


def dot_product_attention(query: ArrayLike, key: ArrayLike, value: ArrayLike,
                          bias: ArrayLike | None = None, mask: ArrayLike | None = None, *,
                          scale: float | None = None, is_causal: bool = False,
                          query_seq_lengths: ArrayLike | None = None,
                          key_value_seq_lengths: ArrayLike | None = None,
                          local_window_size: Any = None,
                          implementation: str | None = None) -> Array:
    """Scaled dot-product attention with JAX's layout and arguments
    (``jax.nn.dot_product_attention``), computed by ``F.scaled_dot_product_attention``.

    Args:
        query: ``(B, T, N, H)`` or ``(T, N, H)``. key, value: ``(B, S, K, H)``; ``N`` a
            multiple of ``K`` (grouped-query attention).
        bias: additive logits bias broadcasting to ``(B, N, T, S)``.
        mask: boolean, True where a query may attend, broadcasting to ``(B, N, T, S)``.
        scale: logits scale, ``1 / sqrt(H)`` by default. is_causal: causal mask.
        query_seq_lengths, key_value_seq_lengths: ``(B,)`` valid lengths (padding mask).
        local_window_size: ``w`` or ``(left, right)``: each query sees keys within it.
        implementation: None or ``"xla"`` (the only one here).

    Returns:
        ``(B, T, N, H)`` (or ``(T, N, H)``). Masked logits take a large negative value, as
        in JAX, so a fully masked query row averages the values instead of giving NaN.

    Raises:
        ValueError: an unknown ``implementation`` or mismatched head counts.

    Example:
        >>> F.dot_product_attention(ft.ones((2, 3, 4, 8)), ft.ones((2, 5, 2, 8)),
        ...                         ft.ones((2, 5, 2, 8))).shape
        (2, 3, 4, 8)
    """
    if implementation not in (None, "xla"):
        raise ValueError(f"dot_product_attention: implementation {implementation!r} is not "
                         "available; use None or 'xla'")
    query, key, value = ft.asarray(query), ft.asarray(key), ft.asarray(value)
    unbatched = query.ndim == 3
    if unbatched:
        query, key, value = query[None], key[None], value[None]
    batch, t_len, heads, _ = query.shape
    s_len, kv_heads = key.shape[1], key.shape[2]
    if heads % kv_heads:
        raise ValueError(f"dot_product_attention: the query's {heads} heads must be a "
                         f"multiple of the key's {kv_heads}")
    allowed = _structure_mask(t_len, s_len, is_causal, local_window_size)[None, None]
    if query_seq_lengths is not None or key_value_seq_lengths is not None:
        allowed = allowed & _padding_mask(query_seq_lengths, key_value_seq_lengths, batch,
                                          t_len, s_len)
    allowed = ft.asarray(allowed)
    if mask is not None:
        allowed = ft.logical_and(allowed, ft.asarray(mask))
    dtype = query.dtype
    big_negative = -0.7 * float(np.finfo(dtype).max)  # JAX's large negative logit
    logits_bias = ft.where(allowed, ft.zeros((), dtype=dtype),
                           ft.full((), big_negative, dtype=dtype))
    if bias is not None:
        logits_bias = logits_bias + bias
    out = scaled_dot_product_attention(
        ft.swapaxes(query, 1, 2), ft.swapaxes(key, 1, 2), ft.swapaxes(value, 1, 2),
        attn_mask=logits_bias, scale=scale, enable_gqa=heads != kv_heads)
    out = ft.swapaxes(out, 1, 2)
    return out[0] if unbatched else out


hard_swish = hard_silu
