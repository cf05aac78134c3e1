"""Lowering rules of elementwise functions ONNX has no operator for, as short exact
compositions: erfc, logit, xlogy, xlog1py, hypot, cbrt, logaddexp2, arctan2, tie_split,
ldexp, signbit, ndtr."""

from __future__ import annotations

import math

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.registry import register_lowering


def _const(ctx, eqn, value):
    return ctx.const(value, eqn.outputs[0].dtype)


@register_lowering("erfc")
def lower_erfc(ctx, eqn, x):
    return ctx.node("Sub", [_const(ctx, eqn, 1), ctx.node("Erf", [x])])


@register_lowering("logit")
def lower_logit(ctx, eqn, x):
    odds = ctx.node("Div", [x, ctx.node("Sub", [_const(ctx, eqn, 1), x])])
    return ctx.node("Log", [odds])


@register_lowering("xlogy", "xlog1py")
def lower_xlogy(ctx, eqn, x, y):
    """``x * log(y)`` (``log(1 + y)``), and 0 where ``x == 0`` (even for ``y == 0``)."""
    if eqn.prim.name == "xlog1py":
        y = ctx.node("Add", [y, _const(ctx, eqn, 1)])
    product = ctx.node("Mul", [x, ctx.node("Log", [y])])
    zero = _const(ctx, eqn, 0)
    return ctx.node("Where", [ctx.node("Equal", [x, zero]), zero, product])


@register_lowering("hypot")
def lower_hypot(ctx, eqn, x, y):
    squares = ctx.node("Add", [ctx.node("Mul", [x, x]), ctx.node("Mul", [y, y])])
    return ctx.node("Sqrt", [squares])


@register_lowering("cbrt")
def lower_cbrt(ctx, eqn, x):
    root = ctx.node("Pow", [ctx.node("Abs", [x]), _const(ctx, eqn, 1.0 / 3.0)])
    return ctx.node("Mul", [ctx.node("Sign", [x]), root])


@register_lowering("logaddexp2")
def lower_logaddexp2(ctx, eqn, x, y):
    """max(x, y) + log2(1 + 2^-|x - y|)."""
    gap = ctx.node("Neg", [ctx.node("Abs", [ctx.node("Sub", [x, y])])])
    one_plus = ctx.node("Add", [ctx.node("Pow", [_const(ctx, eqn, 2), gap]), _const(ctx, eqn, 1)])
    log2 = ctx.node("Div", [ctx.node("Log", [one_plus]), _const(ctx, eqn, math.log(2.0))])
    return ctx.node("Add", [ctx.node("Max", [x, y]), log2])


@register_lowering("arctan2")
def lower_arctan2(ctx, eqn, y, x):
    """atan(y / x), moved by ±pi where x < 0; ±pi/2 where x == 0 (0 at the origin)."""
    zero, pi = _const(ctx, eqn, 0), _const(ctx, eqn, math.pi)
    base = ctx.node("Atan", [ctx.node("Div", [y, x])])
    shift = ctx.node("Where", [ctx.node("GreaterOrEqual", [y, zero]), pi, ctx.node("Neg", [pi])])
    left = ctx.node("Where", [ctx.node("Less", [x, zero]), ctx.node("Add", [base, shift]), base])
    on_axis = ctx.node("Mul", [ctx.node("Sign", [y]), _const(ctx, eqn, math.pi / 2)])
    return ctx.node("Where", [ctx.node("Equal", [x, zero]), on_axis, left])


@register_lowering("device_put")
def lower_device_put(ctx, eqn, x):
    return x


@register_lowering("tie_split")
def lower_tie_split(ctx, eqn, x, y):
    """1 where x > y, 0.5 where x == y, 0 elsewhere."""
    to = onnx_dtype(eqn.outputs[0].dtype)
    wins = ctx.node("Cast", [ctx.node("Greater", [x, y])], to=to)
    ties = ctx.node("Cast", [ctx.node("Equal", [x, y])], to=to)
    return ctx.node("Add", [wins, ctx.node("Mul", [ties, _const(ctx, eqn, 0.5)])])


@register_lowering("ldexp")
def lower_ldexp(ctx, eqn, x, exponent):
    """x * 2**n (exact: a power of two)."""
    power = ctx.node("Pow", [_const(ctx, eqn, 2), ctx.node("Cast", [exponent], to=onnx_dtype(
        eqn.outputs[0].dtype))])
    return ctx.node("Mul", [x, power])


@register_lowering("signbit")
def lower_signbit(ctx, eqn, x):
    """x < 0, or x is -0.0 (its reciprocal is -inf)."""
    zero = ctx.const(0, eqn.inputs[0].dtype)
    negative_zero = ctx.node("And", [ctx.node("Equal", [x, zero]),
                                     ctx.node("Less", [ctx.node("Reciprocal", [x]), zero])])
    return ctx.node("Or", [ctx.node("Less", [x, zero]), negative_zero])


@register_lowering("ndtr")
def lower_ndtr(ctx, eqn, x):
    """The standard normal CDF, (1 + erf(x / sqrt 2)) / 2."""
    scaled = ctx.node("Mul", [x, _const(ctx, eqn, math.sqrt(0.5))])
    one_plus = ctx.node("Add", [_const(ctx, eqn, 1), ctx.node("Erf", [scaled])])
    return ctx.node("Mul", [one_plus, _const(ctx, eqn, 0.5)])
