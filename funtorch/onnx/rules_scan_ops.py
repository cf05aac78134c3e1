"""Lowering rules of the accumulations ONNX has no operator for, as a ``Scan`` along the
axis: ``cumprod`` (``c <- c * x[t]``) and ``linear_recurrence`` (``y <- b[t] + a[t] * y``,
from zero). Each step multiplies in order, as a sequential loop does."""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.registry import register_lowering


def _to_front(ctx, x, axis, ndim):
    perm = [axis] + [a for a in range(ndim) if a != axis]
    return (x, perm) if axis == 0 else (ctx.node("Transpose", [x], perm=perm), perm)


def _axis_scan(ctx, eqn, inputs, axis, init, step):
    """Scan ``inputs`` (same shape) along ``axis`` from a carry filled with ``init``;
    ``step(sub, carry, slices) -> new carry`` emits one step into the body."""
    from onnx import helper

    var = eqn.outputs[0]
    axis %= var.ndim
    dtype = onnx_dtype(var.dtype)
    moved = [_to_front(ctx, x, axis, var.ndim) for x in inputs]
    first = moved[0][0]
    fill = helper.make_tensor("fill", dtype, [1], [init])
    carry0 = ctx.node("ConstantOfShape", [ctx.node("Shape", [first], start=1)], value=fill)
    sub = ctx.subgraph()
    names = [sub.fresh("carry")] + [sub.fresh("x_t") for _ in inputs]
    new = step(sub, names[0], names[1:])
    outs = [sub.node("Identity", [new]), sub.node("Identity", [new])]
    infos = [helper.make_tensor_value_info(n, dtype, [None] * (var.ndim - 1)) for n in names]
    out_infos = [helper.make_tensor_value_info(n, dtype, [None] * (var.ndim - 1)) for n in outs]
    body = helper.make_graph(sub.nodes, sub.fresh("scan_body"), infos, out_infos)
    _, ys = ctx.node("Scan", [carry0] + [m for m, _ in moved], outputs=2, body=body,
                     num_scan_inputs=len(inputs))
    perm = moved[0][1]
    return ys if axis == 0 else ctx.node("Transpose", [ys], perm=[int(i) for i in np.argsort(perm)])


@register_lowering("cumprod")
def lower_cumprod(ctx, eqn, x):
    if eqn.inputs[0].dtype != eqn.outputs[0].dtype:
        x = ctx.node("Cast", [x], to=onnx_dtype(eqn.outputs[0].dtype))
    return _axis_scan(ctx, eqn, [x], eqn.params["axis"], 1,
                      lambda sub, carry, xs: sub.node("Mul", [carry, xs[0]]))


@register_lowering("linear_recurrence")
def lower_linear_recurrence(ctx, eqn, b, a):
    def step(sub, carry, xs):
        return sub.node("Add", [xs[0], sub.node("Mul", [xs[1], carry])])
    return _axis_scan(ctx, eqn, [b, a], eqn.params["axis"], 0, step)
