"""Dropout1d, Dropout3d, AlphaDropout, FeatureAlphaDropout: active in ``train()`` mode,
identity in ``eval()`` mode; keys as for ``Dropout``."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import KEY_ARG, method_doc
from funtorch.nn.dropout import _DropoutNd
from funtorch.typing import Array, Key

__all__ = ["Dropout1d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _Functional(_DropoutNd):
    _fn: ClassVar[Callable[..., Array] | None] = None

    @method_doc("Apply the layer's dropout to ``input`` (training mode only).",
                args={"input": "an array of the shape the class's Shape section gives.",
                      "key": KEY_ARG},
                returns="In training mode an array of ``input``'s shape and dtype, dropped out as "
                        "the class says; in eval mode ``input`` itself.",
                example=">>> x, key = ft.ones((3, 2)), ft.random.key(0)\n"
                        ">>> out = nn.Dropout1d(0.5).forward(x, key=key)\n"
                        ">>> set(out.sum(1).tolist()) <= {0.0, 4.0}  # whole rows: 0 or 2 * 2"
                        "\nTrue")
    def forward(self, input: Array, key: Key | None = None) -> Array:
        if not self.training:
            return input
        return type(self)._fn(input, self.p, True, key=self._next_key(key))


class Dropout1d(_Functional):
    """Zero whole channels (1-d sequences) with probability ``p`` in training mode, scaling
    the rest by ``1 / (1 - p)``.

    Shape:
        Input ``(N, C, L)`` or ``(C, L)``; output the same shape.

    Example:
        >>> ft.nn.Dropout1d().eval()(ft.ones((2, 3, 4))).shape
        (2, 3, 4)
    """

    _fn = staticmethod(F.dropout1d)
    _what = "each channel"


class Dropout3d(_Functional):
    """Zero whole channels (3-d volumes) with probability ``p`` in training mode, scaling
    the rest by ``1 / (1 - p)``.

    Shape:
        Input ``(N, C, D, H, W)`` or ``(C, D, H, W)``; output the same shape.

    Example:
        >>> ft.nn.Dropout3d(0.5)(ft.ones((2, 4, 1, 2, 2))).shape
        (2, 4, 1, 2, 2)
    """

    _fn = staticmethod(F.dropout3d)
    _what = "each channel"


class AlphaDropout(_Functional):
    """Alpha dropout in training mode: dropped elements are set to SELU's negative
    saturation value and an affine map restores zero mean and unit variance (SELU's
    self-normalisation).

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.AlphaDropout(0.2).eval()(ft.ones(3)).tolist()  # eval: identity
        [1.0, 1.0, 1.0]
    """

    _fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_Functional):
    """Alpha dropout of whole channels in training mode (see ``AlphaDropout``).

    Shape:
        Input ``(N, C, *)`` or ``(C, *)``; output the same shape.

    Example:
        >>> ft.nn.FeatureAlphaDropout(0.2).eval()(ft.ones((1, 2, 3))).shape
        (1, 2, 3)
    """

    _fn = staticmethod(F.feature_alpha_dropout)
    _what = "each channel"
