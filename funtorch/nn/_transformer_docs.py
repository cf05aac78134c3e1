"""The ``forward`` docstrings of ``transformer.py``'s layers: every argument (sequence, mask,
causal flag) is described once here, and :func:`forward_doc` lists a method's own, in
order, so the four ``forward`` methods and the layers' file stay short."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from funtorch.nn._layer_docs import sections

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _mask(shape: str, what: str) -> str:
    return (f"a ``{shape}`` mask of {what}: float (added to the scores) or boolean (True: "
            "masked); None for none.")


def _padding(shape: str, name: str) -> str:
    return (f"``{shape}`` (``({shape[4]},)`` unbatched), True at the ``{name}`` positions to "
            "ignore; None for none.")


def _causal(mask: str) -> str:
    return f"mask the future positions when ``{mask}`` is None (a hint to skip it otherwise)."


_ARGS = {
    "src": "the source sequence ``(S, N, E)`` (``(N, S, E)`` with ``batch_first``; unbatched "
           "``(S, E)``).",
    "tgt": "the target sequence ``(T, N, E)`` (``(N, T, E)`` with ``batch_first``; unbatched "
           "``(T, E)``).",
    "memory": "the encoded source ``(S, N, E)``, laid out as ``tgt``.",
    "mask": _mask("(S, S)", "the self-attention"),
    "src_mask": _mask("(S, S)", "the encoder's self-attention"),
    "tgt_mask": _mask("(T, T)", "the target's self-attention (e.g. "
                                "``Transformer.generate_square_subsequent_mask(T)``)"),
    "memory_mask": _mask("(T, S)", "the attention over ``memory``"),
    "src_key_padding_mask": _padding("(N, S)", "src"),
    "tgt_key_padding_mask": _padding("(N, T)", "tgt"),
    "memory_key_padding_mask": _padding("(N, S)", "memory"),
    "is_causal": _causal("mask"),
    "src_is_causal": _causal("src_mask"),
    "tgt_is_causal": _causal("tgt_mask"),
    "memory_is_causal": _causal("memory_mask"),
}


def forward_doc(summary: str, returns: str, example: str,
                raises: str | None = None) -> Callable[[_Fn], _Fn]:
    """A decorator writing a ``forward``'s docstring, its Args from ``_ARGS`` in the
    signature's order."""
    def decorate(fn: _Fn) -> _Fn:
        names = list(inspect.signature(fn).parameters)[1:]
        fn.__doc__ = sections(summary, example, {name: _ARGS[name] for name in names}, returns,
                              raises)
        return fn
    return decorate
