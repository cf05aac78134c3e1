"""Convolutions, vectorised: ``ft.sliding_window_view`` gives every window of the input as
one zero-copy strided view (its gradient adds one strided slice per kernel offset, a loop
over the kernel, never over output positions); convolutions contract it with the weight
in one batched ``matmul`` (im2col). Pooling (``pooling.py``) reduces the same windows."""

from __future__ import annotations

import math
import operator
import textwrap

import funtorch as ft
from funtorch.nn.functional.padding import pad_spatial
from funtorch.typing import Array, ArrayLike

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose2d", "ntuple"]


_MINIMUM = {"kernel_size": 1, "stride": 1, "dilation": 1, "padding": 0, "output_padding": 0}
_SPATIAL = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def conv_doc(nd, transposed, example, result):
    """The docstring of ``conv{nd}d`` / ``conv_transpose{nd}d``: shapes, arguments, the
    output-size rule, errors and ``example`` (a ``>>>`` line) with its ``result``."""
    axes = _SPATIAL[nd]
    kernel = ", ".join(f"k{'W' if a == 'L' else a}" for a in axes)
    shape_in = f"(N, C_in, {', '.join(axes)})"
    shape_out = f"(N, C_out, {', '.join(a + '_out' for a in axes)})"
    if transposed:
        summary = (f"Transposed {nd}-d convolution: ``{shape_in} -> {shape_out}``.\n\n"
                   f"The gradient of ``conv{nd}d`` with respect to its input.")
        stride = "the step in the output between consecutive input positions"
        rule = ("X_out = (X - 1) * stride - 2 * padding + dilation * (kX - 1) + output_padding"
                " + 1")
        weight = f"(C_in, C_out / groups, {kernel})"
        padding = ("padding: ``dilation * (k - 1) - padding`` implicit zeros on both sides:\n"
                   "    trims ``padding`` from both ends of each output axis (an int or tuple).\n"
                   "output_padding: extra size on one side of each output axis (an int or a\n"
                   "    tuple), smaller than ``stride`` or ``dilation``.")
        raises = ("RuntimeError: ``output_padding`` is not smaller than either ``stride`` or\n"
                  "    ``dilation`` along an axis (PyTorch's rule).\n"
                  "ValueError: a wrong input rank or channel count (``C_in`` from ``weight``).")
    else:
        summary = (f"{nd}-d convolution (cross-correlation, as PyTorch's): "
                   f"``{shape_in} -> {shape_out}``.")
        stride = "the step between windows"
        rule = "X_out = (X + 2 * padding - dilation * (kX - 1) - 1) // stride + 1"
        weight = f"(C_out, C_in / groups, {kernel})"
        padding = ("padding: zeros added on both sides of each spatial axis (an int or a\n"
                   "    tuple), or ``\"valid\"`` (none) or ``\"same\"`` (output as large as the\n"
                   "    input; stride 1 only).")
        raises = ("ValueError: a wrong input rank, channel count or padding string, or an input\n"
                  "    smaller than the dilated kernel.")
    padding, raises = textwrap.indent(padding, "    "), textwrap.indent(raises, "    ")
    return (f"{summary}\n\nAlong each spatial axis ``X``: ``{rule}``.\n\nArgs:\n"
            f"    input: ``{shape_in}``, or ``(C_in, {', '.join(axes)})`` unbatched.\n"
            f"    weight: ``{weight}``.\n    bias: optional ``(C_out,)``.\n"
            f"    stride: {stride}, an int or one per spatial axis.\n"
            f"{padding}\n    dilation: the spacing between kernel elements.\n"
            f"    groups: split the channels into this many independent groups (they divide\n"
            f"        ``C_in`` and ``C_out``).\n\nReturns:\n    ``{shape_out}`` of ``input``'s "
            f"dtype (unbatched for unbatched input).\n\nRaises:\n{raises}\n\n"
            f"Example:\n    >>> {example}\n    {result}\n")


