"""Lowering rules of the fused transformer primitives: ``fused_attention`` becomes
``MatMul``/``Softmax``/``MatMul`` and ``layer_norm`` ONNX's ``LayerNormalization``."""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.registry import register_lowering
from funtorch.onnx.rules_reduce import reduce

try:
    from funtorch.nn.functional.attention_fused import fused_attention_p
except ImportError:  # an older funtorch without the fused primitive
    fused_attention_p = None
try:
    from funtorch.nn.normalization_fused import layer_norm_p
except ImportError:
    layer_norm_p = None


def lower_fused_attention(ctx, eqn, q, k, v, mask):
    """``weights = Softmax(q k^T * scale + mask)``, ``out = weights v``."""
    q_var, k_var, _, mask_var = eqn.inputs
    dtype = q_var.dtype
    perm = list(range(k_var.ndim - 2)) + [k_var.ndim - 1, k_var.ndim - 2]
    scores = ctx.node("MatMul", [q, ctx.node("Transpose", [k], perm=perm)])
    scores = ctx.node("Mul", [scores, ctx.const(eqn.params["scale"], dtype)])
    if not _is_zero_scalar(mask_var, ctx):
        scores = ctx.node("Add", [scores, mask])
    weights = ctx.node("Softmax", [scores], axis=-1)
    return ctx.node("MatMul", [weights, v]), weights


def _is_zero_scalar(var, ctx):
    """The default mask: a 0-d zero constant (nothing to add)."""
    value = ctx.const_values.get(id(var))
    return value is not None and np.ndim(value) == 0 and value == 0


def lower_layer_norm(ctx, eqn, x, weight, bias):
    """ONNX ``LayerNormalization`` over the trailing ``ndim`` axes; its Mean and InvStdDev
    outputs are torch's ``mean``/``rstd`` (statistics in float32 for half precision)."""
    x_var = eqn.inputs[0]
    stash = eqn.outputs[1].dtype
    ndim = eqn.params["ndim"]
    if stash != np.float32:  # ONNX keeps the statistics in float32 (or bfloat16) only
        return _layer_norm_by_steps(ctx, eqn, x, weight, bias)
    return ctx.node("LayerNormalization", [x, weight, bias], outputs=3,
                    axis=x_var.ndim - ndim, epsilon=float(eqn.params["eps"]),
                    stash_type=onnx_dtype(stash))


def _layer_norm_by_steps(ctx, eqn, x, weight, bias):
    """The float64 layer norm as mean, variance and scaling (same results and dtypes)."""
    x_var, ndim = eqn.inputs[0], eqn.params["ndim"]
    dtype = x_var.dtype
    axes = list(range(x_var.ndim - ndim, x_var.ndim))
    mean = reduce(ctx, "ReduceMean", x, axes, True)
    centered = ctx.node("Sub", [x, mean])
    var = reduce(ctx, "ReduceMean", ctx.node("Mul", [centered, centered]), axes, True)
    shifted = ctx.node("Add", [var, ctx.const(eqn.params["eps"], dtype)])
    rstd = ctx.node("Reciprocal", [ctx.node("Sqrt", [shifted])])
    out = ctx.node("Add", [ctx.node("Mul", [ctx.node("Mul", [centered, rstd]), weight]), bias])
    return out, mean, rstd


if fused_attention_p is not None:
    register_lowering(fused_attention_p)(lower_fused_attention)
if layer_norm_p is not None:
    register_lowering(layer_norm_p)(lower_layer_norm)
