"""The docstrings of the pooling functions (``pooling.py``, ``pooling_extra.py``): one
description per argument and per family (max, average, adaptive, LP, unpooling), written
for 1, 2 or 3 spatial axes by :func:`pool_doc`, so the 24 functions stay consistent."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

_AXES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
_SLIDING = ("``X_out = (X + 2 * padding - dilation * (k - 1) - 1) // stride + 1`` (the "
            "division rounded up with ``ceil_mode``)")

_ARGS = {
    "input": "``{shape_in}``, or ``{unbatched}`` unbatched.",
    "kernel_size": "the window size: an int, or one per spatial axis.",
    "stride": "the step between windows (an int or one per axis); None means ``kernel_size``.",
    "padding": ("implicit padding on both sides of each spatial axis (an int or one per axis),\n"
                "at most half the kernel (padded with {pad_value})."),
    "dilation": "the spacing between the elements of a window.",
    "ceil_mode": "round the output size up: a last, partial window is kept when it starts\n"
                 "inside the input (or its left padding).",
    "return_indices": "also return the int64 flat position of each maximum in its input plane\n"
                      "(for ``max_unpool{nd}d``).",
    "count_include_pad": "count the zero padding in each window's divisor.",
    "divisor_override": "divide every window's sum by this number instead.",
    "output_size": "the output's spatial size: an int, or one per axis (None keeps that\n"
                   "axis's size).",
    "norm_type": "the power ``p`` (1 gives sum pooling).",
    "indices": "the indices returned by ``max_pool{nd}d(..., return_indices=True)``, of\n"
               "``input``'s shape.",
}
_UNPOOL_SIZE = ("the spatial size of the result (it may include N and C); by default\n"
                "``X_out = (X - 1) * stride - 2 * padding + kernel_size``.")
_UNPOOL_PADDING = "the padding the max pooling used (an int or one per axis)."
_WITH_INDICES = ("ignored: ``(output, indices)`` is always returned (PyTorch's\n"
                 "``*_with_indices`` spelling).")

_FAMILIES: dict[str, dict[str, str]] = {
    "max": {"pad_value": "``-inf``",
            "returns": "``{shape_out}`` of ``input``'s dtype; with ``return_indices``,\n"
                       "``(output, indices)``: int64 flat positions ``h * W + w`` (for 2-d) of\n"
                       "the maxima in each input plane, ties to the first in scan order.",
            "raises": "ValueError: a wrong input rank, padding over half the kernel, or an\n"
                      "    output size below 1."},
    "max_with_indices": {"pad_value": "``-inf``",
                         "returns": "``(output, indices)``: the ``{shape_out}`` maxima and\n"
                                    "their int64 flat positions in each input plane.",
                         "raises": "ValueError: a wrong input rank, padding over half the\n"
                                   "    kernel, or an output size below 1."},
    "avg": {"pad_value": "zeros, see ``count_include_pad``",
            "returns": "``{shape_out}`` of ``input``'s dtype.",
            "raises": "ValueError: a wrong input rank, padding over half the kernel, or an\n"
                      "    output size below 1."},
    "lp": {"pad_value": "",
           "returns": "``{shape_out}``: ``(sum over each window of x**p) ** (1 / p)``.",
           "raises": "ValueError: a wrong input rank or an output size below 1."},
    "adaptive_avg": {"pad_value": "",
                     "returns": "``{shape_out}`` with the spatial sizes of ``output_size``:\n"
                                "output ``i`` averages input ``floor(i * X / X_out)`` to\n"
                                "``ceil((i + 1) * X / X_out)`` (exclusive).",
                     "raises": "ValueError: a wrong input rank, or an ``output_size`` of the\n"
                               "    wrong length."},
    "adaptive_max": {"pad_value": "",
                     "returns": "``{shape_out}`` with the spatial sizes of ``output_size``\n"
                                "(windows as in adaptive average pooling); with\n"
                                "``return_indices``, ``(output, indices)``: int64 flat\n"
                                "positions of the maxima in each input plane.",
                     "raises": "ValueError: a wrong input rank, or an ``output_size`` of the\n"
                               "    wrong length."},
    "adaptive_max_with_indices": {"pad_value": "",
                                  "returns": "``(output, indices)``: the ``{shape_out}`` maxima\n"
                                             "of the adaptive windows and their int64 flat\n"
                                             "positions in each input plane.",
                                  "raises": "ValueError: a wrong input rank, or an\n"
                                            "    ``output_size`` of the wrong length."},
    "unpool": {"pad_value": "the padding the pooling used",
               "returns": "``(N, C, *output_size)`` zeros with ``input``'s values at\n"
                          "``indices`` (the inverse of max pooling where the maxima were).",
               "raises": "ValueError: ``indices`` not of ``input``'s shape, or a wrong input\n"
                         "    rank."},
}


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def pool_doc(fn: Callable[..., Any], family: str, nd: int, summary: str, example: str) -> str:
    """The docstring of pooling function ``fn`` of ``family`` (a key of ``_FAMILIES``) over
    ``nd`` spatial axes: ``summary``, Args (from ``fn``'s parameters), Returns, Raises and
    ``example`` (``>>>`` lines and their output, unindented)."""
    axes = _AXES[nd]
    shape_in = f"(N, C, {', '.join(axes)})"
    fields = {"shape_in": shape_in, "unbatched": f"(C, {', '.join(axes)})", "nd": nd,
              "shape_out": f"(N, C, {', '.join(a + '_out' for a in axes)})",
              "pad_value": _FAMILIES[family]["pad_value"]}
    args = []
    for name in inspect.signature(fn).parameters:
        if name in ("output_size", "padding") and family == "unpool":
            text = _UNPOOL_SIZE if name == "output_size" else _UNPOOL_PADDING
        elif name == "return_indices" and family.endswith("with_indices"):
            text = _WITH_INDICES
        else:
            text = _ARGS[name].format(**fields)
        first, _, rest = text.partition("\n")
        args.append(f"{name}: {first}" + ("\n" + _indent(rest, 4) if rest else ""))
    rule = f"\n\nAlong each spatial axis ``X``: {_SLIDING}." if family in (
        "max", "max_with_indices", "avg", "lp") else ""
    returns = _FAMILIES[family]["returns"].format(**fields)
    return (f"{summary}{rule}\n\nArgs:\n{_indent(chr(10).join(args), 4)}\n\n"
            f"Returns:\n{_indent(returns, 4)}\n\nRaises:\n"
            f"{_indent(_FAMILIES[family]['raises'], 4)}\n\nExample:\n{_indent(example, 4)}\n")
