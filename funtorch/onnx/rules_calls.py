"""Lowering rules of call primitives: the inner program is inlined into the graph.

``call_jit`` carries its staged graph; ``custom_vjp``, ``custom_jvp`` and ``checkpoint``
carry a Python function, staged here on the equation's input shapes (twice when dynamic
axes are in play, as the outer function is). Only the forward computation is exported.
"""

from __future__ import annotations

import numpy as np

from funtorch import ops, tree
from funtorch.onnx.lowering import align, initializer, lower_graph
from funtorch.onnx.registry import register_lowering
from funtorch.onnx.staging import stage_for_export
from funtorch.transforms.checkpoint import checkpoint_call_p
from funtorch.transforms.custom import custom_jvp_call_p, custom_vjp_call_p
from funtorch.transforms.graph import Literal
from funtorch.transforms.jit import call_jit_p


@register_lowering(call_jit_p)
def lower_call_jit(ctx, eqn, *inputs):
    graph = eqn.params["program"].graph
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        align(ctx, graph, alt_eqn.params["program"].graph, graph.name)
    return tuple(lower_graph(ctx, graph, list(inputs)))


def _stage_inner(ctx, fun, values, name):
    """Stage ``fun`` on abstract values like ``values`` (Vars, Literals)."""
    avals = [ops.asarray(v.value) if isinstance(v, Literal) else v for v in values]
    weak = [isinstance(v, Literal) for v in values]
    in_tree = tree.flatten(tuple(range(len(avals))))[1]
    staged, graph, sources = stage_for_export(fun, avals, in_tree, name, weak)
    ctx.sources.update(sources)
    return staged, graph


@register_lowering(custom_vjp_call_p, custom_jvp_call_p, checkpoint_call_p)
def lower_call_fun(ctx, eqn, *inputs):
    fun = eqn.params["fun"]
    name = getattr(fun, "__name__", eqn.prim.name)
    staged, graph = _stage_inner(ctx, fun, eqn.inputs, name)
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        alt_values = [_AltVar(v, ctx.alt_shape(v)) if hasattr(v, "shape") else v
                      for v in eqn.inputs]
        align(ctx, graph, _stage_inner(ctx, fun, alt_values, name)[1], name)
    box_names = [initializer(ctx, ctx.state.get(id(box), f"param_{i}"), box._buf)
                 for i, box in enumerate(staged.boxes)]
    names = [ctx.const(v.value, np.asarray(v.value).dtype) if isinstance(v, Literal) else n
             for n, v in zip(inputs, eqn.inputs)]
    return tuple(lower_graph(ctx, graph, names + box_names))


class _AltVar:
    """An abstract value with another shape (the second staging's)."""

    def __init__(self, var, shape):
        self.shape, self.dtype, self.device = tuple(shape), var.dtype, var.device
        self.ndim = len(self.shape)
