"""Dropout and Dropout2d: active in ``train()`` mode, identity in ``eval()`` mode.

Randomness: a ``key=`` passed to the call, else the key ``ft.nn.functional_call(...,
key=)`` gave this layer, else the global generator (PyTorch-style code).
"""

from __future__ import annotations


import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn.module import Module
from funtorch.typing import Array, Key

__all__ = ["Dropout", "Dropout2d"]


class _DropoutNd(Module):
    _uses_key = True

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

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training mode, scaling the rest by
    ``1 / (1 - p)``; any input shape.

    Example:
        >>> drop = ft.nn.Dropout(0.5).eval(); drop(ft.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    def forward(self, input: Array, key: Key | None = None) -> Array:
        if not self.training:
            return input  # as given: an Array in, the same Array out
        return F.dropout(input, self.p, True, key=self._next_key(key))


class Dropout2d(_DropoutNd):
    """Zero whole channels of ``(N, C, H, W)`` / ``(C, H, W)`` inputs in training mode.

    Example:
        >>> out = ft.nn.Dropout2d(0.5)(ft.ones((1, 8, 2, 2)))
        >>> all(len(set(channel.reshape(-1).tolist())) == 1 for channel in out[0])  # 0 or 2
        True
    """

    def forward(self, input: Array, key: Key | None = None) -> Array:
        if not self.training:
            return input  # as given: an Array in, the same Array out
        return F.dropout2d(input, self.p, True, key=self._next_key(key))