def ntuple(value, n, name="argument", fn=None):
    """``value`` repeated ``n`` times, or ``value`` itself when it is a sequence of ``n``;
    integers only, at least 1 for sizes, strides and dilations, 0 for paddings."""
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ValueError(f"expected {name} to be a single int or a tuple of {n} ints, got "
                             f"{tuple(value)}")
        values = tuple(_integer(v, name, fn) for v in value)
    else:
        values = (_integer(value, name, fn),) * n
    least = _MINIMUM.get(name)
    if least is not None and any(v < least for v in values):
        what = "positive" if least else "non-negative"
        raise ValueError(f"{fn or name}: {name} must be {what}, got {value!r}"
                         + (" (negative padding is not supported)" if name == "padding" else ""))
    return values


def _integer(value, name, fn):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{fn or name}: {name} must be an int or a tuple of ints, got "
                        f"{value!r}") from None


def batched(x, nd, fn):
    if x.ndim == nd + 1:
        return x[None], True
    if x.ndim != nd + 2:
        raise ValueError(f"{fn}: expected a {nd + 1}-d (unbatched) or {nd + 2}-d (batched) "
                         f"input, got shape {tuple(x.shape)}")
    return x, False


def windows(x, kernel, stride, dilation):
    """``(N, C, *spatial)`` -> ``(N, C, *kernel, *out_sizes)``: every (strided, dilated)
    window of the spatial axes, as a zero-copy strided view.

    ``ft.sliding_window_view`` appends the window axes; moving them in front of the output
    positions (still a view) lets the copy that follows (a reshape), the reductions over
    the window axes and, backwards, each kernel offset's slice-add run on contiguous
    ``out_sizes`` blocks: NumPy reduces the tiny trailing window axes of a strided view
    ~20x slower.
    """
    nd = len(kernel)
    view = ft.sliding_window_view(x, kernel, axis=tuple(range(2, 2 + nd)), step=stride,
                                  dilation=dilation)
    return ft.permute(view, (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd)))


def _out_size(length, kernel, stride, dilation, fn):
    size = (length - dilation * (kernel - 1) - 1) // stride + 1
    if size < 1:
        raise ValueError(f"{fn}: the (padded) input size {length} is smaller than the dilated "
                         f"kernel size {dilation * (kernel - 1) + 1}")
    return size


