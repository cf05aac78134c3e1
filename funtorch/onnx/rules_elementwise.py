"""Lowering rules: elementwise math, comparisons, logic, ``where`` and ``convert``."""

from __future__ import annotations

import math

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.patterns import log_softmax_input, softmax_input
from funtorch.onnx.registry import UnsupportedPrimitiveError, register_lowering

# primitive -> the ONNX operator computing it on the same inputs
_SAME = {
    "abs": "Abs", "neg": "Neg", "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "sin": "Sin",
    "cos": "Cos", "tan": "Tan", "sinh": "Sinh", "cosh": "Cosh", "tanh": "Tanh",
    "arcsin": "Asin", "arccos": "Acos", "arctan": "Atan", "arcsinh": "Asinh",
    "arccosh": "Acosh", "arctanh": "Atanh", "sigmoid": "Sigmoid", "relu": "Relu", "erf": "Erf",
    "floor": "Floor", "ceil": "Ceil", "round": "Round", "sign": "Sign",
    "reciprocal": "Reciprocal", "isnan": "IsNaN", "isinf": "IsInf",
    "mul": "Mul", "pow": "Pow", "maximum": "Max", "minimum": "Min",
    "eq": "Equal", "lt": "Less", "le": "LessOrEqual", "gt": "Greater", "ge": "GreaterOrEqual",
    "where": "Where",
}
# primitives whose ONNX operators onnxruntime (1.32) runs in float32 only (no float64
# kernel for Asin, Erf, Det, ...): the exported float64 model is valid ONNX, which
# onnx.reference runs, but onnxruntime refuses to load it (a sorted tuple: a stable repr)
ORT_FLOAT32_ONLY = ("arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh",
                    "cosh", "det", "erf", "erfc", "ndtr", "sinh", "tan")
# bitwise primitives on bool (logical operators) and on integers (opset 18)
_BITWISE = {"bitwise_and": ("And", "BitwiseAnd"), "bitwise_or": ("Or", "BitwiseOr"),
            "bitwise_xor": ("Xor", "BitwiseXor"), "invert": ("Not", "BitwiseNot")}


def _same_op(op_type):
    def rule(ctx, eqn, *inputs):
        return ctx.node(op_type, inputs)
    rule.__name__ = f"lower_{op_type.lower()}"
    return rule


for _name, _op in _SAME.items():
    register_lowering(_name)(_same_op(_op))


def _cast_to_out(ctx, eqn, inputs):
    """Cast integer/bool inputs to the (float) output dtype, as the primitive does."""
    dtype = eqn.outputs[0].dtype
    return [x if in_dtype == dtype else ctx.node("Cast", [x], to=onnx_dtype(dtype))
            for x, in_dtype in zip(inputs, ctx.input_dtypes())]


def lower_add_plain(ctx, eqn, x, y):
    return ctx.node("Add", [x, y])


@register_lowering(*_BITWISE)
def lower_bitwise(ctx, eqn, *inputs):
    logical, bitwise = _BITWISE[eqn.prim.name]
    if eqn.outputs[0].dtype.kind == "b":
        return ctx.node(logical, inputs)
    if ctx.opset < 18:
        raise UnsupportedPrimitiveError(f"onnx.export: integer `{eqn.prim.name}` needs "
                                        f"opset 18 ({bitwise}), got opset {ctx.opset}")
    return ctx.node(bitwise, inputs)


@register_lowering("div")
def lower_div(ctx, eqn, x, y):
    """Division; the end of a softmax decomposition becomes ``Softmax``."""
    source, axis = softmax_input(ctx, eqn)
    if source is not None:
        return ctx.node("Softmax", [ctx.names[id(source)]], axis=axis)
    return ctx.node("Div", _cast_to_out(ctx, eqn, [x, y]))


@register_lowering("sub")
def lower_sub(ctx, eqn, x, y):
    """Subtraction; the end of a log_softmax decomposition becomes ``LogSoftmax``."""
    source, axis = log_softmax_input(ctx, eqn)
    if source is not None:
        return ctx.node("LogSoftmax", [ctx.names[id(source)]], axis=axis)
    return ctx.node("Sub", [x, y])


@register_lowering("stop_gradient")
def lower_identity(ctx, eqn, x):
    return x


@register_lowering("convert")
def lower_convert(ctx, eqn, x):
    return ctx.node("Cast", [x], to=onnx_dtype(eqn.params["dtype"]))


@register_lowering("ne")
def lower_ne(ctx, eqn, x, y):
    return ctx.node("Not", [ctx.node("Equal", [x, y])])


@register_lowering("isfinite")
def lower_isfinite(ctx, eqn, x):
    if eqn.inputs[0].dtype.kind != "f":
        return ctx.node("Not", [ctx.node("Equal", [x, x])])  # all True, with x's shape
    bad = ctx.node("Or", [ctx.node("IsNaN", [x]), ctx.node("IsInf", [x])])
    return ctx.node("Not", [bad])


@register_lowering("square")
def lower_square(ctx, eqn, x):
    return ctx.node("Mul", [x, x])


def _const_like(ctx, eqn, value):
    return ctx.const(value, eqn.outputs[0].dtype)


@register_lowering("expm1")
def lower_expm1(ctx, eqn, x):
    return ctx.node("Sub", [ctx.node("Exp", [x]), _const_like(ctx, eqn, 1)])


@register_lowering("log1p")
def lower_log1p(ctx, eqn, x):
    return ctx.node("Log", [ctx.node("Add", [x, _const_like(ctx, eqn, 1)])])


@register_lowering("log2", "log10")
def lower_log_base(ctx, eqn, x):
    (x,) = _cast_to_out(ctx, eqn, [x])
    base = 2.0 if eqn.prim.name == "log2" else 10.0
    return ctx.node("Div", [ctx.node("Log", [x]), _const_like(ctx, eqn, math.log(base))])


@register_lowering("exp2")
def lower_exp2(ctx, eqn, x):
    (x,) = _cast_to_out(ctx, eqn, [x])
    return ctx.node("Pow", [_const_like(ctx, eqn, 2), x])


@register_lowering("logaddexp")
def lower_logaddexp(ctx, eqn, x, y):
    """max(x, y) + log(1 + exp(-|x - y|)), NumPy's formula (no overflow)."""
    top = ctx.node("Max", [x, y])
    gap = ctx.node("Neg", [ctx.node("Abs", [ctx.node("Sub", [x, y])])])
    one_plus = ctx.node("Add", [ctx.node("Exp", [gap]), _const_like(ctx, eqn, 1)])
    return ctx.node("Add", [top, ctx.node("Log", [one_plus])])


@register_lowering("fmod")
def lower_fmod(ctx, eqn, x, y):
    return ctx.node("Mod", [x, y], fmod=1)


@register_lowering("mod", "floor_divide")
def lower_floor_mod(ctx, eqn, x, y):
    """Python's floored division and remainder (the sign of ``y``)."""
    if eqn.outputs[0].dtype.kind != "f":  # Mod(fmod=0) is Python's remainder on integers
        remainder = ctx.node("Mod", [x, y], fmod=0)
        if eqn.prim.name == "mod":
            return remainder
        return ctx.node("Div", [ctx.node("Sub", [x, remainder]), y])  # exact: no rounding
    quotient = ctx.node("Floor", [ctx.node("Div", [x, y])])
    if eqn.prim.name == "floor_divide":
        return quotient
    return ctx.node("Sub", [x, ctx.node("Mul", [quotient, y])])
