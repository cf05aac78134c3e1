"""MaxPool3d, AvgPool3d, AdaptiveAvgPool1d/3d, AdaptiveMaxPool1d/2d/3d, LPPool1d/2d/3d,
MaxUnpool1d/2d/3d: layers over ``functional/pooling_extra.py``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import sections
from funtorch.nn._stateless import REQUIRED, Option, _Stateless, stateless
from funtorch.typing import Array, ArrayLike

__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool3d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "LPPool1d",
           "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]


def _layer(name: str, fn: Callable[..., Any] | None, options: tuple[Option, ...],
           doc: str) -> type[_Stateless]:
    return stateless(name, fn, options, doc, module=__name__)


MaxPool3d = _layer("MaxPool3d", F.max_pool3d, (
    ("kernel_size", REQUIRED, "kernel_size"), ("stride", None, "stride"), ("padding", 0, "padding"),
    ("dilation", 1, "dilation"), ("return_indices", False, "return_indices"),
    ("ceil_mode", False, "ceil_mode")),
    "Max over 3-d windows (``return_indices``: also torch's flat int64 positions).\n\n"
    "Example:\n    >>> ft.nn.MaxPool3d(2)(ft.randn(1, 1, 4, 4, 4)).shape\n"
    "    (1, 1, 2, 2, 2)\n")
AvgPool3d = _layer("AvgPool3d", F.avg_pool3d, (
    ("kernel_size", REQUIRED, "kernel_size"), ("stride", None, "stride"), ("padding", 0, "padding"),
    ("ceil_mode", False, "ceil_mode"), ("count_include_pad", True, "count_include_pad"),
    ("divisor_override", None, "divisor_override")), "Mean over 3-d windows."
    "\n\nExample:\n    >>> ft.nn.AvgPool3d(2)(ft.ones((1, 1, 4, 4, 4))).shape\n    (1, 1, 2, 2, 2)")
AdaptiveAvgPool1d = _layer("AdaptiveAvgPool1d", F.adaptive_avg_pool1d,
                           (("output_size", REQUIRED, "output_size"),),
                           "Average over adaptive windows of the last axis."
    "\n\nExample:\n    >>> ft.nn.AdaptiveAvgPool1d(3)(ft.ones((1, 2, 7))).shape\n    (1, 2, 3)")
AdaptiveAvgPool3d = _layer("AdaptiveAvgPool3d", F.adaptive_avg_pool3d,
                           (("output_size", REQUIRED, "output_size"),),
                           "Average over adaptive 3-d windows."
    "\n\nExample:\n    >>> ft.nn.AdaptiveAvgPool3d(2)(ft.ones((1, 1, 5, 5, 5))).shape\n"
    "    (1, 1, 2, 2, 2)")
_ADAPTIVE_MAX = (("output_size", REQUIRED, "output_size"), ("return_indices", False,
                                                        "return_indices"))
AdaptiveMaxPool1d = _layer("AdaptiveMaxPool1d", F.adaptive_max_pool1d, _ADAPTIVE_MAX,
                           "Max over adaptive windows of the last axis."
    "\n\nExample:\n    >>> ft.nn.AdaptiveMaxPool1d(3)(ft.ones((1, 2, 7))).shape\n    (1, 2, 3)")
AdaptiveMaxPool2d = _layer("AdaptiveMaxPool2d", F.adaptive_max_pool2d, _ADAPTIVE_MAX,
                           "Max over adaptive 2-d windows."
    "\n\nExample:\n    >>> ft.nn.AdaptiveMaxPool2d((2, 3))(ft.ones((1, 1, 5, 7))).shape\n"
    "    (1, 1, 2, 3)")
AdaptiveMaxPool3d = _layer("AdaptiveMaxPool3d", F.adaptive_max_pool3d, _ADAPTIVE_MAX,
                           "Max over adaptive 3-d windows."
    "\n\nExample:\n    >>> ft.nn.AdaptiveMaxPool3d(2)(ft.ones((1, 1, 5, 5, 5))).shape\n"
    "    (1, 1, 2, 2, 2)")
_LP = (("norm_type", REQUIRED, "norm_type"), ("kernel_size", REQUIRED, "kernel_size"),
       ("stride", None, "stride"), ("ceil_mode", False, "ceil_mode"))
LPPool1d = _layer("LPPool1d", F.lp_pool1d, _LP, "Power-average pooling along the last axis."
    "\n\nExample:\n    >>> ft.nn.LPPool1d(2, 2)(ft.ones((1, 1, 6))).shape\n    (1, 1, 3)")
LPPool2d = _layer("LPPool2d", F.lp_pool2d, _LP, "Power-average pooling over 2-d windows."
    "\n\nExample:\n    >>> ft.nn.LPPool2d(2, 2)(ft.ones((1, 1, 4, 6))).shape\n    (1, 1, 2, 3)")
LPPool3d = _layer("LPPool3d", F.lp_pool3d, _LP, "Power-average pooling over 3-d windows."
    "\n\nExample:\n    >>> ft.nn.LPPool3d(2, 2)(ft.ones((1, 1, 4, 4, 4))).shape\n"
    "    (1, 1, 2, 2, 2)")


def _unpool(fn: Callable[..., Array], nd: int) -> Callable[..., Array]:
    """MaxUnpool{nd}d's ``forward``, documented for ``nd`` spatial axes."""
    def forward(self: Any, input: ArrayLike, indices: ArrayLike,
                output_size: Sequence[int] | None = None) -> Array:
        return fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)
    axes = ", ".join("DHW"[3 - nd:]) if nd > 1 else "L"
    index = "[" * (nd + 2) + str(2 ** nd - 1) + "]" * (nd + 2)
    forward.__doc__ = sections(
        "Place ``input`` at ``indices`` (a max pool's ``return_indices``) in a zero array of "
        "the unpooled size.", f">>> x, i = ft.ones((1, 1{', 1' * nd})), ft.array({index})\n"
        f">>> nn.MaxUnpool{nd}d(2).forward(x, i).reshape(-1).tolist()  # the window's last\n"
        f"[{'0.0, ' * (2 ** nd - 1)}1.0]",
        {"input": f"the pooled values ``(N, C, {axes})`` or ``(C, {axes})``.",
         "indices": "int64 positions of ``input``'s shape: each value's flat index in its "
                    "input plane, as the max pool returned them.",
         "output_size": "the unpooled spatial sizes (or the whole shape); None for "
                        "``(X - 1) * stride - 2 * padding + kernel_size`` per axis ``X``."},
        "An array of ``input``'s dtype, its spatial axes unpooled, zero but at ``indices``.")
    return forward


