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
    if ctx.is_static_shape(out) or 0 in out.shape:
        target = ctx.shape_of(out, infer_one=True)
        return ctx.node("Reshape", [x, target], allowzero=int(0 in out.shape))
    return ctx.node("Reshape", [x, ctx.ints(_target(ctx, eqn.inputs[0], out))])


def _target(ctx, x_var, out):
    """The Reshape target: a dynamic size kept in place is 0 (copied from the input), one
    read at run time otherwise, and -1 for the one size no tensor carries."""
    x_alt, out_alt = ctx.alt_shape(x_var), ctx.alt_shape(out)
    target, unknown = [], False
    for axis, (size, alt) in enumerate(zip(out.shape, out_alt)):
        if size == alt:
            target.append(size)
        elif axis < x_var.ndim and (x_var.shape[axis], x_alt[axis]) == (size, alt):
            target.append(0)
        else:
            dim = ctx.dim(out, axis)
            if dim is None and unknown:
                ctx.shape_of(out, infer_one=True)  # raises: two sizes no tensor carries
            target.append(-1 if dim is None else dim)
            unknown = unknown or dim is None
    return target


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
