"""Lowering rules: reshape, transpose, broadcast, concatenate, split, pad, flip."""

from __future__ import annotations

import numpy as np

from funtorch.onnx.registry import register_lowering

INT64_MIN = np.iinfo(np.int64).min


@register_lowering("reshape")
def lower_reshape(ctx, eqn, x):
    """Reshape to the result's shape; dynamic sizes come from ``Shape`` (or -1 for one
    that no tensor carries, e.g. a flattened batch)."""
    out = eqn.outputs[0]
    target = ctx.shape_of(out, infer_one=True)
    zero = ctx.is_static_shape(out) and 0 in out.shape
    return ctx.node("Reshape", [x, target], allowzero=int(zero))


@register_lowering("transpose")
def lower_transpose(ctx, eqn, x):
    return ctx.node("Transpose", [x], perm=list(eqn.params["perm"]))


@register_lowering("broadcast_to")
def lower_broadcast_to(ctx, eqn, x):
    return ctx.node("Expand", [x, ctx.shape_of(eqn.outputs[0])])


@register_lowering("concatenate")
def lower_concatenate(ctx, eqn, *xs):
    return ctx.node("Concat", list(xs), axis=eqn.params["axis"] % eqn.outputs[0].ndim)


def slice_axis(ctx, x, axis, start, stop, step=1):
    """``x[start:stop:step]`` along ``axis`` (ONNX Slice clamps like Python)."""
    return ctx.node("Slice", [x, ctx.ints([start]), ctx.ints([stop]), ctx.ints([axis]),
                              ctx.ints([step])])


@register_lowering("split")
def lower_split(ctx, eqn, x):
    """One Slice per piece, between NumPy's split points (clamped to the axis)."""
    axis = eqn.params["axis"] % eqn.inputs[0].ndim
    size = eqn.inputs[0].shape[axis]
    bounds = [0] + [min(max(i, 0), size) for i in eqn.params["indices"]] + [size]
    return tuple(slice_axis(ctx, x, axis, lo, max(lo, hi)) for lo, hi in zip(bounds, bounds[1:]))


@register_lowering("flip")
def lower_flip(ctx, eqn, x):
    axes = [a % eqn.inputs[0].ndim for a in eqn.params["axis"]]
    count = len(axes)
    return ctx.node("Slice", [x, ctx.ints([-1] * count), ctx.ints([INT64_MIN] * count),
                              ctx.ints(axes), ctx.ints([-1] * count)])


@register_lowering("pad")
def lower_pad(ctx, eqn, x):
    """One ``Pad`` when every side pads with the same value, else one per (axis, side)
    in NumPy's order (later axes fill the corners)."""
    widths, values = eqn.params["widths"], eqn.params["values"]
    ndim, dtype = eqn.inputs[0].ndim, eqn.outputs[0].dtype
    if len({v for pair in values for v in pair}) == 1:
        pads = [w[0] for w in widths] + [w[1] for w in widths]
        return ctx.node("Pad", [x, ctx.ints(pads), ctx.const(values[0][0], dtype)])
    for axis, (pair, fills) in enumerate(zip(widths, values)):
        for side in (0, 1):
            if pair[side]:
                pads = [0] * (2 * ndim)
                pads[axis + side * ndim] = pair[side]
                x = ctx.node("Pad", [x, ctx.ints(pads), ctx.const(fills[side], dtype)])
    return x
