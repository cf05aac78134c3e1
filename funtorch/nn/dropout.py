"""Dropout and Dropout2d: active in ``train()`` mode, identity in ``eval()`` mode.

Randomness: a ``key=`` passed to the call, else the key ``ft.nn.functional_call(...,
key=)`` gave this layer, else the global generator (PyTorch-style code).
"""

from __future__ import annotations

import inspect
from typing import Any

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn._layer_docs import ANY_SHAPE, DROPOUT_RETURNS, KEY_ARG, method_doc, repr_doc
from funtorch.nn.module import Module
from funtorch.typing import Array, Key

__all__ = ["Dropout", "Dropout2d"]


_SECTIONS = """Args:
    p: the probability of zeroing {what}, in ``[0, 1]``.
    inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

Raises:
    ValueError: ``p`` is outside ``[0, 1]``.

In training mode the mask comes from ``forward``'s ``key=``, else the key
``ft.nn.functional_call(..., key=)`` gave the layer, else the global generator; in eval
mode the layer returns its input.

"""


class _DropoutNd(Module):
    """Base of the dropout layers: a subclass's docstring gets the ``p``/``inplace`` Args,
    the Raises and the randomness note before its ``Shape:`` from ``_SECTIONS`` (``_what``
    names what ``p`` zeroes)."""

    _uses_key = True
    _what = "each element"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        doc = inspect.cleandoc(cls.__doc__ or "")
        if "\nShape:" in doc and "\nArgs:" not in doc:
            head, _, rest = doc.partition("\nShape:")
            cls.__doc__ = f"{head.rstrip()}\n\n{_SECTIONS.format(what=cls._what)}Shape:{rest}"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def _next_key(self, key: Key | None) -> Key | None:
        if key is not None:
            return key
        stored = self.__dict__.get("_key")
        if stored is None:
            return None
        keep, use = ft.random.split(stored)
        self.__dict__["_key"] = keep  # a copy made by functional_call: never the caller's
        return use

    @repr_doc("nn.Dropout(0.25)", "'p=0.25, inplace=False'")
    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training mode, scaling the rest by
    ``1 / (1 - p)`` so the mean is kept.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> set(ft.nn.Dropout(0.5)(ft.ones(100)).tolist()) <= {0.0, 2.0}  # train mode
        True
        >>> drop = ft.nn.Dropout(0.5).eval(); drop(ft.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    @method_doc("Zero each element of ``input`` with probability ``p`` (training mode only).",
                args={"input": ANY_SHAPE, "key": KEY_ARG},
                returns=DROPOUT_RETURNS.format(what="the elements"),
                example=">>> out = nn.Dropout(0.5).forward(ft.ones(8), key=ft.random.key(0))\n"
                        ">>> set(out.tolist()) <= {0.0, 2.0}\nTrue\n"
                        ">>> x = ft.ones(2)\n>>> nn.Dropout(0.5).eval().forward(x) is x\nTrue")
    def forward(self, input: Array, key: Key | None = None) -> Array:
        if not self.training:
            return input  # as given: an Array in, the same Array out
        return F.dropout(input, self.p, True, key=self._next_key(key))


class Dropout2d(_DropoutNd):
    """Zero whole channels (2-d feature maps) with probability ``p`` in training mode,
    scaling the rest by ``1 / (1 - p)``.

    Shape:
        Input ``(N, C, H, W)`` or ``(C, H, W)``; output the same shape.

    Example:
        >>> out = ft.nn.Dropout2d(0.5)(ft.ones((1, 8, 2, 2)))
        >>> all(len(set(channel.reshape(-1).tolist())) == 1 for channel in out[0])  # 0 or 2
        True
    """

    _what = "each channel"

    @method_doc("Zero each channel of ``input`` with probability ``p`` (training mode only).",
                args={"input": "``(N, C, H, W)`` or ``(C, H, W)``.", "key": KEY_ARG},
                returns=DROPOUT_RETURNS.format(what="whole channels"),
                example=">>> x, key = ft.ones((4, 1, 2)), ft.random.key(1)\n"
                        ">>> out = nn.Dropout2d(0.5).forward(x, key=key)\n"
                        ">>> all(set(c.reshape(-1).tolist()) in ({0.0}, {2.0}) for c in out)"
                        "\nTrue")
    def forward(self, input: Array, key: Key | None = None) -> Array:
        if not self.training:
            return input  # as given: an Array in, the same Array out
        return F.dropout2d(input, self.p, True, key=self._next_key(key))
