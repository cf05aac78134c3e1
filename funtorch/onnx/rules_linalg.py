"""Lowering rules: ``matmul`` (``Gemm`` for ``x @ W.T`` with a 2-D ``x``, the pattern of
``Linear``, with the bias folded in by the ``add`` that follows), ``einsum``, ``det``
and ``argsort`` (``TopK``)."""

from __future__ import annotations

from funtorch.onnx.registry import register_lowering
from funtorch.onnx.rules_elementwise import lower_add_plain


def _transposed_weight(ctx, name, var):
    """The un-transposed matrix when ``name`` is ``Transpose(W, perm=[1, 0])``."""
    node = ctx.producers.get(name)
    if node is None or node.op_type != "Transpose" or var.ndim != 2:
        return None
    perm = [a.ints for a in node.attribute if a.name == "perm"][0]
    return node.input[0] if list(perm) == [1, 0] else None


@register_lowering("matmul")
def lower_matmul(ctx, eqn, x, y):
    x_var, y_var = eqn.inputs
    weight = _transposed_weight(ctx, y, y_var)
    if x_var.ndim == 2 and x_var.dtype.kind == "f" and weight is not None:
        out = ctx.node("Gemm", [x, weight], transB=1)
        ctx.gemms[out] = eqn.outputs[0]
        return out
    return ctx.node("MatMul", [x, y])


@register_lowering("add")
def lower_add(ctx, eqn, x, y):
    """``Gemm(x, W) + b`` with a bias ``b`` of shape (N,) or (1, N) becomes one Gemm."""
    for gemm_out, bias, bias_var in ((x, y, eqn.inputs[1]), (y, x, eqn.inputs[0])):
        var = ctx.gemms.get(gemm_out)
        if var is None or ctx.uses.get(id(var)) != 1 or not hasattr(bias_var, "shape"):
            continue
        node = ctx.producers[gemm_out]
        if bias_var.ndim <= 2 and bias_var.shape[-1:] == var.shape[-1:] and (
                bias_var.ndim < 2 or bias_var.shape[0] == 1) and _defined_before(ctx, bias, node):
            node.input.append(bias)
            return gemm_out
    return lower_add_plain(ctx, eqn, x, y)


def _defined_before(ctx, name, node):
    """``name`` is an input or initializer, or a node before ``node`` writes it (so the
    rewritten node still reads only values defined before it)."""
    producer = ctx.producers.get(name)
    if producer is None:
        return True
    position = {id(n): i for i, n in enumerate(ctx.nodes)}
    return position.get(id(producer), len(ctx.nodes)) < position.get(id(node), -1)


@register_lowering("einsum")
def lower_einsum(ctx, eqn, *operands):
    inputs, output = eqn.params["spec"]
    return ctx.node("Einsum", list(operands), equation=f"{','.join(inputs)}->{output}")


@register_lowering("det")
def lower_det(ctx, eqn, x):
    return ctx.node("Det", [x])


@register_lowering("argsort")
def lower_argsort(ctx, eqn, x):
    """Ascending ``TopK`` over the whole axis (ties keep the lower index first, as a
    stable sort)."""
    axis = eqn.params["axis"] % eqn.inputs[0].ndim
    _, indices = ctx.node("TopK", [x, ctx.dim(eqn.inputs[0], axis)], outputs=2, axis=axis,
                          largest=0, sorted=1)
    return indices