_UNPOOL = (("kernel_size", REQUIRED, None), ("stride", None, None), ("padding", 0, None))
MaxUnpool1d = _layer("MaxUnpool1d", None, _UNPOOL, "The inverse of MaxPool1d (indices given).\n\n"
                     "Example:\n    >>> pool = ft.nn.MaxPool1d(2, return_indices=True)\n"
                     "    >>> out, idx = pool(ft.array([[[1.0, 3.0, 2.0, 0.0]]]))\n"
                     "    >>> ft.nn.MaxUnpool1d(2)(out, idx).tolist()\n"
                     "    [[[0.0, 3.0, 2.0, 0.0]]]")
MaxUnpool2d = _layer("MaxUnpool2d", None, _UNPOOL, "The inverse of MaxPool2d (indices given).\n\n"
                     "Example:\n    >>> pool = ft.nn.MaxPool2d(2, return_indices=True)\n"
                     "    >>> out, idx = pool(ft.ones((1, 1, 4, 4)))\n"
                     "    >>> ft.nn.MaxUnpool2d(2)(out, idx).shape\n    (1, 1, 4, 4)")
MaxUnpool3d = _layer("MaxUnpool3d", None, _UNPOOL, "The inverse of MaxPool3d (indices given).\n\n"
                     "Example:\n    >>> pool = ft.nn.MaxPool3d(2, return_indices=True)\n"
                     "    >>> out, idx = pool(ft.ones((1, 1, 2, 2, 2)))\n"
                     "    >>> ft.nn.MaxUnpool3d(2)(out, idx).shape\n    (1, 1, 2, 2, 2)")
MaxUnpool1d.forward = _unpool(F.max_unpool1d, 1)
MaxUnpool2d.forward = _unpool(F.max_unpool2d, 2)
MaxUnpool3d.forward = _unpool(F.max_unpool3d, 3)
