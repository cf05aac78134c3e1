"""``scan`` -> the ONNX ``Scan`` operator, its body lowered into a subgraph.

This is how recurrent layers export: ``nn.RNN``/``LSTM``/``GRU`` run their time loop
through ``ft.scan``, so their weights, gate order and nonlinearities are the body's own
equations and need no conversion (PyTorch's exporter, by contrast, must reorder its
gates into ONNX's ``LSTM``/``GRU``).

The body is lowered by the same loop as the outer graph, into a child
:class:`LoweringContext` sharing the name counter (names stay unique across scopes). The
loop constants of ``scan`` (values the step reads without receiving them) travel as extra
loop-carried states passed through unchanged, so the body refers to no outer-scope
names (the exporter's dead-node pass sees every use). ``reverse=True`` scans and stacks
backwards (``scan_input_directions``/``scan_output_directions`` 1), which is ``ft.scan``'s
order: ``ys[i]`` belongs to ``xs[i]``.
"""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import LoweringContext, onnx_dtype
from funtorch.onnx.lowering import align, lower_graph
from funtorch.onnx.passes import remove_dead_nodes
from funtorch.onnx.registry import register_lowering
from funtorch.transforms.scan_primitive import scan_p

__all__ = ["lower_scan"]


def _child(ctx, eqn, body):
    """A context for the body, its shapes paired with the second staging's body."""
    child = LoweringContext(ctx.opset)
    child._count = ctx._count
    child.sources, child.state, child.taken = ctx.sources, ctx.state, ctx.taken
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        align(child, body, alt_eqn.params["body"].graph, body.name)
    return child


def _info(ctx, name, var):
    from onnx import helper

    dims = [None if ctx.is_dynamic(var, axis) else size for axis, size in enumerate(var.shape)]
    return helper.make_tensor_value_info(name, onnx_dtype(var.dtype), dims)


def _body_graph(ctx, eqn, num_consts, dummy):
    """The ONNX body: states ``(*consts, *carry)``, scan inputs ``xs`` (or one dummy step
    index when ``scan`` has no ``xs``), outputs ``(*consts, *new carry, *ys)``."""
    from onnx import helper

    body = eqn.params["body"].graph
    child = _child(ctx, eqn, body)
    in_names = [child.fresh("body_in") for _ in body.invars]
    results = lower_graph(child, body, in_names)
    passed = in_names[:num_consts] + results
    out_names = [child.fresh("body_out") for _ in passed]
    for source, name in zip(passed, out_names):
        child.nodes.append(helper.make_node("Identity", [source], [name], name=child.fresh("n")))
    nodes = remove_dead_nodes(child.nodes, out_names)
    used = {name for node in nodes for name in node.input}
    constants = [helper.make_node("Constant", [], [t.name], value=t, name=child.fresh("n"))
                 for t in child.initializers if t.name in used]
    inputs = [_info(child, n, v) for n, v in zip(in_names, body.invars)]
    if dummy:
        inputs.append(helper.make_tensor_value_info(child.fresh("step"), onnx_dtype(np.int64),
                                                    []))
    out_vars = body.invars[:num_consts] + body.outvars
    outputs = [_info(child, n, v) for n, v in zip(out_names, out_vars)]
    ctx._count = child._count
    return helper.make_graph(constants + nodes, ctx.fresh(body.name or "body"), inputs,
                             outputs)


@register_lowering(scan_p)
def lower_scan(ctx, eqn, *inputs):
    """``scan(*consts, *init, *xs)`` -> ``Scan`` (see the module docstring)."""
    params = eqn.params
    num_consts, num_carry = params["num_consts"], params["num_carry"]
    num_xs = len(inputs) - num_consts - num_carry
    num_ys = len(eqn.outputs) - num_carry
    scan_inputs = list(inputs)
    if num_xs == 0:  # ONNX takes the trip count from the scan inputs: give it one
        scan_inputs.append(ctx.const(np.arange(params["length"], dtype=np.int64)))
    direction = int(bool(params["reverse"]))
    graph = _body_graph(ctx, eqn, num_consts, dummy=num_xs == 0)
    total = num_consts + len(eqn.outputs)
    results = ctx.node("Scan", scan_inputs, outputs=total, body=graph,
                       num_scan_inputs=max(num_xs, 1),
                       scan_input_directions=[direction] * max(num_xs, 1),
                       scan_output_directions=[direction] * num_ys)
    results = (results,) if total == 1 else results
    return tuple(results[num_consts:])
