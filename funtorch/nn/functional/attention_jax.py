"""``jax.nn.dot_product_attention``: JAX's layout ``(B, T, N, H)`` and arguments (causal and
local-window masks, padding by sequence lengths) over ``F.scaled_dot_product_attention``."""

from __future__ import annotations

from typing import Any

import numpy as np

import funtorch as ft
from funtorch.nn.functional.layers import scaled_dot_product_attention
from funtorch.typing import Array, ArrayLike

__all__ = ["dot_product_attention"]


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
        query: ``(B, T, N, H)`` or ``(T, N, H)``.
        key: ``(B, S, K, H)`` (or ``(S, K, H)``); ``N`` is a multiple of ``K``
            (grouped-query attention).
        value: ``(B, S, K, H)``, like ``key``.
        bias: additive logits bias broadcasting to ``(B, N, T, S)``.
        mask: boolean, True where a query may attend, broadcasting to ``(B, N, T, S)``.
        scale: logits scale, ``1 / sqrt(H)`` by default.
        is_causal: each query position sees only keys at or before it.
        query_seq_lengths: ``(B,)`` valid query lengths (later queries are masked).
        key_value_seq_lengths: ``(B,)`` valid key/value lengths (padding mask).
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
