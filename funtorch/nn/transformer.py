"""TransformerDecoderLayer, TransformerEncoder, TransformerDecoder and Transformer.

Same constructor arguments, submodule names (so ``state_dict`` keys) and initialisation as
``torch.nn``: the stacks hold independent copies of the layer they are given (torch deep-
copies it), and ``Transformer`` re-draws every matrix with ``xavier_uniform_``. Attention
goes through :class:`MultiheadAttention` (one ``(N, heads, L, S)`` score array per attention
block, freed before the next block runs).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import funtorch as ft
from funtorch.nn import init
from funtorch.nn._layer_docs import wrap
from funtorch.nn._layer_utils import split_keys
from funtorch.nn._transformer_docs import forward_doc
from funtorch.nn.attention import _ACTIVATIONS, MultiheadAttention, TransformerEncoderLayer
from funtorch.nn.containers import ModuleList
from funtorch.nn.dropout import Dropout
from funtorch.nn.linear import Linear
from funtorch.nn.module import Module
from funtorch.nn.normalization import LayerNorm
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["TransformerDecoderLayer", "TransformerEncoder", "TransformerDecoder",
           "Transformer"]


def _clones(layer, num_layers):
    """``num_layers`` independent copies of ``layer`` (new Parameter boxes around the same
    immutable arrays, as torch's ``deepcopy`` gives equal but independent weights)."""
    if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 0:
        raise ValueError(f"num_layers must be a non-negative integer, got {num_layers!r}")
    return ModuleList([ft.tree.map(lambda leaf: leaf, layer) for _ in range(num_layers)])


_ARGS = {
    "d_model": "``E``, the feature size of every input and output.",
    "nhead": "the number of attention heads (``d_model`` must be divisible by it).",
    "num_encoder_layers": "the number of layers of the default encoder stack.",
    "num_decoder_layers": "the number of layers of the default decoder stack.",
    "dim_feedforward": "the hidden size of the feed-forward block.",
    "dropout": "the dropout probability of the attention weights, of each block's output "
               "and inside the feed-forward block (training mode).",
    "activation": 'the feed-forward nonlinearity: "relu", "gelu" or a callable.',
    "custom_encoder": "a module replacing the default encoder stack (called as "
                      "``TransformerEncoder`` is), or None.",
    "custom_decoder": "a module replacing the default decoder stack (called as "
                      "``TransformerDecoder`` is), or None.",
    "layer_norm_eps": "the layer norms' epsilon.",
    "batch_first": "inputs and outputs are ``(N, L, E)`` instead of ``(L, N, E)``.",
    "norm_first": "normalise before each block (pre-norm) instead of after it (post-norm).",
    "bias": "the linear layers and layer norms learn biases.",
    "device": 'the device of the parameters (``"cpu"``; see ``Array.to``), or None.',
    "dtype": "the parameters' float dtype; None for ``ft.get_default_dtype()``.",
    "key": "a PRNG key for the initial parameters; None draws them from the global "
           "generator.",
}


def _with_args(cls: type) -> type:
    """A class decorator: ``cls``'s docstring gets an Args section (its constructor's
    arguments, in order, from ``_ARGS``) before its ``Raises:``."""
    args = "\n".join(wrap(f"{name}: {_ARGS[name]}") for name in inspect.signature(cls).parameters)
    head, sep, rest = inspect.cleandoc(cls.__doc__ or "").partition("\n\nRaises:")
    cls.__doc__ = f"{head}\n\nArgs:\n{args}{sep}{rest}"
    return cls


def _activation(activation):
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise RuntimeError(f"activation should be relu/gelu, not {activation}")
        return _ACTIVATIONS[activation]
    return activation


@_with_args
class TransformerDecoderLayer(Module):
    """Self-attention, cross-attention over ``memory`` and a feed-forward block
    (post-norm, or pre-norm with ``norm_first``), as ``torch.nn.TransformerDecoderLayer``.

    Raises:
        ValueError: ``d_model`` not divisible by ``nhead``.
        RuntimeError: ``activation`` is a string other than ``"relu"`` or ``"gelu"``.

    Shape:
        ``tgt`` ``(T, N, E)`` (``(N, T, E)`` with ``batch_first``; unbatched ``(T, E)``),
        ``memory`` ``(S, N, E)`` likewise; output ``tgt``'s shape. The masks of
        ``forward``: ``tgt_mask`` ``(T, T)``, ``memory_mask`` ``(T, S)``, the key padding
        masks ``(N, T)`` and ``(N, S)`` (True: ignored).

    Example:
        >>> layer = ft.nn.TransformerDecoderLayer(8, 2, 16, batch_first=True)
        >>> layer(ft.randn(3, 4, 8), ft.randn(3, 5, 8)).shape
        (3, 4, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Array], Array] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        keys = split_keys(key, 4)
        attn = dict(bias=bias, batch_first=batch_first, device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout, key=keys[0], **attn)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout, key=keys[1], **attn)
        self.linear1 = Linear(d_model, dim_feedforward, bias, device, dtype, key=keys[2])
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias, device, dtype, key=keys[3])
        self.norm_first = norm_first
        for name in ("norm1", "norm2", "norm3"):
            setattr(self, name, LayerNorm(d_model, layer_norm_eps, bias=bias, device=device,
                                          dtype=dtype))
        self.dropout1, self.dropout2, self.dropout3 = (Dropout(dropout), Dropout(dropout),
                                                       Dropout(dropout))
        self.activation = _activation(activation)

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(out)

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal):
        out = self.multihead_attn(x, memory, memory, attn_mask=attn_mask,
                                  key_padding_mask=key_padding_mask, is_causal=is_causal,
                                  need_weights=False)[0]
        return self.dropout2(out)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    @forward_doc("Self-attention over ``tgt``, attention over ``memory``, then the feed-forward "
                 "block.", "An array of ``tgt``'s shape.",
                 ">>> layer = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0)\n"
                 ">>> layer.forward(ft.ones((3, 4)), ft.ones((5, 4)), tgt_is_causal=True).shape\n"
                 "(3, 4)")
    def forward(self, tgt: ArrayLike, memory: ArrayLike, tgt_mask: ArrayLike | None = None,
                memory_mask: ArrayLike | None = None,
                tgt_key_padding_mask: ArrayLike | None = None,
                memory_key_padding_mask: ArrayLike | None = None,
                tgt_is_causal: bool | None = False, memory_is_causal: bool = False) -> Array:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x))


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` followed by ``norm`` (if any).

    Args:
        encoder_layer: the layer to copy (a ``TransformerEncoderLayer``, or any module
            called as ``layer(x, src_mask=, src_key_padding_mask=, is_causal=)``); each
            copy has its own parameters, equal at first.
        num_layers: how many copies.
        norm: a module applied to the last layer's output (e.g. ``LayerNorm``), or None.
        enable_nested_tensor: accepted for torch's signature: there is no nested-tensor
            fast path, padded positions are computed (as torch does in training).
        mask_check: accepted for torch's signature; changes nothing.

    Raises:
        ValueError: ``num_layers`` is not a non-negative integer.

    Shape:
        ``src`` as the layer takes it, ``(S, N, E)`` (``(N, S, E)`` with ``batch_first``,
        unbatched ``(S, E)``); output the same shape.

    Example:
        >>> enc = ft.nn.TransformerEncoder(ft.nn.TransformerEncoderLayer(8, 2, 16), 2)
        >>> enc(ft.randn(5, 3, 8)).shape
        (5, 3, 8)
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    @forward_doc("Run ``src`` through every layer, then ``norm``.",
                 "An array of ``src``'s shape.",
                 ">>> enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2)\n"
                 ">>> pad = ft.array([[False] * 4 + [True]] * 2)  # (N, S): the last one ignored\n"
                 ">>> enc.forward(ft.ones((5, 2, 4)), src_key_padding_mask=pad).shape\n(5, 2, 4)")
    def forward(self, src: ArrayLike, mask: ArrayLike | None = None,
                src_key_padding_mask: ArrayLike | None = None,
                is_causal: bool | None = None) -> Array:
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                        is_causal=bool(is_causal))
        return out if self.norm is None else self.norm(out)


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer`` followed by ``norm`` (if any);
    every layer attends to the same ``memory``.

    Args:
        decoder_layer: the layer to copy (a ``TransformerDecoderLayer``, or any module with
            its call signature); each copy has its own parameters, equal at first.
        num_layers: how many copies.
        norm: a module applied to the last layer's output (e.g. ``LayerNorm``), or None.

    Raises:
        ValueError: ``num_layers`` is not a non-negative integer.

    Shape:
        ``tgt`` ``(T, N, E)`` and ``memory`` ``(S, N, E)`` (batch first with the layer's
        ``batch_first``, unbatched without ``N``); output ``tgt``'s shape.

    Example:
        >>> dec = ft.nn.TransformerDecoder(ft.nn.TransformerDecoderLayer(8, 2, 16), 2)
        >>> dec(ft.randn(4, 3, 8), ft.randn(5, 3, 8)).shape
        (4, 3, 8)
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers, self.norm = num_layers, norm

    @forward_doc("Run ``tgt`` through every layer (each attending to ``memory``), then ``norm``.",
                 "An array of ``tgt``'s shape.",
                 ">>> dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8), 2)\n"
                 ">>> dec.forward(ft.ones((3, 2, 4)), ft.ones((5, 2, 4))).shape\n(3, 2, 4)")
    def forward(self, tgt: ArrayLike, memory: ArrayLike, tgt_mask: ArrayLike | None = None,
                memory_mask: ArrayLike | None = None,
                tgt_key_padding_mask: ArrayLike | None = None,
                memory_key_padding_mask: ArrayLike | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Array:
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask,
                        memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return out if self.norm is None else self.norm(out)


@_with_args
class Transformer(Module):
    """The encoder-decoder model of "Attention Is All You Need", as ``torch.nn.Transformer``:
    a ``TransformerEncoder`` over ``src`` and a ``TransformerDecoder`` over ``tgt`` attending
    to the encoder's output, each stack ending in a ``LayerNorm``. Every parameter with
    more than one axis is drawn with ``xavier_uniform_`` (torch's ``_reset_parameters``).

    Raises:
        ValueError: ``d_model`` not divisible by ``nhead``, or a negative layer count.
        RuntimeError: ``activation`` is a string other than ``"relu"`` or ``"gelu"``; when
            called, ``src`` and ``tgt`` with different batch sizes or a feature size other
            than ``d_model``.

    Shape:
        ``src`` ``(S, N, E)``, ``tgt`` ``(T, N, E)`` (``(N, S, E)``, ``(N, T, E)`` with
        ``batch_first``; unbatched without ``N``); output ``(T, N, E)`` (``tgt``'s shape).
        Masks as ``TransformerDecoderLayer``'s, plus ``src_mask`` ``(S, S)`` and
        ``src_key_padding_mask`` ``(N, S)``.

    Example:
        >>> model = ft.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)
        >>> model(ft.randn(5, 3, 8), ft.randn(4, 3, 8)).shape
        (4, 3, 8)
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Array], Array] = "relu",
                 custom_encoder: Module | None = None, custom_decoder: Module | None = None,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
                 bias: bool = True, device: Any = None, dtype: DTypeLike = None, *,
                 key: Key | None = None) -> None:
        super().__init__()
        keys = split_keys(key, 3)
        common = dict(layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                      norm_first=norm_first, bias=bias, device=device, dtype=dtype)
        norm = dict(eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        stacks = (("encoder", custom_encoder, TransformerEncoderLayer, TransformerEncoder,
                   num_encoder_layers),
                  ("decoder", custom_decoder, TransformerDecoderLayer, TransformerDecoder,
                   num_decoder_layers))
        for (name, custom, layer_cls, stack_cls, num_layers), sub in zip(stacks, keys):
            if custom is None:
                layer = layer_cls(d_model, nhead, dim_feedforward, dropout, activation,
                                  key=sub, **common)
                custom = stack_cls(layer, num_layers, LayerNorm(d_model, **norm))
            setattr(self, name, custom)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        self._reset_parameters(keys[2])

    def _reset_parameters(self, key=None):
        params = [p for p in self.parameters() if p.ndim > 1]
        for p, sub in zip(params, split_keys(key, len(params))):
            init.xavier_uniform_(p, key=sub)

    @forward_doc("Encode ``src``, then decode ``tgt`` attending to the encoding.",
                 "The decoder's output, an array of ``tgt``'s shape.",
                 ">>> model = nn.Transformer(4, 2, 1, 1, 8, dropout=0.0, batch_first=True)\n"
                 ">>> mask = model.generate_square_subsequent_mask(3)\n"
                 ">>> model.forward(ft.ones((2, 5, 4)), ft.ones((2, 3, 4)), tgt_mask=mask).shape\n"
                 "(2, 3, 4)",
                 "RuntimeError: 3-d ``src`` and ``tgt`` with different batch sizes, or a feature "
                 "size other than ``d_model``.")
    def forward(self, src: ArrayLike, tgt: ArrayLike, src_mask: ArrayLike | None = None,
                tgt_mask: ArrayLike | None = None, memory_mask: ArrayLike | None = None,
                src_key_padding_mask: ArrayLike | None = None,
                tgt_key_padding_mask: ArrayLike | None = None,
                memory_key_padding_mask: ArrayLike | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Array:
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and tgt.ndim == 3 and src.shape[batch_axis] != tgt.shape[batch_axis]:
            raise RuntimeError("Transformer: the batch number of src and tgt must be equal, "
                               f"got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(f"Transformer: the feature number of src and tgt must be equal "
                               f"to d_model={self.d_model}, got src {tuple(src.shape)} and "
                               f"tgt {tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None,
                                        dtype: DTypeLike = None) -> Array:
        """The ``(sz, sz)`` causal mask: ``-inf`` above the diagonal, ``0`` elsewhere.

        Args:
            sz: the sequence length.
            device: the mask's device (``"cpu"``; see ``Array.to``), or None.
            dtype: its float dtype; None for ``ft.get_default_dtype()``.

        Returns:
            A float array ``(sz, sz)``, to pass as ``tgt_mask``.

        Example:
            >>> ft.nn.Transformer.generate_square_subsequent_mask(2).tolist()
            [[0.0, -inf], [0.0, 0.0]]
        """
        dtype = dtype or ft.get_default_dtype()
        upper = ft.triu(ft.ones((sz, sz), dtype=ft.bool_), k=1)
        mask = ft.where(upper, -math.inf, 0.0).astype(dtype)
        return mask if device is None else mask.to(device)
