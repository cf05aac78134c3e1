"""MultiheadAttention and TransformerEncoderLayer (PyTorch's parameters and masks)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn import init
from funtorch.nn._layer_utils import make_param, split_keys
from funtorch.nn.dropout import Dropout, _DropoutNd
from funtorch.nn.functional.attention_fused import fused_attention
from funtorch.nn.linear import Linear
from funtorch.nn.module import Module
from funtorch.nn.normalization import LayerNorm
from funtorch.typing import Array, DTypeLike, Key

__all__ = ["MultiheadAttention", "TransformerEncoderLayer"]


def _additive_mask(attn_mask, key_padding_mask, batch, heads, dtype):
    """Combine PyTorch's masks (bool True = masked out, float = added) into one float
    mask broadcastable to ``(N, heads, L, S)``, or ``None``."""
    mask = None
    if attn_mask is not None:
        if attn_mask.dtype.kind == "b":
            attn_mask = ft.where(attn_mask, -math.inf, 0.0).astype(dtype)
        if attn_mask.ndim == 3:  # (N * heads, L, S)
            attn_mask = ft.reshape(attn_mask, (batch, heads) + tuple(attn_mask.shape[1:]))
        mask = attn_mask
    if key_padding_mask is not None:
        if key_padding_mask.dtype.kind == "b":
            key_padding_mask = ft.where(key_padding_mask, -math.inf, 0.0).astype(dtype)
        padding = ft.reshape(key_padding_mask, (batch, 1, 1, key_padding_mask.shape[-1]))
        mask = padding if mask is None else mask + padding
    return mask


class MultiheadAttention(Module):
    """Multi-head attention: ``(L, N, E)`` queries (``batch_first``: ``(N, L, E)``;
    unbatched ``(L, E)``), keys/values of ``kdim``/``vdim`` features.

    Returns ``(output, weights)``; ``weights`` is averaged over heads unless
    ``average_attn_weights=False``, and ``None`` when ``need_weights=False``. Boolean masks
    mark *disallowed* positions with True, as in PyTorch.

    ``add_bias_kv`` appends the learned ``bias_k``/``bias_v`` (``(1, 1, E)``,
    xavier-normal) as one more projected key/value per sequence; ``add_zero_attn`` appends
    an all-zero key/value per head after that. The masks are padded so that neither is
    ever masked, and ``weights`` has one more source column for each.

    Attention runs as one primitive (``nn/functional/attention_fused.py``) that keeps only
    the ``(N, heads, L, S)`` weights (and, in training with dropout, the boolean dropout
    mask) for the backward pass and has forward-mode rules too; self-attention
    (``query is key is value``) projects with one product of the packed ``in_proj_weight``.

    Args:
        embed_dim: the model width ``E`` (a multiple of ``num_heads``).
        num_heads: the number of attention heads.
        dropout: the dropout probability on the attention weights in training.
        bias: learn biases in the input and output projections.
        add_bias_kv: append the learned ``bias_k``/``bias_v`` key/value.
        add_zero_attn: append an all-zero key/value.
        kdim: the key features (default ``embed_dim``).
        vdim: the value features (default ``embed_dim``).
        batch_first: inputs are ``(N, L, E)`` rather than ``(L, N, E)``.
        device: where the parameters live.
        dtype: the parameters' dtype (default: the default float dtype).
        key: a PRNG key for the initial parameters (default: the global generator).

    Raises:
        ValueError: ``embed_dim`` is not a multiple of ``num_heads``.

    Example:
        >>> mha = ft.nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = ft.randn(3, 5, 8); out, w = mha(x, x, x); out.shape, w.shape
        ((3, 5, 8), (3, 5, 5))
    """

    _uses_key = True  # functional_call(..., key=) gives the attention dropout a key

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: int | None = None, vdim: int | None = None, batch_first: bool = False,
                 device: Any = None, dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError("embed_dim must be divisible by num_heads")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self.batch_first, self.head_dim = batch_first, embed_dim // num_heads
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        keys = split_keys(key, 6 if add_bias_kv else 4)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = make_param(init.xavier_uniform(
                keys[0], (3 * embed_dim, embed_dim), dtype=dtype), device)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            for sub, name, dim in zip(keys, ("q", "k", "v"), (embed_dim, self.kdim, self.vdim)):
                setattr(self, f"{name}_proj_weight", make_param(init.xavier_uniform(
                    sub, (embed_dim, dim), dtype=dtype), device))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = make_param(init.zeros((3 * embed_dim,), dtype), device)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias, device, dtype, key=keys[3])
        if bias:
            self.out_proj.bias = make_param(init.zeros((embed_dim,), dtype), device)
        for name, sub in zip(("bias_k", "bias_v"), keys[4:]):
            setattr(self, name, make_param(init.xavier_normal(sub, (1, 1, embed_dim),
                                                              dtype=dtype), device))
        if not add_bias_kv:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self.add_zero_attn = add_zero_attn

    def _projections(self):
        embed = self.embed_dim
        if self._qkv_same_embed_dim:
            weights = ft.split(self.in_proj_weight, 3)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = (None,) * 3 if self.in_proj_bias is None else tuple(
            self.in_proj_bias[i * embed:(i + 1) * embed] for i in range(3))
        return weights, biases

    def _project(self, query, key, value, self_attention):
        """The ``(N, L, E)`` projections of query, key and value: one product with the
        packed ``in_proj_weight`` for self-attention (``query is key is value``)."""
        if self._qkv_same_embed_dim and self_attention:
            packed = F.linear(query, self.in_proj_weight, self.in_proj_bias)
            return ft.split(packed, 3, axis=-1)
        (w_q, w_k, w_v), (b_q, b_k, b_v) = self._projections()
        return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)

    def _extra_keys(self, k, v):
        """Append ``bias_k``/``bias_v`` as one more key/value per sequence (``(N, S, E)``
        projections); returns ``(k, v, added)``."""
        if self.bias_k is None:
            return k, v, 0
        shape = (k.shape[0], 1, self.embed_dim)
        k = ft.concatenate([k, ft.broadcast_to(self.bias_k, shape).astype(k.dtype)], axis=1)
        v = ft.concatenate([v, ft.broadcast_to(self.bias_v, shape).astype(v.dtype)], axis=1)
        return k, v, 1

    def _zero_attention(self, k, v):
        """``add_zero_attn``: one all-zero key/value per head (``(N, heads, S, d)``)."""
        if not self.add_zero_attn:
            return k, v, 0
        zeros = ft.zeros(tuple(k.shape[:2]) + (1, self.head_dim), dtype=k.dtype,
                         device=k.device)
        return ft.concatenate([k, zeros], axis=2), ft.concatenate([v, zeros], axis=2), 1

    def _heads(self, x):  # (N, L, E) -> (N, heads, L, head_dim)
        return ft.swapaxes(ft.reshape(x, tuple(x.shape[:2]) + (self.num_heads, self.head_dim)),
                           1, 2)

    def forward(self, query: Array, key: Array, value: Array,
                key_padding_mask: Array | None = None, need_weights: bool = True,
                attn_mask: Array | None = None, average_attn_weights: bool = True,
                is_causal: bool = False, *,
                dropout_key: Key | None = None) -> tuple[Array, Array | None]:
        """Attend from ``query`` to ``key``/``value``.

        Args:
            query: ``(L, N, E)`` (``batch_first``: ``(N, L, E)``; unbatched ``(L, E)``).
            key: ``(S, N, kdim)`` in the same layout.
            value: ``(S, N, vdim)`` in the same layout.
            key_padding_mask: ``(N, S)``; True (or ``-inf``) masks a source position out.
            need_weights: also return the attention weights.
            attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``, bool or additive float.
            average_attn_weights: average the weights over the heads.
            is_causal: mask future positions when ``attn_mask`` is not given.
            dropout_key: the PRNG key of the attention dropout in training.

        Returns:
            ``(output, weights)``: output shaped like ``query`` with ``E`` features;
            weights ``(N, L, S)`` (``(N, num_heads, L, S)`` unaveraged), or ``None``.

        Example:
            >>> mha = ft.nn.MultiheadAttention(4, 2)
            >>> query, memory = ft.randn(3, 1, 4), ft.randn(5, 1, 4)  # (L, N, E), (S, N, E)
            >>> out, w = mha(query, memory, memory, average_attn_weights=False)
            >>> out.shape, w.shape
            ((3, 1, 4), (1, 2, 3, 5))
            >>> hide = ft.array([[False, False, False, True, True]])  # the last two keys
            >>> _, w = mha(query, memory, memory, key_padding_mask=hide)
            >>> w[0, :, 3:].tolist()
            [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
        """
        unbatched = query.ndim == 2
        self_attention = query is key and key is value
        if unbatched:
            query, key, value = (ft.expand_dims(t, 0) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = ft.expand_dims(key_padding_mask, 0)
        elif not self.batch_first:
            query, key, value = (ft.swapaxes(t, 0, 1) for t in (query, key, value))
        batch, length = query.shape[:2]
        q, k, v = self._project(query, key, value, self_attention)
        k, v, with_bias = self._extra_keys(k, v)
        q = self._heads(q)
        k, v, with_zero = self._zero_attention(self._heads(k), self._heads(v))
        if is_causal and attn_mask is None:
            attn_mask = ft.triu(ft.ones((length, key.shape[1]), dtype=ft.bool_), k=1)
        mask = _additive_mask(attn_mask, key_padding_mask, batch, self.num_heads, q.dtype)
        if mask is not None and with_bias + with_zero:
            # the appended keys are never masked (PyTorch pads both masks with zeros)
            widths = ((0, 0),) * (mask.ndim - 1) + ((0, with_bias + with_zero),)
            mask = ft.pad(mask, widths)
        if dropout_key is None and self.training and self.dropout > 0.0:
            dropout_key = _DropoutNd._next_key(self, None)  # functional_call's key, if any
        dropout_p = self.dropout if self.training else 0.0
        # keeps only the weights for the backward pass (functional/attention_fused.py)
        out, weights = fused_attention(q, k, v, mask, need_weights=True, dropout_p=dropout_p,
                                       dropout_key=dropout_key)
        out = ft.reshape(ft.swapaxes(out, 1, 2), (batch, length, self.embed_dim))
        out = self.out_proj(out)
        if unbatched:
            out, weights = out[0], weights[0] if need_weights else None
        elif not self.batch_first:
            out = ft.swapaxes(out, 0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = ft.mean(weights, axis=-3)
        return out, weights


_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


class TransformerEncoderLayer(Module):
    """Self-attention + feed-forward block (post-norm, or pre-norm with ``norm_first``).

    ``(L, N, d_model)`` (``batch_first``: ``(N, L, d_model)``) -> same shape;
    ``activation`` is ``"relu"``, ``"gelu"`` or a callable.

    Args:
        d_model: the model width.
        nhead: the number of attention heads.
        dim_feedforward: the hidden width of the feed-forward block.
        dropout: the dropout probability (attention, residual and feed-forward).
        activation: the feed-forward nonlinearity.
        layer_norm_eps: the layer norms' epsilon.
        batch_first: inputs are ``(N, L, d_model)`` rather than ``(L, N, d_model)``.
        norm_first: normalise before each block (pre-norm) rather than after.
        bias: learn biases in the linear layers and layer norms.
        device: where the parameters live.
        dtype: the parameters' dtype.
        key: a PRNG key for the initial parameters (default: the global generator).

    Raises:
        RuntimeError: ``activation`` is a string other than ``"relu"`` or ``"gelu"``.

    Example:
        >>> layer = ft.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer(ft.randn(2, 5, 8)).shape
        (2, 5, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable[[Array], Array] = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        keys = split_keys(key, 3)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout, bias,
                                            batch_first=batch_first, device=device,
                                            dtype=dtype, key=keys[0])
        self.linear1 = Linear(d_model, dim_feedforward, bias, device, dtype, key=keys[1])
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias, device, dtype, key=keys[2])
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.norm2 = LayerNorm(d_model, layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.dropout1, self.dropout2 = Dropout(dropout), Dropout(dropout)
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise RuntimeError(f"activation should be relu/gelu, not {activation}")
            activation = _ACTIVATIONS[activation]
        self.activation = activation

    def _attention_block(self, x, attn_mask, key_padding_mask, is_causal):
        out = self.self_attn(x, x, x, key_padding_mask=key_padding_mask, need_weights=False,
                             attn_mask=attn_mask, is_causal=is_causal)[0]
        return self.dropout1(out)

    def _feed_forward_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(self, src: Array, src_mask: Array | None = None,
                src_key_padding_mask: Array | None = None, is_causal: bool = False) -> Array:
        """One encoder block (self-attention, then the feed-forward block) on ``src``.

        Args:
            src: ``(L, N, d_model)`` (``batch_first``: ``(N, L, d_model)``; unbatched
                ``(L, d_model)``).
            src_mask: ``(L, L)`` or ``(N * nhead, L, L)``, :class:`MultiheadAttention`'s
                ``attn_mask`` (bool True, or ``-inf``, masks a position out).
            src_key_padding_mask: ``(N, L)``, the ``key_padding_mask``: True hides a
                padding position.
            is_causal: mask future positions when ``src_mask`` is not given.

        Returns:
            An array of ``src``'s shape.

        Example:
            >>> layer = ft.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
            >>> causal = ft.triu(ft.ones((5, 5), dtype=ft.bool_), 1)  # True: hidden
            >>> x = ft.randn(5, 1, 8); y = ft.concatenate([x[:2], ft.randn(3, 1, 8)])
            >>> a, b = layer(x, src_mask=causal), layer(y, src_mask=causal)
            >>> a.shape, bool(ft.allclose(a[:2], b[:2]))  # the first 2 see only x[:2]
            ((5, 1, 8), True)
        """
        x = src
        if self.norm_first:
            x = x + self._attention_block(self.norm1(x), src_mask, src_key_padding_mask,
                                          is_causal)
            return x + self._feed_forward_block(self.norm2(x))
        x = self.norm1(x + self._attention_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._feed_forward_block(x))
