"""Lowering rules: reductions (sum, prod, max, min, any, all), argmax/argmin, cumsum."""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive
from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.registry import register_lowering

_REDUCE = {"sum": "ReduceSum", "prod": "ReduceProd", "max": "ReduceMax", "min": "ReduceMin",
           "logsumexp": "ReduceLogSumExp"}


def _axes(eqn):
    axis = eqn.params.get("axis")
    ndim = eqn.inputs[0].ndim
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if isinstance(axis, int) else axis
    return tuple(sorted(a % ndim for a in axis))


def cast_to_result(ctx, eqn, x):
    """``x`` as the result's dtype (sums of ints and bools accumulate in int64)."""
    dtype = eqn.outputs[0].dtype
    if eqn.inputs[0].dtype == dtype:
        return x
    return ctx.node("Cast", [x], to=onnx_dtype(dtype))


def reduce(ctx, op_type, x, axes, keepdims):
    """``op_type`` over ``axes`` (axes as an input from opset 18, ReduceSum from 13)."""
    if not axes:
        return ctx.node("Identity", [x])
    if op_type == "ReduceSum" or ctx.opset >= 18:
        return ctx.node(op_type, [x, ctx.ints(axes)], keepdims=int(keepdims))
    return ctx.node(op_type, [x], axes=list(axes), keepdims=int(keepdims))


@register_lowering(*[name for name in _REDUCE if name in Primitive.registry])
def lower_reduce(ctx, eqn, x):
    x = cast_to_result(ctx, eqn, x)
    return reduce(ctx, _REDUCE[eqn.prim.name], x, _axes(eqn), eqn.params.get("keepdims", False))


@register_lowering("any", "all")
def lower_any_all(ctx, eqn, x):
    """Reduce the truth values as int8 (max for any, min for all) and cast back."""
    if eqn.inputs[0].dtype.kind != "b":
        x = ctx.node("Not", [ctx.node("Equal", [x, ctx.const(0, eqn.inputs[0].dtype)])])
    flags = ctx.node("Cast", [x], to=onnx_dtype(np.int32))
    op_type = "ReduceMax" if eqn.prim.name == "any" else "ReduceMin"
    out = reduce(ctx, op_type, flags, _axes(eqn), eqn.params.get("keepdims", False))
    return ctx.node("Cast", [out], to=onnx_dtype(np.bool_))


@register_lowering("argmax", "argmin")
def lower_argmax(ctx, eqn, x):
    """ArgMax/ArgMin (first occurrence, as NumPy); ``axis=None`` flattens first."""
    op_type = "ArgMax" if eqn.prim.name == "argmax" else "ArgMin"
    axis, keepdims = eqn.params["axis"], eqn.params.get("keepdims", False)
    if axis is None:
        flat = ctx.node("Reshape", [x, ctx.ints([-1])])
        out = ctx.node(op_type, [flat], axis=0, keepdims=0)
        return ctx.node("Reshape", [out, ctx.ints(eqn.outputs[0].shape)])
    return ctx.node(op_type, [x], axis=axis % eqn.inputs[0].ndim, keepdims=int(keepdims),
                    select_last_index=0)


@register_lowering("cumsum")
def lower_cumsum(ctx, eqn, x):
    axis = ctx.const(np.int64(eqn.params["axis"]))
    return ctx.node("CumSum", [cast_to_result(ctx, eqn, x), axis])