def _conv_padding(padding, kernel, stride, dilation, nd, fn):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(f"{fn}: padding must be 'valid', 'same', an int or a tuple, got "
                             f"{padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in ntuple(padding, nd, "padding", fn))


def convnd(x, weight, bias, stride, padding, dilation, groups, nd, fn, padding_mode="zeros"):
    """The N-d convolution behind ``conv1d/2d/3d`` and the Conv layers; ``padding_mode``
    (``"zeros"``, ``"reflect"``, ``"replicate"``, ``"circular"``) pads as PyTorch's layers
    do: ``F.pad`` with that mode, then an unpadded convolution."""
    x, unbatched = batched(x, nd, fn)
    kernel = tuple(weight.shape[2:])
    stride, dilation = ntuple(stride, nd, "stride", fn), ntuple(dilation, nd, "dilation", fn)
    pads = _conv_padding(padding, kernel, stride, dilation, nd, fn)
    n, c = x.shape[:2]
    out_c = weight.shape[0]
    if c != weight.shape[1] * groups:
        raise ValueError(f"{fn}: expected input with {weight.shape[1] * groups} channels "
                         f"(weight {tuple(weight.shape)}, groups={groups}), got {c}")
    if any(p for pair in pads for p in pair):
        x = pad_spatial(x, pads, padding_mode, fn)
    out_sizes = tuple(_out_size(length, k, s, d, fn) for length, k, s, d
                      in zip(x.shape[2:], kernel, stride, dilation))
    cols = windows(x, kernel, stride, dilation)  # the reshape below is im2col's one copy
    per_group = (c // groups) * math.prod(kernel)
    cols = ft.reshape(cols, (n, groups, per_group, math.prod(out_sizes)))
    w = ft.reshape(weight, (groups, out_c // groups, per_group))
    out = ft.reshape(ft.matmul(w, cols), (n, out_c) + out_sizes)
    if bias is not None:
        out = out + ft.reshape(bias, (1, out_c) + (1,) * nd)
    return out[0] if unbatched else out


def conv1d(input: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Array:
    return convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


conv1d.__doc__ = conv_doc(
    1, False, "F.conv1d(ft.array([[[1.0, 2.0, 4.0]]]), ft.array([[[1.0, -1.0]]])).tolist()",
    "[[[-1.0, -2.0]]]")


def conv2d(input: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Array:
    return convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


conv2d.__doc__ = conv_doc(
    2, False, "F.conv2d(ft.ones((1, 1, 3, 3)), ft.ones((1, 1, 2, 2))).tolist()",
    "[[[[4.0, 4.0], [4.0, 4.0]]]]")


def conv3d(input: ArrayLike, weight: ArrayLike | None, bias: ArrayLike | None = None,
           stride: int | tuple[int, ...] | None = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Array:
    return convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


conv3d.__doc__ = conv_doc(  # 27 ones per window
    3, False, "F.conv3d(ft.ones((1, 1, 3, 3, 3)), ft.ones((2, 1, 3, 3, 3))).tolist()",
    "[[[[[27.0]]], [[[27.0]]]]]")


_OUTPUT_PADDING = ("{fn}: output padding must be smaller than either stride or dilation, but "
                   "got output_padding={output_padding}, stride={stride}, "
                   "dilation={dilation}")


def check_output_padding(output_padding, stride, dilation, fn):
    """PyTorch's rule: along each axis ``output_padding < stride or output_padding <
    dilation`` (otherwise the extra rows would not come from any input position)."""
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(_OUTPUT_PADDING.format(fn=fn, output_padding=output_padding,
                                                  stride=stride, dilation=dilation))


def output_padding_for(input_shape, output_size, stride, padding, kernel, dilation, fn):
    """The ``output_padding`` that makes a transposed convolution of an input of
    ``input_shape`` produce ``output_size`` (PyTorch's ``ConvTranspose.forward(x,
    output_size)``; ``output_size`` may include the batch and channel axes)."""
    nd = len(kernel)
    non_spatial = len(input_shape) - nd
    output_size = tuple(int(n) for n in output_size)
    if len(output_size) == non_spatial + nd:
        output_size = output_size[non_spatial:]
    if len(output_size) != nd:
        raise ValueError(f"{fn}: for {len(input_shape)}D input, output_size must have {nd} "
                         f"or {non_spatial + nd} elements (got {len(output_size)})")
    spatial = input_shape[non_spatial:]
    min_sizes = [(n - 1) * s - 2 * p + d * (k - 1) + 1
                 for n, s, p, k, d in zip(spatial, stride, padding, kernel, dilation)]
    max_sizes = [low + s - 1 for low, s in zip(min_sizes, stride)]
    if any(not low <= n <= high for n, low, high in zip(output_size, min_sizes, max_sizes)):
        raise ValueError(f"{fn}: requested an output size of {list(output_size)}, but valid "
                         f"sizes range from {min_sizes} to {max_sizes} (for an input of "
                         f"{list(spatial)})")
    return tuple(n - low for n, low in zip(output_size, min_sizes))


def conv_transpose2d(input: ArrayLike, weight: ArrayLike | None, bias: ArrayLike | None = None,
                     stride: int | tuple[int, ...] | None = 1,
                     padding: int | tuple[int, ...] | str = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Array:
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                          dilation, "conv_transpose2d")


conv_transpose2d.__doc__ = conv_doc(
    2, True, "F.conv_transpose2d(ft.ones((1, 1, 2, 2)), ft.ones((1, 1, 2, 2)), stride=2).shape",
    "(1, 1, 4, 4)")


def conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                   fn):
    """The 2-d case of ``conv_transpose_nd`` (the VJP of ``convnd``: ~10x faster than
    convolving a zero-dilated input, and it stages to one pattern for every rank, which
    the ONNX exporter turns into ``ConvTranspose``)."""
    from funtorch.nn.functional.conv_extra import conv_transpose_nd  # imports this module

    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 2, fn)
